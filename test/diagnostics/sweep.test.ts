/**
 * Baselines of search spaces (as cases/): every sweep-cases/NAME.mlp has what `mlpc check` says
 * about it in NAME.space.txt: its diagnostics (each inside the choice it is about), then the space
 * when it checks. A case named after a code must report that code.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planSpace, renderDiagnostics, renderSpaceSummary } from "../../src/index.js";
import { expectGolden } from "../support/golden.js";

const dir = join(import.meta.dirname, "sweep-cases");
const cases = readdirSync(dir).filter((f) => f.endsWith(".mlp")).sort();

describe("search-space baselines", () => {
  for (const file of cases) {
    const name = file.replace(/\.mlp$/, "");
    it(name, async () => {
      const source = readFileSync(join(dir, file), "utf8");
      const planned = planSpace(source, { defaultName: "case" });
      const code = /^([EW]\d{4})-/.exec(name)?.[1];
      if (code !== undefined) {
        expect(planned.diagnostics.map((d) => d.code)).toContain(code);
        expect(planned.summary).toBeNull();
      } else expect(planned.summary).not.toBeNull();
      const text = renderDiagnostics(planned.diagnostics, `sweep-cases/${file}`, source) + (planned.summary === null ? "" : renderSpaceSummary(planned.summary));
      await expectGolden(text, join(dir, `${name}.space.txt`));
    });
  }
});
