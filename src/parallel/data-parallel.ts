/**
 * Data-parallel gradients over worker threads: each batch is cut into `threads` contiguous slices
 * of rows, the main thread computes slice 0 and worker w slice w, all with the same generated
 * module on the same parameters (SharedArrayBuffers: parameters, the batch, one gradient per
 * worker, the losses), and the slices' mean gradients and losses are combined weighted by their
 * rows, in slice order. So a run is deterministic for a given thread count, and equal to one
 * thread up to the rounding of that reordered sum (tested).
 *
 * The call is synchronous (the main thread polls briefly, then blocks in Atomics.wait, while the
 * workers finish), so it drops into the generated Trainer's loop as its `gradient` option
 * without changing anything else.
 * Models with dropout draw their masks row by row from one stream per update; slices would draw
 * other masks, so they stay on one thread (canRunDataParallel).
 */
import { startWorkers, stopWorkers } from "./workers.js";
import { GRADIENT_WORKER_SCRIPT } from "./worker-script.js";
import type { Worker } from "node:worker_threads";

/** Parameters and gradients: Float64Array (as `mlpc train` compiles), or Float32Array for --dtype f32. */
type ParamArray = Float64Array | Float32Array;

/** What the engine needs of a generated module. */
export interface GradientModule {
  /** rowWeight: one weight a row, for the models whose loss takes it (a one-sigmoid bce with class weights). */
  lossAndGradient(params: never, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, grad: never, rowWeight?: ArrayLike<number>): number;
  /** The outputs of the rows of the last lossAndGradient call (modules from before it have none). */
  lastBatchOutputs?(rows: number, out: Float64Array): void;
}

export interface DataParallelOptions {
  /** A URL the workers can import the same module from (a data: URL of its JavaScript). */
  readonly moduleUrl: string;
  /** The module as loaded on the main thread. */
  readonly module: GradientModule;
  readonly threads: number;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly paramCount: number;
  /** The largest batch (rows) a call will get. */
  readonly maxRows: number;
  /** The module's parameter storage; default f64. */
  readonly dtype?: "f64" | "f32";
  /**
   * How long a thread that waits (a worker for the next batch, the main thread for the workers)
   * polls the shared word before it sleeps in Atomics.wait; default SPIN_MS. A sleeping thread
   * costs a futex wake-up on the critical path of every step (tens of microseconds when the
   * other core is free); polling briefly avoids it, but costs when the cores are contended. 0:
   * always sleep.
   */
  readonly spinMs?: number;
}

/**
 * The default polling time before sleeping (spinMs). 0: under load polling made every step slower
 * (a polling thread holds the core the thread it waits for needs; 784-128-10 f32 batch 128 at load
 * 9: 0.63x-0.76x of one thread with 0.25 ms against 0.80x-0.91x without, tiny nets 10x slower);
 * whether 0.25 ms pays on a quiet machine is to be measured (docs/performance.md, Threads).
 */
export const SPIN_MS = 0;

/** Polls control[index] until it differs from `value` or `ms` have passed. */
function spinWhile(control: Int32Array, index: number, value: number, ms: number): void {
  if (ms <= 0) return;
  const until = performance.now() + ms;
  for (let k = 0; Atomics.load(control, index) === value; k++) {
    if ((k & 63) === 63 && performance.now() > until) return;
  }
}

/** The state the Trainer passes: parameters in, gradient out. */
export interface GradientState {
  readonly params: ParamArray;
  readonly grad: ParamArray;
}

const GENERATION = 0;
const ROWS = 1;
const COMMAND = 2;
/** What this batch asks of the workers besides the gradient: WANT_OUTPUTS | WEIGHTED_ROWS. */
const FLAGS = 3;
const DONE = 4;
const WANT_OUTPUTS = 1;
const WEIGHTED_ROWS = 2;

/** Milliseconds each thread spent in lossAndGradient on its slices, and the calls counted. */
export interface SliceProfile {
  readonly calls: number;
  /** Index w: thread w's slices (0: the main thread). */
  readonly sliceMs: readonly number[];
}

