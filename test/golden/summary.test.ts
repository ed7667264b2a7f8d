/** Every example's `mlpc check` summary is checked in; `npm run accept` rewrites the goldens. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expectGolden } from "../support/golden.js";
import { describe, expect, it } from "vitest";
import { analyze, modelNameFromFile, renderSummary, summarize } from "../../src/index.js";
import { denseLayers } from "../../src/ir/layers.js";

const examples = join(import.meta.dirname, "../../examples");
const files = readdirSync(examples).filter((f) => f.endsWith(".mlp")).sort();

describe("example summaries", () => {
  it("covers the required examples", () => {
    for (const name of ["seed", "xor", "iris", "digits", "breast_cancer", "multilabel", "regression", "mnist"]) {
      expect(files).toContain(`${name}.mlp`);
    }
  });

  for (const file of files) {
    it(file, async () => {
      const { ir, diagnostics } = analyze(readFileSync(join(examples, file), "utf8"), { defaultName: modelNameFromFile(file) });
      expect(diagnostics).toEqual([]);
      expect(ir).not.toBeNull();
      await expectGolden(renderSummary(summarize(ir!)), join(import.meta.dirname, `${file.replace(/\.mlp$/, "")}.summary.txt`));
    });
  }

  it("the design-card line has 86 parameters", () => {
    const { ir } = analyze(readFileSync(join(examples, "seed.mlp"), "utf8"));
    expect(ir?.paramCount).toBe(86);
    expect(denseLayers(ir!).map((l) => l.paramCount)).toEqual([49, 32, 5]);
  });
});
