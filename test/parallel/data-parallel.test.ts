/**
 * Data-parallel training over worker threads: the generated Trainer with the engine's step (its
 * state in the engine's shared arrays) gives the same run for the same thread count (bit for
 * bit), and one thread's run to rounding, with and without clipping. One step is also checked
 * against the module's own lossAndGradient and applyUpdate on the whole batch.
 */
import { afterAll, describe, expect, it } from "vitest";
import { emitRunnableJavaScript } from "../../src/codegen/javascript.js";
import { emitModule } from "../../src/codegen/module.js";
import { DataParallelStep, defaultThreads, EVALUATION_CHUNK_ROWS, evaluationChunkRows, MIN_SLICE_MACS, MIN_SLICE_ROWS, rangeStart, sliceStart, threadsRefusal } from "../../src/parallel/index.js";
import { denseLayers } from "../../src/ir/layers.js";
import { buildIR } from "../support/ir.js";
import { prng } from "../support/reference.js";
import { DEFAULT_EMIT, importJavaScript } from "../codegen/load.js";
import type { TrainingModule } from "../training/support.js";


// 64 inputs: the first layer runs in the f64x2 kernels, as `mlpc train` compiles it.
const ir = buildIR({ inputs: 64, layers: [[48, "relu"], [10, "softmax"]], regularization: { l2: 1e-3 } });
const js = emitRunnableJavaScript(emitModule(ir, { ...DEFAULT_EMIT, simd: true }));
const ROWS = 300;
const BATCH = 37; // 300 rows: 8 batches of 37 and a last one of 4, so slices are uneven and some tiny

function data(): { x: Float64Array; y: Float64Array } {
  const next = prng(12);
  const x = Float64Array.from({ length: ROWS * 64 }, () => next() * 2 - 1);
  const y = new Float64Array(ROWS * 10);
  for (let r = 0; r < ROWS; r++) y[r * 10 + Math.floor(next() * 10)] = 1;
  return { x, y };
}

const engines: DataParallelStep[] = [];
afterAll(async () => {
  for (const e of engines) await e.close();
});

type StepModule = TrainingModule & {
  createTrainState(params: ArrayLike<number>, allocate?: (length: number) => ArrayLike<number>): { params: Float64Array; grad: Float64Array; step: number; paramsFinite: boolean | null };
  updateRange(state: unknown, from: number, to: number, gradNorm?: number): number;
  lastBatchOutputs(rows: number, out: Float64Array): void;
  applyUpdate(state: unknown): void;
};

async function start(source: string, mod: StepModule, options: { threads?: number; paramCount: number; outputSize?: number; maxRows: number; maxEvaluationRows?: number; dtype?: "f32"; clips?: boolean; spinMs?: number; inputs?: Float64Array; keepParamsBefore?: boolean; sharedHeap?: boolean }): Promise<DataParallelStep> {
  const engine = await DataParallelStep.start({
    moduleUrl: `data:text/javascript;base64,${Buffer.from(source).toString("base64")}`,
    module: mod as never,
    threads: options.threads ?? 2,
    inputSize: 64,
    outputSize: options.outputSize ?? 10,
    paramCount: options.paramCount,
    maxRows: options.maxRows,
    ...(options.dtype === undefined ? {} : { dtype: options.dtype }),
    ...(options.clips === undefined ? {} : { clips: options.clips }),
    ...(options.spinMs === undefined ? {} : { spinMs: options.spinMs }),
    ...(options.maxEvaluationRows === undefined ? {} : { maxEvaluationRows: options.maxEvaluationRows }),
    ...(options.inputs === undefined ? {} : { inputs: options.inputs }),
    ...(options.keepParamsBefore === undefined ? {} : { keepParamsBefore: options.keepParamsBefore }),
    ...(options.sharedHeap === undefined ? {} : { sharedHeap: options.sharedHeap }),
  });
  engines.push(engine);
  return engine;
}

