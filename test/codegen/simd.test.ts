/**
 * --simd modules against the plain module of the same network: the WebAssembly kernels must
 * compute the same forward pass and gradient (f64x2: to rounding; f32x4: to float32 precision),
 * through every layer mix (wasm layers next to JS ones, a JS first layer reading staged x, kept z
 * for gelu, tails of rows and units), batch sizes across the heap's growth and forwardBatch's
 * chunks, and the Trainer on top. The kernels alone are tested in wasm-kernels.test.ts.
 */
import { describe, expect, it } from "vitest";
import { emitModule } from "../../src/codegen/module.js";
import { planEmission } from "../../src/codegen/plan.js";
import type { ModelIR, Optimizer } from "../../src/ir/types.js";
import { classAccuracy, readDataset, splitDataset } from "../support/datasets.js";
import { buildIR } from "../support/ir.js";
import { prng } from "../support/reference.js";
import { example, SPLIT } from "../training/examples.js";
import type { TrainingModule } from "../training/support.js";
import { compileAndLoad, DEFAULT_EMIT, loadGenerated, transpile, typeCheck, type GeneratedModule } from "./load.js";

const NETS: Record<string, ModelIR> = {
  // wasm, wasm, then an unrolled JS output layer (24 x 10 = 240 multiply-adds); gelu keeps z.
  mixed: buildIR({ inputs: 64, layers: [[40, "gelu"], [24, "relu"], [10, "softmax"]], regularization: { l1: 1e-3, l2: 1e-2 } }),
  // 30 inputs are not whole f32x4 vectors: a JS first layer reads the staged x, then wasm.
  jsFirst: buildIR({ inputs: 30, layers: [[64, "tanh"], [24, "swish"], [3, "linear"]] }),
  // multilabel, sigmoid outputs, leaky relu hidden.
  multilabel: buildIR({ inputs: 48, layers: [[36, "leaky_relu"], [5, "sigmoid"]] }),
};

function randomArray(n: number, seed: number, scale = 1): Float64Array {
  const next = prng(seed);
  return Float64Array.from({ length: n }, () => (next() * 2 - 1) * scale);
}

