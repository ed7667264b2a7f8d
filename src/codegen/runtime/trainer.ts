/**
 * Runtime: the Trainer class of every generated module (Keras-like fit / fitAsync / predict /
 * evaluate, versioned checkpoints). Embedded verbatim by scripts/embed-runtime.mjs, without this
 * header and the imports; what varies with the model (sizes, loss, metrics, optimizer) is
 * declared in model.d.ts and emitted per model.
 */
import { checkpointInteger, checkpointNumbers, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, describeCheckpointLayers, describeLayers, readCheckpoint, type TrainerArrays, type TrainerJSON } from "./checkpoint.js";
import { allFinite, checkTargetRange, isPromise, PREDICT_CHUNK_ROWS, yieldToEventLoop } from "./data.js";
import {
  ACCURACY_COUNTERS,
  addEpochMetrics,
  applyUpdate,
  batchGradient,
  CLASS_COUNT,
  countBatchCorrect,
  createTrainState,
  evaluateRows,
  forwardBatch,
  HISTORY_KEYS,
  initParams,
  lastBatchOutputs,
  learningRate,
  lossOf,
  optimizerBuffers,
  ParamArray,
  spec,
  toInputs,
  toTargets,
  trainerArrays,
  TRAINING_LAYERS,
  weighBatch,
  type EpochLogs,
  type Evaluation,
  type FitOptions,
  type Rows,
  type TrainState,
} from "./model.js";
import { shuffledOrder } from "./random.js";

/** What onBatchEnd receives. */
export interface BatchLogs {
  /** 0-based batch index within the epoch. */
  batch: number;
  /** Rows in this batch (the last one may be smaller). */
  size: number;
  /** J on this batch before the update. */
  loss: number;
  /** Learning rate of this update. */
  lr: number;
  /** state.step after the update. */
  step: number;
}

/**
 * Keras-style callbacks. Return false, or set trainer.stopTraining = true, to stop: after this
 * batch (onBatchEnd; the epoch can then be resumed where it stopped) or after this epoch. fitAsync
 * awaits a returned promise; fit ignores it.
 */
export interface FitCallbacks {
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void | boolean | Promise<void | boolean>;
  onBatchEnd?: (batch: number, logs: BatchLogs) => void | boolean | Promise<void | boolean>;
}

/** What fit returns (Keras' History): one entry per completed epoch. */
export interface History {
  epoch: number[];
  history: { [K in keyof EpochLogs]-?: number[] };
}

/**
 * Thrown when a batch loss is NaN or infinite (the update of that batch is not applied), or when
 * an update makes a parameter NaN or infinite (the update is undone: params and step are those
 * of the last good update).
 */
export class NonFiniteLossError extends Error {
  /** 0-based epoch and batch, the state.step of the failed update, and the first layer whose gradient is non-finite. */
  readonly epoch: number;
  readonly batch: number;
  readonly step: number;
  readonly layer: string | null;
  readonly loss: number;
  /** What became non-finite: the batch loss, or the parameters after the update. */
  readonly what: "loss" | "params";

  constructor(loss: number, epoch: number, batch: number, step: number, layer: string | null, what: "loss" | "params" = "loss") {
    super(
      (what === "loss"
        ? `training diverged: the loss is ${loss} at epoch ${epoch + 1}, batch ${batch + 1} (update ${step + 1})` + (layer === null ? "" : `; first non-finite gradient in ${layer}`)
        : `training diverged: update ${step + 1} (epoch ${epoch + 1}, batch ${batch + 1}) made parameters of ${layer ?? "the model"} non-finite; kept the parameters before it`) +
        ". Try a lower learning rate or gradient clipping (clip=1 on the optimizer line).",
    );
    this.what = what;
    this.name = "NonFiniteLossError";
    this.loss = loss;
    this.epoch = epoch;
    this.batch = batch;
    this.step = step;
    this.layer = layer;
  }
}