async function trainWith(threads: number, source = js, paramCount = ir.paramCount, gather = false): Promise<Float64Array> {
  const mod = await importJavaScript<StepModule>(source);
  const { x, y } = data();
  if (threads === 1) {
    const trainer = new mod.Trainer({ seed: 3 });
    trainer.fit(x, y, { epochs: 3, batchSize: BATCH });
    return Float64Array.from(trainer.params);
  }
  const engine = await start(source, mod, { threads, paramCount, maxRows: BATCH, clips: source !== js, ...(gather ? { inputs: x, keepParamsBefore: true } : {}) });
  const trainer = new (mod.Trainer as unknown as new (o: object) => InstanceType<typeof mod.Trainer>)({ seed: 3, arrays: engine.arrays });
  const trainStep = (state: never, xb: Float64Array, yb: Float64Array, rows: number, seed: number, out?: Float64Array): number => engine.step(state, xb, yb, rows, seed, out);
  const gathering = gather ? { gatherRows: engine.gatherRows, paramsBefore: engine.paramsBefore } : {};
  trainer.fit(gather ? engine.inputs : x, y, { epochs: 3, batchSize: BATCH, trainStep, ...gathering } as never);
  return Float64Array.from(trainer.params);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  for (let p = 0; p < a.length; p++) diff = Math.max(diff, Math.abs(a[p]! - b[p]!));
  return diff;
}

