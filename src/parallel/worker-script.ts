/**
 * The script each gradient worker runs (startWorkers evaluates it as CommonJS). Kept as text, not
 * as a function serialized with toString(), because a test runner's transform may rewrite a
 * function's body with helpers the worker would not have.
 *
 * Protocol over the shared control words (Int32Array, see data-parallel.ts):
 *   [GENERATION] bumped by the main thread for each batch; workers wait on it.
 *   [ROWS] rows of the batch; [COMMAND] 0 = compute, 1 = exit; [FLAGS] 1: write the slice's
 *   outputs (lastBatchOutputs) into the shared outputs, 2: weigh its rows by the shared row weights.
 *   [DONE + w] set to the generation by worker w when its slice's loss and gradient are written.
 * Worker w (1..threads-1) computes rows [floor(w rows / T), floor((w + 1) rows / T)) of the shared
 * x and y with the shared parameters into its own shared gradient, and its mean loss into losses[w];
 * it adds the milliseconds that took to busy[w] (the engine's profile).
 */
export const GRADIENT_WORKER_SCRIPT = String.raw`
const { workerData, parentPort } = require("node:worker_threads");
const { url, index, threads, inputSize, outputSize, paramCount, dtype, control, params, x, y, grads, losses, outputs, rowWeights, busy, spinMs } = workerData;
const Params = dtype === "f32" ? Float32Array : Float64Array;
const GENERATION = 0, ROWS = 1, COMMAND = 2, FLAGS = 3, DONE = 4;
import(url).then((mod) => {
  const ctrl = new Int32Array(control);
  const P = new Params(params);
  const X = new Float64Array(x);
  const Y = new Float64Array(y);
  const G = new Params(grads, (index - 1) * paramCount * Params.BYTES_PER_ELEMENT, paramCount);
  const L = new Float64Array(losses);
  const O = new Float64Array(outputs);
  const W = new Float64Array(rowWeights);
  const B = new Float64Array(busy);
  // Read before saying ready: the main thread bumps the generation only after every worker is ready.
  let generation = Atomics.load(ctrl, GENERATION);
  parentPort.postMessage("ready");
  for (;;) {
    // Poll for the next batch a little before sleeping (spinMs; the main thread's update is short).
    if (spinMs > 0) {
      const until = performance.now() + spinMs;
      for (let k = 0; Atomics.load(ctrl, GENERATION) === generation; k++) if ((k & 63) === 63 && performance.now() > until) break;
    }
    Atomics.wait(ctrl, GENERATION, generation);
    generation = Atomics.load(ctrl, GENERATION);
    if (Atomics.load(ctrl, COMMAND) === 1) break;
    const rows = Atomics.load(ctrl, ROWS);
    const from = Math.floor((index * rows) / threads);
    const to = Math.floor(((index + 1) * rows) / threads);
    const flags = Atomics.load(ctrl, FLAGS);
    const started = performance.now();
    try {
      const weights = (flags & 2) !== 0 ? W.subarray(from, to) : undefined;
      L[index] = to > from ? mod.lossAndGradient(P, X.subarray(from * inputSize, to * inputSize), Y.subarray(from * outputSize, to * outputSize), to - from, G, weights) : 0;
      if ((flags & 1) !== 0 && to > from) mod.lastBatchOutputs(to - from, O.subarray(from * outputSize, to * outputSize));
    } catch {
      L[index] = NaN; // the main thread reports a non-finite loss as it would on one thread
    }
    B[index] += performance.now() - started;
    Atomics.store(ctrl, DONE + index, generation);
    Atomics.notify(ctrl, DONE + index);
  }
}, (error) => parentPort.postMessage({ error: String(error) }));
`;