/** Everything one fit call works with: the data as flat arrays, batch and output buffers, its history. */
interface FitRun {
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Training rows. */
  readonly n: number;
  readonly valX: Float64Array | null;
  readonly valY: Float64Array | null;
  readonly valRows: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly batches: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly order: Uint32Array;
  /** Each training row as a view of x, made once (rows at least GATHER_COPY_MIN_WIDTH wide, batches of more than TOUCH_MAX_VALUES values, at most ROW_VIEW_LIMIT rows, and the Trainer gathers them), else null. */
  readonly rowViews: readonly Float64Array[] | null;
  readonly xb: Float64Array;
  readonly yb: Float64Array;
  /** 0..batchSize-1: the order of yb's rows, for counting a batch against its gathered targets. */
  readonly batchRows: Uint32Array;
  /** Weight by class id (classWeight), or null. */
  readonly classWeight: Float64Array | null;
  /** The weight of each batch row, for a loss that takes class weights a row (weighBatch fills it). */
  readonly rowWeight: Float64Array;
  /** The outputs of the current batch (its rows x outputs), counted for the training accuracy; null without accuracy (mse). */
  readonly batchOut: Float64Array | null;
  /** Outputs of every validation row. */
  readonly valOut: Float64Array;
  /** J of the validation rows and their outputs: options.validationLoss, or this module's lossOf. */
  readonly lossOf: typeof lossOf;
  readonly callbacks: FitCallbacks;
  readonly history: History;
  /**
   * J of a batch, its outputs into out (at the parameters before the update) and its update, not
   * applied when J is not finite: options.trainStep, or a gradient and applyUpdate (stepOf);
   * rowWeight only for a loss that takes class weights a row (weighBatch).
   */
  readonly step: BatchStep;
  /** options.gatherRows (the step gathers each batch's inputs itself), else null: the Trainer gathers them into xb. */
  readonly gatherRows: ((x: Float64Array, order: Uint32Array) => void) | null;
  /** options.paramsBefore (the step keeps the parameters before its update there), else null: the Trainer copies them. */
  readonly paramsBefore: ParamArray | null;
}

/** FitOptions.trainStep's shape. */
type BatchStep = (state: TrainState, x: Float64Array, y: Float64Array, rows: number, seed: number, out?: Float64Array, rowWeight?: Float64Array) => number;

/**
 * The step of a gradient (options.gradient, or this module's batchGradient, whose outputs
 * lastBatchOutputs reads): J and state.grad, the outputs (a gradient of one's own may write them;
 * if out[0] is still NaN, forwardBatch runs), then applyUpdate when J is finite.
 */
function stepOf(gradient: FitOptions["gradient"]): BatchStep {
  const own = gradient === undefined;
  const g: BatchStep = gradient ?? batchGradient;
  return (state, x, y, rows, seed, out, rowWeight) => {
    if (out !== undefined && !own) out[0] = NaN;
    const loss = g(state, x, y, rows, seed, out, rowWeight);
    if (!Number.isFinite(loss)) return loss;
    if (out !== undefined) {
      if (own) lastBatchOutputs(rows, out);
      else if (Number.isNaN(out[0]!)) forwardBatch(state.params, x, rows, out);
    }
    applyUpdate(state);
    return loss;
  };
}

/**
 * Trains this model with Keras-like calls:
 *
 *     const trainer = new Trainer({ seed: 42 });
 *     const history = trainer.fit(x, y, { epochs: 100, batchSize: 32, validationSplit: 0.2 });
 *     const probabilities = trainer.predict(xNew);
 *
 * Checkpoints: JSON.stringify(trainer) (toJSON), then Trainer.fromJSON(text) and
 * fit(x, y, { epochs, initialEpoch: trainer.epoch }) continues exactly as if never stopped, even
 * in the middle of an epoch. That rests on three facts: the shuffle order of epoch e depends only
 * on (seed, e) (a fresh SeededRandom stream per epoch, so there is no generator state to save),
 * the schedule depends only on state.step, and the checkpoint holds params, optimizer buffers,
 * step, and the position and running loss of an interrupted epoch.
 */
export class Trainer {
  /** Parameters, gradient, optimizer buffers and step. */
  readonly state: TrainState;
  /** Seed of initParams (when no params were given) and default seed of the per-epoch shuffle. */
  readonly seed: number;
  /** Index of the epoch to run next (or in progress when batch > 0). */
  epoch = 0;
  /** Batches done in epoch `epoch` when training stopped inside it, else 0. */
  batch = 0;
  /** Set to true (e.g. from a callback) to stop after the current batch; each fit starts with false. */
  stopTraining = false;
  /** Running loss sum (loss x rows) and rows of the current epoch. */
  private epochLossSum = 0;
  private epochRows = 0;
  /** Correct predictions (countCorrect's counters) over the current epoch's batches so far, and the rows they counted. */
  private readonly epochCorrect = new Float64Array(ACCURACY_COUNTERS);
  private epochCorrectRows = 0;
  /** Layout of the run an interrupted epoch belongs to, checked on resume. */
  private epochLayout: { trainRows: number; batchSize: number } | null = null;
  /** The parameters before the current update, to undo an update that makes them non-finite. */
  private lastGood: ParamArray | null = null;

