// Side measurement for the --simd back end: GFLOP/s of the hand-assembled WebAssembly SIMD kernels
// (src/codegen/wasm/kernels.ts) on the big layer of the W4/W5 workloads (784 -> 128), f32 and f64.
// FLOPs = 2 x multiply-adds; each figure is the median of 9 timings (in CPU time) after warm-up.
//   npm run build && node bench/wasm-kernels.mjs            the shipped tile shapes
//   node bench/wasm-kernels.mjs --shapes                     also compare other tile shapes
// For reference, scalar JS register-blocked kernels reach ~5.8 GFLOP/s on the 2-core EPYC dev box.
import { fileURLToPath } from "node:url";
import { DEFAULT_TILES, kernelModuleBytesWith, lanesOf } from "../dist/codegen/wasm/kernels.js";

const K = 784;
const N = 128;
const TIMINGS = 9;
const MIN_MS = 25; // each timing repeats the call until it lasts at least this long (CPU time)

export const cases = [
  { name: "dense W5 inference  rows 256", kernel: "dense", rows: 256 },
  { name: "dense W4 forward    rows 32", kernel: "dense", rows: 32 },
  { name: "dense W4 forward    rows 128", kernel: "dense", rows: 128 },
  { name: "gemm dx = dz W      R 32", kernel: "dx", rows: 32 },
  { name: "gemm dx = dz W      R 128", kernel: "dx", rows: 128 },
  { name: "gemm dW = dz^T x    R 32", kernel: "dW", rows: 32 },
  { name: "gemm dW = dz^T x    R 128", kernel: "dW", rows: 128 },
];

/** An instance over its own memory, with 16-byte aligned regions of deterministic data. */
function setup(lane, tiles) {
  const memory = new WebAssembly.Memory({ initial: 128, maximum: 128 }); // 8 MB
  const kernels = new WebAssembly.Instance(new WebAssembly.Module(kernelModuleBytesWith(lane, tiles)), { env: { memory } }).exports;
  const view = lane === "f32" ? new Float32Array(memory.buffer) : new Float64Array(memory.buffer);
  let next = 16 / view.BYTES_PER_ELEMENT;
  const region = (n) => {
    const at = next;
    next += Math.ceil(n / lanesOf(lane)) * lanesOf(lane);
    for (let i = 0; i < n; i++) view[at + i] = (((at + i) * 2654435761) % 1000) / 1e3 - 0.5;
    return at * view.BYTES_PER_ELEMENT;
  };
  return { kernels, region };
}

/** A call of one case and its multiply-add count. */
function prepare(lane, tiles, c) {
  const { kernels, region } = setup(lane, tiles);
  const R = c.rows;
  if (c.kernel === "dense") {
    const x = region(R * K), w = region(N * K), b = region(N), z = region(R * N);
    return { run: () => kernels.dense(x, w, b, z, R, K, N), madds: R * N * K };
  }
  const dz = region(R * N);
  if (c.kernel === "dx") {
    const w = region(N * K), dx = region(R * K);
    return { run: () => kernels.gemm(dz, N, 1, w, dx, R, N, K, 0), madds: R * N * K };
  }
  const x = region(R * K), dW = region(N * K);
  return { run: () => kernels.gemm(dz, 1, N, x, dW, N, R, K, 0), madds: R * N * K };
}

/**
 * CPU time of this process in ms (user + system). The timings count it instead of wall time: on a
 * shared machine a single-threaded loop that loses the core for a few ms is not slower, only paused.
 */
export function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * A warmed-up timer of `run` (doing `flops` FLOPs a call): each call of the result times enough
 * repetitions to last MIN_MS of CPU time and returns GFLOP/s.
 */
export function timer(run, flops) {
  for (let t0 = cpuMs(); cpuMs() - t0 < 200; ) run(); // warm-up: tier up to TurboFan
  let reps = 1;
  for (;;) {
    const t0 = cpuMs();
    for (let i = 0; i < reps; i++) run();
    if (cpuMs() - t0 >= MIN_MS) break;
    reps *= 2;
  }
  return () => {
    const t0 = cpuMs();
    for (let i = 0; i < reps; i++) run();
    return (reps * flops) / ((cpuMs() - t0) * 1e6);
  };
}

export const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** A timer (see `timer`) of one case. */
export function kernelTimer(lane, tiles, c) {
  const { run, madds } = prepare(lane, tiles, c);
  return timer(run, 2 * madds);
}

export function gflops(lane, tiles, c) {
  const time = kernelTimer(lane, tiles, c);
  return median(Array.from({ length: TIMINGS }, time));
}

const fmt = (v) => v.toFixed(1).padStart(6);
const shapeName = (t) => `dense ${t.dense.join("x")}, gemm ${t.gemm.join("x")}`;

function table(tiles) {
  console.log(`\n${shapeName(tiles)}: GFLOP/s (K ${K}, N ${N}, median of ${TIMINGS})`);
  console.log(`${"case".padEnd(30)}    f32    f64`);
  for (const c of cases) console.log(`${c.name.padEnd(30)} ${fmt(gflops("f32", tiles, c))} ${fmt(gflops("f64", tiles, c))}`);
}

const main = process.argv[1] === fileURLToPath(import.meta.url);
if (main) table(DEFAULT_TILES);
if (main && process.argv.includes("--shapes")) {
  const shapes = [
    [1, 4], [2, 2], [2, 3], [3, 2], [2, 4], [4, 2], [3, 3], [3, 4], [4, 3],
  ];
  for (const [a, b] of shapes) {
    const same = a === DEFAULT_TILES.dense[0] && b === DEFAULT_TILES.dense[1] && a === DEFAULT_TILES.gemm[0] && b === DEFAULT_TILES.gemm[1];
    if (!same) table({ dense: [a, b], gemm: [a, b] });
  }
}
