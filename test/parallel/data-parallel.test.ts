/**
 * Data-parallel training over worker threads: the generated Trainer with the engine's gradient
 * gives the same run for the same thread count (bit for bit), and one thread's run to rounding.
 * The combination rule is also checked against the module's own lossAndGradient on one batch.
 */
import { afterAll, describe, expect, it } from "vitest";
import { emitRunnableJavaScript } from "../../src/codegen/javascript.js";
import { emitModule } from "../../src/codegen/module.js";
import { DataParallelGradient, defaultThreads, MIN_SLICE_MACS, MIN_SLICE_ROWS, sliceStart, threadsRefusal } from "../../src/parallel/index.js";
import { buildIR } from "../support/ir.js";
import { prng } from "../support/reference.js";
import { DEFAULT_EMIT, importJavaScript } from "../codegen/load.js";
import type { TrainingModule } from "../training/support.js";


// 64 inputs: the first layer runs in the f64x2 kernels, as `mlpc train` compiles it.
const ir = buildIR({ inputs: 64, layers: [[48, "relu"], [10, "softmax"]], regularization: { l2: 1e-3 } });
const js = emitRunnableJavaScript(emitModule(ir, { ...DEFAULT_EMIT, simd: true }));
const url = `data:text/javascript;base64,${Buffer.from(js).toString("base64")}`;
const ROWS = 300;
const BATCH = 37; // 300 rows: 8 batches of 37 and a last one of 4, so slices are uneven and some tiny

function data(): { x: Float64Array; y: Float64Array } {
  const next = prng(12);
  const x = Float64Array.from({ length: ROWS * 64 }, () => next() * 2 - 1);
  const y = new Float64Array(ROWS * 10);
  for (let r = 0; r < ROWS; r++) y[r * 10 + Math.floor(next() * 10)] = 1;
  return { x, y };
}

const engines: DataParallelGradient[] = [];
afterAll(async () => {
  for (const e of engines) await e.close();
});

async function trainWith(threads: number): Promise<Float64Array> {
  const mod = await importJavaScript<TrainingModule>(js);
  const trainer = new mod.Trainer({ seed: 3 });
  const { x, y } = data();
  let gradient: ((state: { params: Float64Array; grad: Float64Array }, xb: Float64Array, yb: Float64Array, rows: number) => number) | undefined;
  if (threads > 1) {
    const engine = await DataParallelGradient.start({ moduleUrl: url, module: mod, threads, inputSize: 64, outputSize: 10, paramCount: ir.paramCount, maxRows: BATCH });
    engines.push(engine);
    gradient = (state, xb, yb, rows) => engine.gradient(state, xb, yb, rows);
  }
  trainer.fit(x, y, { epochs: 3, batchSize: BATCH, ...(gradient === undefined ? {} : { gradient }) });
  return Float64Array.from(trainer.params);
}

