/**
 * Gradient checks: central finite differences of the generated lossAndGradient's own J against
 * the gradient it returns, for every activation (hidden) x every compatible output/loss pair,
 * with and without L1/L2, in unrolled, loop and register-blocked shapes. Also: unrolled and loop
 * forward agree to 1e-12, and both agree with the independent reference interpreter.
 */
import { describe, expect, it } from "vitest";
import type { Activation, LossKind, ModelIR } from "../../src/ir/types.js";
import { planEmission, type PlanTuning } from "../../src/codegen/plan.js";
import { buildIR } from "../support/ir.js";
import { prng, refForward, refLossAndGradient, type RefNet } from "../support/reference.js";
import { compileAndLoad, type GeneratedModule } from "./load.js";
import { denseLayers } from "../../src/ir/layers.js";

const HIDDEN: readonly Activation[] = [
  { kind: "linear" },
  { kind: "sigmoid" },
  { kind: "tanh" },
  { kind: "relu" },
  { kind: "leaky_relu", alpha: 0.1 },
  { kind: "gelu" },
  { kind: "gelu_tanh" },
  { kind: "swish" },
];

/** Every output activation with every loss it may be paired with. */
const OUTPUTS: readonly { activation: Activation; loss: LossKind; units: number }[] = [
  ...HIDDEN.map((activation) => ({ activation, loss: "mse" as const, units: 2 })),
  { activation: { kind: "sigmoid" }, loss: "bce", units: 1 },
  { activation: { kind: "sigmoid" }, loss: "multilabel_bce", units: 3 },
  { activation: { kind: "softmax" }, loss: "softmax_ce", units: 3 },
];

function refNetOf(ir: ModelIR): RefNet {
  return {
    inputs: ir.inputSize,
    layers: denseLayers(ir).map((l) => ({ units: l.units, activation: l.activation })),
    loss: ir.loss.kind,
    l1: ir.regularization.l1,
    l2: ir.regularization.l2,
  };
}

interface Batch {
  readonly params: Float64Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly rows: number;
}

/**
 * Random parameters and data, re-drawn until no relu/leaky pre-activation lies within 1e-3 of its
 * kink (finite differences across a kink measure nothing) and no weight within 1e-3 of 0 (|w|).
 */
function randomBatch(ir: ModelIR, rows: number, seed: number): Batch {
  const net = refNetOf(ir);
  for (let attempt = 0; ; attempt++) {
    const rand = prng(seed * 1000 + attempt);
    const params = Float64Array.from({ length: ir.paramCount }, () => (rand() * 2 - 1) * 0.9);
    const x = Float64Array.from({ length: rows * ir.inputSize }, () => rand() * 4 - 2);
    const y = new Float64Array(rows * ir.outputSize);
    for (let r = 0; r < rows; r++) {
      if (ir.loss.kind === "softmax_ce") y[r * ir.outputSize + Math.floor(rand() * ir.outputSize)] = 1;
      else if (ir.loss.kind === "mse") for (let j = 0; j < ir.outputSize; j++) y[r * ir.outputSize + j] = rand() * 2 - 1;
      else for (let j = 0; j < ir.outputSize; j++) y[r * ir.outputSize + j] = rand() < 0.5 ? 0 : 1;
    }
    const nearKink = Array.from({ length: rows }, (_, r) => refForward(net, params, Array.from(x.subarray(r * ir.inputSize, (r + 1) * ir.inputSize))))
      .some((t) => t.zs.some((z, k) => ["relu", "leaky_relu"].includes(denseLayers(ir)[k]!.activation.kind) && z.some((v) => Math.abs(v) < 1e-3)));
    const nearZeroWeight = params.some((w) => Math.abs(w) < 1e-3);
    if (!nearKink && !nearZeroWeight) return { params, x, y, rows };
    if (attempt > 200) throw new Error("no kink-free batch found");
  }
}

/** Central differences of J, one parameter at a time. */
function finiteDifferences(m: GeneratedModule, b: Batch, h = 1e-5): Float64Array {
  const scratch = new Float64Array(b.params.length);
  const p = Float64Array.from(b.params);
  const fd = new Float64Array(b.params.length);
  for (let k = 0; k < p.length; k++) {
    const w = p[k]!;
    p[k] = w + h;
    const plus = m.lossAndGradient(p, b.x, b.y, b.rows, scratch);
    p[k] = w - h;
    const minus = m.lossAndGradient(p, b.x, b.y, b.rows, scratch);
    p[k] = w;
    fd[k] = (plus - minus) / (2 * h);
  }
  return fd;
}

/** max_k |g_k - fd_k| / max(|g_k|, |fd_k|, 1e-4): relative, with a floor for near-zero entries. */
function maxRelativeError(g: ArrayLike<number>, fd: ArrayLike<number>): number {
  let worst = 0;
  for (let k = 0; k < g.length; k++) {
    const scale = Math.max(Math.abs(g[k]!), Math.abs(fd[k]!), 1e-4);
    worst = Math.max(worst, Math.abs(g[k]! - fd[k]!) / scale);
  }
  return worst;
}

function describeNet(ir: ModelIR): string {
  const reg = ir.regularization.l1 !== 0 || ir.regularization.l2 !== 0 ? " +L1/L2" : "";
  return `${ir.inputSize}-${denseLayers(ir).map((l) => `${l.units}${l.activation.kind}`).join("-")} ${ir.loss.kind}${reg}`;
}