/** Targets that fit the loss: one-hot rows for softmax, 0/1 for sigmoid, anything for mse. */
function targets(ir: ModelIR, rows: number, seed: number): Float64Array {
  const next = prng(seed);
  const O = ir.outputSize;
  const y = new Float64Array(rows * O);
  for (let r = 0; r < rows; r++) {
    if (ir.loss.kind === "softmax_ce") y[r * O + Math.floor(next() * O)] = 1;
    else for (let j = 0; j < O; j++) y[r * O + j] = ir.loss.kind === "mse" ? next() * 2 - 1 : next() < 0.5 ? 0 : 1;
  }
  return y;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const TOLERANCE = { f64: 1e-10, f32: 2e-4 } as const;

describe.each(["f64", "f32"] as const)("--simd with dtype %s matches the plain module", (dtype) => {
  it.each(Object.keys(NETS))("%s: forwardBatch and lossAndGradient, batches of 1 to 2100 rows", async (name) => {
    const ir = NETS[name]!;
    const plain = (await compileAndLoad(ir)).module;
    const { source, module: simd } = await compileAndLoad(ir, { simd: true, dtype });
    expect(planEmission(ir, "auto", {}, dtype === "f32" ? 4 : 2).layers.some((l) => l.wasm)).toBe(true);
    expect(source).toContain("kernels.dense(");
    const P = dtype === "f32" ? Float32Array : Float64Array;
    const params64 = randomArray(ir.paramCount, 7, 0.3);
    const params = P.from(params64);
    // f32 storage rounds the parameters: the plain reference uses the same rounded values.
    const reference = Float64Array.from(params);
    const tolerance = TOLERANCE[dtype];
    // 2100 rows: the heap grows twice (1, 37, 2100) and forwardBatch runs 3 chunks of <= 1024.
    for (const rows of [1, 37, 5, 2100]) {
      const x = randomArray(rows * ir.inputSize, rows);
      const expected = plain.forwardBatch(reference, x, rows);
      const got = simd.forwardBatch(params, x, rows);
      expect(maxAbsDiff(got, expected), `${name} forward rows=${rows}`).toBeLessThan(tolerance * Math.max(1, maxAbs(expected)));

      const y = targets(ir, rows, rows + 1);
      const gradExpected = new Float64Array(ir.paramCount);
      const gradGot = new P(ir.paramCount);
      const lossExpected = plain.lossAndGradient(reference, x, y, rows, gradExpected);
      const lossGot = simd.lossAndGradient(params, x, y, rows, gradGot);
      expect(Math.abs(lossGot - lossExpected), `${name} loss rows=${rows}`).toBeLessThan(tolerance * Math.max(1, Math.abs(lossExpected)));
      expect(maxAbsDiff(gradGot, gradExpected), `${name} gradient rows=${rows}`).toBeLessThan(tolerance * Math.max(1e-3, maxAbs(gradExpected)) * 10);
    }
  });

  it("unroll none: every layer in wasm, including a 10-unit output (unit tails)", async () => {
    const ir = buildIR({ inputs: 16, layers: [[12, "relu"], [10, "softmax"]] });
    expect(planEmission(ir, "none", {}, 4).layers.every((l) => l.wasm)).toBe(true);
    const plain = (await compileAndLoad(ir)).module;
    const simd = (await compileAndLoad(ir, { simd: true, dtype, unroll: "none" })).module;
    const P = dtype === "f32" ? Float32Array : Float64Array;
    const params = P.from(randomArray(ir.paramCount, 3, 0.5));
    const reference = Float64Array.from(params);
    for (const rows of [1, 2, 3, 9]) {
      const x = randomArray(rows * 16, 100 + rows);
      const y = targets(ir, rows, rows);
      const g1 = new Float64Array(ir.paramCount);
      const g2 = new P(ir.paramCount);
      expect(Math.abs(simd.lossAndGradient(params, x, y, rows, g2) - plain.lossAndGradient(reference, x, y, rows, g1))).toBeLessThan(TOLERANCE[dtype]);
      expect(maxAbsDiff(g2, g1)).toBeLessThan(TOLERANCE[dtype] * 10 * Math.max(1e-3, maxAbs(g1)));
    }
  });
});

describe.each(["f64", "f32"] as const)("--simd training steps with dtype %s follow the plain module", (dtype) => {
  const OPTIMIZERS: Record<string, Optimizer> = {
    // Adam and AdamW (with clipping) run their update in the adam kernel; momentum stays in TypeScript.
    adam: { kind: "adam", lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, clip: null },
    "adamw clip": { kind: "adamw", lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-7, weightDecay: 0.05, clip: 0.5 },
    "momentum nesterov": { kind: "momentum", lr: 0.05, beta: 0.9, nesterov: true, clip: null },
  };
  it.each(Object.keys(OPTIMIZERS))("%s: 6 steps of trainStep, then the same parameters and moments", async (name) => {
    const ir = buildIR({ inputs: 64, layers: [[40, "relu"], [10, "softmax"]], optimizer: OPTIMIZERS[name]!, regularization: { l2: 1e-3 } });
    const plain = (await compileAndLoad(ir)).module as unknown as TrainingModule;
    const { source, module } = await compileAndLoad(ir, { simd: true, dtype });
    const simd = module as unknown as TrainingModule;
    expect(source.includes("kernels.adam(")).toBe(name !== "momentum nesterov");
    const P = dtype === "f32" ? Float32Array : Float64Array;
    const start = randomArray(ir.paramCount, 11, 0.3);
    const a = plain.createTrainState(Float64Array.from(P.from(start)));
    const b = simd.createTrainState(P.from(start) as Float64Array);
    for (let step = 0; step < 6; step++) {
      const rows = step % 2 === 0 ? 32 : 7;
      const x = randomArray(rows * 64, 50 + step);
      const y = targets(ir, rows, 60 + step);
      const la = plain.trainStep(a, x, y, rows);
      const lb = simd.trainStep(b, x, y, rows);
      expect(Math.abs(la - lb), `loss at step ${step}`).toBeLessThan(TOLERANCE[dtype] * 10);
    }
    // Adam moves every weight by about lr a step whatever the gradient's size: compare against that scale.
    const scale = dtype === "f64" ? 1e-9 : 1e-3 * 0.01 * 6;
    expect(maxAbsDiff(b.params, a.params)).toBeLessThan(Math.max(scale, TOLERANCE[dtype]));
    expect(b.step).toBe(6);
    for (const buffer of Object.keys(a).filter((k) => k === "m" || k === "v" || k === "buf")) {
      const [ma, mb] = [(a as unknown as Record<string, Float64Array>)[buffer]!, (b as unknown as Record<string, Float64Array>)[buffer]!];
      expect(maxAbsDiff(mb, ma), buffer).toBeLessThan(dtype === "f64" ? 1e-12 : 1e-4 * Math.max(1e-3, maxAbs(ma)));
    }
  });
});

/** A module with kernels: the SIMD switch beside the usual exports. */
type SimdModule = GeneratedModule & { readonly SIMD_SUPPORTED: boolean; useSimd(enabled: boolean): boolean };

/** Runs transpiled ESM text as a function body, its exports turned into an object's properties (the modules import nothing). */
function evaluateModule(js: string): SimdModule {
  const body = js.replace(/^export (const|let|function|class) (\w+)/gm, (_, kind: string, name: string) => `exported.push("${name}"); ${kind} ${name}`);
  const names: string[] = [];
  const run = new Function("exported", `${body}\nreturn (name) => eval(name);`) as (exported: string[]) => (name: string) => unknown;
  const lookup = run(names);
  return Object.fromEntries(names.map((n) => [n, lookup(n)])) as unknown as SimdModule;
}

describe.each(["f64", "f32"] as const)("SIMD and its fallback in one %s module", (dtype) => {
  it.each(Object.keys(NETS))("%s: useSimd(false) runs the plain loops: equal to rounding, and bit for bit the plain module in f64", async (name) => {
    const ir = NETS[name]!;
    const { module } = await compileAndLoad(ir, { simd: true, dtype });
    const m = module as SimdModule;
    const plain = (await compileAndLoad(ir, { dtype })).module as unknown as TrainingModule;
    expect(m.SIMD_SUPPORTED).toBe(true);
    const P = dtype === "f32" ? Float32Array : Float64Array;
    const params = P.from(randomArray(ir.paramCount, 9, 0.3));
    const tolerance = TOLERANCE[dtype];
    const run = (enabled: boolean, rows: number): { out: Float64Array; loss: number; grad: Float64Array | Float32Array } => {
      expect(m.useSimd(enabled)).toBe(enabled);
      const x = randomArray(rows * ir.inputSize, 40 + rows);
      const y = targets(ir, rows, 41 + rows);
      const grad = new P(ir.paramCount);
      const out = Float64Array.from(m.forwardBatch(params, x, rows));
      const loss = m.lossAndGradient(params, x, y, rows, grad);
      return { out, loss, grad };
    };
    try {
      for (const rows of [1, 33, 1500]) {
        const fast = run(true, rows);
        const loops = run(false, rows);
        expect(maxAbsDiff(loops.out, fast.out), `${name} forward rows=${rows}`).toBeLessThan(tolerance * Math.max(1, maxAbs(fast.out)));
        expect(Math.abs(loops.loss - fast.loss)).toBeLessThan(tolerance * Math.max(1, Math.abs(fast.loss)));
        expect(maxAbsDiff(loops.grad, fast.grad), `${name} gradient rows=${rows}`).toBeLessThan(tolerance * 10 * Math.max(1e-3, maxAbs(fast.grad)));
        if (dtype === "f64") {
          // The fallback is the --no-simd module's code on the same values: identical, not just close.
          const x = randomArray(rows * ir.inputSize, 40 + rows);
          const grad = new Float64Array(ir.paramCount);
          expect(plain.lossAndGradient(params as Float64Array, x, targets(ir, rows, 41 + rows), rows, grad)).toBe(loops.loss);
          expect(Array.from(grad)).toEqual(Array.from(loops.grad));
        }
      }
      // Training steps (Adam: the adam kernel, then its loop) through both paths from the same start.
      const a = (m as unknown as TrainingModule).createTrainState(P.from(params) as Float64Array);
      const b = (m as unknown as TrainingModule).createTrainState(P.from(params) as Float64Array);
      for (let step = 0; step < 4; step++) {
        const x = randomArray(16 * ir.inputSize, 70 + step);
        const y = targets(ir, 16, 80 + step);
        m.useSimd(true);
        (m as unknown as TrainingModule).trainStep(a, x, y, 16);
        m.useSimd(false);
        (m as unknown as TrainingModule).trainStep(b, x, y, 16);
      }
      expect(maxAbsDiff(b.params, a.params)).toBeLessThan(dtype === "f64" ? 1e-9 : 1e-3);
    } finally {
      m.useSimd(true);
    }
  });
});

/** A module with kernels that can run on a shared memory. */
type SharingModule = SimdModule & TrainingModule & {
  createTrainState(params: Float64Array, allocate?: (length: number) => Float64Array): ReturnType<TrainingModule["createTrainState"]>;
  heapElements(rows: number): number;
  shareHeap(memory: { readonly buffer: SharedArrayBuffer }, at: number, rows: number): boolean;
};

describe.each(["f64", "f32"] as const)("a %s module on a shared heap", (dtype) => {
  it.each(["mixed", "jsFirst"])("%s: trains a state that lives in the memory in place, bit for bit as one copied through its region, which nothing else touches", async (name) => {
    const ir = NETS[name]!;
    // A fresh instance of the module: the other tests' copy keeps a heap of its own.
    const m = (await loadGenerated(emitModule(ir, { ...DEFAULT_EMIT, simd: true, dtype }))) as unknown as SharingModule;
    const E = dtype === "f32" ? 4 : 8;
    const P = dtype === "f32" ? Float32Array : Float64Array;
    const stride = Math.ceil(ir.paramCount / 16) * 16;
    // [ params | grad | m | v | the module's region ], the region for 16-row batches.
    const region = m.heapElements(16);
    expect(region).toBeGreaterThanOrEqual(1024 * ir.inputSize);
    const pages = Math.ceil(((4 * stride + region) * E) / 65536);
    const memory = new (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => { buffer: SharedArrayBuffer } } }).WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    expect(m.shareHeap(memory, 4 * stride, 16)).toBe(true);
    let next = 0;
    const view = (): Float64Array => {
      const at = next++ * stride;
      return (dtype === "f32" ? new Float32Array(memory.buffer, at * 4, ir.paramCount) : new Float64Array(memory.buffer, at * 8, ir.paramCount)) as Float64Array;
    };
    const start = randomArray(ir.paramCount, 9, 0.3);
    const params = view();
    params.set(start);
    const inHeap = m.createTrainState(params, view);
    expect(inHeap.grad.buffer).toBe(memory.buffer);
    const copied = m.createTrainState(P.from(start) as unknown as Float64Array);
    for (let step = 0; step < 4; step++) {
      const x = randomArray(16 * ir.inputSize, 70 + step);
      const y = targets(ir, 16, 80 + step);
      m.trainStep(inHeap, x, y, 16);
      // Between them, a prediction from other parameters: staged in the region, not over the state's.
      const before = Array.from(inHeap.params);
      m.forwardBatch(P.from(randomArray(ir.paramCount, 5 + step)) as unknown as Float64Array, randomArray(1500 * ir.inputSize, step), 1500);
      expect(Array.from(inHeap.params)).toEqual(before);
      m.trainStep(copied, x, y, 16);
    }
    expect(Array.from(inHeap.params)).toEqual(Array.from(copied.params));
    expect(Array.from(inHeap.grad)).toEqual(Array.from(copied.grad));
    expect(maxAbsDiff(inHeap.params, start)).toBeGreaterThan(1e-3);
  });
});

