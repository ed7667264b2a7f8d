// The benchmark harness (bench/) measures what it claims: every implementation starts from the
// shared initial parameters and data, mlpc and the plain-loop baseline compute the same training
// step, and tfjs the same within float32. No timing here (npm run bench does that).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileWorkload } from "../../bench/compile-workloads.mjs";
import { setupImpl } from "../../bench/impls.mjs";
import { evaluateTargets, regressionRow, renderMarkdown } from "../../bench/run.mjs";
import { WORKLOADS, initialParams, layout, makeData, prng, workload } from "../../bench/workloads.mjs";

type Workload = (typeof WORKLOADS)[number];
type Data = ReturnType<typeof makeData>;

/** What bench/impls.mjs returns, as far as these tests use it (params/activations only where defined). */
interface Impl {
  epoch(rows: number): void;
  params(): Float64Array;
  predict(x: Float64Array, rows: number): Float64Array;
  lastLoss(): number;
  tensors(): number;
  activations: string[];
}

async function setup(name: string, w: Workload, data: Data, initial: Float64Array): Promise<Impl> {
  return (await setupImpl(name, w, data, initial, modules, { measureMemory: false })) as unknown as Impl;
}

let modules = "";

beforeAll(async () => {
  modules = mkdtempSync(join(tmpdir(), "mlpc-bench-test-"));
  for (const p of ["w1", "w2", "w3", "w4"]) {
    for (const dtype of ["f64", "f32"]) await compileWorkload(p, dtype, modules);
  }
  for (const dtype of ["f64", "f32"]) await compileWorkload("w4", dtype, modules, true);
}, 60_000);

afterAll(() => rmSync(modules, { recursive: true, force: true }));

/** A small data set: `batches` steps of the workload (the first rows of its full set). */
function small(w: Workload, batches: number) {
  return makeData(w, w.batch * batches);
}

