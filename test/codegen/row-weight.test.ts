/**
 * Class weights of a binary (one-sigmoid bce) model reach the module as a weight a row:
 * lossAndGradient(params, x, y, rows, grad, rowWeight) computes J = 1/rows sum_r w_r l_r and its
 * gradient. Checked in every code shape (fused, loops, layered unrolled, WebAssembly SIMD, f32)
 * against an oracle (J and dJ/dparams of a 4-6-1 tanh/sigmoid net written out here by hand) and
 * against central finite differences of the module's own weighted J; without rowWeight, or with
 * every weight 1, the numbers are bit for bit those of before.
 */
import { describe, expect, it } from "vitest";
import type { EmitOptions } from "../../src/codegen/module.js";
import { planEmission } from "../../src/codegen/plan.js";
import { denseLayers } from "../../src/ir/layers.js";
import type { ModelIR } from "../../src/ir/types.js";
import { buildIR } from "../support/ir.js";
import { prng } from "../support/reference.js";
import { compileAndLoad } from "./load.js";

type Params = Float64Array | Float32Array;
interface WeightedModule {
  lossAndGradient(params: Params, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, grad: Params, rowWeight?: ArrayLike<number>): number;
}

const IN = 4;
const H = 6;
const ROWS = 9;

const net = (): ModelIR => buildIR({ inputs: IN, layers: [[H, "tanh"], [1, "sigmoid"]] });

/** The code shapes: each must place the weighted loss where its output delta is computed. */
const SHAPES: readonly [string, Partial<EmitOptions>, (ir: ModelIR) => boolean][] = [
  ["fused (unrolled)", { unroll: "full" }, (ir) => planEmission(ir, "full").strategy === "fused"],
  ["loops", { unroll: "none" }, (ir) => planEmission(ir, "none").layers.every((l) => l.forward === "loop")],
  ["layered, unrolled passes", { unroll: "full", tuning: { fuse: false } }, (ir) => planEmission(ir, "full", { fuse: false }).strategy === "layered"],
  ["WebAssembly SIMD f64", { unroll: "none", simd: true }, (ir) => planEmission(ir, "none", undefined, 2).layers.some((l) => l.wasm)],
  ["f32 fused", { unroll: "full", dtype: "f32" }, () => true],
  ["f32 WebAssembly SIMD", { unroll: "none", simd: true, dtype: "f32" }, (ir) => planEmission(ir, "none", undefined, 4).layers.some((l) => l.wasm)],
];

/** Parameters exactly representable in f32 (so f64 and f32 modules compute on the same numbers), a batch, 0/1 targets and weights. */
function batch(ir: ModelIR, seed: number) {
  const rand = prng(seed);
  const params = Float64Array.from({ length: ir.paramCount }, () => Math.fround((rand() * 2 - 1) * 0.8));
  const x = Float64Array.from({ length: ROWS * IN }, () => Math.fround(rand() * 4 - 2));
  const y = Float64Array.from({ length: ROWS }, (_, r) => (r % 3 === 0 ? 1 : 0));
  const rowWeight = Float64Array.from(y, (t, r) => (t === 1 ? 5 : 1) * (r === 4 ? 0 : 1) + (r === 7 ? 0.25 : 0));
  return { params, x, y, rowWeight };
}

/**
 * The oracle: z1 = W1 x + b1, a = tanh(z1), z = w2 . a + b2, p = sigmoid(z);
 * l = -y log p - (1 - y) log(1 - p); J = 1/rows sum_r w_r l_r.
 * dJ/dz = w_r (p - y) / rows; dw2 = dJ/dz a, db2 = dJ/dz; dz1 = dJ/dz w2 (1 - a^2); dW1 = dz1 x^T, db1 = dz1.
 */
function oracle(ir: ModelIR, params: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>, w: ArrayLike<number>): { loss: number; grad: Float64Array } {
  const [l1, l2] = denseLayers(ir);
  const grad = new Float64Array(ir.paramCount);
  let loss = 0;
  for (let r = 0; r < ROWS; r++) {
    const a = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      let z1 = params[l1!.biasOffset + j]!;
      for (let i = 0; i < IN; i++) z1 += params[l1!.weightOffset + j * IN + i]! * x[r * IN + i]!;
      a[j] = Math.tanh(z1);
    }
    let z = params[l2!.biasOffset]!;
    for (let j = 0; j < H; j++) z += params[l2!.weightOffset + j]! * a[j]!;
    const p = 1 / (1 + Math.exp(-z));
    loss += (w[r]! * -(y[r]! * Math.log(p) + (1 - y[r]!) * Math.log(1 - p))) / ROWS;
    const dz = (w[r]! * (p - y[r]!)) / ROWS;
    grad[l2!.biasOffset]! += dz;
    for (let j = 0; j < H; j++) {
      grad[l2!.weightOffset + j]! += dz * a[j]!;
      const dz1 = dz * params[l2!.weightOffset + j]! * (1 - a[j]! * a[j]!);
      grad[l1!.biasOffset + j]! += dz1;
      for (let i = 0; i < IN; i++) grad[l1!.weightOffset + j * IN + i]! += dz1 * x[r * IN + i]!;
    }
  }
  return { loss, grad };
}

