/** docs/language.md documents every word the lowering accepts and every diagnostic code. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ACTIVATIONS, DECAYS, INIT_ALIASES, INITS, LOSSES, OPTIMIZERS, REGULARIZE_OPTIONS, SCHEDULE_OPTIONS, STATEMENT_WORDS, TRAIN_OPTIONS } from "../../src/ir/vocabulary.js";

const root = join(import.meta.dirname, "../..");
const doc = readFileSync(join(root, "docs/language.md"), "utf8");

describe("docs/language.md", () => {
  const words = [
    ...STATEMENT_WORDS,
    ...Object.keys(ACTIVATIONS),
    ...Object.keys(LOSSES),
    ...OPTIMIZERS,
    ...DECAYS,
    ...INITS,
    ...Object.keys(INIT_ALIASES),
    ...SCHEDULE_OPTIONS,
    ...REGULARIZE_OPTIONS,
    ...TRAIN_OPTIONS,
    "beta1",
    "beta2",
    "eps",
    "weight_decay",
    "nesterov",
    "clip",
    "alpha",
  ];
  for (const w of new Set(words)) it(`documents \`${w}\``, () => expect(doc).toContain(`\`${w}`));

  it("documents every diagnostic code that the sources define", () => {
    const codes = new Set<string>();
    for (const dir of ["src/syntax", "src/ir", "src/check", "src/sweep"]) {
      for (const f of readdirSync(join(root, dir))) {
        if (!f.endsWith("messages.ts")) continue;
        for (const m of readFileSync(join(root, dir, f), "utf8").matchAll(/"([EW]\d{4})"/g)) codes.add(m[1]!);
      }
    }
    expect(codes.size).toBeGreaterThan(30);
    for (const c of codes) expect(doc).toContain(`| ${c} |`);
  });
});
