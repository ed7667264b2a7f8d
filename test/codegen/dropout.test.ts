/**
 * Dropout (inverted, Keras/PyTorch semantics): while training each unit is kept with
 * probability 1 - p and scaled by 1 / (1 - p); identity in forward, forwardBatch, lossOf and
 * evaluate. Checked here: the gradient against finite differences with a fixed mask (the same
 * draws replayed), the same masks in both code shapes and --simd, p = 0 bit for bit as no dropout,
 * the kept share, prediction untouched, the canonical program, and a resumed run.
 */
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/index.js";
import { emitModule } from "../../src/codegen/module.js";
import { formatProgram } from "../../src/ir/print.js";
import { importTypeScript } from "../training/support.js";
import { prng } from "../support/reference.js";

interface DropoutModule {
  lossAndGradient(params: Float64Array, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, grad: Float64Array, random?: () => number): number;
  forwardBatch(params: Float64Array, x: ArrayLike<number>, rows: number, out?: Float64Array): Float64Array;
  lossOf(params: Float64Array, x: Float64Array, y: Float64Array, rows: number, out: Float64Array): number;
  initParams(seed?: number): Float64Array;
  Trainer: new (options?: { seed?: number }) => DropoutTrainer;
}

interface DropoutTrainer {
  readonly params: Float64Array;
  fit(x: ArrayLike<number>[], y: ArrayLike<number>[], options?: { epochs?: number; batchSize?: number; initialEpoch?: number }): unknown;
  evaluate(x: ArrayLike<number>[], y: ArrayLike<number>[]): { loss: number; accuracy?: number };
  toJSON(): unknown;
}

interface DropoutTrainerClass {
  fromJSON(json: unknown): DropoutTrainer;
}

interface LoadOptions {
  readonly unroll?: "auto" | "full" | "none";
  readonly simd?: boolean;
  /** Unrolled passes in layered functions instead of one fused function. */
  readonly layered?: boolean;
}

async function load(source: string, options: LoadOptions = {}): Promise<DropoutModule> {
  const { ir, diagnostics } = analyze(source);
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const typescript = emitModule(ir!, {
    unroll: options.unroll ?? "auto",
    dtype: "f64",
    simd: options.simd === true,
    sourceName: "dropout.mlp",
    version: "0.0.0-test",
    ...(options.layered === true ? { tuning: { fuse: false } } : {}),
  });
  return importTypeScript<DropoutModule>(typescript);
}

/** A uniform generator that replays the same draws on every call of lossAndGradient. */
function replay(seed: number): () => () => number {
  const draws: number[] = [];
  const source = prng(seed);
  return () => {
    let k = 0;
    return () => {
      while (draws.length <= k) draws.push(source());
      return draws[k++]!;
    };
  };
}

function batch(inputs: number, outputs: number, rows: number, seed: number): { x: Float64Array; y: Float64Array } {
  const rand = prng(seed);
  const x = Float64Array.from({ length: rows * inputs }, () => rand() * 2 - 1);
  const y = new Float64Array(rows * outputs);
  for (let r = 0; r < rows; r++) y[r * outputs + Math.floor(rand() * outputs)] = 1;
  return { x, y };
}

const NET = "input 8 -> dropout 0.2 -> dense 16 tanh -> dropout 0.5 -> dense 12 gelu -> dropout 0.3 -> dense 3 softmax";
const SHAPES: readonly (readonly [string, LoadOptions])[] = [
  ["fused", { unroll: "auto" }],
  ["unrolled layers", { unroll: "full", layered: true }],
  ["register-blocked loops", { unroll: "none" }],
  ["--simd kernels (f64x2)", { unroll: "none", simd: true }],
];

