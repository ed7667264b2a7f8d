/**
 * What every thread of a data-parallel step runs, as JavaScript text: THREAD_STEP_SOURCE is
 * evaluated by each worker (GRADIENT_WORKER_SCRIPT embeds it) and by the main thread
 * (data-parallel.ts), so the slicing, the combine, the barriers and the update are one definition
 * run alike on every thread. Kept as text, not as functions serialized with toString(), because a
 * test runner's transform may rewrite a function's body with helpers a worker would not have.
 *
 * Protocol over the shared control words (CONTROL in data-parallel.ts, sent as `layout`): the main
 * thread writes a step's rows, flags and state.step, then bumps GENERATION; each thread t (with
 * GATHER: first gathers its slice's input rows from the shared inputs, then) computes its slice's
 * loss and gradient (rows [floor(t rows / T), floor((t + 1) rows / T)); thread 0 into state.grad,
 * worker w into its part of `grads`), arrives at phase 1 (ARRIVED + t) and waits for the others;
 * then keeps its range of the parameters as it was (`before`), combines and updates it (with
 * clipping: its sum of squares, phase 2, the global norm), writes whether its new parameters are
 * all finite (`checks`), and arrives at phase 3. The main thread returns when every thread has
 * reached phase 3; a worker then waits for the next generation. A generation whose
 * FLAGS hold EVALUATE is a forward pass instead (threadEvaluate): each thread runs lossOf on its
 * slice of the evaluation rows, writes that slice's outputs and arrives at phase 3.
 */