describe("data-parallel training", () => {
  it("is deterministic for a thread count and equal to one thread to rounding", async () => {
    const one = await trainWith(1);
    const two = await trainWith(2);
    const twoAgain = await trainWith(2);
    const three = await trainWith(3);
    expect(Array.from(twoAgain)).toEqual(Array.from(two));
    for (const run of [two, three]) {
      let diff = 0;
      for (let p = 0; p < one.length; p++) diff = Math.max(diff, Math.abs(run[p]! - one[p]!));
      // 27 Adam updates from the same start: rounding of the reordered sums only.
      expect(diff).toBeGreaterThan(0);
      expect(diff).toBeLessThan(1e-9);
    }
  });

  it("combines the slices into the whole batch's mean loss and gradient", async () => {
    const mod = await importJavaScript<TrainingModule>(js);
    const engine = await DataParallelGradient.start({ moduleUrl: url, module: mod, threads: 2, inputSize: 64, outputSize: 10, paramCount: ir.paramCount, maxRows: 64 });
    engines.push(engine);
    const { x, y } = data();
    const params = mod.initParams(5);
    for (const rows of [1, 2, 5, 64]) {
      const whole = new Float64Array(ir.paramCount);
      const expected = mod.lossAndGradient(params, x, y, rows, whole);
      const state = { params, grad: new Float64Array(ir.paramCount) };
      expect(engine.gradient(state, x.subarray(0, rows * 64), y.subarray(0, rows * 10), rows)).toBeCloseTo(expected, 12);
      for (let p = 0; p < ir.paramCount; p++) expect(Math.abs(state.grad[p]! - whole[p]!)).toBeLessThan(1e-12);
    }
  });

  it("combines f32 slices to the whole batch within f32 rounding (waits polling first), and profiles each thread's slices", async () => {
    const js32 = emitRunnableJavaScript(emitModule(ir, { ...DEFAULT_EMIT, simd: true, dtype: "f32" }));
    const url32 = `data:text/javascript;base64,${Buffer.from(js32).toString("base64")}`;
    const mod = await importJavaScript<TrainingModule>(js32);
    const engine = await DataParallelGradient.start({ moduleUrl: url32, module: mod, threads: 2, inputSize: 64, outputSize: 10, paramCount: ir.paramCount, maxRows: 64, dtype: "f32", spinMs: 0.5 });
    engines.push(engine);
    const { x, y } = data();
    const params = mod.initParams(5) as unknown as Float32Array;
    const whole = new Float32Array(ir.paramCount);
    const expected = (mod.lossAndGradient as unknown as (p: Float32Array, x: Float64Array, y: Float64Array, r: number, g: Float32Array) => number)(params, x, y, 64, whole);
    const state = { params, grad: new Float32Array(ir.paramCount) };
    engine.resetProfile();
    expect(engine.gradient(state, x.subarray(0, 64 * 64), y.subarray(0, 64 * 10), 64)).toBeCloseTo(expected, 5);
    let scale = 0;
    for (let p = 0; p < ir.paramCount; p++) scale = Math.max(scale, Math.abs(whole[p]!));
    for (let p = 0; p < ir.paramCount; p++) expect(Math.abs(state.grad[p]! - whole[p]!)).toBeLessThan(1e-5 * scale);
    const profile = engine.profile();
    expect(profile.calls).toBe(1);
    expect(profile.sliceMs).toHaveLength(2);
    for (const ms of profile.sliceMs) expect(ms).toBeGreaterThan(0);
  });

  it("writes every slice's outputs for the running accuracy and weighs each slice's rows (a one-sigmoid bce model)", async () => {
    const bce = buildIR({ inputs: 64, layers: [[16, "tanh"], [1, "sigmoid"]] });
    const bceJs = emitRunnableJavaScript(emitModule(bce, { ...DEFAULT_EMIT, simd: true }));
    type WeightedModule = TrainingModule & {
      lossAndGradient(p: Float64Array, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, g: Float64Array, rowWeight?: ArrayLike<number>): number;
      lastBatchOutputs(rows: number, out: Float64Array): void;
    };
    const mod = await importJavaScript<WeightedModule>(bceJs);
    const engine = await DataParallelGradient.start({ moduleUrl: `data:text/javascript;base64,${Buffer.from(bceJs).toString("base64")}`, module: mod, threads: 2, inputSize: 64, outputSize: 1, paramCount: bce.paramCount, maxRows: 64 });
    engines.push(engine);
    const next = prng(4);
    const rows = 41;
    const x = Float64Array.from({ length: rows * 64 }, () => next() * 2 - 1);
    const y = Float64Array.from({ length: rows }, () => (next() < 0.2 ? 1 : 0));
    const rowWeight = Float64Array.from(y, (t) => (t === 1 ? 5 : 0.5));
    const params = mod.initParams(2);
    const whole = new Float64Array(bce.paramCount);
    const expected = mod.lossAndGradient(params, x, y, rows, whole, rowWeight);
    expect(expected).not.toBeCloseTo(mod.lossAndGradient(params, x, y, rows, new Float64Array(bce.paramCount)), 3); // the weights matter
    const state = { params, grad: new Float64Array(bce.paramCount) };
    const out = new Float64Array(rows).fill(Number.NaN);
    expect(engine.gradient(state, x, y, rows, 0, out, rowWeight)).toBeCloseTo(expected, 12);
    for (let p = 0; p < bce.paramCount; p++) expect(Math.abs(state.grad[p]! - whole[p]!)).toBeLessThan(1e-12);
    // Both slices' outputs, as a forward pass over the batch gives them (the slice 1 rows come from the worker).
    const forward = mod.forwardBatch(params, x, rows);
    for (let r = 0; r < rows; r++) expect(Math.abs(out[r]! - forward[r]!)).toBeLessThan(1e-12);
  });

  it("slices rows contiguously and evenly; the default stays on one thread for small work and dropout", () => {
    expect([0, 1, 2, 3].map((w) => sliceStart(w, 10, 3))).toEqual([0, 3, 6, 10]);
    const base = { cores: 2, hasDropout: false };
    expect(defaultThreads({ ...base, macsPerRow: 86, batchRows: 32 })).toBe(1);
    expect(defaultThreads({ ...base, macsPerRow: 101_632, batchRows: 128 })).toBe(2);
    expect(defaultThreads({ ...base, macsPerRow: Math.ceil((2 * MIN_SLICE_MACS) / 64), batchRows: 64 })).toBe(2);
    // Enough work but too few rows a slice: the per-step cost that grows with the parameters wins.
    expect(defaultThreads({ ...base, macsPerRow: 101_632, batchRows: 2 * MIN_SLICE_ROWS - 1 })).toBe(1);
    expect(defaultThreads({ ...base, macsPerRow: 101_632, batchRows: 2 * MIN_SLICE_ROWS })).toBe(2);
    expect(defaultThreads({ ...base, macsPerRow: 101_632, batchRows: 128, hasDropout: true })).toBe(1);
    expect(threadsRefusal(2, { hasDropout: true })).toMatch(/dropout/);
    expect(threadsRefusal(2, { hasDropout: false })).toBeNull();
  });
});
