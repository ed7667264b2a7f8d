/**
 * Data-parallel training steps over worker threads. Each batch is cut into `threads` contiguous
 * slices of rows; the main thread computes slice 0 and worker w slice w, all with the same
 * generated module on the same parameters. Then every thread takes a range of the parameters:
 * it combines the slices' mean gradients there (weighted by their rows, in slice order) and runs
 * the module's updateRange on it. The training state (parameters, gradient, optimizer buffers)
 * lives in shared memory every thread holds, made by `arrays` for the Trainer (its arrays
 * option), so nothing of it is copied per step and the update is shared out as the gradient is.
 * With the module's WebAssembly SIMD kernels that memory is one shared WebAssembly.Memory: the
 * state, the slices' gradients and each thread's own region of the kernels' heap (shareHeap), so
 * the kernels read the parameters, write the gradients and update the state where they are.
 * Without the kernels (--no-simd, or no wasm SIMD) the arrays are SharedArrayBuffers.
 *
 * A run is deterministic for a given thread count, and equal to one thread up to the rounding of
 * the reordered sums (tested): each parameter's update reads only its own gradient and buffers,
 * so the ranges give the update of the combined gradient exactly. With gradient clipping the
 * global norm is one more barrier: each range's sum of squares, added in range order.
 *
 * The call is synchronous (a waiting thread polls briefly, then blocks in Atomics.wait), so it
 * drops into the generated Trainer's loop as its `trainStep` option without changing anything
 * else. Given the training inputs at the start (copied once to shared memory, `inputs`), each
 * thread also gathers its own slice's rows of a batch (the Trainer's gatherRows option), and each
 * thread keeps its range of the parameters as they were before the update (`paramsBefore`, the
 * Trainer's option of that name): neither copy then waits on the main thread alone. Models with
 * dropout draw their masks row by row from one stream per update; slices would draw other masks,
 * so they stay on one thread (threadsRefusal, threads.ts).
 */
import { startWorkers, stopWorkers } from "./workers.js";
import { GRADIENT_WORKER_SCRIPT, THREAD_STEP_SOURCE } from "./worker-script.js";
import type { Worker } from "node:worker_threads";
import { KERNEL_MAX_PAGES } from "../codegen/wasm/kernels.js";

/** Parameters and gradients: Float64Array (as `mlpc train` compiles), or Float32Array for --dtype f32. */
type ParamArray = Float64Array | Float32Array;

/** The training state as the generated module has it. */
export interface StepState {
  readonly params: ParamArray;
  readonly grad: ParamArray;
  step: number;
  /** Set by step: whether every parameter is finite after its update (each thread checks its range as it writes it). */
  paramsFinite: boolean | null;
}

/** updateRange's combine (a module without clipping): the other slice's gradient and both slices' shares of the rows. */
export interface GradientCombine {
  readonly other: ParamArray;
  readonly weight: number;
  readonly otherWeight: number;
}

/** What the engine needs of a generated module. */
export interface StepModule {
  /** rowWeight: one weight a row, for the models whose loss takes it (a one-sigmoid bce with class weights). */
  lossAndGradient(params: never, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, grad: never, rowWeight?: ArrayLike<number>): number;
  /** The outputs of the rows of the last lossAndGradient call. */
  lastBatchOutputs(rows: number, out: Float64Array): void;
  /** A state around params whose other arrays come from allocate. */
  createTrainState(params: never, allocate?: (length: number) => never): StepState;
  /** J of rows (data loss + regularization), forward only; their outputs into out. */
  lossOf(params: never, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, out: Float64Array): number;
  /**
   * applyUpdate on params[from..to) without moving state.step; gradNorm with clipping, else
   * optionally a combine: state.grad becomes grad * weight + other * otherWeight there first. Returns
   * 0 when every parameter it wrote is finite, else NaN.
   */
  updateRange(state: never, from: number, to: number, gradNormOrCombine?: number | GradientCombine): number;
  /** With the SIMD kernels: elements of one thread's region of a shared heap for batches of up to `rows` rows. */
  heapElements?(rows: number): number;
  /** With the SIMD kernels: run them on the shared memory, this thread's region from element `at`; false where they do not run. */
  shareHeap?(memory: SharedMemory, at: number, rows: number): boolean;
}

