/**
 * Class weights in the generated Trainer: fit(x, y, { classWeight }) trains on
 * J = 1/rows sum_r w(class_r) l_r (+ the L2 term, unweighted). Checked three ways: the batch loss
 * against that formula computed here from forward's probabilities (the oracle), one SGD step
 * against central finite differences of the same formula (the gradient check, with L2 on), and
 * weights of 1 changing nothing, bit for bit.
 */
import { describe, expect, it } from "vitest";
import { compileAndLoad } from "../codegen/load.js";
import { buildIR } from "../support/ir.js";

interface WeightedTrainer {
  readonly params: Float64Array;
  fit(x: ArrayLike<number>, y: ArrayLike<number>, options: Record<string, unknown>): unknown;
}
type TrainerModule = { Trainer: new (o: { params?: ArrayLike<number>; seed?: number }) => WeightedTrainer; forward(p: ArrayLike<number>, x: ArrayLike<number>): Float64Array };

const LR = 0.05;
const L2 = 0.01;
const ROWS = 7;
const IN = 3;
const K = 3;
const x = Float64Array.from({ length: ROWS * IN }, (_, i) => Math.sin(i * 1.7) * 2);
const ids = [0, 1, 2, 2, 1, 0, 2];
const weights = [1, 5, 0.5];

function ir(loss: "softmax_ce" | "bce" = "softmax_ce") {
  return buildIR({
    inputs: IN,
    layers: loss === "bce" ? [[4, "tanh"], [1, "sigmoid"]] : [[4, "tanh"], [K, "softmax"]],
    regularization: { l2: loss === "bce" ? 0 : L2 },
    optimizer: { kind: "sgd", lr: LR, clip: null },
  });
}

/** J = 1/rows sum_r w_r (-log p_r[class_r]) + (l2/2) sum W^2 (weights only: the layers' W ranges). */
function weightedLoss(m: TrainerModule, params: Float64Array, weightRanges: readonly [number, number][]): number {
  let J = 0;
  for (let r = 0; r < ROWS; r++) {
    const p = m.forward(params, x.subarray(r * IN, (r + 1) * IN));
    J += weights[ids[r]!]! * -Math.log(p[ids[r]!]!);
  }
  let w2 = 0;
  for (const [a, b] of weightRanges) for (let i = a; i < b; i++) w2 += params[i]! * params[i]!;
  return J / ROWS + (L2 / 2) * w2;
}

describe("class weights", () => {
  it("the batch loss is the weighted formula, and one SGD step moves by -lr times its finite-difference gradient", async () => {
    const model = ir();
    const { module } = await compileAndLoad(model);
    const m = module as unknown as TrainerModule;
    const start = new m.Trainer({ seed: 3 }).params.slice();
    const ranges = model.layers.flatMap((l) => (l.kind === "dense" ? [[l.weightOffset, l.weightOffset + l.inputs * l.units] as [number, number]] : []));
    let batchLoss = NaN;
    const t = new m.Trainer({ params: start, seed: 3 });
    t.fit(x, ids, { epochs: 1, batchSize: "all", shuffle: false, classWeight: weights, callbacks: { onBatchEnd: (_: number, logs: { loss: number }) => void (batchLoss = logs.loss) } });
    expect(batchLoss).toBeCloseTo(weightedLoss(m, start, ranges), 12);
    const h = 1e-6;
    for (let p = 0; p < start.length; p++) {
      const plus = start.slice();
      const minus = start.slice();
      plus[p]! += h;
      minus[p]! -= h;
      const numeric = (weightedLoss(m, plus, ranges) - weightedLoss(m, minus, ranges)) / (2 * h);
      const step = (start[p]! - t.params[p]!) / LR;
      expect(Math.abs(step - numeric), `param ${p}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
    }
  });

  it("weights of 1 (array or { id: w }) train bit-identically to none; a balanced dict of ids works", async () => {
    const { module } = await compileAndLoad(ir());
    const m = module as unknown as TrainerModule;
    const run = (classWeight: unknown): Float64Array => {
      const t = new m.Trainer({ seed: 9 });
      t.fit(x, ids, { epochs: 3, batchSize: 2, seed: 1, ...(classWeight === undefined ? {} : { classWeight }) });
      return t.params;
    };
    const none = run(undefined);
    expect(run([1, 1, 1])).toEqual(none);
    expect(run({ 1: 1 })).toEqual(none);
    expect(run({ 1: 5 })).not.toEqual(none);
  });

  it("refuses a loss whose gradient cannot carry them, and bad weights, before training", async () => {
    const { module } = await compileAndLoad(ir("bce"));
    const m = module as unknown as TrainerModule;
    const t = new m.Trainer({ seed: 1 });
    expect(() => t.fit(x, ids.map((i) => i % 2), { epochs: 1, classWeight: [1, 2] })).toThrow("classWeight needs a softmax_ce model: this one is bce");
    const { module: soft } = await compileAndLoad(ir());
    const s = new (soft as unknown as TrainerModule).Trainer({ seed: 1 });
    expect(() => s.fit(x, ids, { epochs: 1, classWeight: { 3: 1 } })).toThrow("classWeight: 3 is not a class id (0..2)");
    expect(() => s.fit(x, ids, { epochs: 1, classWeight: [1, -1, 1] })).toThrow("classWeight[1] must be a finite number >= 0, got -1");
  });
});
