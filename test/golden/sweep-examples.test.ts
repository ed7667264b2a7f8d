/** `mlpc check` of every search space in examples/sweep/: its dimensions, trials and largest model. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planSpace, renderSpaceSummary } from "../../src/index.js";
import { expectGolden } from "../support/golden.js";

const dir = join(import.meta.dirname, "../../examples/sweep");
const files = readdirSync(dir).filter((f) => f.endsWith(".mlp")).sort();

describe("examples/sweep", () => {
  for (const file of files) {
    it(file, async () => {
      const planned = planSpace(readFileSync(join(dir, file), "utf8"), { defaultName: file.replace(/\.mlp$/, "") });
      expect(planned.diagnostics).toEqual([]);
      await expectGolden(renderSpaceSummary(planned.summary!), join(import.meta.dirname, `sweep-${file.replace(/\.mlp$/, "")}.space.txt`));
    });
  }
});