export const THREAD_STEP_SOURCE = String.raw`
function sliceStart(index, rows, threads) {
  return Math.floor((index * rows) / threads);
}

function rangeStart(index, count, threads) {
  return index >= threads ? count : Math.floor((index * count) / threads / 4) * 4;
}

function waitAtLeast(control, index, target, ms) {
  let seen = Atomics.load(control, index);
  if (seen >= target) return;
  if (ms > 0) {
    const until = performance.now() + ms;
    for (let k = 1; seen < target; k++) {
      if ((k & 63) === 0 && performance.now() > until) break;
      seen = Atomics.load(control, index);
    }
  }
  for (; seen < target; seen = Atomics.load(control, index)) Atomics.wait(control, index, seen);
}

/** Thread index has reached phase value (ARRIVED + index), and wakes whoever waits for it. */
function arrive(control, layout, index, value) {
  Atomics.store(control, layout.ARRIVED + index, value);
  Atomics.notify(control, layout.ARRIVED + index);
}

/** Waits until every thread but index has reached phase value. */
function awaitOthers(control, layout, index, threads, value, spinMs) {
  for (let t = 0; t < threads; t++) if (t !== index) waitAtLeast(control, layout.ARRIVED + t, value, spinMs);
}

function combinedLoss(losses, rows, threads) {
  let loss = 0;
  for (let w = 0; w < threads; w++) {
    const n = sliceStart(w + 1, rows, threads) - sliceStart(w, rows, threads);
    if (n > 0) loss += losses[w] * (n / rows);
  }
  return loss;
}

function combineRange(grad, grads, from, to, rows, threads, P) {
  const first = sliceStart(1, rows, threads);
  const w0 = first / rows;
  const share1 = (sliceStart(2, rows, threads) - first) / rows;
  if (first > 0 && share1 > 0) for (let p = from; p < to; p++) grad[p] = grad[p] * w0 + grads[p] * share1;
  else if (first > 0) for (let p = from; p < to; p++) grad[p] = grad[p] * w0;
  else if (share1 > 0) for (let p = from; p < to; p++) grad[p] = 0 + grads[p] * share1;
  else for (let p = from; p < to; p++) grad[p] = 0;
  for (let w = 2; w < threads; w++) {
    const share = (sliceStart(w + 1, rows, threads) - sliceStart(w, rows, threads)) / rows;
    if (share === 0) continue;
    const at = (w - 1) * P;
    for (let p = from; p < to; p++) grad[p] = grad[p] + grads[at + p] * share;
  }
}

/** Rows [from, to) of the batch into x, from the shared inputs (rows INPUT_ROW + batchIndex[r]). */
function gatherSlice(env, x, from, to) {
  const { inputs, batchIndex, inputSize, control, layout } = env;
  const base = Atomics.load(control, layout.INPUT_ROW);
  // A subarray a row costs about as much as copying 64 values: narrower rows go value by value.
  for (let r = from; r < to; r++) {
    const i = base + batchIndex[r];
    if (inputSize >= 64) x.set(inputs.subarray(i * inputSize, (i + 1) * inputSize), r * inputSize);
    else for (let k = 0; k < inputSize; k++) x[r * inputSize + k] = inputs[i * inputSize + k];
  }
}

function sumOfSquares(grad, from, to) {
  let s = 0;
  for (let p = from; p < to; p++) s += grad[p] * grad[p];
  return s;
}

function globalNorm(squares, threads) {
  let s = 0;
  for (let t = 0; t < threads; t++) s += squares[t];
  return Math.sqrt(s);
}

function threadEvaluate(env, params, index, generation, x, y, o) {
  const { mod, control, layout, losses, threads, inputSize, outputSize, spinMs } = env;
  const rows = Atomics.load(control, layout.ROWS);
  const from = sliceStart(index, rows, threads);
  const to = sliceStart(index + 1, rows, threads);
  // The main thread reads the caller's arrays; the workers' shared ones hold the rows from slice 1 on.
  const at = index === 0 ? from : from - sliceStart(1, rows, threads);
  const n = to - from;
  let failure = null;
  try {
    losses[index] = mod.lossOf(params, x.subarray(at * inputSize, (at + n) * inputSize), y.subarray(at * outputSize, (at + n) * outputSize), n, o.subarray(at * outputSize, (at + n) * outputSize));
  } catch (e) {
    losses[index] = NaN;
    failure = e;
  }
  const done = generation * layout.PHASES + 3;
  arrive(control, layout, index, done);
  if (index === 0) awaitOthers(control, layout, index, threads, done, spinMs);
  if (failure !== null && index === 0) throw failure;
  return combinedLoss(losses, rows, threads);
}

function threadStep(env, state, index, generation, x, y, w, o) {
  const { mod, control, layout, grads, losses, squares, checks, busy, before, keepsBefore, threads, inputSize, outputSize, paramCount, clips, spinMs } = env;
  const rows = Atomics.load(control, layout.ROWS);
  const flags = Atomics.load(control, layout.FLAGS);
  const from = sliceStart(index, rows, threads);
  const to = sliceStart(index + 1, rows, threads);
  const grad = index === 0 ? state.grad : grads.subarray((index - 1) * paramCount, index * paramCount);
  let failure = null;
  const started = performance.now();
  try {
    if ((flags & layout.GATHER) !== 0) gatherSlice(env, x, from, to);
    const weights = (flags & layout.WEIGHTED_ROWS) !== 0 ? w.subarray(from, to) : undefined;
    losses[index] = to > from ? mod.lossAndGradient(state.params, x.subarray(from * inputSize, to * inputSize), y.subarray(from * outputSize, to * outputSize), to - from, grad, weights) : 0;
    if ((flags & layout.WANT_OUTPUTS) !== 0 && to > from) mod.lastBatchOutputs(to - from, o.subarray(from * outputSize, to * outputSize));
  } catch (e) {
    losses[index] = NaN; // every thread then skips the update; the main thread rethrows its own error
    failure = e;
  }
  // The profile: busy[3 t] slice, busy[3 t + 1] waiting at the barriers, busy[3 t + 2] combine and update.
  const sliced = performance.now();
  busy[index * 3] += sliced - started;
  let waited = 0;
  const phase = generation * layout.PHASES;
  const reach = (k) => arrive(control, layout, index, phase + k);
  const awaitPhase = (k) => {
    const from = performance.now();
    awaitOthers(control, layout, index, threads, phase + k, spinMs);
    waited += performance.now() - from;
  };
  reach(1);
  awaitPhase(1);
  const updating = performance.now();
  const waitedBefore = waited;
  const loss = combinedLoss(losses, rows, threads);
  if (Number.isFinite(loss)) {
    const start = rangeStart(index, paramCount, threads);
    const end = rangeStart(index + 1, paramCount, threads);
    const first = sliceStart(1, rows, threads);
    // The range as it was, for the Trainer to restore if an update makes a parameter non-finite.
    if (keepsBefore) before.set(state.params.subarray(start, end), start);
    if (clips) {
      combineRange(state.grad, grads, start, end, rows, threads, paramCount);
      squares[index] = sumOfSquares(state.grad, start, end);
      reach(2);
      awaitPhase(2);
      checks[index] = mod.updateRange(state, start, end, globalNorm(squares, threads));
    } else if (threads === 2 && first > 0 && first < rows) {
      // Two slices: the module's update adds them as it reads the gradient (in the adam kernel: one pass).
      checks[index] = mod.updateRange(state, start, end, { other: grads, weight: first / rows, otherWeight: (rows - first) / rows });
    } else {
      combineRange(state.grad, grads, start, end, rows, threads, paramCount);
      checks[index] = mod.updateRange(state, start, end);
    }
  }
  busy[index * 3 + 2] += performance.now() - updating - (waited - waitedBefore); // less the clipping barrier's wait
  reach(3);
  if (index === 0) awaitPhase(3);
  busy[index * 3 + 1] += waited;
  if (failure !== null && index === 0) throw failure;
  return loss;
}
`;