  /**
   * arrays, when given, makes the state's arrays (params, grad, the optimizer buffers, in that
   * order, each paramCount long and zeroed): e.g. views of SharedArrayBuffers an engine's threads
   * also hold (src/parallel, FitOptions.trainStep). Without it they are this module's choice
   * (trainerArrays, where the module says where they live).
   */
  constructor(options: { params?: ArrayLike<number>; seed?: number; arrays?: (length: number) => ParamArray } = {}) {
    this.seed = options.seed ?? spec.training.seed;
    const P = spec.paramCount;
    if (options.params !== undefined && options.params.length !== P) throw new Error(`expected ${P} parameters, got ${options.params.length}`);
    const initial = options.params ?? initParams(this.seed);
    const allocate = options.arrays ?? trainerArrays();
    const params = allocate(P);
    for (let p = 0; p < P; p++) params[p] = initial[p]!;
    this.state = createTrainState(params, allocate);
  }

  /** The model's parameters (trained in place). */
  get params(): ParamArray {
    return this.state.params;
  }

  /** Trains synchronously; see FitOptions. Returns the History of the epochs it completed. */
  fit(x: Rows, y: Rows, options: FitOptions = {}): History {
    const run = this.beginFit(x, y, options);
    while (this.epoch < run.epochs && !this.stopTraining) {
      if (this.batch === 0) this.startEpoch(run);
      const order = this.epochOrder(run);
      while (this.batch < run.batches && !this.stopTraining) {
        if (this.trainBatch(run, order) === false) this.stopTraining = true;
      }
      if (this.batch < run.batches) break; // stopped inside the epoch: resumable there
      const [epoch, logs] = this.endEpoch(run);
      if (run.callbacks.onEpochEnd?.(epoch, logs) === false) this.stopTraining = true;
    }
    return run.history;
  }

  /**
   * As fit, but yields to the event loop about every 15 ms between batches (and after each
   * epoch), so a page stays responsive and signals are handled; awaits callbacks that return
   * promises. A yield is setImmediate where there is one (Node: microseconds), else setTimeout 0.
   */
  async fitAsync(x: Rows, y: Rows, options: FitOptions = {}): Promise<History> {
    const run = this.beginFit(x, y, options);
    let lastYield = Date.now();
    while (this.epoch < run.epochs && !this.stopTraining) {
      if (this.batch === 0) this.startEpoch(run);
      const order = this.epochOrder(run);
      while (this.batch < run.batches && !this.stopTraining) {
        let result = this.trainBatch(run, order);
        if (isPromise(result)) result = await result; // only a promise costs a turn of the loop
        if (result === false) this.stopTraining = true;
        if (Date.now() - lastYield >= 15) {
          await yieldToEventLoop();
          lastYield = Date.now();
        }
      }
      if (this.batch < run.batches) break;
      const [epoch, logs] = this.endEpoch(run);
      if ((await run.callbacks.onEpochEnd?.(epoch, logs)) === false) this.stopTraining = true;
      await yieldToEventLoop();
      lastYield = Date.now();
    }
    return run.history;
  }

  /** The outputs of every row (forwardBatch, PREDICT_CHUNK_ROWS rows a call): one array of outputs per row (probabilities for sigmoid/softmax). */
  predict(x: Rows): number[][] {
    const IN = spec.inputSize;
    const OUT = spec.outputSize;
    const { values, rows } = toInputs(x);
    const out = new Float64Array(Math.min(rows, PREDICT_CHUNK_ROWS) * OUT);
    const result: number[][] = [];
    for (let from = 0; from < rows; from += PREDICT_CHUNK_ROWS) {
      const n = Math.min(PREDICT_CHUNK_ROWS, rows - from);
      forwardBatch(this.state.params, values.subarray(from * IN, (from + n) * IN), n, out);
      for (let r = 0; r < n; r++) result.push(Array.from(out.subarray(r * OUT, (r + 1) * OUT)));
    }
    return result;
  }