/** Reference forward pass in float64 with the given activation per layer. */
function reference(sizes: number[], activations: string[], params: Float64Array, x: Float64Array, rows: number): Float64Array {
  const layers = layout(sizes);
  const outputs = sizes[sizes.length - 1];
  const result = new Float64Array(rows * outputs);
  for (let r = 0; r < rows; r++) {
    let a = Array.from(x.subarray(r * sizes[0], (r + 1) * sizes[0]));
    layers.forEach((l, k) => {
      const z = Array.from({ length: l.units }, (_, j) => {
        let s = params[l.biasOffset + j];
        for (let i = 0; i < l.inputs; i++) s += params[l.weightOffset + j * l.inputs + i] * a[i];
        return s;
      });
      const act = activations[k];
      if (act === "softmax") {
        const max = Math.max(...z);
        const e = z.map((v) => Math.exp(v - max));
        const sum = e.reduce((s, v) => s + v, 0);
        a = e.map((v) => v / sum);
      } else {
        a = z.map((v) => (act === "relu" ? Math.max(0, v) : act === "tanh" ? Math.tanh(v) : act === "sigmoid" ? 1 / (1 + Math.exp(-v)) : v));
      }
    });
    result.set(a, r * outputs);
  }
  return result;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("workloads", () => {
  it("are the issue's networks, and the data and weights are seeded", () => {
    expect(WORKLOADS.map((w) => `${w.id}:${w.sizes.join("-")}:${w.batch}:${w.mode}`)).toEqual([
      "W1b32:6-7-4-1:32:train",
      "W1b1:6-7-4-1:1:train",
      "W2:2-4-1:4:train",
      "W3:64-32-10:32:train",
      "W4b32:784-128-10:32:train",
      "W4b128:784-128-10:128:train",
      "W5b1:784-128-10:1:infer",
      "W5b256:784-128-10:256:infer",
    ]);
    const w = workload("W3");
    expect(makeData(w, 64)).toEqual(makeData(w, 64));
    expect(initialParams(w)).toEqual(initialParams(w));
    // A shorter data set is a prefix of the full one (slow peers train on a prefix).
    expect(makeData(w, 32).x).toEqual(makeData(w, 64).x.subarray(0, 32 * 64));
    const d = makeData(w, 100);
    for (let r = 0; r < 100; r++) expect(d.y.subarray(r * 10, r * 10 + 10).reduce((s, v) => s + v, 0)).toBe(1);
    const xor = makeData(workload("W2"), 8);
    expect(Array.from(xor.y)).toEqual([0, 1, 1, 0, 0, 1, 1, 0]);
    const rand = prng(7);
    for (let k = 0; k < 1000; k++) {
      const u = rand();
      expect(u >= 0 && u < 1).toBe(true);
    }
  });
});

describe("mlpc and the plain-loop baseline", () => {
  for (const id of ["W1b32", "W1b1", "W2", "W3", "W4b32"]) {
    it(`${id}: the same parameters after an epoch of training steps`, async () => {
      const w = workload(id);
      const batches = id === "W1b1" ? 16 : 3;
      const data = small(w, batches);
      const initial = initialParams(w);
      const mlpc = await setup("mlpc", w, data, initial);
      const base = await setup("baseline", w, data, initial);
      expect(maxAbsDiff(mlpc.params(), initial)).toBe(0);
      expect(maxAbsDiff(base.params(), initial)).toBe(0);
      mlpc.epoch(data.rows);
      base.epoch(data.rows);
      expect(mlpc.lastLoss()).toBeCloseTo(base.lastLoss(), 10);
      const moved = maxAbsDiff(mlpc.params(), initial);
      expect(moved).toBeGreaterThan(1e-4);
      expect(maxAbsDiff(mlpc.params(), base.params())).toBeLessThan(1e-10);
    });
  }

  it("W5: the same outputs, and equal to a reference forward pass", async () => {
    for (const id of ["W5b1", "W5b256"]) {
      const w = workload(id);
      const data = small(w, id === "W5b1" ? 4 : 1);
      const initial = initialParams(w);
      const mlpc = await setup("mlpc", w, data, initial);
      const base = await setup("baseline", w, data, initial);
      mlpc.epoch(data.rows);
      const want = reference(w.sizes, w.activations, initial, data.x, data.rows);
      expect(maxAbsDiff(mlpc.predict(data.x, data.rows), want)).toBeLessThan(1e-12);
      expect(maxAbsDiff(base.predict(data.x, data.rows), want)).toBeLessThan(1e-12);
    }
  });

  it("mlpc --dtype f32 trains from the same (rounded) parameters", async () => {
    const w = workload("W3");
    const data = small(w, 2);
    const initial = initialParams(w);
    const f32 = await setup("mlpc-f32", w, data, initial);
    const f64 = await setup("mlpc", w, data, initial);
    expect(maxAbsDiff(f32.params(), initial)).toBeLessThan(1e-7);
    f32.epoch(data.rows);
    f64.epoch(data.rows);
    expect(maxAbsDiff(f32.params(), f64.params())).toBeLessThan(1e-5);
  });
});

describe("mlpc --simd (the WebAssembly kernels)", () => {
  it("W4b32 trains to the plain module's parameters (f64x2: to rounding; f32x4: to float32), W5b256 predicts the reference", async () => {
    const w = workload("W4b32");
    const data = small(w, 2);
    const initial = initialParams(w);
    const plain = await setup("mlpc", w, data, initial);
    const simd64 = await setup("mlpc-simd-f64", w, data, initial);
    const simd32 = await setup("mlpc-simd", w, data, initial);
    for (const m of [plain, simd64, simd32]) m.epoch(data.rows);
    expect(maxAbsDiff(plain.params(), initial)).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(simd64.params(), plain.params())).toBeLessThan(1e-10);
    expect(maxAbsDiff(simd32.params(), plain.params())).toBeLessThan(1e-5);
    const v = workload("W5b256");
    const rows = small(v, 1);
    const want = reference(v.sizes, v.activations, initial, rows.x, rows.rows);
    const infer = await setup("mlpc-simd", v, rows, initial);
    expect(maxAbsDiff(infer.predict(rows.x, rows.rows), want)).toBeLessThan(1e-5);
  });
});

