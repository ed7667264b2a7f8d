/** The search space, pure: parsing, dimensions, grid and random expansion, groups, seeds. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze.js";
import { formatProgram } from "../../src/ir/print.js";
import { concreteTrial, deriveSeed, gridAssignments, randomAssignments } from "../../src/sweep/expand.js";
import { stratifiedKFold } from "../../src/sweep/folds.js";
import { rank } from "../../src/sweep/leaderboard.js";
import { planSpace, planTrials } from "../../src/sweep/plan.js";
import { rungPlan } from "../../src/sweep/sweep.js";
import { parse } from "../../src/syntax/parse.js";

const SPACE = `model s
input 64 -> (dense {32, 64} relu) x {1, 2, 3} -> dense 10 softmax
adam lr={1e-3, 3e-3}
train batch={16, all} epochs=5
sweep grid cv=5`;

function planned(source: string) {
  const p = planSpace(source);
  if (p.space === null) throw new Error(JSON.stringify(p.diagnostics));
  return p;
}

describe("groups in plain programs", () => {
  it("(dense 8 relu) x 3 is three layers, the same IR as writing them out", () => {
    const grouped = analyze("input 4 -> (dense 8 relu) x 3 -> dense 3 softmax");
    const written = analyze("input 4 -> dense 8 relu -> dense 8 relu -> dense 8 relu -> dense 3 softmax");
    expect(formatProgram(grouped.ir!)).toBe(formatProgram(written.ir!));
  });
  it("nested groups multiply", () => {
    const p = parse("input 4 -> ((dense 8 relu) x 2 -> dropout 0.1) x 2 -> dense 1");
    expect(p.program!.statements[0]!.items.map((i) => i.head.name).join(" ")).toBe("input dense dense dropout dense dense dropout dense");
  });
  it("a choice outside a sweep is E0104", () => {
    expect(analyze("input 4 -> dense {8, 16} relu -> dense 1").diagnostics.map((d) => d.code)).toEqual(["E0104"]);
  });
});

describe("dimensions and the grid", () => {
  it("names each dimension by where it stands, in source order", () => {
    expect(planned(SPACE).space!.dimensions.map((d) => d.name)).toEqual(["units", "depth", "lr", "batch"]);
  });
  it("counts the grid and the training runs", () => {
    const s = planned(SPACE).summary!;
    expect([s.configurations, s.runs, s.folds]).toEqual([24, 120, 5]);
    // 64 -> 64 x 3 -> 10: (64+1)*64 + 2*(64+1)*64 + (64+1)*10
    expect(s.maxParams).toBe(65 * 64 * 3 + 65 * 10);
  });
  it("expands every grid point to a plain program with the chosen values, first dimension slowest", () => {
    const p = planned(SPACE);
    const { trials, diagnostics } = planTrials(p.space!, 42);
    expect(diagnostics).toEqual([]);
    expect(trials).toHaveLength(24);
    expect(trials[0]!.config).toEqual({ units: "32", depth: "1", lr: "1e-3", batch: "16" });
    expect(trials[1]!.config).toEqual({ units: "32", depth: "1", lr: "1e-3", batch: "all" });
    const last = trials[23]!;
    expect(last.config).toEqual({ units: "64", depth: "3", lr: "3e-3", batch: "all" });
    expect(formatProgram(last.ir!)).toContain("input 64 -> dense 64 relu -> dense 64 relu -> dense 64 relu -> dense 10 softmax");
    expect(last.ir!.training.batch).toBe("all");
    expect(last.ir!.optimizer.lr).toBe(3e-3);
  });
  it("every concrete program prints to text that checks clean and lowers back to itself", () => {
    const p = planned(SPACE);
    for (const t of planTrials(p.space!, 42).trials) {
      const text = formatProgram(t.ir!);
      expect(text).not.toMatch(/[{}]/);
      const again = analyze(text);
      expect(again.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(formatProgram(again.ir!)).toBe(text);
    }
  });
  it("a diagnostic of one value points inside the choice", () => {
    const source = "input 4 -> dense 8 {relu, tanh, rleu} -> dense 3 softmax";
    const p = planSpace(source);
    expect(p.diagnostics.map((d) => [d.code, source.slice(d.span.start, d.span.end)])).toEqual([["E0214", "rleu"]]);
  });
});

describe("random search", () => {
  const RANDOM = "input 4 -> dense int(8..64) relu -> dense 3 softmax\nadam lr=log(1e-4..1e-1)\nregularize l2=(0..1e-3)\nsweep random=50 seed=7";
  it("draws within the ranges: log-uniform, uniform, integers", () => {
    const p = planned(RANDOM);
    const values = randomAssignments(p.space!.dimensions, 200, 7).map((a) => a.map((v) => Number(v.kind === "Number" ? v.text : NaN)));
    for (const [units, lr, l2] of values) {
      expect(Number.isInteger(units)).toBe(true);
      expect(units).toBeGreaterThanOrEqual(8);
      expect(units).toBeLessThanOrEqual(64);
      expect(lr).toBeGreaterThanOrEqual(1e-4);
      expect(lr).toBeLessThanOrEqual(1e-1);
      expect(l2).toBeGreaterThanOrEqual(0);
      expect(l2).toBeLessThanOrEqual(1e-3);
    }
    // log-uniform: about a third of the draws in each decade
    const decade = values.filter(([, lr]) => lr! < 1e-3).length;
    expect(decade).toBeGreaterThan(40);
    expect(decade).toBeLessThan(95);
  });
  it("trial t is the same whatever the count, and another seed gives other trials", () => {
    const dims = planned(RANDOM).space!.dimensions;
    const text = (a: readonly { kind: string }[]) => JSON.stringify(a.map((v) => ("text" in v ? v.text : "")));
    const ten = randomAssignments(dims, 10, 7).map(text);
    expect(randomAssignments(dims, 30, 7).slice(0, 10).map(text)).toEqual(ten);
    expect(randomAssignments(dims, 10, 8).map(text)).not.toEqual(ten);
  });
  it("sampled values lower into the program", () => {
    const p = planned(RANDOM);
    const t = concreteTrial(p.space!, randomAssignments(p.space!.dimensions, 1, 7)[0]!, {});
    expect(t.ir).not.toBeNull();
    expect(String(t.ir!.optimizer.lr)).toBe(t.config["lr"]);
  });
});

describe("folds, seeds, ranking, halving", () => {
  it("stratified k-fold: every row validated once, folds balanced per class", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 10, maxLength: 80 }), fc.integer({ min: 2, max: 5 }), fc.nat(), (labels, k, seed) => {
        const ids = Int32Array.from(labels);
        const rows = Int32Array.from(labels.keys());
        const folds = stratifiedKFold(rows, ids, k, seed);
        const seen = folds.flatMap((f) => [...f.validation]).sort((a, b) => a - b);
        expect(seen).toEqual([...rows]);
        for (const f of folds) expect(f.train.length + f.validation.length).toBe(rows.length);
        const sizes = folds.map((f) => f.validation.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });
  it("derived seeds differ by stream and stay 32-bit", () => {
    const s = new Set([0, 1, 2, 3, 4].map((k) => deriveSeed(42, k)));
    expect(s.size).toBe(5);
    for (const v of s) expect(v >>> 0).toBe(v);
  });
  it("ranks by the metric, NaN last, ties by trial", () => {
    const base = { key: "", config: {}, program: "", epochs: 1, rung: 0, diverged: false, seconds: 0, curves: { loss: [], val_loss: [], val_accuracy: null } };
    const ranked = rank(
      [
        { ...base, trial: 0, scores: [0.5] },
        { ...base, trial: 1, scores: [Number.NaN] },
        { ...base, trial: 2, scores: [0.9, 0.7] },
        { ...base, trial: 3, scores: [0.8] },
      ],
      "val_accuracy",
    );
    expect(ranked.map((e) => e.trial)).toEqual([2, 3, 0, 1]);
    expect(ranked[0]!.sd).toBeCloseTo(Math.sqrt(0.02), 12);
    expect(rank(ranked, "val_loss").map((e) => e.trial)).toEqual([0, 2, 3, 1]);
  });
  it("halving: rungs shrink by the factor while epochs grow to the program's", () => {
    const s = planned("input 4 -> dense {8, 16} relu -> dense 3 softmax\ntrain epochs=45\nsweep halving factor=3 min_epochs=5").space!.settings;
    expect(rungPlan(s, 27, 45)).toEqual([
      { epochs: 5, configurations: 27 },
      { epochs: 15, configurations: 9 },
      { epochs: 45, configurations: 3 },
    ]);
  });
  it("grid assignments enumerate the product", () => {
    const dims = planned(SPACE).space!.dimensions;
    expect(new Set(gridAssignments(dims).map((a) => a.map((v) => ("text" in v ? v.text : v.name)).join(","))).size).toBe(24);
  });
});