  /** Loss (data loss + regularization, as trained) and the model's metrics on all rows, forward only, without changing anything. */
  evaluate(x: Rows, y: Rows): Evaluation {
    const inputs = toInputs(x);
    const targets = toTargets(y, inputs.rows);
    checkTargetRange(targets, spec.outputSize, spec.loss);
    return evaluateRows(this.state.params, inputs.values, targets, inputs.rows, new Float64Array(inputs.rows * spec.outputSize));
  }

  /** A versioned checkpoint: shapes, params, optimizer buffers, step and epoch position. */
  toJSON(): TrainerJSON {
    const view = this.toArrays();
    const buffers: Record<string, number[]> = {};
    for (const name of Object.keys(view.buffers)) buffers[name] = Array.from(view.buffers[name]!);
    return { ...view, params: Array.from(view.params), buffers };
  }

  /** toJSON's content with the live params and optimizer buffers instead of copies (a writer of big models stores them in binary). */
  toArrays(): TrainerArrays<ParamArray> {
    return {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      model: spec.name,
      optimizer: spec.optimizer.kind,
      layers: TRAINING_LAYERS.map((l) => ({ name: l.name, inputs: l.inputs, units: l.units, activation: l.activation })),
      seed: this.seed,
      step: this.state.step,
      epoch: this.epoch,
      batch: this.batch,
      partialEpoch:
        this.batch > 0 && this.epochLayout !== null
          ? {
              lossSum: this.epochLossSum,
              rows: this.epochRows,
              trainRows: this.epochLayout.trainRows,
              batchSize: this.epochLayout.batchSize,
              correct: Array.from(this.epochCorrect),
              correctRows: this.epochCorrectRows,
            }
          : null,
      params: this.state.params,
      buffers: optimizerBuffers(this.state),
    };
  }

  /**
   * A trainer from a checkpoint (the object or its JSON text), or from the weights file (or
   * training checkpoint) `mlpc train` writes, whose `trainer` part is taken: its `scaling` is NOT
   * applied, so inputs must be scaled as it says. Rejects another format version, other layer
   * shapes or another optimizer with a message saying what differs. With paramsOnly, only the
   * parameters are read (e.g. to predict with a model whose optimizer line changed). arrays: as
   * the constructor's.
   */
  static fromJSON(json: unknown, options: { paramsOnly?: boolean; arrays?: (length: number) => ParamArray } = {}): Trainer {
    const data = readCheckpoint(json);
    const expected = describeLayers(TRAINING_LAYERS);
    const found = describeCheckpointLayers(data.layers);
    if (found !== expected) {
      throw new Error(`checkpoint layers do not match this model: checkpoint ${found}, model ${spec.name} ${expected}`);
    }
    const P = spec.paramCount;
    const params = checkpointNumbers(data.params, P, "params");
    const trainer = new Trainer({ params, ...(typeof data.seed === "number" ? { seed: data.seed } : {}), ...(options.arrays === undefined ? {} : { arrays: options.arrays }) });
    if (options.paramsOnly === true) return trainer;
    if (data.optimizer !== spec.optimizer.kind) {
      throw new Error(`checkpoint optimizer ${String(data.optimizer)} does not match this model's ${spec.optimizer.kind} (load with paramsOnly to keep only the weights)`);
    }
    const own = optimizerBuffers(trainer.state);
    for (const name of Object.keys(own)) own[name]!.set(checkpointNumbers(data.buffers?.[name], P, `buffers.${name}`));
    trainer.state.step = checkpointInteger(data.step, "step");
    trainer.epoch = checkpointInteger(data.epoch, "epoch");
    trainer.batch = checkpointInteger(data.batch, "batch");
    const partial = data.partialEpoch;
    if (trainer.batch > 0) {
      if (partial === null || partial === undefined) throw new Error("checkpoint stopped inside an epoch but has no partialEpoch");
      trainer.epochLossSum = checkpointNumbers([partial.lossSum], 1, "partialEpoch.lossSum")[0]!;
      trainer.epochRows = checkpointInteger(partial.rows, "partialEpoch.rows");
      trainer.epochLayout = { trainRows: checkpointInteger(partial.trainRows, "partialEpoch.trainRows"), batchSize: checkpointInteger(partial.batchSize, "partialEpoch.batchSize") };
      // Without counts (a checkpoint from before running accuracy), the epoch's accuracy counts the batches after the resume.
      if (partial.correct !== undefined) {
        trainer.epochCorrect.set(checkpointNumbers(partial.correct, ACCURACY_COUNTERS, "partialEpoch.correct"));
        trainer.epochCorrectRows = checkpointInteger(partial.correctRows, "partialEpoch.correctRows");
      }
    }
    return trainer;
  }