function maxRelativeError(g: ArrayLike<number>, ref: ArrayLike<number>): number {
  let worst = 0;
  for (let k = 0; k < g.length; k++) worst = Math.max(worst, Math.abs(g[k]! - ref[k]!) / Math.max(Math.abs(g[k]!), Math.abs(ref[k]!), 1e-4));
  return worst;
}

describe("row weights of a binary bce model, in every code shape", () => {
  it.each(SHAPES)("%s: J and the gradient are the weighted oracle's; finite differences agree; no weights change nothing", async (shape, options, planned) => {
    const ir = net();
    expect(planned(ir), `${shape} is the shape under test`).toBe(true);
    const { source, module } = await compileAndLoad(ir, options);
    const m = module as unknown as WeightedModule;
    const f32 = options.dtype === "f32";
    const P = f32 ? Float32Array : Float64Array;
    const b = batch(ir, 11);
    const params = P.from(b.params);
    const grad = new P(ir.paramCount);
    const loss = m.lossAndGradient(params, b.x, b.y, ROWS, grad, b.rowWeight);
    const ref = oracle(ir, b.params, b.x, b.y, b.rowWeight);
    // f32 SIMD kernels compute in f32; everything else in f64.
    expect(Math.abs(loss - ref.loss) / ref.loss).toBeLessThan(f32 ? 1e-6 : 1e-12);
    expect(maxRelativeError(grad, ref.grad)).toBeLessThan(f32 ? 2e-5 : 1e-10);
    if (!f32) {
      // Central differences of the module's own weighted J.
      const scratch = new Float64Array(ir.paramCount);
      const p = Float64Array.from(b.params);
      const fd = new Float64Array(ir.paramCount);
      const h = 1e-5;
      for (let k = 0; k < p.length; k++) {
        const v = p[k]!;
        p[k] = v + h;
        const plus = m.lossAndGradient(p, b.x, b.y, ROWS, scratch, b.rowWeight);
        p[k] = v - h;
        const minus = m.lossAndGradient(p, b.x, b.y, ROWS, scratch, b.rowWeight);
        p[k] = v;
        fd[k] = (plus - minus) / (2 * h);
      }
      expect(maxRelativeError(grad, fd)).toBeLessThan(1e-6);
    }
    // Without weights, and with every weight 1: the unweighted numbers, bit for bit.
    const plain = new P(ir.paramCount);
    const ones = new P(ir.paramCount);
    const plainLoss = m.lossAndGradient(params, b.x, b.y, ROWS, plain);
    expect(m.lossAndGradient(params, b.x, b.y, ROWS, ones, new Float64Array(ROWS).fill(1))).toBe(plainLoss);
    expect(ones).toEqual(plain);
    const unweighted = oracle(ir, b.params, b.x, b.y, new Float64Array(ROWS).fill(1));
    expect(Math.abs(plainLoss - unweighted.loss) / unweighted.loss).toBeLessThan(f32 ? 1e-6 : 1e-12);
    expect(source).toMatch(/export function lossAndGradient\([^)]*rowWeight\?: ArrayLike<number>\)/);
  });

  it("a rowWeight shorter than the batch is a RangeError naming it", async () => {
    const ir = net();
    const m = (await compileAndLoad(ir)).module as unknown as WeightedModule;
    const b = batch(ir, 3);
    expect(() => m.lossAndGradient(b.params, b.x, b.y, ROWS, new Float64Array(ir.paramCount), new Float64Array(ROWS - 1))).toThrow(
      `rowWeight holds ${ROWS - 1} numbers, expected one a row (${ROWS})`,
    );
  });

  it("models whose class weights are not row weights (softmax_ce, multilabel, regression) keep their signature", async () => {
    for (const ir of [
      buildIR({ inputs: IN, layers: [[H, "tanh"], [3, "softmax"]] }),
      buildIR({ inputs: IN, layers: [[H, "tanh"], [3, "sigmoid"]] }),
      buildIR({ inputs: IN, layers: [[H, "tanh"], [2, "linear"]] }),
    ]) {
      const { source } = await compileAndLoad(ir);
      expect(source, ir.loss.kind).not.toMatch(/export function lossAndGradient\([^)]*rowWeight/);
    }
  });
});