export interface DataParallelOptions {
  /** A URL the workers can import the same module from (a data: URL of its JavaScript). */
  readonly moduleUrl: string;
  /** The module as loaded on the main thread. */
  readonly module: StepModule;
  readonly threads: number;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly paramCount: number;
  /** The largest batch (rows) a call will get. */
  readonly maxRows: number;
  /**
   * The training inputs (rows x inputSize), copied once to shared memory (`inputs`): train on that
   * copy and pass `gatherRows` to the Trainer, and each thread gathers its slice's rows of a batch.
   */
  readonly inputs?: Float64Array;
  /**
   * Each thread copies its range of the parameters into `paramsBefore` before it updates it (for
   * the Trainer's paramsBefore option, which then makes no copy of its own); default false.
   */
  readonly keepParamsBefore?: boolean;
  /** The most rows `evaluate` will get (the validation rows); it splits at most EVALUATION_CHUNK_ROWS (and 2^21 values) at a time. Default 0: evaluate on the calling thread alone. */
  readonly maxEvaluationRows?: number;
  /** The module's parameter storage; default f64. */
  readonly dtype?: "f64" | "f32";
  /** The optimizer clips the gradient's global norm (clip= on the optimizer line): one more barrier a step. */
  readonly clips?: boolean;
  /**
   * How long a waiting thread polls the shared word before it sleeps in Atomics.wait; default
   * SPIN_MS. A sleeping thread costs a futex wake-up on the critical path of every wait (tens of
   * microseconds on this VM); polling avoids it while the other thread is about to arrive, but
   * holds a core the other may need when the cores are contended. 0: always sleep.
   */
  readonly spinMs?: number;
  /**
   * Whether the state goes in one shared WebAssembly.Memory with the kernels' heaps when the module
   * has them (default true); false keeps it in SharedArrayBuffers, copied in and out of each
   * thread's own heap as one thread does (the same numbers, bit for bit: tested).
   */
  readonly sharedHeap?: boolean;
}

/**
 * The default polling time before sleeping (spinMs): the waits of a step are short and balanced
 * (equal slices, equal ranges), so a brief poll catches most of them on a free core, and under
 * load it costs at most this much a wait (docs/performance.md, Threads, has the measurements).
 */
export const SPIN_MS = 0.1;

/**
 * Rows `evaluate` splits over the threads at a time: at most 4096, and at most 2^21 input values
 * (16 MB of rows, whatever the width), so the shared copy of the rows stays small.
 */
export const EVALUATION_CHUNK_ROWS = 4096;
const EVALUATION_CHUNK_VALUES = 2 ** 21;

/** Milliseconds each thread spent in its slices (lossAndGradient), at the barriers and in its range's update, and the steps counted. */
export interface SliceProfile {
  readonly calls: number;
  /** Index w: thread w's slices (0: the main thread). */
  readonly sliceMs: readonly number[];
  /** Index w: thread w's waits at the barriers (the main thread's for the ranges too). */
  readonly waitMs: readonly number[];
  /** Index w: thread w's combine and update of its range. */
  readonly updateMs: readonly number[];
}

/**
 * The shared control words (Int32Array), also read by the worker script (sent in its workerData).
 * GENERATION: bumped by the main thread for each step (workers wait on it); ROWS, FLAGS, STEP:
 * that step's rows, what it asks besides the gradient (WANT_OUTPUTS | WEIGHTED_ROWS | GATHER: each
 * thread gathers its slice's inputs, rows INPUT_ROW + batchIndex[r] of the shared inputs), and the
 * state.step it updates from; COMMAND: 1 = exit. ARRIVED + t: the last phase thread t reached, a
 * phase being generation * PHASES + k (k = 1: slice gradient written, 2: range's sum of squares
 * written (clipping only), 3: range updated, or with EVALUATE in FLAGS: slice evaluated).
 */
const CONTROL = { GENERATION: 0, ROWS: 1, FLAGS: 2, STEP: 3, COMMAND: 4, INPUT_ROW: 5, ARRIVED: 6, PHASES: 4, WANT_OUTPUTS: 1, WEIGHTED_ROWS: 2, EVALUATE: 4, GATHER: 8 } as const;