/** First row of slice `index` of `rows` rows cut into `threads` slices. */
export function sliceStart(index: number, rows: number, threads: number): number {
  return Math.floor((index * rows) / threads);
}

function shared(elements: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(1, elements) * 8));
}

function sharedParams(elements: number, dtype: "f64" | "f32"): ParamArray {
  return dtype === "f32" ? new Float32Array(new SharedArrayBuffer(Math.max(1, elements) * 4)) : shared(elements);
}

export class DataParallelGradient {
  readonly threads: number;
  private readonly control: Int32Array;
  private readonly params: ParamArray;
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly grads: ParamArray;
  private readonly losses: Float64Array;
  /** The batch's outputs (rows x outputs; each worker writes its slice's) and its row weights. */
  private readonly outputs: Float64Array;
  private readonly rowWeights: Float64Array;
  /** Per thread: ms in lossAndGradient since the last resetProfile (each thread adds its own). */
  private readonly busy: Float64Array;
  private calls = 0;
  private closed = false;

  private constructor(
    private readonly options: DataParallelOptions,
    private readonly workers: readonly Worker[],
    buffers: { control: Int32Array; params: ParamArray; x: Float64Array; y: Float64Array; grads: ParamArray; losses: Float64Array; outputs: Float64Array; rowWeights: Float64Array; busy: Float64Array },
  ) {
    this.threads = options.threads;
    this.control = buffers.control;
    this.params = buffers.params;
    this.x = buffers.x;
    this.y = buffers.y;
    this.grads = buffers.grads;
    this.losses = buffers.losses;
    this.outputs = buffers.outputs;
    this.rowWeights = buffers.rowWeights;
    this.busy = buffers.busy;
  }

  /** Starts threads - 1 workers, each importing the module; resolves when all are ready. */
  static async start(options: DataParallelOptions): Promise<DataParallelGradient> {
    const { threads, paramCount, inputSize, outputSize, maxRows } = options;
    const dtype = options.dtype ?? "f64";
    if (!Number.isInteger(threads) || threads < 2) throw new Error(`data-parallel training needs at least 2 threads, got ${threads}`);
    const buffers = {
      control: new Int32Array(new SharedArrayBuffer((DONE + threads) * 4)),
      params: sharedParams(paramCount, dtype),
      x: shared(maxRows * inputSize),
      y: shared(maxRows * outputSize),
      grads: sharedParams((threads - 1) * paramCount, dtype),
      losses: shared(threads),
      outputs: shared(maxRows * outputSize),
      rowWeights: shared(maxRows),
      busy: shared(threads),
    };
    const workers = await startWorkers(threads - 1, {
      script: GRADIENT_WORKER_SCRIPT,
      data: (i) => ({
        url: options.moduleUrl,
        index: i + 1,
        threads,
        inputSize,
        outputSize,
        paramCount,
        dtype,
        spinMs: options.spinMs ?? SPIN_MS,
        control: buffers.control.buffer,
        params: buffers.params.buffer,
        x: buffers.x.buffer,
        y: buffers.y.buffer,
        grads: buffers.grads.buffer,
        losses: buffers.losses.buffer,
        outputs: buffers.outputs.buffer,
        rowWeights: buffers.rowWeights.buffer,
        busy: buffers.busy.buffer,
      }),
    });
    return new DataParallelGradient(options, workers, buffers);
  }

