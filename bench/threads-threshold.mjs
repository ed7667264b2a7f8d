// Where a second thread starts to pay (src/parallel/threads.ts, MIN_SLICE_MACS): networks
// n -> n relu -> 10 softmax (adam) and W4's 784 -> 128 -> 10 at batch 32, 64 and 128, one thread
// (trainStep) against the data-parallel engine's step on 2 threads (slices' gradients, ranges' updates).
//   npm run build && node bench/threads-threshold.mjs [--dtype f32] [--spin MS]
// (--spin: how long a waiting thread polls before it sleeps, the engine's spinMs; 0 = always sleep.)
// Two kinds of figures, because on a shared 2-core machine the raw ratio says little:
// - raw: samples/s of each, their ratio (2 / 1), with the load average beside them;
// - structural (CPU time, Linux: /proc/thread-self/schedstat, so time spent waiting for a core is
//   not counted): the main thread's CPU per step on one thread (c1) and on two (c2, which holds its
//   slice, the copies, the sum and the update), the other threads' CPU per step (w2: the worker's
//   slice, plus V8's helper threads), the slice times (engine.profile()), the part of the main
//   thread's step outside its slice, and bound = c1 / max(c2, w2): the ratio two free cores give
//   at most (wake-ups not counted, so it flatters tiny slices). The recommendation is the smallest
//   slice, among slices of at least MIN_SLICE_ROWS rows, from which every bigger case's bound is
//   >= 1.25 (its raw ratio too when the machine is quiet).
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { compile, emitRunnableJavaScript } from "../dist/compile.js";
import { DataParallelStep, MIN_SLICE_MACS, MIN_SLICE_ROWS } from "../dist/parallel/index.js";

const dtype = process.argv.includes("--dtype") ? process.argv[process.argv.indexOf("--dtype") + 1] : "f64";
const spinMs = process.argv.includes("--spin") ? Number(process.argv[process.argv.indexOf("--spin") + 1]) : undefined;
const NETS = [[32, 32], [64, 64], [128, 128], [256, 256], [784, 128], [512, 512]];
const BATCHES = [32, 64, 128];
const SECONDS = 0.6;
const BOUND = 1.25;

/** CPU ns of the calling thread, or null off Linux. */
function threadCpuNs() {
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]);
  } catch {
    return null;
  }
}

/** Median wall ms per step over 5 rounds after a warm-up; CPU ms per step of this thread and of the others. */
function measure(step) {
  for (let t0 = performance.now(); performance.now() - t0 < 300; ) step();
  const walls = [];
  let steps = 0;
  const cpu0 = threadCpuNs();
  const proc0 = process.cpuUsage();
  for (let k = 0; k < 5; k++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < (SECONDS * 1000) / 5) {
      step();
      n++;
    }
    walls.push((performance.now() - t0) / n);
    steps += n;
  }
  const proc = process.cpuUsage(proc0);
  const main = cpu0 === null ? null : (threadCpuNs() - cpu0) / 1e6 / steps;
  const all = (proc.user + proc.system) / 1000 / steps;
  return { wall: walls.sort((a, b) => a - b)[2], main, others: main === null ? null : Math.max(0, all - main) };
}