/** The functions of THREAD_STEP_SOURCE, as the main thread runs them (the workers evaluate the same text). */
interface ThreadStepFunctions {
  /** First row of slice `index` of `rows` rows cut into `threads` slices. */
  sliceStart(index: number, rows: number, threads: number): number;
  /** First parameter of range `index` of `count` parameters cut into `threads` ranges (a multiple of 4: whole SIMD lanes). */
  rangeStart(index: number, count: number, threads: number): number;
  /** Thread `index`'s part of a step: its slice, the barrier, its range's combine and update; thread 0 waits for all ranges. Returns J. */
  threadStep(env: ThreadEnv, state: StepState, index: number, generation: number, x: Float64Array | Float32Array, y: Float64Array, w: ArrayLike<number>, o: Float64Array): number;
  /** Thread `index`'s part of an evaluation: lossOf on its slice of the rows, outputs into o; thread 0 waits for all and returns J. */
  threadEvaluate(env: ThreadEnv, params: ParamArray, index: number, generation: number, x: Float64Array, y: Float64Array, o: Float64Array): number;
}

/** What threadStep reads besides its arguments. */
interface ThreadEnv {
  readonly mod: StepModule;
  readonly control: Int32Array;
  readonly layout: typeof CONTROL;
  readonly grads: ParamArray;
  readonly losses: Float64Array;
  readonly squares: Float64Array;
  /** Each range's finiteness check (updateRange's result). */
  readonly checks: Float64Array;
  readonly busy: Float64Array;
  /** The shared training inputs, the batch's row indices into them (GATHER), and the parameters before the update, each thread's range. */
  readonly inputs: Float64Array;
  readonly batchIndex: Int32Array;
  readonly before: ParamArray;
  /** Whether each thread copies its range into `before` before updating it (keepParamsBefore). */
  readonly keepsBefore: boolean;
  readonly threads: number;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly paramCount: number;
  readonly clips: boolean;
  readonly spinMs: number;
}

const STEP = new Function(`${THREAD_STEP_SOURCE}\nreturn { sliceStart, rangeStart, threadStep, threadEvaluate };`)() as ThreadStepFunctions;

export const { sliceStart, rangeStart } = STEP;

/** The rows weights and outputs of a step without them. */
const EMPTY = new Float64Array(0);

/** Rows evaluate splits at a time: maxEvaluationRows, at most EVALUATION_CHUNK_ROWS and 2^21 values (but a row a thread). */
export function evaluationChunkRows(options: Pick<DataParallelOptions, "threads" | "inputSize" | "maxEvaluationRows">): number {
  const byValues = Math.max(options.threads, Math.floor(EVALUATION_CHUNK_VALUES / Math.max(1, options.inputSize)));
  return Math.min(options.maxEvaluationRows ?? 0, EVALUATION_CHUNK_ROWS, byValues);
}

function shared(elements: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(1, elements) * 8));
}

function sharedParams(elements: number, dtype: "f64" | "f32"): ParamArray {
  return dtype === "f32" ? new Float32Array(new SharedArrayBuffer(Math.max(1, elements) * 4)) : shared(elements);
}

/** The arrays of a training state (params, grad, the optimizer buffers), counted on a throwaway state. */
function stateArrayCount(mod: StepModule, paramCount: number, dtype: "f64" | "f32"): number {
  const probe = mod.createTrainState((dtype === "f32" ? new Float32Array(paramCount) : new Float64Array(paramCount)) as never);
  return Object.values(probe).filter((v) => ArrayBuffer.isView(v)).length;
}

/** A shared WebAssembly.Memory (declared here: the project's lib has no WebAssembly types). */
export interface SharedMemory {
  readonly buffer: SharedArrayBuffer;
}

const SharedWasmMemory = (globalThis as unknown as { WebAssembly: { Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => SharedMemory } }).WebAssembly.Memory;

/** Elements a region of the shared heap starts at a multiple of (64 bytes for f32). */
const HEAP_ALIGN = 16;

/**
 * Where the arrays live in the shared heap (elements of the dtype): the state arrays, the slices'
 * gradients (threads - 1 of them, one after another), then each thread's region of the kernels.
 */
interface SharedHeapLayout {
  readonly stateAt: readonly number[];
  readonly gradsAt: number;
  readonly regionAt: readonly number[];
  readonly elements: number;
}