  /** Checks and converts the data and options; places the epoch cursor (resuming when it can). */
  private beginFit(x: Rows, y: Rows, options: FitOptions): FitRun {
    const IN = spec.inputSize;
    const OUT = spec.outputSize;
    const inputs = toInputs(x);
    const targets = toTargets(y, inputs.rows);
    checkTargetRange(targets, OUT, spec.loss);
    let n = inputs.rows;
    let valX: Float64Array | null = null;
    let valY: Float64Array | null = null;
    let valRows = 0;
    if (options.validationData !== undefined) {
      const vx = toInputs(options.validationData[0]);
      valX = vx.values;
      valY = toTargets(options.validationData[1], vx.rows);
      checkTargetRange(valY, OUT, spec.loss);
      valRows = vx.rows;
    } else if (options.validationSplit !== undefined && options.validationSplit > 0) {
      const split = options.validationSplit;
      if (!(split < 1)) throw new Error(`validationSplit must be in [0, 1), got ${split}`);
      // Keras: the last rows, before any shuffling.
      n = Math.floor(inputs.rows * (1 - split));
      valRows = inputs.rows - n;
      valX = inputs.values.subarray(n * IN);
      valY = targets.subarray(n * OUT);
    }
    if (n === 0) throw new Error("no training rows");
    const epochs = options.epochs ?? spec.training.epochs;
    const initialEpoch = options.initialEpoch ?? 0;
    if (!Number.isInteger(epochs) || epochs < 0) throw new Error(`epochs must be a whole number >= 0, got ${epochs}`);
    if (!Number.isInteger(initialEpoch) || initialEpoch < 0) throw new Error(`initialEpoch must be a whole number >= 0, got ${initialEpoch}`);
    const requested = options.batchSize ?? spec.training.batch;
    if (requested !== "all" && (!Number.isInteger(requested) || requested < 1)) {
      throw new Error(`batchSize must be a whole number >= 1 or "all", got ${String(requested)}`);
    }
    const batchSize = requested === "all" ? n : Math.min(requested, n);
    const resume = initialEpoch === this.epoch && this.batch > 0;
    if (resume) {
      const layout = this.epochLayout;
      if (layout === null || layout.trainRows !== n || layout.batchSize !== batchSize) {
        throw new Error(
          `cannot resume epoch ${this.epoch + 1} at batch ${this.batch + 1}: it was started with ${layout?.trainRows} training rows in batches of ${layout?.batchSize}, this fit has ${n} in batches of ${batchSize}`,
        );
      }
    } else {
      this.epoch = initialEpoch;
      this.batch = 0;
    }
    this.stopTraining = false;
    const history = {} as History["history"];
    for (const key of HISTORY_KEYS) history[key] = [];
    const trainX = inputs.values.subarray(0, n * IN);
    const gatherRows = options.trainStep === undefined ? null : (options.gatherRows ?? null);
    return {
      x: trainX,
      y: targets.subarray(0, n * OUT),
      n,
      valX,
      valY,
      valRows,
      epochs,
      batchSize,
      batches: Math.ceil(n / batchSize),
      shuffle: options.shuffle ?? spec.training.shuffle,
      seed: options.seed ?? this.seed,
      order: new Uint32Array(n),
      // None when the step gathers the inputs itself (gatherRows): nothing here would read them.
      rowViews: gatherRows === null && IN >= GATHER_COPY_MIN_WIDTH && batchSize * IN > TOUCH_MAX_VALUES && n <= ROW_VIEW_LIMIT ? Array.from({ length: n }, (_, i) => trainX.subarray(i * IN, (i + 1) * IN)) : null,
      xb: new Float64Array(batchSize * IN),
      yb: new Float64Array(batchSize * OUT),
      batchRows: Uint32Array.from({ length: batchSize }, (_, r) => r),
      classWeight: options.classWeight === undefined ? null : classWeights(options.classWeight),
      rowWeight: new Float64Array(options.classWeight === undefined ? 0 : batchSize),
      batchOut: ACCURACY_COUNTERS > 0 ? new Float64Array(batchSize * OUT) : null,
      valOut: new Float64Array(valRows * OUT),
      lossOf: options.validationLoss ?? lossOf,
      callbacks: options.callbacks ?? {},
      history: { epoch: [], history },
      step: options.trainStep ?? stepOf(options.gradient),
      gatherRows,
      paramsBefore: options.trainStep === undefined ? null : (options.paramsBefore ?? null),
    };
  }