  /**
   * J (the rows-weighted mean of the slices' losses) and dJ/dparams into state.grad of one batch
   * (x: rows x inputs, y: rows x outputs, row-major), as the module's lossAndGradient would give.
   * The Trainer's gradient option: with `out`, each thread also writes its slice's outputs there
   * (the module's lastBatchOutputs, for the running accuracy: no second forward pass); with
   * `rowWeight`, each slice's rows are weighted by it (class weights of a one-sigmoid bce model).
   */
  gradient(state: GradientState, x: Float64Array, y: Float64Array, rows: number, _seed?: number, out?: Float64Array, rowWeight?: ArrayLike<number>): number {
    if (this.closed) throw new Error("the data-parallel gradient was closed");
    const { inputSize: IN, outputSize: OUT, paramCount: P } = this.options;
    const T = this.threads;
    if (rows > this.options.maxRows) throw new RangeError(`a batch of ${rows} rows is bigger than the ${this.options.maxRows} this engine was started for`);
    const first = sliceStart(1, rows, T);
    this.params.set(state.params);
    this.x.set(x.subarray(first * IN, rows * IN), first * IN);
    this.y.set(y.subarray(first * OUT, rows * OUT), first * OUT);
    const mod = this.options.module;
    const outputs = out !== undefined && mod.lastBatchOutputs !== undefined ? out : undefined;
    if (rowWeight !== undefined) for (let r = first; r < rows; r++) this.rowWeights[r] = rowWeight[r]!;
    const ctrl = this.control;
    Atomics.store(ctrl, ROWS, rows);
    Atomics.store(ctrl, FLAGS, (outputs === undefined ? 0 : WANT_OUTPUTS) | (rowWeight === undefined ? 0 : WEIGHTED_ROWS));
    const generation = (Atomics.load(ctrl, GENERATION) + 1) | 0;
    Atomics.store(ctrl, GENERATION, generation);
    Atomics.notify(ctrl, GENERATION);
    // Slice 0 here, meanwhile.
    const own = mod.lossAndGradient as (params: ParamArray, x: Float64Array, y: Float64Array, rows: number, grad: ParamArray, rowWeight?: ArrayLike<number>) => number;
    const started = performance.now();
    const loss0 = first > 0 ? own(state.params, x.subarray(0, first * IN), y.subarray(0, first * OUT), first, state.grad, rowWeight) : 0; // reads rowWeight[0, first)
    if (outputs !== undefined && first > 0) mod.lastBatchOutputs!(first, outputs.subarray(0, first * OUT));
    this.busy[0] = this.busy[0]! + (performance.now() - started);
    this.calls++;
    for (let w = 1; w < T; w++) {
      const before = Atomics.load(ctrl, DONE + w);
      if (before !== generation) spinWhile(ctrl, DONE + w, before, this.options.spinMs ?? SPIN_MS);
      for (let seen = Atomics.load(ctrl, DONE + w); seen !== generation; seen = Atomics.load(ctrl, DONE + w)) Atomics.wait(ctrl, DONE + w, seen);
    }
    if (outputs !== undefined) outputs.set(this.outputs.subarray(first * OUT, rows * OUT), first * OUT);
    // Combine in slice order, weighted by rows: the mean over the whole batch. Slice 1 is folded
    // into the pass that weighs slice 0 (one pass over the parameters on two threads): the same
    // operations in the same order as weighing first and adding after (f32: one rounding fewer).
    const grad = state.grad;
    const w0 = first / rows;
    let loss = loss0 * w0;
    const n1 = sliceStart(2, rows, T) - first;
    const share1 = n1 / rows;
    const g1 = this.grads.subarray(0, P);
    if (first > 0 && n1 > 0) for (let p = 0; p < P; p++) grad[p] = grad[p]! * w0 + g1[p]! * share1;
    else if (first > 0) for (let p = 0; p < P; p++) grad[p] = grad[p]! * w0;
    else if (n1 > 0) for (let p = 0; p < P; p++) grad[p] = 0 + g1[p]! * share1;
    else grad.fill(0);
    if (n1 > 0) loss += this.losses[1]! * share1;
    for (let w = 2; w < T; w++) {
      const n = sliceStart(w + 1, rows, T) - sliceStart(w, rows, T);
      if (n === 0) continue;
      const share = n / rows;
      loss += this.losses[w]! * share;
      const g = this.grads.subarray((w - 1) * P, w * P);
      for (let p = 0; p < P; p++) grad[p] = grad[p]! + g[p]! * share;
    }
    return loss;
  }

  /** Time per thread in lossAndGradient since the start or resetProfile (call between batches). */
  profile(): SliceProfile {
    return { calls: this.calls, sliceMs: Array.from(this.busy) };
  }

  resetProfile(): void {
    this.busy.fill(0);
    this.calls = 0;
  }

  /** Stops the workers; the engine cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.control, COMMAND, 1);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
    await stopWorkers(this.workers);
  }
}