function sharedHeapLayout(stateArrays: number, paramCount: number, threads: number, regionElements: number): SharedHeapLayout {
  const up = (n: number): number => Math.ceil(n / HEAP_ALIGN) * HEAP_ALIGN;
  const stateAt = Array.from({ length: stateArrays }, (_, k) => k * up(paramCount));
  const gradsAt = stateArrays * up(paramCount);
  const first = gradsAt + up((threads - 1) * paramCount);
  const regionAt = Array.from({ length: threads }, (_, t) => first + t * up(regionElements));
  return { stateAt, gradsAt, regionAt, elements: first + threads * up(regionElements) };
}

/** The shared heap: the memory and where the arrays live in it. */
interface SharedHeap {
  readonly memory: SharedMemory;
  readonly layout: SharedHeapLayout;
}

/**
 * A shared WebAssembly.Memory for the module's kernels, the main thread's module already running
 * on it; null where the module has no kernels, they do not run, or the heap would pass 2 GiB.
 */
function startSharedHeap(options: DataParallelOptions, stateArrays: number, dtype: "f64" | "f32"): SharedHeap | null {
  const { module: mod, threads, paramCount, maxRows } = options;
  if (options.sharedHeap === false || mod.heapElements === undefined || mod.shareHeap === undefined) return null;
  const layout = sharedHeapLayout(stateArrays, paramCount, threads, mod.heapElements(maxRows));
  const pages = Math.ceil((layout.elements * (dtype === "f32" ? 4 : 8)) / 65536);
  if (pages > KERNEL_MAX_PAGES) return null;
  const memory = new SharedWasmMemory({ initial: pages, maximum: pages, shared: true });
  return mod.shareHeap(memory, layout.regionAt[0]!, maxRows) ? { memory, layout } : null;
}

/** What every thread shares: the control words, the state arrays and the per-step buffers. */
interface SharedBuffers {
  readonly control: Int32Array;
  /** params, grad and the optimizer buffers, in the order createTrainState allocates them. */
  readonly state: readonly ParamArray[];
  /**
   * The batch's rows for the workers (all of them when gathering): with the kernels in the dtype,
   * which their staging of x rounds to anyway (so f32 rows are half the bytes and copied as they
   * are); else float64, as the plain code reads them.
   */
  readonly x: ParamArray;
  readonly y: Float64Array;
  /** Slices 1..T-1's gradients (slice 0's goes straight into state.grad). */
  readonly grads: ParamArray;
  readonly losses: Float64Array;
  /** Each range's sum of squares of the combined gradient (clipping). */
  readonly squares: Float64Array;
  /** Each range's updateRange result: 0 when its new parameters are all finite, else NaN. */
  readonly checks: Float64Array;
  /** The batch's outputs (rows x outputs; each worker writes its slice's) and its row weights. */
  readonly outputs: Float64Array;
  readonly rowWeights: Float64Array;
  /** Per thread t: ms in lossAndGradient [3 t], waiting [3 t + 1], combining and updating [3 t + 2] since the last resetProfile (each thread adds its own). */
  readonly busy: Float64Array;
  /** The rows of the workers' slices of an evaluation chunk (from slice 1 on), their targets and outputs. */
  readonly evalX: Float64Array;
  readonly evalY: Float64Array;
  readonly evalOut: Float64Array;
  /** The training inputs (options.inputs), a batch's row indices into them, and the parameters before each update. */
  readonly inputs: Float64Array;
  readonly batchIndex: Int32Array;
  readonly before: ParamArray;
}

export class DataParallelStep {
  readonly threads: number;
  private readonly buffers: SharedBuffers;
  private readonly env: ThreadEnv;
  private handedOut = 0;
  private generation = 0;
  /** Rows gatherRows named for the next step (0: none, the step's x holds them). */
  private gathered = 0;
  private calls = 0;
  private closed = false;