  /** Resets the running loss and accuracy counts of a new epoch. */
  private startEpoch(run: FitRun): void {
    this.epochLossSum = 0;
    this.epochRows = 0;
    this.epochCorrect.fill(0);
    this.epochCorrectRows = 0;
    this.epochLayout = { trainRows: run.n, batchSize: run.batchSize };
  }

  /**
   * The row order of epoch `this.epoch`: 0..n-1, Fisher-Yates shuffled (when shuffling) by a
   * SeededRandom on stream epoch + 1 of the seed: a function of (seed, epoch) only.
   */
  private epochOrder(run: FitRun): Uint32Array {
    return shuffledOrder(run.order, run.n, run.shuffle ? run.seed : null, this.epoch);
  }

  /**
   * Gathers batch `this.batch`, steps (its loss, its outputs before the update, the update), checks
   * the loss and the new parameters, counts the outputs; returns the onBatchEnd result.
   */
  private trainBatch(run: FitRun, order: Uint32Array): ReturnType<NonNullable<FitCallbacks["onBatchEnd"]>> {
    const IN = spec.inputSize;
    const OUT = spec.outputSize;
    const start = this.batch * run.batchSize;
    const rows = Math.min(run.batchSize, run.n - start);
    const { x, y, xb, yb, rowViews, gatherRows } = run;
    // With gatherRows the step gathers the inputs (each of an engine's threads its slice's); the targets, counted here, always are.
    if (gatherRows !== null) gatherRows(x, order.subarray(start, start + rows));
    // A small batch's rows are touched first and then in cache, where a loop copies them faster than a set call a row.
    const touched = gatherRows === null && rows * IN <= TOUCH_MAX_VALUES;
    if (touched) touchRows(x, order, start, rows, IN);
    for (let r = 0; r < rows; r++) {
      const i = order[start + r]!;
      if (gatherRows === null) {
        if (touched || IN < GATHER_COPY_MIN_WIDTH) for (let k = 0; k < IN; k++) xb[r * IN + k] = x[i * IN + k]!;
        else if (rowViews !== null) xb.set(rowViews[i]!, r * IN);
        else xb.set(x.subarray(i * IN, (i + 1) * IN), r * IN);
      }
      for (let k = 0; k < OUT; k++) yb[r * OUT + k] = y[i * OUT + k]!;
    }
    const rowWeight = run.classWeight === null ? undefined : weighBatch(yb, rows, run.classWeight, run.rowWeight);
    const state = this.state;
    const out = run.batchOut;
    const lr = learningRate(state.step);
    const lastGood = run.paramsBefore ?? this.lastGood ?? (this.lastGood = new ParamArray(spec.paramCount));
    if (run.paramsBefore === null) lastGood.set(state.params);
    const step = state.step;
    state.paramsFinite = null;
    const loss = run.step(state, xb, yb, rows, run.seed, out ?? undefined, rowWeight);
    // A step does not update on a non-finite J, so params stay those of the last good step.
    if (!Number.isFinite(loss)) throw new NonFiniteLossError(loss, this.epoch, this.batch, step, firstNonFiniteLayer(state.grad));
    // The module's update checks each parameter as it writes it (paramsFinite), which saves a
    // pass over them a batch (measured: 42-62 us of a 2.8-3.7 ms MNIST-sized step); a step of
    // one's own that does not say so is checked here.
    if (!(state.paramsFinite ?? allFinite(state.params))) {
      const broken = firstNonFiniteLayer(state.params);
      state.params.set(lastGood);
      state.step = step;
      throw new NonFiniteLossError(loss, this.epoch, this.batch, step, broken, "params");
    }
    this.epochLossSum += loss * rows;
    this.epochRows += rows;
    if (out !== null) {
      // yb holds the batch's targets as given, already in cache; class weights scale yb, so then
      // the targets are read where they are (order maps the batch's rows to them).
      if (run.classWeight === null) countBatchCorrect(out, yb, run.batchRows, 0, rows, this.epochCorrect);
      else countBatchCorrect(out, y, order, start, rows, this.epochCorrect);
      this.epochCorrectRows += rows;
    }
    const batch = this.batch;
    this.batch += 1;
    const onBatchEnd = run.callbacks.onBatchEnd;
    return onBatchEnd === undefined ? undefined : onBatchEnd(batch, { batch, size: rows, loss, lr, step: state.step });
  }