describe.each(["f64", "f32"] as const)("a %s Trainer's state in the kernels' heap", (dtype) => {
  it("trains bit for bit as ordinary arrays, beside a state copied through the region and across a heap a bigger batch replaces", async () => {
    const ir = NETS["mixed"]!;
    const m = (await loadGenerated(emitModule(ir, { ...DEFAULT_EMIT, simd: true, dtype }))) as unknown as SimdModule & TrainingModule;
    const P = dtype === "f32" ? Float32Array : Float64Array;
    const start = randomArray(ir.paramCount, 12, 0.3);
    const resident = new m.Trainer({ params: start });
    // Views of one heap: params, grad and Adam's m and v, one after another.
    const { params, grad } = resident.state;
    expect(grad.buffer).toBe(params.buffer);
    expect(params.buffer.byteLength).toBeGreaterThan(4 * params.byteLength);
    const ordinary = new m.Trainer({ params: start, arrays: (length) => new P(length) as unknown as Float64Array });
    expect(ordinary.params.buffer.byteLength).toBe(ordinary.params.byteLength);
    const x = randomArray(1200 * ir.inputSize, 13);
    const y = targets(ir, 1200, 14);
    for (const batchSize of [16, 16, 1200, 16]) {
      // 1200 rows pass the heap's 1024: a new heap, the resident arrays then copied like any others.
      resident.fit(x, y, { epochs: resident.epoch + 1, initialEpoch: resident.epoch, batchSize });
      ordinary.fit(x, y, { epochs: ordinary.epoch + 1, initialEpoch: ordinary.epoch, batchSize });
      expect(Array.from(resident.params)).toEqual(Array.from(ordinary.params));
    }
    expect(maxAbsDiff(resident.params, start)).toBeGreaterThan(1e-3);
    expect(m.useSimd(false)).toBe(false);
    const plain = new m.Trainer({ params: start });
    expect(plain.params.buffer.byteLength).toBe(plain.params.byteLength);
    m.useSimd(true);
  });
});

