/**
 * Class weights in the generated Trainer: fit(x, y, { classWeight }) trains on
 * J = 1/rows sum_r w(class_r) l_r (+ the L2 term, unweighted), for softmax_ce and for a binary
 * (one-sigmoid) bce model. Checked three ways: the batch loss against that formula computed here
 * from forward's probabilities (the oracle), one SGD step against central finite differences of
 * the same formula (the gradient check), and weights of 1 changing nothing, bit for bit.
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

/** Binary targets and weights of the bce model: {0: 1, 1: 5}, Keras' class_weight. */
const binaryIds = [0, 1, 0, 0, 1, 0, 0];
const binaryWeights = { 0: 1, 1: 5 };

function ir(loss: "softmax_ce" | "bce" | "multilabel_bce" | "mse" = "softmax_ce") {
  const output: [number, "softmax" | "sigmoid" | "linear"] = loss === "bce" ? [1, "sigmoid"] : loss === "multilabel_bce" ? [3, "sigmoid"] : loss === "mse" ? [2, "linear"] : [K, "softmax"];
  return buildIR({
    inputs: IN,
    layers: [[4, "tanh"], output],
    regularization: { l2: L2 },
    optimizer: { kind: "sgd", lr: LR, clip: null },
  });
}

/**
 * J = 1/rows sum_r w_r l_r + (l2/2) sum W^2 (weights only: the layers' W ranges), l_r = -log of
 * the probability of row r's class: p[class] for softmax, p or 1 - p of the one sigmoid.
 */
function weightedLoss(m: TrainerModule, params: Float64Array, weightRanges: readonly [number, number][], classes: readonly number[] = ids, w: Readonly<Record<number, number>> = weights): number {
  let J = 0;
  for (let r = 0; r < ROWS; r++) {
    const p = m.forward(params, x.subarray(r * IN, (r + 1) * IN));
    const c = classes[r]!;
    J += w[c]! * -Math.log(p.length === 1 ? (c === 1 ? p[0]! : 1 - p[0]!) : p[c]!);
  }
  let w2 = 0;
  for (const [a, b] of weightRanges) for (let i = a; i < b; i++) w2 += params[i]! * params[i]!;
  return J / ROWS + (L2 / 2) * w2;
}

/** The batch loss of one full-batch SGD epoch from `start`, and the parameters after it. */
function oneStep(m: TrainerModule, start: Float64Array, y: readonly number[], classWeight: unknown): { loss: number; params: Float64Array } {
  let loss = NaN;
  const t = new m.Trainer({ params: start, seed: 3 });
  t.fit(x, y, { epochs: 1, batchSize: "all", shuffle: false, classWeight, callbacks: { onBatchEnd: (_: number, logs: { loss: number }) => void (loss = logs.loss) } });
  return { loss, params: t.params };
}

/** Central finite differences of `J` at `start` against the SGD step start - params = lr dJ. */
function expectStepIsGradient(start: Float64Array, after: Float64Array, J: (p: Float64Array) => number): void {
  const h = 1e-6;
  for (let p = 0; p < start.length; p++) {
    const plus = start.slice();
    const minus = start.slice();
    plus[p]! += h;
    minus[p]! -= h;
    const numeric = (J(plus) - J(minus)) / (2 * h);
    const step = (start[p]! - after[p]!) / LR;
    expect(Math.abs(step - numeric), `param ${p}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
  }
}

function weightRanges(model: ReturnType<typeof ir>): [number, number][] {
  return model.layers.flatMap((l) => (l.kind === "dense" ? [[l.weightOffset, l.weightOffset + l.inputs * l.units] as [number, number]] : []));
}

describe("class weights", () => {
  it("the batch loss is the weighted formula, and one SGD step moves by -lr times its finite-difference gradient", async () => {
    const model = ir();
    const { module } = await compileAndLoad(model);
    const m = module as unknown as TrainerModule;
    const start = new m.Trainer({ seed: 3 }).params.slice();
    const ranges = weightRanges(model);
    const step = oneStep(m, start, ids, weights);
    expect(step.loss).toBeCloseTo(weightedLoss(m, start, ranges), 12);
    expectStepIsGradient(start, step.params, (p) => weightedLoss(m, p, ranges));
  });

  it("a binary bce model: fit(x, y, { classWeight: { 0: 1, 1: 5 } }) trains on the weighted formula too", async () => {
    const model = ir("bce");
    const { module } = await compileAndLoad(model);
    const m = module as unknown as TrainerModule;
    const start = new m.Trainer({ seed: 3 }).params.slice();
    const ranges = weightRanges(model);
    const step = oneStep(m, start, binaryIds, binaryWeights);
    const J = (p: Float64Array): number => weightedLoss(m, p, ranges, binaryIds, binaryWeights);
    expect(step.loss).toBeCloseTo(J(start), 12);
    expect(step.loss).not.toBeCloseTo(weightedLoss(m, start, ranges, binaryIds, { 0: 1, 1: 1 }), 3);
    expectStepIsGradient(start, step.params, J);
    // As an array, the same; weights of 1 train bit-identically to none.
    expect(oneStep(m, start, binaryIds, [1, 5]).params).toEqual(step.params);
    expect(oneStep(m, start, binaryIds, { 0: 1, 1: 1 }).params).toEqual(oneStep(m, start, binaryIds, undefined).params);
    // Validation stays unweighted: val_loss is evaluate's loss of the same rows.
    const t = new m.Trainer({ params: start, seed: 3 });
    const h = t.fit(x, binaryIds, { epochs: 1, batchSize: "all", classWeight: binaryWeights, validationData: [x, binaryIds] }) as { history: { val_loss: number[] } };
    expect(h.history.val_loss[0]).toBeCloseTo(weightedLoss(m, t.params, ranges, binaryIds, { 0: 1, 1: 1 }), 12);
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

  it("refuses multilabel and regression models, saying why, and bad weights, before training", async () => {
    const bad = async (loss: "multilabel_bce" | "mse", y: ArrayLike<number>): Promise<() => unknown> => {
      const t = new ((await compileAndLoad(ir(loss))).module as unknown as TrainerModule).Trainer({ seed: 1 });
      return () => t.fit(x, y, { epochs: 1, classWeight: [1, 2] });
    };
    expect(await bad("multilabel_bce", new Float64Array(ROWS * 3))).toThrow(
      "classWeight needs a classifier of one label (softmax_ce, or bce with one output): a multilabel model gives each row several labels, and class weights are per class of a single label",
    );
    expect(await bad("mse", new Float64Array(ROWS * 2))).toThrow("classWeight needs a classifier of one label (softmax_ce, or bce with one output): a regression model has no classes to weigh");
    const { module: soft } = await compileAndLoad(ir());
    const s = new (soft as unknown as TrainerModule).Trainer({ seed: 1 });
    expect(() => s.fit(x, ids, { epochs: 1, classWeight: { 3: 1 } })).toThrow("classWeight: 3 is not a class id (0..2)");
    expect(() => s.fit(x, ids, { epochs: 1, classWeight: [1, -1, 1] })).toThrow("classWeight[1] must be a finite number >= 0, got -1");
    const b = new ((await compileAndLoad(ir("bce"))).module as unknown as TrainerModule).Trainer({ seed: 1 });
    expect(() => b.fit(x, binaryIds, { epochs: 1, classWeight: { 2: 1 } })).toThrow("classWeight: 2 is not a class id (0..1)");
  });
});