  private constructor(
    private readonly options: DataParallelOptions,
    private readonly workers: readonly Worker[],
    buffers: SharedBuffers,
    private readonly heapShared: boolean,
  ) {
    this.threads = options.threads;
    this.buffers = buffers;
    const { module: mod, threads, inputSize, outputSize, paramCount } = options;
    const { control, grads, losses, squares, checks, busy, inputs, batchIndex, before } = buffers;
    this.env = { mod, control, layout: CONTROL, grads, losses, squares, checks, busy, inputs, batchIndex, before, keepsBefore: options.keepParamsBefore === true, threads, inputSize, outputSize, paramCount, clips: options.clips === true, spinMs: options.spinMs ?? SPIN_MS };
  }

  /** Starts threads - 1 workers, each importing the module and building its view of the shared state; resolves when all are ready. */
  static async start(options: DataParallelOptions): Promise<DataParallelStep> {
    const { threads, paramCount, inputSize, outputSize, maxRows } = options;
    const dtype = options.dtype ?? "f64";
    const chunk = evaluationChunkRows(options);
    const evaluationRows = chunk - sliceStart(1, chunk, threads);
    if (!Number.isInteger(threads) || threads < 2) throw new Error(`data-parallel training needs at least 2 threads, got ${threads}`);
    const stateArrays = stateArrayCount(options.module, paramCount, dtype);
    const heap = startSharedHeap(options, stateArrays, dtype);
    const inHeap = (at: number, length: number): ParamArray =>
      dtype === "f32" ? new Float32Array(heap!.memory.buffer, at * 4, length) : new Float64Array(heap!.memory.buffer, at * 8, length);
    const buffers: SharedBuffers = {
      control: new Int32Array(new SharedArrayBuffer((CONTROL.ARRIVED + threads) * 4)),
      state: heap === null ? Array.from({ length: stateArrays }, () => sharedParams(paramCount, dtype)) : heap.layout.stateAt.map((at) => inHeap(at, paramCount)),
      x: heap !== null ? sharedParams(maxRows * inputSize, dtype) : shared(maxRows * inputSize),
      y: shared(maxRows * outputSize),
      grads: heap === null ? sharedParams((threads - 1) * paramCount, dtype) : inHeap(heap.layout.gradsAt, (threads - 1) * paramCount),
      losses: shared(threads),
      squares: shared(threads),
      checks: shared(threads),
      outputs: shared(maxRows * outputSize),
      rowWeights: shared(maxRows),
      busy: shared(threads * 3),
      evalX: shared(evaluationRows * inputSize),
      evalY: shared(evaluationRows * outputSize),
      evalOut: shared(evaluationRows * outputSize),
      inputs: shared(options.inputs?.length ?? 0),
      batchIndex: new Int32Array(new SharedArrayBuffer(Math.max(1, maxRows) * 4)),
      before: sharedParams(options.keepParamsBefore === true ? paramCount : 0, dtype),
    };
    if (options.inputs !== undefined) buffers.inputs.set(options.inputs);
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
        clips: options.clips === true,
        spinMs: options.spinMs ?? SPIN_MS,
        layout: CONTROL,
        control: buffers.control.buffer,
        maxRows,
        // With a shared heap the workers make their views of it from its own buffer (a cloned array's buffer is another object).
        heap: heap === null ? null : { memory: heap.memory, stateAt: heap.layout.stateAt, gradsAt: heap.layout.gradsAt, regionAt: heap.layout.regionAt[i + 1] },
        state: buffers.state.map((a) => a.buffer),
        x: buffers.x.buffer,
        y: buffers.y.buffer,
        grads: buffers.grads.buffer,
        losses: buffers.losses.buffer,
        squares: buffers.squares.buffer,
        checks: buffers.checks.buffer,
        outputs: buffers.outputs.buffer,
        rowWeights: buffers.rowWeights.buffer,
        busy: buffers.busy.buffer,
        evalX: buffers.evalX.buffer,
        evalY: buffers.evalY.buffer,
        evalOut: buffers.evalOut.buffer,
        inputs: buffers.inputs.buffer,
        batchIndex: buffers.batchIndex.buffer,
        before: buffers.before.buffer,
        keepsBefore: options.keepParamsBefore === true,
      }),
    });
    return new DataParallelStep(options, workers, buffers, heap !== null);
  }

  /**
   * The Trainer's arrays option: hands out the shared state arrays (params, grad, the optimizer
   * buffers) in the order the Trainer asks for them, once.
   */
  readonly arrays = (length: number): ParamArray => {
    const { state } = this.buffers;
    if (length !== this.options.paramCount) throw new RangeError(`the engine's state arrays hold ${this.options.paramCount} numbers, not ${length}`);
    if (this.handedOut >= state.length) throw new Error(`the engine has ${state.length} state arrays and all were handed out (one Trainer an engine)`);
    return state[this.handedOut++]!;
  };

  /** Whether the state and the kernels' heaps share one WebAssembly.Memory (sharedHeap; the module's kernels run). */
  get sharesHeap(): boolean {
    return this.heapShared;
  }

  /** The training inputs in shared memory (a copy of options.inputs): what to train on for gatherRows. */
  get inputs(): Float64Array {
    return this.buffers.inputs;
  }

  /** With keepParamsBefore, the parameters before the last update (each thread copies its range as it updates it): the Trainer's paramsBefore option. */
  get paramsBefore(): ParamArray {
    if (this.options.keepParamsBefore !== true) throw new Error("the engine keeps no parameters before its updates: start it with keepParamsBefore");
    return this.buffers.before;
  }

  /**
   * The Trainer's gatherRows option: the next step's rows are rows `order` of x, a view of
   * `inputs`; each thread gathers its slice of them itself.
   */
  readonly gatherRows = (x: Float64Array, order: Uint32Array): void => {
    const b = this.buffers;
    const IN = this.options.inputSize;
    const first = x.byteOffset / Float64Array.BYTES_PER_ELEMENT / IN;
    if (x.buffer !== b.inputs.buffer || !Number.isInteger(first)) throw new Error("gatherRows takes rows of the engine's inputs: train on engine.inputs");
    if (order.length > this.options.maxRows) throw new RangeError(`a batch of ${order.length} rows is bigger than the ${this.options.maxRows} this engine was started for`);
    b.batchIndex.set(order);
    Atomics.store(b.control, CONTROL.INPUT_ROW, first);
    this.gathered = order.length;
  };

  /**
   * One training step, as the module's trainStep on a state made with `arrays`: J of the batch
   * (the rows-weighted mean of the slices' losses), dJ/dparams into state.grad, the update
   * (state.step + 1), none when J is not finite. With `out`, each thread writes its slice's
   * outputs there (the module's lastBatchOutputs: no second forward pass); with `rowWeight`, each
   * slice's rows are weighted by it (class weights of a one-sigmoid bce model).
   */
  step(state: StepState, x: Float64Array, y: Float64Array, rows: number, _seed?: number, out?: Float64Array, rowWeight?: Float64Array): number {
    if (this.closed) throw new Error("the data-parallel step was closed");
    const b = this.buffers;
    if (state.params !== b.state[0] || state.grad !== b.state[1]) throw new Error("the training state is not the engine's: make the Trainer with { arrays: engine.arrays }");
    const { inputSize: IN, outputSize: OUT } = this.options;
    const T = this.threads;
    if (rows > this.options.maxRows) throw new RangeError(`a batch of ${rows} rows is bigger than the ${this.options.maxRows} this engine was started for`);
    const first = sliceStart(1, rows, T);
    const named = this.gathered;
    this.gathered = 0;
    const gathers = named > 0;
    if (gathers && named !== rows) throw new Error(`gatherRows named ${named} rows, the step has ${rows}`);
    // Gathering, every thread's slice goes into the shared rows (slice 0's too); else the workers' are copied there.
    if (!gathers) b.x.set(x.subarray(first * IN, rows * IN), first * IN);
    b.y.set(y.subarray(first * OUT, rows * OUT), first * OUT);
    if (rowWeight !== undefined) for (let r = first; r < rows; r++) b.rowWeights[r] = rowWeight[r]!;
    const ctrl = b.control;
    Atomics.store(ctrl, CONTROL.ROWS, rows);
    Atomics.store(ctrl, CONTROL.FLAGS, (out === undefined ? 0 : CONTROL.WANT_OUTPUTS) | (rowWeight === undefined ? 0 : CONTROL.WEIGHTED_ROWS) | (gathers ? CONTROL.GATHER : 0));
    Atomics.store(ctrl, CONTROL.STEP, state.step);
    const generation = ++this.generation;
    Atomics.store(ctrl, CONTROL.GENERATION, generation);
    Atomics.notify(ctrl, CONTROL.GENERATION);
    // Slice 0 here (from the caller's arrays, its outputs straight into out), then the shared update.
    const loss = STEP.threadStep(this.env, state, 0, generation, gathers ? b.x : x, y, rowWeight ?? EMPTY, out ?? EMPTY);
    this.calls++;
    if (out !== undefined) out.set(b.outputs.subarray(first * OUT, rows * OUT), first * OUT);
    if (Number.isFinite(loss)) {
      state.step = state.step + 1;
      let check = 0;
      for (let t = 0; t < T; t++) check += b.checks[t]!;
      state.paramsFinite = check === 0;
    }
    return loss;
  }

  /**
   * The module's lossOf on the engine's parameters, the rows split over the threads as a step's
   * batch is (the Trainer's validationLoss option: the validation pass of each epoch): J, the
   * rows-weighted mean of the slices' (equal to one lossOf to rounding: the sum is reordered), and
   * each row's outputs into out (the same forward pass a row, so the same outputs). The rows go in
   * chunks of at most maxEvaluationRows and EVALUATION_CHUNK_ROWS, the workers' rows of each copied
   * to shared memory; a chunk of fewer rows than threads runs on this thread alone.
   */
  readonly evaluate = (params: ParamArray, x: Float64Array, y: Float64Array, rows: number, out: Float64Array): number => {
    if (this.closed) throw new Error("the data-parallel step was closed");
    if (params !== this.buffers.state[0]) throw new Error("evaluate takes the engine's parameters: those of the state made with { arrays: engine.arrays }");
    const { inputSize: IN, outputSize: OUT, module: mod } = this.options;
    const chunk = evaluationChunkRows(this.options);
    if (chunk < this.threads) return mod.lossOf(params as never, x, y, rows, out);
    // One chunk (the usual case) gives its J times 1, exactly.
    let loss = 0;
    for (let at = 0; at < rows; at += chunk) {
      const n = Math.min(chunk, rows - at);
      const [cx, cy, co] = [x.subarray(at * IN, (at + n) * IN), y.subarray(at * OUT, (at + n) * OUT), out.subarray(at * OUT, (at + n) * OUT)];
      loss += (n < this.threads ? mod.lossOf(params as never, cx, cy, n, co) : this.evaluateChunk(params, cx, cy, n, co)) * (n / rows);
    }
    return loss;
  };

  /** evaluate on rows that fit the shared buffers, at least one a thread. */
  private evaluateChunk(params: ParamArray, x: Float64Array, y: Float64Array, rows: number, out: Float64Array): number {
    const b = this.buffers;
    const { inputSize: IN, outputSize: OUT } = this.options;
    const first = sliceStart(1, rows, this.threads);
    b.evalX.set(x.subarray(first * IN, rows * IN));
    b.evalY.set(y.subarray(first * OUT, rows * OUT));
    const ctrl = b.control;
    Atomics.store(ctrl, CONTROL.ROWS, rows);
    Atomics.store(ctrl, CONTROL.FLAGS, CONTROL.EVALUATE);
    const generation = ++this.generation;
    Atomics.store(ctrl, CONTROL.GENERATION, generation);
    Atomics.notify(ctrl, CONTROL.GENERATION);
    const loss = STEP.threadEvaluate(this.env, params, 0, generation, x, y, out);
    out.set(b.evalOut.subarray(0, (rows - first) * OUT), first * OUT);
    return loss;
  }

  /** Time per thread in its slices, its waits and its updates since the start or resetProfile (call between batches). */
  profile(): SliceProfile {
    const busy = this.buffers.busy;
    const part = (k: number): number[] => Array.from({ length: this.threads }, (_, t) => busy[t * 3 + k]!);
    return { calls: this.calls, sliceMs: part(0), waitMs: part(1), updateMs: part(2) };
  }

  resetProfile(): void {
    this.buffers.busy.fill(0);
    this.calls = 0;
  }

  /** Stops the workers; the engine cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const ctrl = this.buffers.control;
    Atomics.store(ctrl, CONTROL.COMMAND, 1);
    Atomics.store(ctrl, CONTROL.GENERATION, ++this.generation);
    Atomics.notify(ctrl, CONTROL.GENERATION);
    await stopWorkers(this.workers);
  }
}