describe("peers start from the shared parameters", () => {
  it("tfjs-cpu: same outputs at the start (float32), same parameters after training", async () => {
    for (const id of ["W1b32", "W2", "W3"]) {
      const w = workload(id);
      const data = small(w, 2);
      const initial = initialParams(w);
      const tf = await setup("tfjs-cpu", w, data, initial);
      expect(maxAbsDiff(tf.params(), initial)).toBeLessThan(1e-6);
      const want = reference(w.sizes, w.activations, initial, data.x, data.rows);
      expect(maxAbsDiff(tf.predict(data.x, data.rows), want)).toBeLessThan(1e-5);
      const mlpc = await setup("mlpc", w, data, initial);
      tf.epoch(data.rows);
      mlpc.epoch(data.rows);
      expect(tf.lastLoss()).toBeGreaterThan(0);
      // Adam's first steps move each weight by about lr whatever the gradient's size, so float32
      // rounding of a tiny gradient can show; the bulk agrees closely.
      const a = tf.params();
      const b = mlpc.params();
      const diffs = Array.from(a, (v, i) => Math.abs(v - b[i])).sort((x, y) => x - y);
      expect(diffs[Math.floor(diffs.length * 0.95)]).toBeLessThan(1e-5);
      expect(diffs[diffs.length - 1]).toBeLessThan(w.optimizer.kind === "adam" ? 2 * w.optimizer.lr * 2 : 1e-4);
      // No tensor leaks from a training epoch.
      const tensors = tf.tensors();
      tf.epoch(data.rows);
      expect(tf.tensors()).toBe(tensors);
    }
  });

  it("brain.js: its forward pass (one activation everywhere) on the shared parameters; training moves them", async () => {
    for (const id of ["W1b32", "W2", "W3"]) {
      const w = workload(id);
      const data = small(w, 1);
      const initial = initialParams(w);
      const brain = await setup("brain", w, data, initial);
      expect(maxAbsDiff(brain.params(), initial)).toBeLessThan(1e-6);
      const want = reference(w.sizes, brain.activations, initial, data.x, data.rows);
      expect(maxAbsDiff(brain.predict(data.x, data.rows), want)).toBeLessThan(1e-5);
      brain.epoch(data.rows);
      const after = brain.params();
      expect(after.every(Number.isFinite)).toBe(true);
      expect(maxAbsDiff(after, initial)).toBeGreaterThan(1e-5);
    }
  });

  it("synaptic: its forward pass (logistic outputs) on the shared parameters", async () => {
    for (const id of ["W1b32", "W2", "W3"]) {
      const w = workload(id);
      const data = small(w, 1);
      const initial = initialParams(w);
      const synaptic = await setup("synaptic", w, data, initial);
      const want = reference(w.sizes, synaptic.activations, initial, data.x, data.rows);
      expect(maxAbsDiff(synaptic.predict(data.x, data.rows), want)).toBeLessThan(1e-12);
      synaptic.epoch(data.rows);
      expect(Array.from(synaptic.predict(data.x, 1)).every(Number.isFinite)).toBe(true);
    }
  });
});

