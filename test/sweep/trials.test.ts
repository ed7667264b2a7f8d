/**
 * The preprocessing of a sweep's folds: each fold's plan is fitted on that fold's training rows
 * only (its imputed fills and scaling differ from the plan of all searched rows), while its
 * categories are those of all searched rows, so every fold encodes to the model's input width.
 * And the modules trials share: one per architecture and optimizer, whatever batch, epochs, seed.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCsvFile } from "../../src/data/csv.js";
import { fitPlanOn, NO_PREPROCESSING, type PreprocessSettings } from "../../src/data/prepare.js";
import { inputWidth } from "../../src/data/preprocess.js";
import { range } from "../../src/data/split.js";
import { analyze } from "../../src/analyze.js";
import { emitIR } from "../../src/emit.js";
import { planSpace, planTrials } from "../../src/sweep/plan.js";
import { trialFolds } from "../../src/sweep/sweep.js";
import { moduleIr, moduleKey } from "../../src/sweep/trial.js";

const root = join(import.meta.dirname, "../..");

describe("trialFolds", () => {
  it("fits each fold's plan and class weights on its own training rows, over all categories", async () => {
    const read = await readCsvFile(join(root, "examples/data/customers.csv"), { target: { kind: "class", column: "churned", classCount: 2 }, features: null, ignore: ["id"] });
    if (!read.ok) throw new Error("customers.csv");
    const d = read.value;
    const model = analyze("input 9 -> dense 4 relu -> dense 2 softmax\nloss softmax_ce\n").ir!;
    const preprocess: PreprocessSettings = { ...NO_PREPROCESSING, impute: "median", scale: "standard", classWeight: { kind: "balanced" } };
    const rows = range(d.rows);
    const refitPlan = fitPlanOn(d, rows, preprocess);
    if (!refitPlan.ok) throw new Error("plan");
    const folds = trialFolds(d, rows, { settings: { cv: 3, repeats: 1 }, seed: 5, preprocess, refitPlan: refitPlan.value, model });
    expect(folds).toHaveLength(1);
    expect(folds[0]).toHaveLength(3);
    for (const fold of folds[0]!) {
      const own = fitPlanOn(d, fold.train, preprocess);
      if (!own.ok) throw new Error("fold plan");
      const numeric = (p: typeof own.value): unknown => p.columns.filter((c) => c.kind === "numeric");
      expect(numeric(fold.plan)).toEqual(numeric(own.value));
      expect(numeric(fold.plan)).not.toEqual(numeric(refitPlan.value));
      expect(inputWidth(fold.plan)).toBe(9);
      const counts = [0, 0];
      for (const r of fold.train) counts[(d.targets as { ids: Int32Array }).ids[r]!]!++;
      expect(fold.classWeight).toEqual(counts.map((n) => fold.train.length / (2 * n)));
    }
  });
});

describe("moduleKey", () => {
  it("trials that differ only in batch, epochs or seed share a key, and a key always emits the same module", () => {
    const source = "input 64 -> (dense {16, 32} relu) x {1, 2} -> dense 10 softmax\nadam lr={1e-3, 3e-3}\ntrain batch={32, 64} epochs={4, 8} seed=42\nsweep grid\n";
    const planned = planSpace(source, {});
    const trials = planTrials(planned.space!, 42, {}).trials.map((t) => t.ir!);
    const modules = new Map<string, string>();
    for (const ir of trials) {
      const text = emitIR(moduleIr(ir));
      const key = moduleKey(ir);
      expect(modules.get(key) ?? text).toBe(text);
      modules.set(key, text);
    }
    expect(trials).toHaveLength(32);
    expect(modules.size).toBe(8);
  });
});