describe("--simd modules", () => {
  // One test per network (f64 and f32 in one program), so none runs long.
  it.each(Object.keys(NETS))("%s: type-check alone under --strict with only the ES2022 lib, and import nothing", (name) => {
    const sources: Record<string, string> = {};
    for (const dtype of ["f64", "f32"] as const) sources[`${name}-${dtype}.ts`] = emitModule(NETS[name]!, { ...DEFAULT_EMIT, dtype, simd: true });
    expect(typeCheck(sources)).toEqual([]);
    for (const text of Object.values(sources)) expect(text).not.toMatch(/^\s*import\b|\brequire\(|\beval\(|new Function/m);
  });

  it("are deterministic, and --simd on a network too small for the kernels changes nothing", () => {
    const ir = NETS["mixed"]!;
    expect(emitModule(ir, { ...DEFAULT_EMIT, simd: true })).toBe(emitModule(ir, { ...DEFAULT_EMIT, simd: true }));
    const tiny = buildIR({ inputs: 6, layers: [[7, "relu"], [4, "relu"], [1, "sigmoid"]] });
    expect(emitModule(tiny, { ...DEFAULT_EMIT, simd: true })).toBe(emitModule(tiny, DEFAULT_EMIT));
  });

  it("load and compute the plain path on a runtime without WebAssembly", async () => {
    const ir = buildIR({ name: "no_wasm", inputs: 64, layers: [[32, "relu"], [2, "softmax"]] });
    const source = emitModule(ir, { ...DEFAULT_EMIT, simd: true });
    const plain = (await compileAndLoad(ir)).module;
    const js = transpile(source);
    const saved = Object.getOwnPropertyDescriptor(globalThis, "WebAssembly")!;
    let m: SimdModule;
    Reflect.deleteProperty(globalThis, "WebAssembly");
    try {
      // Evaluated here, so the detection at load sees no WebAssembly (an import would need the loader, which uses wasm).
      m = evaluateModule(js);
    } finally {
      Object.defineProperty(globalThis, "WebAssembly", saved);
    }
    expect(m.SIMD_SUPPORTED).toBe(false);
    expect(m.useSimd(true)).toBe(false);
    const params = randomArray(ir.paramCount, 5, 0.3);
    const x = randomArray(3 * 64, 6);
    expect(Array.from(m.forwardBatch(params, x, 3))).toEqual(Array.from(plain.forwardBatch(params, x, 3)));
  });

  it("train digits with the Trainer to the plain module's accuracy (f32x4)", async () => {
    const ir = example("digits");
    const short: ModelIR = { ...ir, training: { ...ir.training, epochs: 15 } };
    const m = (await compileAndLoad(short, { simd: true, dtype: "f32" })).module as unknown as TrainingModule;
    const s = splitDataset(readDataset("digits"), { targets: 1, ...SPLIT });
    const trainer = new m.Trainer();
    trainer.fit(s.xTrain, s.yTrain);
    expect(classAccuracy(trainer.predict(s.xTest), s.yTest)).toBeGreaterThanOrEqual(0.93);
  });
});

/** Every optimizer: sgd and momentum update in TypeScript loops; adam and adamw in the adam kernel, or its loop with useSimd(false). */
const OPTIMIZERS: Record<string, Optimizer> = {
  sgd: { kind: "sgd", lr: 0.1, clip: null },
  momentum: { kind: "momentum", lr: 0.1, beta: 0.9, nesterov: false, clip: null },
  adam: { kind: "adam", lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, clip: null },
  adamw: { kind: "adamw", lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, clip: null },
};

describe.each(["f64", "f32"] as const)("the update checks the parameters it writes (%s)", (dtype) => {
  it.each(Object.keys(OPTIMIZERS))("%s: paramsFinite is true after a finite update, false after one that writes an infinity, on both paths", async (name) => {
    const ir = buildIR({ inputs: 64, layers: [[40, "relu"], [10, "softmax"]], optimizer: OPTIMIZERS[name]! });
    const { source, module } = await compileAndLoad(ir, { simd: true, dtype });
    expect(source.includes("kernels.adam(")).toBe(name.startsWith("adam"));
    const m = module as unknown as SimdModule & TrainingModule & { updateRange(state: object, from: number, to: number): number };
    const P = dtype === "f32" ? Float32Array : Float64Array;
    const last = ir.paramCount - 1;
    try {
      for (const enabled of [true, false]) {
        m.useSimd(enabled);
        // A weight inside the first layer (a whole vector of the kernel) and the last bias (its scalar tail).
        for (const at of [1000, last]) {
          const state = m.createTrainState(P.from(randomArray(ir.paramCount, 3, 0.3)) as Float64Array) as ReturnType<TrainingModule["createTrainState"]> & { paramsFinite: boolean | null };
          expect(state.paramsFinite).toBe(null);
          state.grad.set(randomArray(ir.paramCount, 4));
          m.applyUpdate(state);
          expect(state.paramsFinite, `${enabled}: a finite update`).toBe(true);
          // f32: the new value is finite as a double (3.4e38 + 1e37) and infinite once stored, so the check reads it back.
          state.params[at] = dtype === "f32" ? 3.4e38 : Infinity;
          state.grad[at] = name.startsWith("adam") ? 1 : -1e38; // sgd and momentum: w - 0.1 g = 3.5e38
          m.applyUpdate(state);
          if (dtype === "f32" && name.startsWith("adam")) {
            // Adam moves a weight by about lr whatever the gradient: 3.4e38 stays finite; an infinity does not.
            expect(state.paramsFinite, `${enabled}: ${at}`).toBe(true);
            state.params[at] = Infinity;
            m.applyUpdate(state);
          }
          expect(state.paramsFinite, `${enabled}: an infinity at ${at}`).toBe(false);
          expect(Number.isFinite(state.params[at]!)).toBe(false);
          // updateRange says the same of a range, and nothing of a range without the infinity.
          expect(m.updateRange(state, at, at + 1)).toBeNaN();
          expect(m.updateRange(state, 0, 64)).toBe(0);
        }
      }
    } finally {
      m.useSimd(true);
    }
  });
});

describe.each(["f64", "f32"] as const)("updateRange's combine adds two gradients before the update (%s)", (dtype) => {
  // adam and adamw add them in the adam kernel (adamCombined) or, with useSimd(false), in combineGradient; sgd and momentum always before their loops.
  type CombiningModule = SimdModule & TrainingModule & { updateRange(state: object, from: number, to: number, combine?: { other: ArrayLike<number>; weight: number; otherWeight: number }): number };
  it.each(Object.keys(OPTIMIZERS))("%s: the same parameters, buffers and gradient as the update of the sum, on both paths", async (name) => {
    const ir = buildIR({ inputs: 64, layers: [[40, "relu"], [10, "softmax"]], optimizer: OPTIMIZERS[name]! });
    const { source, module } = await compileAndLoad(ir, { simd: true, dtype });
    expect(source.includes("kernels.adamCombined(")).toBe(name.startsWith("adam"));
    const m = module as unknown as CombiningModule;
    const P = dtype === "f32" ? Float32Array : Float64Array;
    const round = dtype === "f32" ? Math.fround : (v: number): number => v;
    // Two slices of a batch of 7 rows: 3 and 4 (weights that are not exact in binary).
    const [weight, otherWeight] = [3 / 7, 4 / 7];
    const g = P.from(randomArray(ir.paramCount, 5));
    const other = P.from(randomArray(ir.paramCount, 6));
    // The sum as the model's dtype computes it: each product and the sum rounded to it.
    const sum = P.from(Array.from(g, (v, p) => round(round(v * round(weight)) + round(other[p]! * round(otherWeight)))));
    const fresh = (): ReturnType<TrainingModule["createTrainState"]> => {
      const state = m.createTrainState(P.from(randomArray(ir.paramCount, 7, 0.3)) as Float64Array);
      state.grad.set(randomArray(ir.paramCount, 8));
      m.applyUpdate(state); // a step in: nonzero buffers, and the step count past momentum's first update
      return state;
    };
    try {
      for (const enabled of [true, false]) {
        m.useSimd(enabled);
        const expected = fresh();
        expected.grad.set(g);
        const combined = fresh();
        combined.grad.set(g);
        // Ranges as two threads take them, and one that starts off a vector and cuts a layer (adamw's parts).
        for (const [from, to] of [[0, 1300], [1300, ir.paramCount], [17, 23]] as const) {
          expected.grad.set(sum.subarray(from, to), from);
          combined.grad.set(g.subarray(from, to), from);
          expect(m.updateRange(expected, from, to)).toBe(0);
          expect(m.updateRange(combined, from, to, { other, weight, otherWeight })).toBe(0);
          expect(Array.from(combined.grad), `${enabled}: the combined gradient [${from}, ${to})`).toEqual(Array.from(expected.grad));
          expect(Array.from(combined.params), `${enabled}: params [${from}, ${to})`).toEqual(Array.from(expected.params));
          for (const [key, buffer] of Object.entries(expected)) {
            if (ArrayBuffer.isView(buffer)) expect(Array.from((combined as unknown as Record<string, Float64Array>)[key]!), `${enabled}: ${key}`).toEqual(Array.from(buffer as Float64Array));
          }
        }
      }
    } finally {
      m.useSimd(true);
    }
  });
});
