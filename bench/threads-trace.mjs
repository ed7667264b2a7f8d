// Where a 2-thread step of W4 (784-128-10, --dtype f32, batch 128) goes, process by process: each
// of P processes alternates epochs of one thread's trainStep (its state resident in the kernels'
// heap, as its Trainer keeps it) and of the engine's step on 2 threads
// (40 distinct batches, as the bench's cells), then prints both medians, their ratio and the
// engine's profile a step (each thread's slice, its waits at the barriers, its combine and
// update). Before them, two checks of the machine itself, each with two threads at once: the wasm
// f32x4 multiply-add loop of bench/simd-peak.mjs (registers only) and a 400 KB read of what the
// other thread just wrote (cross-core traffic); if both scale, a slow process is not the engine's
// protocol or the cores.
//   npm run build && node bench/threads-trace.mjs [P]
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { peakModule } from "./simd-peak.mjs";

const SELF = fileURLToPath(import.meta.url);
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];

/** GFLOP/s of the peak loop on this thread for `ms`. */
function peakFor(ms) {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
  const { peak } = new WebAssembly.Instance(new WebAssembly.Module(peakModule("f32")), { env: { memory } }).exports;
  const n = 1 << 16;
  peak(n);
  let calls = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    peak(n);
    calls++;
  }
  return (calls * n * 8 * 4 * 2) / ((performance.now() - t0) * 1e6);
}

/** Median ms of the other thread's read of 400 KB this thread has just written, over 2000 turns. */
async function crossCoreRead() {
  const N = 50176; // 784 x 64 doubles: the worker's half of a W4 batch
  const data = new Float64Array(new SharedArrayBuffer(N * 8));
  const ctl = new Int32Array(new SharedArrayBuffer(8));
  const times = new Float64Array(new SharedArrayBuffer(2000 * 8));
  const reader = `const { workerData: w } = require("node:worker_threads"); const a = new Float64Array(w.data), c = new Int32Array(w.ctl), t = new Float64Array(w.times);
    for (let k = 1; k <= 2000; k++) { while (Atomics.load(c, 0) !== k); const t0 = performance.now(); let s = 0; for (let i = 0; i < a.length; i++) s += a[i]; t[k - 1] = performance.now() - t0 + s * 0; Atomics.store(c, 1, k); }`;
  const w = new Worker(reader, { eval: true, workerData: { data: data.buffer, ctl: ctl.buffer, times: times.buffer } });
  await new Promise((r) => w.once("online", r));
  for (let k = 1; k <= 2000; k++) {
    for (let i = 0; i < N; i++) data[i] = k + i;
    Atomics.store(ctl, 0, k);
    while (Atomics.load(ctl, 1) !== k);
  }
  const own = [];
  for (let k = 0; k < 200; k++) {
    for (let i = 0; i < N; i++) data[i] = k + i;
    const t0 = performance.now();
    let s = 0;
    for (let i = 0; i < N; i++) s += data[i];
    own.push(performance.now() - t0 + s * 0);
  }
  await w.terminate();
  return { other: median(Array.from(times.subarray(1000))), own: median(own) };
}