  /** Closes the epoch: its logs (the running accuracy, the validation metrics), the history; moves the cursor on. */
  private endEpoch(run: FitRun): [number, EpochLogs] {
    const epoch = this.epoch;
    const logs: EpochLogs = { loss: this.epochLossSum / this.epochRows, lr: learningRate(this.state.step - 1) };
    addEpochMetrics(logs, this.state.params, run, this.epochCorrect, this.epochCorrectRows);
    this.epoch += 1;
    this.batch = 0;
    this.epochLayout = null;
    run.history.epoch.push(epoch);
    const h = run.history.history;
    for (const key of HISTORY_KEYS) {
      const value = logs[key];
      if (value !== undefined) h[key].push(value);
    }
    return [epoch, logs];
  }
}

/**
 * Rows at least this wide are gathered into an untouched batch (see touchRows) with
 * TypedArray.set (a memcpy), narrower ones element by element: a set call costs more than copying
 * a few values, which pays from about 64 values when the rows are not in cache (measured: 784-wide
 * rows 4.6x faster with set, 8-wide 2.7x slower; digits' 64-wide rows in mlpc train 1.8x faster).
 */
const GATHER_COPY_MIN_WIDTH = 64;

/**
 * A batch of at most this many input values (64 KB in f64) has its rows touched before they are
 * copied (touchRows), so their cache misses overlap instead of coming one row at a time.
 */
const TOUCH_MAX_VALUES = 8192;

/** Where touchRows leaves the sum of its loads, so that no compiler drops them. */
const touchSink = { sum: 0 };

/**
 * Reads one value a cache line (8 f64) of each of the batch's rows: independent loads the CPU
 * runs many at once, where a copy row by row waits for each row's first misses. Measured in mlpc
 * train on digits (32 random rows of 64 out of 736 KB, beside a step that fills the cache): the
 * gather 5-6.5 us a batch touched and copied in a loop, 7-13 with a set call a row and no touch.
 * Bigger batches are left to the hardware prefetcher (their rows would not stay in cache until
 * copied).
 */
function touchRows(x: Float64Array, order: Uint32Array, start: number, rows: number, IN: number): void {
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const at = order[start + r]! * IN;
    for (let k = 0; k < IN; k += 8) sum += x[at + k]!;
    sum += x[at + IN - 1]!;
  }
  touchSink.sum = sum;
}

/**
 * Up to this many training rows, fit makes each row's view of x once (about 100 bytes a row), so
 * a batch is gathered without a new subarray a row: making one cost about as much as copying 64
 * values (measured: 32 rows of 64 values 1.3 against 3.5 us a batch; 128 of 784, 62 against 69).
 * Above it, a view a row is made as it is copied.
 */
const ROW_VIEW_LIMIT = 1 << 16;

/** classWeight as one weight per class id; missing ids weigh 1, each weight finite and >= 0. */
function classWeights(given: ArrayLike<number> | { readonly [id: number]: number }): Float64Array {
  const OUT = CLASS_COUNT;
  const weights = new Float64Array(OUT).fill(1);
  weighBatch(new Float64Array(0), 0, weights, new Float64Array(0)); // a loss that cannot weigh classes says so first
  const entries: [string, unknown][] = Object.entries(given);
  for (const [key, w] of entries) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 0 || id >= OUT) throw new Error(`classWeight: ${key} is not a class id (0..${OUT - 1})`);
    if (typeof w !== "number" || !Number.isFinite(w) || w < 0) throw new Error(`classWeight[${key}] must be a finite number >= 0, got ${String(w)}`);
    weights[id] = w;
  }
  return weights;
}

/** The first layer with a NaN or infinite value (weights or biases) in a gradient or parameter array, or null. */
function firstNonFiniteLayer(values: ParamArray): string | null {
  for (const layer of TRAINING_LAYERS) {
    for (let p = layer.weights[0]; p < layer.biases[1]; p++) {
      if (!Number.isFinite(values[p]!)) return layer.name;
    }
  }
  return null;
}

export type { FitRun };