describe("dropout", () => {
  it.each(SHAPES)("%s: the gradient matches central differences of J with the mask held fixed", async (_name, options) => {
    const m = await load(NET, options);
    const { x, y } = batch(8, 3, 7, 3);
    const params = m.initParams(11);
    const masks = replay(5);
    const grad = new Float64Array(params.length);
    m.lossAndGradient(params, x, y, 7, grad, masks());
    const scratch = new Float64Array(params.length);
    let worst = 0;
    for (let k = 0; k < params.length; k++) {
      const w = params[k]!;
      const h = 1e-6;
      params[k] = w + h;
      const up = m.lossAndGradient(params, x, y, 7, scratch, masks());
      params[k] = w - h;
      const down = m.lossAndGradient(params, x, y, 7, scratch, masks());
      params[k] = w;
      worst = Math.max(worst, Math.abs((up - down) / (2 * h) - grad[k]!) / Math.max(1, Math.abs(grad[k]!)));
    }
    expect(worst).toBeLessThan(1e-7);
    // The mask matters: a different one gives a different gradient.
    const other = new Float64Array(params.length);
    m.lossAndGradient(params, x, y, 7, other, replay(6)());
    expect(Array.from(other)).not.toEqual(Array.from(grad));
  });

  it("fused, unrolled, blocked and --simd code draw the same masks: gradients agree to rounding", async () => {
    const { x, y } = batch(8, 3, 9, 4);
    const grads: Float64Array[] = [];
    for (const [, options] of SHAPES) {
      const m = await load(NET, options);
      const params = m.initParams(2);
      const grad = new Float64Array(params.length);
      m.lossAndGradient(params, x, y, 9, grad, replay(8)());
      grads.push(grad);
    }
    for (const g of grads.slice(1)) g.forEach((v, k) => expect(Math.abs(v - grads[0]![k]!)).toBeLessThan(1e-12));
  });

  it("dropout 0 trains bit for bit as no dropout (no draws, no masks)", async () => {
    const plain = await load("input 4 -> dense 8 relu -> dense 3 softmax; train epochs=3 batch=8");
    const zero = await load("input 4 -> dense 8 relu -> dropout 0 -> dense 3 softmax; train epochs=3 batch=8");
    const rand = prng(9);
    const x = Array.from({ length: 40 }, () => [rand(), rand(), rand(), rand()]);
    const y = x.map((r) => [r[0]! > 0.5 ? 1 : 0, r[1]! > 0.5 ? 1 : 0, 0].map((v, j, a) => (j === 2 ? (a[0] === 0 && a[1] === 0 ? 1 : 0) : v)));
    const onehot = y.map((r) => (r[0] === 1 ? [1, 0, 0] : r[1] === 1 ? [0, 1, 0] : [0, 0, 1]));
    const a = new plain.Trainer({ seed: 1 });
    const b = new zero.Trainer({ seed: 1 });
    a.fit(x, onehot, { epochs: 3, batchSize: 8 });
    b.fit(x, onehot, { epochs: 3, batchSize: 8 });
    expect(Buffer.from(b.params.buffer).equals(Buffer.from(a.params.buffer))).toBe(true);
  });

  it("keeps 1 - p of the units, scaled by 1 / (1 - p) (100,000 draws, within 4 standard deviations)", async () => {
    // z = sum_i w_i d_i with w = 0, b = 0 and y = 1: dJ/dw_i = -2/rows sum_r m_ri, so the weight
    // gradient counts the kept units and their scale.
    const p = 0.3;
    const m = await load(`input 1000 -> dropout ${p} -> dense 1 linear; loss mse`, { unroll: "none" });
    const rows = 100;
    const params = new Float64Array(1001);
    const x = new Float64Array(rows * 1000).fill(1);
    const y = new Float64Array(rows).fill(1);
    const grad = new Float64Array(1001);
    const rand = prng(21);
    m.lossAndGradient(params, x, y, rows, grad, rand);
    const masks = Array.from(grad.subarray(0, 1000), (g) => (-g * rows) / 2); // sum_r m_ri per unit
    const scale = 1 / (1 - p);
    const kept = masks.reduce((s, v) => s + v, 0) / scale / (rows * 1000);
    const sd = Math.sqrt((p * (1 - p)) / (rows * 1000));
    expect(Math.abs(kept - (1 - p))).toBeLessThan(4 * sd);
    // Each unit's sum is a whole number of scaled ones: every mask value is 0 or 1 / (1 - p).
    for (const v of masks) expect(Math.abs(v / scale - Math.round(v / scale))).toBeLessThan(1e-9);
  });

  it("is identity outside training: forwardBatch, lossOf and lossAndGradient without a generator", async () => {
    const withDropout = await load(NET, { unroll: "none" });
    const without = await load(NET.replaceAll(/ -> dropout [0-9.]+/g, ""), { unroll: "none" });
    const { x, y } = batch(8, 3, 5, 7);
    const params = withDropout.initParams(3);
    expect(Array.from(withDropout.forwardBatch(params, x, 5))).toEqual(Array.from(without.forwardBatch(params, x, 5)));
    const out1 = new Float64Array(15);
    const out2 = new Float64Array(15);
    expect(withDropout.lossOf(params, x, y, 5, out1)).toBe(without.lossOf(params, x, y, 5, out2));
    const g1 = new Float64Array(params.length);
    const g2 = new Float64Array(params.length);
    expect(withDropout.lossAndGradient(params, x, y, 5, g1)).toBe(without.lossAndGradient(params, x, y, 5, g2));
    expect(Array.from(g1)).toEqual(Array.from(g2));
  });

  it("the canonical program keeps the dropout and lowers back to the same IR", () => {
    const { ir } = analyze("input 64 -> dense 128 relu -> dropout 0.2 -> dense 10 softmax");
    const text = formatProgram(ir!);
    expect(text).toContain("input 64 -> dense 128 relu -> dropout 0.2 -> dense 10 softmax");
    expect(analyze(text).ir!.layers).toEqual(ir!.layers.map((l) => ({ ...l, span: expect.anything() })));
    expect(ir!.paramCount).toBe((64 + 1) * 128 + (128 + 1) * 10);
  });

  it("a run resumed from a checkpoint draws the same masks: bit for bit as one run", async () => {
    const source = "input 8 -> dense 12 relu -> dropout 0.4 -> dense 3 softmax";
    const m = await load(source);
    const Trainer = m.Trainer as unknown as DropoutTrainerClass & DropoutModule["Trainer"];
    const { x, y } = batch(8, 3, 50, 12);
    const rows = (a: Float64Array, w: number): number[][] => Array.from({ length: a.length / w }, (_, r) => Array.from(a.subarray(r * w, (r + 1) * w)));
    const once = new Trainer({ seed: 4 });
    once.fit(rows(x, 8), rows(y, 3), { epochs: 4, batchSize: 16 });
    const first = new Trainer({ seed: 4 });
    first.fit(rows(x, 8), rows(y, 3), { epochs: 2, batchSize: 16 });
    const resumed = Trainer.fromJSON(JSON.parse(JSON.stringify(first)));
    resumed.fit(rows(x, 8), rows(y, 3), { epochs: 4, batchSize: 16, initialEpoch: 2 });
    expect(Buffer.from(resumed.params.buffer).equals(Buffer.from(once.params.buffer))).toBe(true);
    // And dropout did something: without it the run ends elsewhere.
    const plain = await load(source.replace(" -> dropout 0.4", ""));
    const noDrop = new plain.Trainer({ seed: 4 });
    noDrop.fit(rows(x, 8), rows(y, 3), { epochs: 4, batchSize: 16 });
    expect(Array.from(noDrop.params)).not.toEqual(Array.from(once.params));
  });
});
