/**
 * Baselines of bad programs (TypeScript's tests/baselines style): every cases/NAME.mlp has its
 * rendered diagnostics in cases/NAME.errors.txt. A case named after a code (E0214-...) must
 * report that code, so a baseline cannot silently accept the wrong error.
 * Accept new baselines with `npm run accept`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expectGolden } from "../support/golden.js";
import { describe, expect, it } from "vitest";
import { analyze, renderDiagnostics } from "../../src/index.js";

const dir = join(import.meta.dirname, "cases");
const cases = readdirSync(dir).filter((f) => f.endsWith(".mlp")).sort();

describe("diagnostic baselines", () => {
  it("has at least 30 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const file of cases) {
    const name = file.replace(/\.mlp$/, "");
    it(name, async () => {
      const source = readFileSync(join(dir, file), "utf8");
      const { ir, diagnostics } = analyze(source);
      const code = /^([EW]\d{4})-/.exec(name)?.[1];
      if (code !== undefined) expect(diagnostics.map((d) => d.code)).toContain(code);
      if (code?.startsWith("E") || code === undefined) expect(ir).toBeNull();
      else expect(ir).not.toBeNull(); // warnings never stop compilation
      await expectGolden(renderDiagnostics(diagnostics, `cases/${file}`, source), join(dir, `${name}.errors.txt`));
    });
  }
});