/**
 * The script each worker runs (startWorkers evaluates it as CommonJS): it imports the module,
 * builds its state on the shared arrays (createTrainState allocates them in the main thread's
 * order; with a shared heap, its kernels run on their region of it), says ready, then runs
 * threadStep for each generation until COMMAND is 1.
 */
export const GRADIENT_WORKER_SCRIPT = String.raw`
const { workerData, parentPort } = require("node:worker_threads");
${THREAD_STEP_SOURCE}
const { url, index, dtype, layout, control, maxRows, heap, state: stateBuffers, x, y, grads, losses, squares, checks, outputs, rowWeights, busy, evalX, evalY, evalOut, inputs, batchIndex, before, spinMs, paramCount, threads } = workerData;
const Params = dtype === "f32" ? Float32Array : Float64Array;
import(url).then((mod) => {
  const ctrl = new Int32Array(control);
  // The shared heap (the SIMD kernels): the state and the slices' gradients are views of it, and this thread's kernels run on its region.
  const inHeap = (at, length) => new Params(heap.memory.buffer, at * Params.BYTES_PER_ELEMENT, length);
  if (heap !== null) mod.shareHeap(heap.memory, heap.regionAt, maxRows);
  const arrays = heap === null ? stateBuffers.map((b) => new Params(b)) : heap.stateAt.map((at) => inHeap(at, paramCount));
  let next = 1;
  const state = mod.createTrainState(arrays[0], () => arrays[next++]);
  const env = { ...workerData, mod, control: ctrl, grads: heap === null ? new Params(grads) : inHeap(heap.gradsAt, (threads - 1) * paramCount), losses: new Float64Array(losses), squares: new Float64Array(squares), checks: new Float64Array(checks), busy: new Float64Array(busy), inputs: new Float64Array(inputs), batchIndex: new Int32Array(batchIndex), before: new Params(before) };
  // The batch's rows are in the dtype with a shared heap (the kernels round them to it anyway), else float64.
  const X = heap !== null ? new Params(x) : new Float64Array(x);
  const Y = new Float64Array(y);
  const O = new Float64Array(outputs);
  const W = new Float64Array(rowWeights);
  const EX = new Float64Array(evalX);
  const EY = new Float64Array(evalY);
  const EO = new Float64Array(evalOut);
  // Read before saying ready: the main thread bumps the generation only after every worker is ready.
  let generation = Atomics.load(ctrl, layout.GENERATION);
  parentPort.postMessage("ready");
  for (;;) {
    waitAtLeast(ctrl, layout.GENERATION, generation + 1, spinMs);
    generation = Atomics.load(ctrl, layout.GENERATION);
    if (Atomics.load(ctrl, layout.COMMAND) === 1) break;
    if ((Atomics.load(ctrl, layout.FLAGS) & layout.EVALUATE) !== 0) {
      threadEvaluate(env, state.params, index, generation, EX, EY, EO);
      continue;
    }
    state.step = Atomics.load(ctrl, layout.STEP);
    threadStep(env, state, index, generation, X, Y, W, O);
  }
}, (error) => parentPort.postMessage({ error: String(error) }));
`;
