// The limit: this machine's WebAssembly SIMD multiply-add throughput, f32x4 and f64x2, on one core.
// A loop of 8 independent accumulators, acc_k = acc_k + x_(k mod 4) * b (wasm SIMD has no fused
// multiply-add: a mul and an add a lane, 2 FLOPs), so the adds' latency never limits it; 13 vector
// registers, so nothing spills. Then each kernel of bench/wasm-kernels.mjs (784 -> 128, the W4
// layer) as a share of that peak, timed alternately with it in CPU time (see measureLimits).
//   npm run build && node bench/simd-peak.mjs [--json]
import { fileURLToPath } from "node:url";
import { DEFAULT_TILES } from "../dist/codegen/wasm/kernels.js";
import { encodeModule, Fn, I32, memarg, Simd, simd, V128 } from "../dist/codegen/wasm/encode.js";
import { cases, kernelTimer, median, timer } from "./wasm-kernels.mjs";

const ACCUMULATORS = 8;
const SOURCES = 4;
const PAIRS = 9;

export function peakModule(lane) {
  const ops = lane === "f32" ? { splat: Simd.f32x4Splat, add: Simd.f32x4Add, mul: Simd.f32x4Mul } : { splat: Simd.f64x2Splat, add: Simd.f64x2Add, mul: Simd.f64x2Mul };
  const fn = new Fn(1); // (iterations: i32)
  const acc = Array.from({ length: ACCUMULATORS }, () => fn.local(V128));
  const src = Array.from({ length: SOURCES }, () => fn.local(V128));
  const b = fn.local(V128);
  const constant = (value) => (lane === "f32" ? [0x43, ...new Uint8Array(Float32Array.of(value).buffer)] : [0x44, ...new Uint8Array(Float64Array.of(value).buffer)]);
  for (const [k, l] of src.entries()) fn.emit(...constant(1e-3 * (k + 1)), ...simd(ops.splat)).set(l);
  fn.emit(...constant(0.999), ...simd(ops.splat)).set(b);
  for (const l of acc) fn.emit(...constant(0), ...simd(ops.splat)).set(l);
  fn.doWhile(
    () => {
      for (const [k, l] of acc.entries()) fn.get(l).get(src[k % SOURCES]).get(b).emit(...simd(ops.mul), ...simd(ops.add)).set(l);
    },
    () => fn.addConst(0, -1).get(0),
  );
  // Keep the result alive: the sum of the accumulators to address 0.
  fn.i32(0).get(acc[0]);
  for (const l of acc.slice(1)) fn.get(l).emit(...simd(ops.add));
  fn.emit(...simd(Simd.v128Store, ...memarg(4, 0)));
  return encodeModule({ memory: { module: "env", field: "memory", minPages: 1, maxPages: 1 }, functions: [{ name: "peak", params: [I32], body: fn }] });
}

/** A timer (bench/wasm-kernels.mjs `timer`, CPU time) of the multiply-add loop. */
function peakTimer(lane) {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
  const { peak } = new WebAssembly.Instance(new WebAssembly.Module(peakModule(lane)), { env: { memory } }).exports;
  const n = 1 << 16;
  return timer(() => peak(n), n * ACCUMULATORS * (lane === "f32" ? 4 : 2) * 2);
}

/**
 * Each kernel's share of the peak from PAIRS alternations peak, kernel, peak in this process: the
 * median of kernel / (mean of the two peaks around it), so load and clock changes hit both alike.
 * The cases take turns within each round, so each one's timings spread over the whole run rather
 * than one stretch of whatever the neighbours did then. The peak reported is the median of all its
 * timings, each kernel's GFLOP/s the median of its own.
 */
export function measureLimits() {
  const peak = {};
  const byCase = cases.map((c) => ({ name: c.name.replace(/\s+/g, " "), share: {} }));
  for (const lane of ["f32", "f64"]) {
    const peakTime = peakTimer(lane);
    const kernelTimes = cases.map((c) => kernelTimer(lane, DEFAULT_TILES, c));
    const rates = cases.map(() => []);
    const shares = cases.map(() => []);
    const peaks = [];
    for (let t = 0; t < PAIRS; t++) {
      for (const [i, kernelTime] of kernelTimes.entries()) {
        const before = peakTime();
        const rate = kernelTime();
        const after = peakTime();
        peaks.push(before, after);
        rates[i].push(rate);
        shares[i].push((2 * rate) / (before + after));
      }
    }
    for (const [i, k] of byCase.entries()) {
      k[lane] = median(rates[i]);
      k.share[lane] = median(shares[i]);
    }
    peak[lane] = median(peaks);
  }
  return { peak, kernels: byCase };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const limits = measureLimits();
  if (process.argv.includes("--json")) process.stdout.write(`${JSON.stringify(limits)}\n`);
  else {
    console.log(`peak multiply-add: f32x4 ${limits.peak.f32.toFixed(1)} GFLOP/s, f64x2 ${limits.peak.f64.toFixed(1)} GFLOP/s (one core, CPU time)`);
    for (const k of limits.kernels) console.log(`${k.name.padEnd(28)} f32 ${k.f32.toFixed(1).padStart(5)} (${(100 * k.share.f32).toFixed(0)} %)  f64 ${k.f64.toFixed(1).padStart(5)} (${(100 * k.share.f64).toFixed(0)} %)`);
  }
}