describe("data-parallel training", () => {
  it("is deterministic for a thread count and equal to one thread to rounding", async () => {
    const one = await trainWith(1);
    const two = await trainWith(2);
    const twoAgain = await trainWith(2);
    const three = await trainWith(3);
    expect(Array.from(twoAgain)).toEqual(Array.from(two));
    for (const run of [two, three]) {
      // 27 Adam updates from the same start: rounding of the reordered sums only.
      expect(maxDiff(run, one)).toBeGreaterThan(0);
      expect(maxDiff(run, one)).toBeLessThan(1e-9);
    }
  });

  it("with the inputs shared, each thread gathers its slice's rows and keeps its range before the update: the same run, bit for bit", async () => {
    for (const threads of [2, 3]) expect(Array.from(await trainWith(threads, js, ir.paramCount, true))).toEqual(Array.from(await trainWith(threads)));
    const mod = await importJavaScript<StepModule>(js);
    const { x, y } = data();
    const engine = await start(js, mod, { threads: 2, paramCount: ir.paramCount, maxRows: 64, inputs: x, keepParamsBefore: true });
    expect(engine.inputs).not.toBe(x);
    expect(Array.from(engine.inputs)).toEqual(Array.from(x));
    const params = engine.arrays(ir.paramCount);
    params.set(mod.initParams(5));
    const state = mod.createTrainState(params, engine.arrays as never);
    const reference = mod.createTrainState(Float64Array.from(params));
    // 40 rows in a scattered order: the step reads them from the shared inputs, not from its x (all NaN).
    const order = Uint32Array.from({ length: 40 }, (_, r) => (r * 37 + 11) % ROWS);
    const xb = Float64Array.from(Array.from(order).flatMap((i) => Array.from(x.subarray(i * 64, (i + 1) * 64))));
    const yb = Float64Array.from(Array.from(order).flatMap((i) => Array.from(y.subarray(i * 10, (i + 1) * 10))));
    const expected = mod.lossAndGradient(reference.params, xb, yb, 40, reference.grad);
    const before = Float64Array.from(params);
    engine.gatherRows(engine.inputs, order);
    expect(engine.step(state as never, new Float64Array(40 * 64).fill(NaN), yb, 40)).toBeCloseTo(expected, 12);
    expect(maxDiff(state.grad, reference.grad)).toBeLessThan(1e-12);
    // paramsBefore: each range as it was before this update (every range copied, so all of them).
    expect(Array.from(engine.paramsBefore)).toEqual(Array.from(before));
    expect(maxDiff(state.params, before)).toBeGreaterThan(0);
    // Rows of another array, or a step of another size than gatherRows named, are refused; so is
    // paramsBefore of an engine not started to keep them.
    const keepsNone = await start(js, mod, { threads: 2, paramCount: ir.paramCount, maxRows: 8 });
    expect(() => keepsNone.paramsBefore).toThrow(/keepParamsBefore/);
    expect(() => engine.gatherRows(x, order)).toThrow(/engine.inputs/);
    engine.gatherRows(engine.inputs, order);
    expect(() => engine.step(state as never, xb, yb, 39)).toThrow(/named 40 rows, the step has 39/);
  });

  it("keeps the state in one shared WebAssembly.Memory with the kernels' heaps: the same run, bit for bit, as in SharedArrayBuffers copied through each thread's heap", async () => {
    const js32 = emitRunnableJavaScript(emitModule(ir, { ...DEFAULT_EMIT, simd: true, dtype: "f32" }));
    const { x, y } = data();
    /** Params after 12 steps of 37 gathered rows (the last slices' gradients combined in the update, or before it on 3 threads). */
    const run = async (source: string, dtype: "f64" | "f32", threads: number, sharedHeap: boolean): Promise<{ params: number[]; shares: boolean; moved: number }> => {
      const mod = await importJavaScript<StepModule>(source);
      const engine = await start(source, mod, { threads, paramCount: ir.paramCount, maxRows: BATCH, inputs: x, sharedHeap, ...(dtype === "f32" ? { dtype } : {}) });
      const params = engine.arrays(ir.paramCount);
      params.set(mod.initParams(5));
      const state = mod.createTrainState(params, engine.arrays as never);
      for (let k = 0; k < 12; k++) {
        const order = Uint32Array.from({ length: BATCH }, (_, r) => (k * 53 + r * 29) % ROWS);
        const yb = Float64Array.from(Array.from(order).flatMap((i) => Array.from(y.subarray(i * 10, (i + 1) * 10))));
        engine.gatherRows(engine.inputs, order);
        expect(Number.isFinite(engine.step(state as never, engine.inputs, yb, BATCH))).toBe(true);
      }
      return { params: Array.from(state.params), shares: engine.sharesHeap, moved: maxDiff(state.params, mod.initParams(5)) };
    };
    for (const [source, dtype] of [[js, "f64"], [js32, "f32"]] as const) {
      for (const threads of [2, 3]) {
        const shared = await run(source, dtype, threads, true);
        const copied = await run(source, dtype, threads, false);
        expect([shared.shares, copied.shares]).toEqual([true, false]);
        expect(shared.params).toEqual(copied.params);
        expect(shared.moved).toBeGreaterThan(1e-3);
      }
    }
    // A module without the kernels keeps SharedArrayBuffers.
    const plain = emitRunnableJavaScript(emitModule(ir, { ...DEFAULT_EMIT, simd: false }));
    const engine = await start(plain, await importJavaScript<StepModule>(plain), { paramCount: ir.paramCount, maxRows: 8 });
    expect(engine.sharesHeap).toBe(false);
  });

  it("clips by the global norm summed over the threads' ranges", async () => {
    const clipped = buildIR({ inputs: 64, layers: [[48, "relu"], [10, "softmax"]], optimizer: { kind: "adam", lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8, clip: 0.01 } });
    const source = emitRunnableJavaScript(emitModule(clipped, { ...DEFAULT_EMIT, simd: true }));
    const one = await trainWith(1, source, clipped.paramCount);
    const two = await trainWith(2, source, clipped.paramCount);
    expect(maxDiff(two, one)).toBeLessThan(1e-9);
    // Clipping at 0.01 changes the run: a range clipped by its own norm only would not match one thread.
    const unclipped = await trainWith(1);
    expect(maxDiff(one, unclipped)).toBeGreaterThan(1e-3);
  });

  it("steps as lossAndGradient and applyUpdate on the whole batch: loss, combined gradient, update, step", async () => {
    const mod = await importJavaScript<StepModule>(js);
    const engine = await start(js, mod, { threads: 3, paramCount: ir.paramCount, maxRows: 64 });
    const { x, y } = data();
    const params = engine.arrays(ir.paramCount);
    params.set(mod.initParams(5));
    const state = mod.createTrainState(params, engine.arrays as never);
    const reference = mod.createTrainState(Float64Array.from(params));
    for (const rows of [1, 2, 5, 64]) {
      const expected = mod.lossAndGradient(reference.params, x, y, rows, reference.grad);
      mod.applyUpdate(reference);
      expect(engine.step(state as never, x.subarray(0, rows * 64), y.subarray(0, rows * 10), rows)).toBeCloseTo(expected, 12);
      expect(maxDiff(state.grad, reference.grad)).toBeLessThan(1e-12);
      expect(maxDiff(state.params, reference.params)).toBeLessThan(1e-9);
      expect(state.step).toBe(reference.step);
      expect(state.paramsFinite).toBe(true);
    }
    // Each thread checks the range it updates. A hidden unit's bias of -Infinity leaves the loss finite
    // (relu gives 0) while the update writes it again: the last thread's range reports it.
    const bias = denseLayers(ir)[0]!.biasOffset;
    expect(bias).toBeGreaterThanOrEqual(rangeStart(2, ir.paramCount, 3));
    params[bias] = -Infinity;
    expect(Number.isFinite(engine.step(state as never, x.subarray(0, 64 * 64), y.subarray(0, 64 * 10), 64))).toBe(true);
    expect(state.paramsFinite).toBe(false);
    // A state the engine did not make is refused, not silently trained on separate copies.
    expect(() => engine.step(mod.createTrainState(mod.initParams(1)) as never, x, y, 1)).toThrow(/arrays: engine.arrays/);
  });

  it("steps f32 to the whole batch within f32 rounding (waits polling first), and profiles each thread's slices", async () => {
    const js32 = emitRunnableJavaScript(emitModule(ir, { ...DEFAULT_EMIT, simd: true, dtype: "f32" }));
    const mod = await importJavaScript<StepModule>(js32);
    const engine = await start(js32, mod, { paramCount: ir.paramCount, maxRows: 64, dtype: "f32", spinMs: 0.5 });
    const { x, y } = data();
    const params = engine.arrays(ir.paramCount);
    params.set(mod.initParams(5));
    const state = mod.createTrainState(params, engine.arrays as never);
    const whole = new Float32Array(ir.paramCount);
    const expected = (mod.lossAndGradient as unknown as (p: ArrayLike<number>, x: Float64Array, y: Float64Array, r: number, g: Float32Array) => number)(Float32Array.from(params), x, y, 64, whole);
    engine.resetProfile();
    expect(engine.step(state as never, x.subarray(0, 64 * 64), y.subarray(0, 64 * 10), 64)).toBeCloseTo(expected, 5);
    let scale = 0;
    for (let p = 0; p < ir.paramCount; p++) scale = Math.max(scale, Math.abs(whole[p]!));
    expect(maxDiff(state.grad, whole)).toBeLessThan(1e-5 * scale);
    const profile = engine.profile();
    expect(profile.calls).toBe(1);
    expect(profile.sliceMs).toHaveLength(2);
    for (const ms of [...profile.sliceMs, ...profile.updateMs]) expect(ms).toBeGreaterThan(0);
    expect(profile.waitMs).toHaveLength(2);
    for (const ms of profile.waitMs) expect(ms).toBeGreaterThanOrEqual(0);
  });

  it("writes every slice's outputs for the running accuracy and weighs each slice's rows (a one-sigmoid bce model)", async () => {
    const bce = buildIR({ inputs: 64, layers: [[16, "tanh"], [1, "sigmoid"]] });
    const bceJs = emitRunnableJavaScript(emitModule(bce, { ...DEFAULT_EMIT, simd: true }));
    type WeightedModule = StepModule & {
      lossAndGradient(p: Float64Array, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, g: Float64Array, rowWeight?: ArrayLike<number>): number;
    };
    const mod = await importJavaScript<WeightedModule>(bceJs);
    const engine = await start(bceJs, mod, { paramCount: bce.paramCount, outputSize: 1, maxRows: 64 });
    const next = prng(4);
    const rows = 41;
    const x = Float64Array.from({ length: rows * 64 }, () => next() * 2 - 1);
    const y = Float64Array.from({ length: rows }, () => (next() < 0.2 ? 1 : 0));
    const rowWeight = Float64Array.from(y, (t) => (t === 1 ? 5 : 0.5));
    const params = engine.arrays(bce.paramCount);
    params.set(mod.initParams(2));
    const before = Float64Array.from(params);
    const whole = new Float64Array(bce.paramCount);
    const expected = mod.lossAndGradient(before, x, y, rows, whole, rowWeight);
    expect(expected).not.toBeCloseTo(mod.lossAndGradient(before, x, y, rows, new Float64Array(bce.paramCount)), 3); // the weights matter
    const state = mod.createTrainState(params, engine.arrays as never);
    const out = new Float64Array(rows).fill(Number.NaN);
    expect(engine.step(state as never, x, y, rows, 0, out, rowWeight)).toBeCloseTo(expected, 12);
    expect(maxDiff(state.grad, whole)).toBeLessThan(1e-12);
    // Both slices' outputs at the parameters before the update, as a forward pass over the batch gives them.
    const forward = mod.forwardBatch(before, x, rows);
    expect(maxDiff(out, forward)).toBeLessThan(1e-12);
  });

  it("evaluates rows over the threads: each row's outputs as lossOf gives them, J to rounding; more rows than it holds, or fewer than the threads, on the calling thread", async () => {
    type EvalModule = StepModule & { lossOf(p: Float64Array, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, out: Float64Array): number };
    const mod = await importJavaScript<EvalModule>(js);
    const { x, y } = data();
    const rows = 299;
    const engine = await DataParallelStep.start({ moduleUrl: `data:text/javascript;base64,${Buffer.from(js).toString("base64")}`, module: mod as never, threads: 3, inputSize: 64, outputSize: 10, paramCount: ir.paramCount, maxRows: BATCH, maxEvaluationRows: rows });
    engines.push(engine);
    const params = engine.arrays(ir.paramCount);
    params.set(mod.initParams(5));
    const expectedOut = new Float64Array(rows * 10);
    const expected = mod.lossOf(Float64Array.from(params), x, y, rows, expectedOut);
    const out = new Float64Array(rows * 10).fill(Number.NaN);
    const loss = engine.evaluate(params, x, y, rows, out);
    expect(out).toEqual(expectedOut); // all three slices written, bit for bit
    expect(Math.abs(loss - expected)).toBeLessThan(1e-12 * expected);
    expect(loss).not.toBe(mod.lossOf(Float64Array.from(params), x, y, 100, new Float64Array(1000))); // not the first slice alone
    // Again, after other rows: the workers' rows are copied each call.
    const shifted = x.subarray(64);
    const again = new Float64Array(rows * 10);
    expect(engine.evaluate(params, shifted, y.subarray(10), 298, again)).toBeCloseTo(mod.lossOf(Float64Array.from(params), shifted, y.subarray(10), 298, new Float64Array(2980)), 12);
    // Beyond maxEvaluationRows: in chunks (here 299 rows over the threads, then 1 on this thread), the same outputs, J to rounding.
    const whole = new Float64Array(3000);
    const wholeLoss = mod.lossOf(Float64Array.from(params), x, y, 300, whole);
    const chunked = new Float64Array(3000).fill(Number.NaN);
    expect(Math.abs(engine.evaluate(params, x, y, 300, chunked) - wholeLoss)).toBeLessThan(1e-12 * wholeLoss);
    expect(chunked).toEqual(whole);
    // Fewer rows than threads: the module's own lossOf, bit for bit.
    expect(engine.evaluate(params, x, y, 2, new Float64Array(20))).toBe(mod.lossOf(Float64Array.from(params), x, y, 2, new Float64Array(20)));
    expect(() => engine.evaluate(Float64Array.from(params), x, y, rows, out)).toThrow(/engine's parameters/);
    // As the Trainer's validationLoss: the same validation metrics as one thread (the accuracy exactly).
    type History = { history: { val_loss: number[]; val_accuracy: number[] } };
    const plain = new mod.Trainer({ seed: 3 });
    const one = plain.fit(x, y, { epochs: 2, batchSize: BATCH, validationSplit: 0.25 }) as unknown as History;
    const forTrainer = await start(js, mod, { paramCount: ir.paramCount, maxRows: BATCH, maxEvaluationRows: 75 });
    const trainer = new (mod.Trainer as unknown as new (o: object) => InstanceType<typeof mod.Trainer>)({ seed: 3, arrays: forTrainer.arrays });
    let calls = 0;
    const validationLoss = (...args: Parameters<DataParallelStep["evaluate"]>): number => (calls++, forTrainer.evaluate(...args));
    const split = trainer.fit(x, y, { epochs: 2, batchSize: BATCH, validationSplit: 0.25, validationLoss } as never) as unknown as History;
    expect(calls).toBe(2); // once an epoch, in place of lossOf
    expect(split.history.val_accuracy).toEqual(one.history.val_accuracy);
    for (const [e, v] of one.history.val_loss.entries()) expect(Math.abs(split.history.val_loss[e]! - v)).toBeLessThan(1e-12 * v);
    expect(split.history.val_loss).toHaveLength(2);
  });

  it("evaluates in chunks of at most 4096 rows and 2^21 input values, at least a row a thread", () => {
    const chunk = (inputSize: number, maxEvaluationRows: number, threads = 2): number => evaluationChunkRows({ threads, inputSize, maxEvaluationRows });
    expect(chunk(64, 300)).toBe(300);
    expect(chunk(64, 100_000)).toBe(EVALUATION_CHUNK_ROWS);
    expect(chunk(784, 100_000)).toBe(Math.floor(2 ** 21 / 784)); // 2674 rows of 784: 16 MB
    expect(chunk(10_000_000, 100_000, 3)).toBe(3);
    expect(chunk(784, 0)).toBe(0); // no evaluation rows: lossOf on the calling thread
  });

  it("slices rows contiguously and evenly; the default stays on one thread for small work and dropout", () => {
    expect([0, 1, 2, 3].map((w) => sliceStart(w, 10, 3))).toEqual([0, 3, 6, 10]);
    expect([0, 1, 2].map((t) => rangeStart(t, 101_770, 2))).toEqual([0, 50_884, 101_770]); // whole SIMD lanes
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