async function checkGradient(ir: ModelIR, unroll: "full" | "none" | "auto", rows: number, seed: number, tuning?: PlanTuning): Promise<void> {
  const { module: m } = await compileAndLoad(ir, tuning === undefined ? { unroll } : { unroll, tuning });
  const b = randomBatch(ir, rows, seed);
  const grad = new Float64Array(ir.paramCount);
  const loss = m.lossAndGradient(b.params, b.x, b.y, b.rows, grad);
  const fd = finiteDifferences(m, b);
  expect(maxRelativeError(grad, fd), `${describeNet(ir)} unroll=${unroll}`).toBeLessThan(1e-6);
  // ...and the same numbers from the independent interpreter.
  const X = Array.from({ length: rows }, (_, r) => Array.from(b.x.subarray(r * ir.inputSize, (r + 1) * ir.inputSize)));
  const Y = Array.from({ length: rows }, (_, r) => Array.from(b.y.subarray(r * ir.outputSize, (r + 1) * ir.outputSize)));
  const ref = refLossAndGradient(refNetOf(ir), b.params, X, Y);
  expect(Math.abs(loss - ref.loss) / Math.max(1, Math.abs(ref.loss))).toBeLessThan(1e-12);
  expect(maxRelativeError(grad, ref.grad)).toBeLessThan(1e-9);
}

const matrix = HIDDEN.flatMap((hidden, h) =>
  OUTPUTS.map((o, k) =>
    buildIR({
      inputs: 3,
      layers: [
        [4, hidden],
        [o.units, o.activation],
      ],
      loss: o.loss,
      // every other net is regularized, so each activation and each loss meets both
      regularization: (h + k) % 2 === 0 ? {} : { l1: 0.003, l2: 0.02 },
    }),
  ),
);

/** One test per net (its index seeds its batch), so no test runs long. */
const cases = matrix.map((ir, n) => [describeNet(ir), ir, n] as const);

describe(`gradient checks: every hidden activation x every output/loss pair (${matrix.length} nets), relative error < 1e-6`, () => {
  for (const unroll of ["full", "none"] as const) {
    it.each(cases)(`unroll=${unroll}: %s`, async (_, ir, n) => {
      expect(planEmission(ir, unroll).layers.every((l) => l.forward === (unroll === "full" ? "unrolled" : "loop"))).toBe(true);
      await checkGradient(ir, unroll, 5, n);
    });
  }
});

/** Layer by layer with per-layer choices: all unrolled but not fused, and a mix of both kinds. */
const LAYERED: readonly [string, "full" | "auto", PlanTuning][] = [
  ["layered, every pass unrolled", "full", { fuse: false }],
  ["layered, mixed (forward unrolled <= 100 MACs, backward <= 20)", "auto", { fuse: false, forwardMaxMacs: 100, backwardMaxMacs: 20 }],
];

/** 9-13-6-3 nets: 9 inputs and 13/6 units leave tails in every tile direction; 7 rows = one 4-row tile + 3. */
function blockedNet(h: number): ModelIR {
  return buildIR({
    inputs: 9,
    layers: [
      [13, HIDDEN[h]!],
      [6, HIDDEN[(h + 3) % HIDDEN.length]!],
      [3, h % 2 === 0 ? "softmax" : "sigmoid"],
    ],
    regularization: h % 3 === 0 ? {} : { l1: 0.001, l2: 0.01 },
  });
}

describe("gradient checks: register-blocked loops (full 4x4 tiles and every tail)", () => {
  // One test per net and code shape, so none runs long.
  for (const [h, hidden] of HIDDEN.entries()) {
    it(`9-13-6-3 with ${hidden.kind} hidden layers: loops`, async () => {
      await checkGradient(blockedNet(h), "none", 7, 100 + h);
    });
    it.each(LAYERED)(`9-13-6-3 with ${hidden.kind} hidden layers: %s`, async (what, unroll, tuning) => {
      const ir = blockedNet(h);
      const plan = planEmission(ir, unroll, tuning);
      expect(plan.strategy, what).toBe("layered");
      await checkGradient(ir, unroll, 7, 100 + h, tuning);
    });
  }
});

describe("unrolled and loop code compute the same function", () => {
  it.each(cases)("%s: forwardBatch and lossAndGradient agree to 1e-12 between unroll=full and unroll=none", async (_, ir, n) => {
    const full = (await compileAndLoad(ir, { unroll: "full" })).module;
    const none = (await compileAndLoad(ir, { unroll: "none" })).module;
    const b = randomBatch(ir, 6, 500 + n);
    const a1 = full.forwardBatch(b.params, b.x, b.rows);
    const a2 = none.forwardBatch(b.params, b.x, b.rows);
    for (let k = 0; k < a1.length; k++) expect(Math.abs(a1[k]! - a2[k]!)).toBeLessThanOrEqual(1e-12);
    const g1 = new Float64Array(ir.paramCount);
    const g2 = new Float64Array(ir.paramCount);
    expect(Math.abs(full.lossAndGradient(b.params, b.x, b.y, b.rows, g1) - none.lossAndGradient(b.params, b.x, b.y, b.rows, g2))).toBeLessThanOrEqual(1e-12);
    for (let k = 0; k < g1.length; k++) expect(Math.abs(g1[k]! - g2[k]!)).toBeLessThanOrEqual(1e-12);
    // forward (one sample) is forwardBatch's first row
    const one = full.forward(b.params, b.x.subarray(0, ir.inputSize));
    for (let j = 0; j < ir.outputSize; j++) expect(one[j]).toBe(a1[j]);
  });
});