/** One process: one thread against the engine, alternating epochs; prints one JSON line. */
async function traceProcess() {
  const dist = new URL("../dist/", import.meta.url).href;
  const { compile, emitRunnableJavaScript } = await import(`${dist}compile.js`);
  const { DataParallelStep } = await import(`${dist}parallel/index.js`);
  const r = compile(readFileSync(new URL("workloads/w4.mlp", import.meta.url), "utf8"), { dtype: "f32" });
  const url = `data:text/javascript;base64,${Buffer.from(emitRunnableJavaScript(r.typescript)).toString("base64")}`;
  const m = await import(url);
  const [B, IN, OUT, P, NB] = [128, 784, 10, r.ir.paramCount, 40];
  const x = new Float64Array(NB * B * IN).map((_, k) => ((k * 40503) % 256) / 255);
  const y = new Float64Array(NB * B * OUT);
  for (let row = 0; row < NB * B; row++) y[row * OUT + (row % 10)] = 1;
  const engine = await DataParallelStep.start({ moduleUrl: url, module: m, threads: 2, inputSize: IN, outputSize: OUT, paramCount: P, maxRows: B, dtype: "f32", inputs: x });
  const params = engine.arrays(P);
  params.set(m.initParams(1));
  const two = m.createTrainState(params, engine.arrays);
  // One thread as its Trainer runs: the state resident in its kernels' heap. A second instance of
  // the module (the same URL with a fragment): the engine's shared heap replaces the first's.
  const single = await import(`${url}#one-thread`);
  const allocate = single.residentArrays(B);
  const one = single.createTrainState(allocate(P), allocate);
  one.params.set(m.initParams(1));
  const xs = Array.from({ length: NB }, (_, b) => x.subarray(b * B * IN, (b + 1) * B * IN));
  const ys = Array.from({ length: NB }, (_, b) => y.subarray(b * B * OUT, (b + 1) * B * OUT));
  const epoch = (step) => {
    const t0 = performance.now();
    for (let b = 0; b < NB; b++) step(b);
    return (performance.now() - t0) / NB;
  };
  const step1 = (b) => single.trainStep(one, xs[b], ys[b], B);
  // As the bench's cell and mlpc train run it: each thread gathers its slice of the batch's rows from the engine's copy of the inputs.
  const orders = Array.from({ length: NB }, (_, b) => Uint32Array.from({ length: B }, (_, k) => b * B + k));
  const step2 = (b) => {
    engine.gatherRows(engine.inputs, orders[b]);
    return engine.step(two, engine.inputs, ys[b], B);
  };
  for (let k = 0; k < 5; k++) {
    epoch(step1);
    epoch(step2);
  }
  engine.resetProfile();
  const t1 = [];
  const t2 = [];
  for (let k = 0; k < 15; k++) {
    t1.push(epoch(step1));
    t2.push(epoch(step2));
  }
  const p = engine.profile();
  const per = (v) => v.map((ms) => ms / p.calls);
  await engine.close();
  process.stdout.write(`${JSON.stringify({ one: median(t1), two: median(t2), slice: per(p.sliceMs), wait: per(p.waitMs), update: per(p.updateMs) })}\n`);
}

async function main() {
  const processes = Number(process.argv[2] ?? 8);
  const alone = peakFor(1000);
  const both = await Promise.all([0, 1].map(() => new Promise((res) => new Worker(SELF, { workerData: "peak" }).once("message", res))));
  const read = await crossCoreRead();
  console.log(`f32x4 multiply-add loop: ${alone.toFixed(1)} GFLOP/s on one thread; ${both.map((g) => g.toFixed(1)).join(" + ")} on two at once`);
  console.log(`400 KB read: ${read.other.toFixed(3)} ms of what the other thread just wrote, ${read.own.toFixed(3)} ms of what this one did`);
  console.log(`\nW4 --dtype f32 batch 128, ${processes} processes (ms a step; per thread: main, worker)`);
  console.log("| process | one thread | two threads | ratio | slices | waits | combine + update |");
  console.log("|---:|---:|---:|---:|---|---|---|");
  const ms = (v) => v.map((t) => t.toFixed(3)).join(", ");
  const ratios = [];
  for (let k = 1; k <= processes; k++) {
    const r = spawnSync(process.execPath, [SELF, "--process"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    const t = JSON.parse(r.stdout.trim());
    ratios.push(t.one / t.two);
    console.log(`| ${k} | ${t.one.toFixed(3)} | ${t.two.toFixed(3)} | ${(t.one / t.two).toFixed(2)}x | ${ms(t.slice)} | ${ms(t.wait)} | ${ms(t.update)} |`);
  }
  console.log(`\nratios: median ${median(ratios).toFixed(2)}x, best ${Math.max(...ratios).toFixed(2)}x; below 1.2x in ${ratios.filter((q) => q < 1.2).length} of ${processes} processes`);
}

if (!isMainThread && workerData === "peak") parentPort.postMessage(peakFor(1000));
else if (process.argv.includes("--process")) await traceProcess();
else if (process.argv[1] === SELF) await main();
