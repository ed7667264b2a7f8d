// mlpc's generated module as a benchmark implementation: trainStep (fused forward + backward +
// update) per batch; forwardBatch for inference (forward, one sample, at batch 1). The state is
// where the module's Trainer puts it: in the kernels' heap when the module has kernels.
import { pathToFileURL } from "node:url";

/**
 * Collects garbage (run.mjs starts workers with --expose-gc) and gives V8's background sweeper time
 * to free the dead ArrayBuffers' memory, so that arrayBuffers counts only live ones.
 */
async function settle() {
  for (let k = 0; k < 3; k++) {
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `file`: the compiled workload module (compile-workloads.mjs); dtype "f64" or "f32". */
export async function setup(w, data, initial, { file, dtype = "f64", measureMemory = false }) {
  const m = await import(pathToFileURL(file).href);
  if (measureMemory) await settle();
  const buffersBefore = process.memoryUsage().arrayBuffers;
  const [inputs] = w.sizes;
  const outputs = w.sizes[w.sizes.length - 1];
  if (m.spec.paramCount !== initial.length || m.spec.dtype !== dtype) throw new Error(`module ${file} does not match ${w.id}/${dtype}`);
  const batch = w.batch;
  // A module with SIMD kernels keeps the state in their heap (residentArrays, as its Trainer does): no per-step copies.
  const allocate = m.residentArrays?.(batch) ?? ((length) => (dtype === "f32" ? new Float32Array(length) : new Float64Array(length)));
  const params = allocate(initial.length);
  params.set(initial);
  const state = m.createTrainState(params, allocate);
  const xs = [];
  const ys = [];
  for (let b = 0; b * batch < data.rows; b++) {
    xs.push(data.x.subarray(b * batch * inputs, (b + 1) * batch * inputs));
    ys.push(data.y.subarray(b * batch * outputs, (b + 1) * batch * outputs));
  }
  let memory = null;
  if (measureMemory) {
    // What training holds: the state's arrays plus the module's scratch, grown by the first step.
    if (w.mode === "train") m.trainStep(state, xs[0], ys[0], batch);
    else m.forwardBatch(params, xs[0], batch, new Float64Array(batch * outputs));
    await settle();
    memory = process.memoryUsage().arrayBuffers - buffersBefore;
  }
  const out = new Float64Array(batch * outputs);
  let loss = NaN;
  const epoch =
    w.mode === "train"
      ? (rows) => {
          const n = rows / batch;
          for (let b = 0; b < n; b++) loss = m.trainStep(state, xs[b], ys[b], batch);
        }
      : batch === 1
        ? (rows) => {
            for (let b = 0; b < rows; b++) m.forward(params, xs[b], out);
          }
        : (rows) => {
            const n = rows / batch;
            for (let b = 0; b < n; b++) m.forwardBatch(params, xs[b], batch, out);
          };
  return {
    batch,
    epoch,
    params: () => Float64Array.from(state.params),
    predict: (x, rows) => Float64Array.from(m.forwardBatch(params, x, rows, new Float64Array(rows * outputs))),
    lastLoss: () => loss,
    /** Bytes of the typed arrays training keeps: params, grad and the optimizer buffers. */
    memory,
    stateBytes: () => Object.values(state).reduce((s, a) => s + (ArrayBuffer.isView(a) ? a.byteLength : 0), 0),
    notes: [],
  };
}