describe("targets", () => {
  it("are judged from the medians", () => {
    const r = (impl: string, wl: string, median: number) => ({ impl, workload: wl, median });
    const report = {
      results: [r("mlpc", "W1b32", 9e6), r("tfjs-cpu", "W1b32", 5e4), r("synaptic", "W1b32", 7e6), r("mlpc", "W1b1", 1e6), r("tfjs-cpu", "W1b1", 900), r("tfjs-wasm", "W1b1", 1100)],
    };
    const t = evaluateTargets(report);
    expect(t.map((x) => [x.text, x.met])).toEqual([
      ["W1 b32 >= 8M samples/s", true],
      ["W1 b32 >= 150x tfjs-cpu", true],
      ["W1 b32 >= 1.5x synaptic (per-sample SGD loop)", false],
      ["W1 b1 >= 1000x tfjs (the faster backend)", false],
    ]);
    expect(t[3].figure).toContain("tfjs-wasm");
  });

  it("judge mlpc train's overhead beyond its steps by default against 15 %, and table every row", () => {
    const row = (data: string, threadsFlag: number | null, overhead: number | null) => ({ data, threadsFlag, threads: data === "digits" ? 1 : 2, validatesAside: data === "digits" && threadsFlag === null, trainRows: 1438, validationRows: 359, batch: 32, batches: 45, wall: 0.0076, steps: 0.0065, metrics: 0, overhead, withoutValidation: overhead, rounds: 3, epochs: 20 });
    const machine = { cpu: "test", cores: 2, memory: 2 ** 30, os: "test", node: "v20", date: "2026-12-03", seconds: 1, loadStart: [0.1, 0.1, 0.1], loadEnd: [0.1, 0.1, 0.1], uptime: null, python: null };
    const report = { machine, quick: false, rounds: 1, only: [], implFilter: [], results: [], compile: [], limits: null, previous: null, cliOverhead: { epochs: 20, rounds: 3, rows: [row("digits", 1, 0.25), row("digits", null, 0.157), row("mnist-sized", 1, 0.19), row("mnist-sized", null, 0.127)] } };
    const markdown: string = renderMarkdown(report);
    expect(markdown).toContain("| digits | default: 1 (+ validation on a second) | 1438 | 32 | 45 | 7.60 | 6.50 | **15.7 %** | 15.7 % |");
    expect(markdown).toContain("| digits | --threads 1 | 1438 | 32 | 45 | 7.60 | 6.50 | **25.0 %** | 25.0 % |");
    expect(markdown).toMatch(/\| mlpc train, digits, by default: at most 15\.0 % of an epoch beyond its steps \| 15\.7 % \(7\.60 ms an epoch, 6\.50 in its steps; 1 thread, validation on a second\) \| \*\*NOT MET\*\* \|/);
    expect(markdown).toMatch(/\| mlpc train, mnist-sized, by default: at most 15\.0 % of an epoch beyond its steps \| 12\.7 % .* \| MET \|/);
    // Only the default rows are targets; an unmeasured figure is not judged.
    expect(markdown).not.toContain("mlpc train, digits, --threads 1");
    const unmeasured = renderMarkdown({ ...report, cliOverhead: { ...report.cliOverhead, rows: [row("digits", null, null)] } });
    expect(unmeasured).toMatch(/\| mlpc train, digits, by default: .* \| not measured \| - \|/);
  });

  it("judge the no-regression rows against the previous run with the machine's drift (the plain loops' ratio) taken out", () => {
    const cell = (impl: string, workload: string, median: number) => ({ impl, workload, median });
    const previous = { date: "2026-12-02T15:39:05.370Z", cells: [cell("mlpc", "W1b32", 10e6), cell("baseline", "W1b32", 2.5e6), cell("mlpc", "W2", 10e6), cell("baseline", "W2", 5e6), cell("mlpc-simd-f64", "W3", 600e3)] };
    // W1b32: both 8 % slower (a slow machine); W2: mlpc 8 % slower, the loops as fast as then (a regression); W3: no reference now.
    const results = [cell("mlpc", "W1b32", 9.2e6), cell("baseline", "W1b32", 2.3e6), cell("mlpc", "W2", 9.2e6), cell("baseline", "W2", 5e6), cell("mlpc-simd-f64", "W3", 612e3)];
    const status = (w: string): string => {
      const r = regressionRow({ results, previous }, w);
      return `${r.figure} | ${r.met ? "MET" : r.measured ? "NOT MET" : "-"}`;
    };
    expect(status("W1b32")).toBe("1.00x: 0.92x raw (9.20M now, 10.0M in the run of 2026-12-02), the plain loops at 0.92x their speed then (2.30M vs 2.50M) | MET");
    expect(status("W2")).toBe("0.92x: 0.92x raw (9.20M now, 10.0M in the run of 2026-12-02), the plain loops at 1.00x their speed then (5.00M vs 5.00M) | NOT MET");
    expect(status("W3")).toBe("1.02x: 1.02x raw (612k now, 600k in the run of 2026-12-02), the plain loops not in both runs | MET");
    expect(status("W1b1")).toBe("not measured | -");
  });
});
