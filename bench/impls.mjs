// The implementations the benchmark compares, by name (bench/worker.mjs, test/bench).
import { modulePath } from "./compile-workloads.mjs";

export const IMPL_NAMES = ["mlpc", "mlpc-f32", "mlpc-simd", "mlpc-simd-f64", "mlpc-simd-threads", "baseline", "tfjs-cpu", "tfjs-wasm", "brain", "synaptic"];

/** Sets up implementation `name` for workload `w`: { batch, epoch(rows), notes, ... }. */
export async function setupImpl(name, w, data, initial, modules, { measureMemory = true } = {}) {
  switch (name) {
    case "mlpc":
    case "mlpc-f32":
    case "mlpc-simd":
    case "mlpc-simd-f64": {
      // mlpc-simd: compiled with --simd --dtype f32 (f32x4 kernels); mlpc-simd-f64: --simd (f64x2).
      const dtype = name === "mlpc" || name === "mlpc-simd-f64" ? "f64" : "f32";
      const simd = name.startsWith("mlpc-simd");
      const { setup } = await import("./mlpc.mjs");
      return setup(w, data, initial, { file: modulePath(modules, w.program, dtype, simd), dtype, measureMemory });
    }
    case "mlpc-simd-threads": {
      // The default f32 module (f32x4 kernels) trained data-parallel on every core.
      const { setup } = await import("./mlpc-threads.mjs");
      return setup(w, data, initial, { file: modulePath(modules, w.program, "f32", true), dtype: "f32" });
    }
    case "baseline":
      return (await import("./peers/baseline.mjs")).setup(w, data, initial);
    case "tfjs-cpu":
    case "tfjs-wasm":
      return (await import("./peers/tfjs.mjs")).setup(w, data, initial, { backend: name.slice(5) });
    case "brain":
      return (await import("./peers/brain.mjs")).setup(w, data, initial);
    case "synaptic":
      return (await import("./peers/synaptic.mjs")).setup(w, data, initial);
    default:
      throw new Error(`unknown implementation ${name}`);
  }
}