const ms = (v) => (v === null ? "-" : v.toFixed(3));
const load = () => loadavg()[0].toFixed(2);
console.log(`dtype ${dtype}, spin ${spinMs ?? "default"} ms, 2 threads vs 1; load average ${load()} at start (2 cores: above ~0.5 the second core is not free)`);
console.log("| network | batch | slice MACs | 1: ms/step | 2: ms/step | 2 / 1 | c1 ms | c2 ms | w2 ms | slice ms (main, worker) | c2 outside slice | bound | load |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
const rows = [];
for (const [n, h] of NETS) {
  const r = compile(`input ${n} -> dense ${h} relu -> dense 10 softmax; adam lr=1e-3`, dtype === "f32" ? { dtype: "f32" } : {});
  const js = emitRunnableJavaScript(r.typescript);
  const url = `data:text/javascript;base64,${Buffer.from(js).toString("base64")}`;
  const m = await import(url);
  const macs = n * h + h * 10;
  for (const batch of BATCHES) {
    const x = new Float64Array(batch * n).map((_, i) => ((i * 37) % 101) / 101 - 0.5);
    const y = new Float64Array(batch * 10);
    for (let i = 0; i < batch; i++) y[i * 10 + (i % 10)] = 1;
    const one = m.createTrainState(m.initParams(1));
    const single = measure(() => m.trainStep(one, x, y, batch));
    const engine = await DataParallelStep.start({ moduleUrl: url, module: m, threads: 2, inputSize: n, outputSize: 10, paramCount: r.ir.paramCount, maxRows: batch, dtype, ...(spinMs === undefined ? {} : { spinMs }) });
    const params = engine.arrays(r.ir.paramCount);
    params.set(m.initParams(1));
    const two = m.createTrainState(params, engine.arrays);
    const step2 = () => engine.step(two, x, y, batch);
    for (let k = 0; k < 20; k++) step2();
    engine.resetProfile();
    const dual = measure(step2);
    const profile = engine.profile();
    await engine.close();
    const [mainSlice, workerSlice] = profile.sliceMs.map((t) => t / profile.calls);
    const bound = single.main === null ? null : single.main / Math.max(dual.main, dual.others);
    const sliceMacs = (batch / 2) * macs;
    const outside = dual.main === null ? null : Math.max(0, 1 - mainSlice / dual.main);
    if (batch / 2 >= MIN_SLICE_ROWS) rows.push({ sliceMacs, bound, ratio: single.wall / dual.wall });
    console.log(
      `| ${n}-${h}-10 | ${batch} | ${sliceMacs} | ${ms(single.wall)} | ${ms(dual.wall)} | ${(single.wall / dual.wall).toFixed(2)}x | ${ms(single.main)} | ${ms(dual.main)} | ${ms(dual.others)} | ${ms(mainSlice)}, ${ms(workerSlice)} | ${outside === null ? "-" : `${Math.round(outside * 100)} %`} | ${bound === null ? "-" : `${bound.toFixed(2)}x`} | ${load()} |`,
    );
  }
}
const quiet = loadavg()[0] < 0.5;
rows.sort((a, b) => a.sliceMacs - b.sliceMacs);
let recommended = null;
for (let k = rows.length - 1; k >= 0; k--) {
  const ok = rows[k].bound !== null && rows[k].bound >= BOUND && (!quiet || rows[k].ratio >= BOUND);
  if (!ok) break;
  recommended = rows[k].sliceMacs;
}
console.log(
  `\nMIN_SLICE_MACS now ${MIN_SLICE_MACS}; smallest slice (of >= ${MIN_SLICE_ROWS} rows) from which every bigger case ${quiet ? "measured and bound" : "bound (structural, CPU time)"} >= ${BOUND}x: ${recommended ?? "none"}` +
    ` (load average ${load()}${quiet ? "" : ": raw ratios not trusted; rerun on a quiet machine"})`,
);

// Where a 2-thread step of W4 (784-128-10, batch 128) goes, one piece at a time on this thread:
// the minimum over many runs (a piece that was not preempted), so the figures hold under load
// better than the ratios above. The main thread's critical path on 2 threads is its half slice
// plus everything after "half slice" here; one thread's step is the whole lossAndGradient plus
// the update.
{
  const [n, h, batch] = [784, 128, 128];
  const r = compile(`input ${n} -> dense ${h} relu -> dense 10 softmax; adam lr=1e-3`, dtype === "f32" ? { dtype: "f32" } : {});
  const m = await import(`data:text/javascript;base64,${Buffer.from(emitRunnableJavaScript(r.typescript)).toString("base64")}`);
  const P = r.ir.paramCount;
  const Params = dtype === "f32" ? Float32Array : Float64Array;
  const x = new Float64Array(batch * n).map((_, i) => ((i * 37) % 101) / 101 - 0.5);
  const y = new Float64Array(batch * 10);
  for (let i = 0; i < batch; i++) y[i * 10 + (i % 10)] = 1;
  const state = m.createTrainState(m.initParams(1));
  const sharedX = new Float64Array(new SharedArrayBuffer(batch * n * 8));
  const sharedGrad = new Params(new SharedArrayBuffer(P * Params.BYTES_PER_ELEMENT));
  const half = batch / 2;
  const combineHalf = () => {
    const g = state.grad;
    for (let p = 0; p < P >> 1; p++) g[p] = g[p] * 0.5 + sharedGrad[p] * 0.5;
  };
  const minMs = (f) => {
    for (let t0 = performance.now(); performance.now() - t0 < 200; ) f();
    let best = Infinity;
    for (let k = 0; k < 200; k++) {
      const t0 = performance.now();
      f();
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  };
  const pieces = [
    ["lossAndGradient, whole batch", () => m.lossAndGradient(state.params, x, y, batch, state.grad)],
    ["lossAndGradient, half slice", () => m.lossAndGradient(state.params, x.subarray(0, half * n), y.subarray(0, half * 10), half, state.grad)],
    ["the worker's rows to shared memory", () => sharedX.set(x.subarray(half * n), half * n)],
    ["combine the two slices, half the range", () => combineHalf()],
    ["updateRange (adam), half the range", () => m.updateRange(state, 0, P >> 1)],
    ["applyUpdate (adam)", () => m.applyUpdate(state)],
  ];
  const t = Object.fromEntries(pieces.map(([name, f]) => [name, minMs(f)]));
  console.log(`\n784-128-10 batch 128, ${dtype}, minimum ms over 200 runs (load average ${load()}):`);
  for (const [name] of pieces) console.log(`  ${name.padEnd(40)} ${t[name].toFixed(3)}`);
  const one = t["lossAndGradient, whole batch"] + t["applyUpdate (adam)"];
  // Each thread combines and updates its half of the parameters; the main thread also copies the worker's rows.
  const serial = t["the worker's rows to shared memory"] + t["combine the two slices, half the range"] + t["updateRange (adam), half the range"];
  const two = t["lossAndGradient, half slice"] + serial;
  console.log(`  one thread's step ${one.toFixed(3)} ms; two threads' critical path ${two.toFixed(3)} ms (${Math.round((serial / two) * 100)} % of it outside the slice, wake-ups not counted): at most ${(one / two).toFixed(2)}x`);
}
