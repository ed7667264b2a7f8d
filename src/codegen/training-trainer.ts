/**
 * Emits the Trainer class of the generated module: Keras-like fit/fitAsync/predict/evaluate on
 * top of lossAndGradient, applyUpdate and forward, plus versioned checkpoints (toJSON/fromJSON)
 * that resume bit-exactly, even in the middle of an epoch.
 *
 * Exactness on resume rests on three facts: the shuffle order of epoch e depends only on
 * (seed, e) (a fresh SeededRandom stream per epoch, so there is no generator state to save), the
 * schedule depends only on state.step, and the checkpoint holds params, optimizer buffers, step,
 * and the position and running loss of an interrupted epoch.
 */
import type { ModelIR } from "../ir/types.js";
import { identifier } from "./text.js";
import { docComment } from "./training-text.js";

/** Bumped whenever the checkpoint layout changes; fromJSON rejects other versions. */
export const CHECKPOINT_VERSION = 1;
export const CHECKPOINT_FORMAT = "mlpc-trainer";

/** How accuracy is counted for the loss: none for regression. */
export type AccuracyKind = "argmax" | "threshold" | "none";

export function accuracyKind(ir: ModelIR): AccuracyKind {
  switch (ir.loss.kind) {
    case "softmax_ce":
      return "argmax";
    case "bce":
    case "multilabel_bce":
      return "threshold";
    case "mse":
      return "none";
  }
}

function activationText(ir: ModelIR, index: number): string {
  const a = ir.layers[index]!.activation;
  return a.kind === "leaky_relu" ? `leaky_relu(alpha=${a.alpha})` : a.kind;
}

/** Names, shapes and parameter ranges of the layers: checkpoint validation and diagnostics. */
export function emitLayerTable(ir: ModelIR): string {
  const rows = ir.layers.map(
    (l, k) =>
      `  { name: ${JSON.stringify(l.name)}, inputs: ${l.inputs}, units: ${l.units}, activation: ${JSON.stringify(activationText(ir, k))}, ` +
      `weights: [${l.weightOffset}, ${l.weightOffset + l.inputs * l.units}], biases: [${l.biasOffset}, ${l.biasOffset + l.units}] },`,
  );
  return `/** Each layer's shape and parameter ranges [from, to) (checkpoints, diagnostics). */
const TRAINING_LAYERS: readonly { readonly name: string; readonly inputs: number; readonly units: number; readonly activation: string; readonly weights: readonly [number, number]; readonly biases: readonly [number, number] }[] = [
${rows.join("\n")}
];`;
}

/** The public types of the trainer API. */
export function emitTrainerTypes(ir: ModelIR): string {
  const acc = accuracyKind(ir);
  const accuracyDoc = acc === "none" ? "" : "\n  /** Accuracy of the weights at the end of the epoch on the training rows. */\n  accuracy?: number;";
  const valAccuracyDoc = acc === "none" ? "" : "\n  /** Accuracy on the validation rows. */\n  val_accuracy?: number;";
  const idsDoc =
    ir.loss.kind === "softmax_ce"
      ? " For softmax_ce, y may also be class ids (number[], or one value per row)."
      : "";
  return `/**
 * Rows of numbers: number[][] (one array per row) or one flat row-major array (number[] or
 * Float64Array, rows x width).${idsDoc}
 */
export type Rows = ReadonlyArray<ArrayLike<number>> | ArrayLike<number>;

/** What onEpochEnd receives and History records (Keras' names). */
export interface EpochLogs {
  /** Mean batch loss of the epoch, weighted by batch rows, each measured before its update (as Keras). */
  loss: number;${accuracyDoc}
  /** Loss on the validation rows with the weights at the end of the epoch. */
  val_loss?: number;${valAccuracyDoc}
  /** Learning rate of the epoch's last update. */
  lr: number;
}

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

/** fit options (tfjs/Keras); unset ones come from the program's train line. */
export interface FitOptions {
  /** Train until this epoch index (exclusive), as Keras: epochs - initialEpoch epochs are run. Default ${ir.training.epochs}. */
  epochs?: number;
  /** First epoch index (Keras' initial_epoch); pass trainer.epoch to resume a checkpoint. Default 0. */
  initialEpoch?: number;
  /** Rows per update: 1 (stochastic), N (mini-batch, the last one may be smaller) or "all". Default ${JSON.stringify(ir.training.batch)}. */
  batchSize?: number | "all";
  /** Reshuffle the training rows each epoch. Default ${ir.training.shuffle}. */
  shuffle?: boolean;
  /** Seed of the per-epoch shuffle. Default: the trainer's seed. */
  seed?: number;
  /** Fraction of rows held out for validation: the LAST rows, taken before shuffling (as Keras). */
  validationSplit?: number;
  /** Validation rows [x, y]; takes precedence over validationSplit. */
  validationData?: readonly [Rows, Rows];
  callbacks?: FitCallbacks;
}

/** What fit returns (Keras' History): one entry per completed epoch. */
export interface History {
  epoch: number[];
  history: { [K in keyof EpochLogs]-?: number[] };
}

/** What evaluate returns. */
export interface Evaluation {
  /** J on all rows: mean data loss + regularization. */
  loss: number;${
    acc === "none"
      ? ""
      : `
  /** ${acc === "argmax" ? "Share of rows whose largest output is the target class." : "Share of outputs on the right side of 0.5 (Keras' binary accuracy)."} */
  accuracy: number;`
  }${
    ir.loss.kind === "multilabel_bce"
      ? `
  /** Accuracy of each label separately. */
  labelAccuracy: number[];`
      : ""
  }
}

/** A checkpoint: toJSON's output, fromJSON's input (plain JSON data). */
export interface TrainerJSON {
  format: ${JSON.stringify(CHECKPOINT_FORMAT)};
  version: ${CHECKPOINT_VERSION};
  model: string;
  optimizer: string;
  layers: { name: string; inputs: number; units: number; activation: string }[];
  seed: number;
  step: number;
  epoch: number;
  batch: number;
  /** Running loss sum and rows of an interrupted epoch (batch > 0), and the layout it was run with. */
  partialEpoch: { lossSum: number; rows: number; trainRows: number; batchSize: number } | null;
  params: number[];
  buffers: Record<string, number[]>;
}

/** Thrown when a batch loss is NaN or infinite; the update of that batch is not applied. */
export class NonFiniteLossError extends Error {
  /** 0-based epoch and batch, the state.step of the failed update, and the first layer whose gradient is non-finite. */
  readonly epoch: number;
  readonly batch: number;
  readonly step: number;
  readonly layer: string | null;
  readonly loss: number;

  constructor(loss: number, epoch: number, batch: number, step: number, layer: string | null) {
    super(
      \`training diverged: the loss is \${loss} at epoch \${epoch + 1}, batch \${batch + 1} (update \${step + 1})\` +
        (layer === null ? "" : \`; first non-finite gradient in \${layer}\`) +
        ". Try a lower learning rate or gradient clipping (clip=1 on the optimizer line).",
    );
    this.name = "NonFiniteLossError";
    this.loss = loss;
    this.epoch = epoch;
    this.batch = batch;
    this.step = step;
    this.layer = layer;
  }
}`;
}

/** Data helpers: Rows -> flat Float64Array, class ids -> one-hot, accuracy counting. */
export function emitDataHelpers(ir: ModelIR): string {
  const IN = ir.inputSize;
  const OUT = ir.outputSize;
  const acc = accuracyKind(ir);
  const targets =
    ir.loss.kind === "softmax_ce" && OUT > 1
      ? `/**
 * Targets as a flat rows x ${OUT} matrix. Class ids (one number per row: a flat array of length
 * rows, or rows of length 1) become one-hot rows; rows of length ${OUT} are taken as they are.
 */
function toTargets(data: Rows, rows: number): Float64Array {
  if (isNested(data)) {
    if (data.length > 0 && data[0]!.length !== 1) return checkRows(toMatrix(data, ${OUT}, "y"), rows, "y").values;
  } else if (data.length !== rows) {
    if (data.length === rows * ${OUT}) return Float64Array.from(data);
    throw new Error(\`y has \${data.length} values: expected \${rows} class ids or \${rows} x ${OUT} values for \${rows} rows of x\`);
  }
  const ids = toMatrix(data, 1, "y");
  checkRows(ids, rows, "y");
  const oneHot = new Float64Array(rows * ${OUT});
  for (let r = 0; r < rows; r++) {
    const id = ids.values[r]!;
    if (!Number.isInteger(id) || id < 0 || id >= ${OUT}) throw new Error(\`y row \${r}: class id \${id} is not an integer in 0..${OUT - 1}\`);
    oneHot[r * ${OUT} + id] = 1;
  }
  return oneHot;
}`
      : `/** Targets as a flat rows x ${OUT} matrix. */
function toTargets(data: Rows, rows: number): Float64Array {
  return checkRows(toMatrix(data, ${OUT}, "y"), rows, "y").values;
}`;
  const count =
    acc === "argmax"
      ? `/** correct[0] += rows whose largest output (row r's outputs at out[o..]) (first on ties) is the largest target. */
function countCorrect(out: Float64Array, o: number, y: Float64Array, r: number, correct: Float64Array): void {
  let best = 0;
  let target = 0;
  for (let j = 1; j < ${OUT}; j++) {
    if (out[o + j]! > out[o + best]!) best = j;
    if (y[r * ${OUT} + j]! > y[r * ${OUT} + target]!) target = j;
  }
  if (best === target) correct[0]! += 1;
}`
      : acc === "threshold"
        ? `/** correct[j] += 1 when output j (row r's outputs at out[o..]) and target j are on the same side of 0.5. */
function countCorrect(out: Float64Array, o: number, y: Float64Array, r: number, correct: Float64Array): void {
  for (let j = 0; j < ${OUT}; j++) {
    if (out[o + j]! >= 0.5 === y[r * ${OUT} + j]! >= 0.5) correct[j]! += 1;
  }
}`
        : "";
  return `/** predict and evaluate run forwardBatch on this many rows at a time: bounded scratch memory, one call a chunk. */
const PREDICT_CHUNK_ROWS = 256;

/** True for number[][] (rows as arrays), false for a flat array of numbers. */
function isNested(data: Rows): data is ReadonlyArray<ArrayLike<number>> {
  return data.length > 0 && typeof (data as ArrayLike<unknown>)[0] !== "number";
}

/** Any Rows as a flat row-major copy, checking the width of every row. */
function toMatrix(data: Rows, width: number, what: string): { values: Float64Array; rows: number } {
  if (isNested(data)) {
    const rows = data.length;
    const values = new Float64Array(rows * width);
    for (let r = 0; r < rows; r++) {
      const row = data[r]!;
      if (row.length !== width) throw new Error(\`\${what} row \${r} has \${row.length} values, expected \${width}\`);
      for (let k = 0; k < width; k++) values[r * width + k] = row[k]!;
    }
    return { values, rows };
  }
  if (data.length % width !== 0) throw new Error(\`\${what} has \${data.length} values, not a multiple of \${width} per row\`);
  return { values: Float64Array.from(data), rows: data.length / width };
}

function checkRows(m: { values: Float64Array; rows: number }, rows: number, what: string): { values: Float64Array; rows: number } {
  if (m.rows !== rows) throw new Error(\`\${what} has \${m.rows} rows but x has \${rows}\`);
  return m;
}

/** x as a flat rows x ${IN} matrix. */
function toInputs(data: Rows): { values: Float64Array; rows: number } {
  return toMatrix(data, ${IN}, "x");
}

${targets}
${count === "" ? "" : `\n${count}\n`}
/** Resolves on a later turn of the event loop (setTimeout 0), so a page can repaint between batches. */
function yieldToEventLoop(): Promise<void> {
  const timers = globalThis as unknown as { setTimeout?: (callback: () => void, ms: number) => unknown };
  return new Promise((resolve) => {
    if (timers.setTimeout === undefined) resolve();
    else timers.setTimeout(resolve, 0);
  });
}`;
}

/** The Trainer class itself. */
export function emitTrainerClass(ir: ModelIR, array: string): string {
  const IN = ir.inputSize;
  const OUT = ir.outputSize;
  const P = ir.paramCount;
  const acc = accuracyKind(ir);
  const defaults = ir.training;

  const evaluateAccuracy =
    acc === "none"
      ? ""
      : `
    const correct = new Float64Array(${acc === "argmax" ? 1 : OUT});
    const out = new Float64Array(Math.min(rows, PREDICT_CHUNK_ROWS) * ${OUT});
    for (let from = 0; from < rows; from += PREDICT_CHUNK_ROWS) {
      const n = Math.min(PREDICT_CHUNK_ROWS, rows - from);
      forwardBatch(this.state.params, x.subarray(from * ${IN}, (from + n) * ${IN}), n, out);
      for (let r = 0; r < n; r++) countCorrect(out, r * ${OUT}, y, from + r, correct);
    }
    let total = 0;
    for (let j = 0; j < correct.length; j++) total += correct[j]!;`;
  const evaluateResult =
    acc === "none"
      ? "{ loss }"
      : acc === "argmax"
        ? "{ loss, accuracy: total / rows }"
        : ir.loss.kind === "multilabel_bce"
          ? `{ loss, accuracy: total / (rows * ${OUT}), labelAccuracy: Array.from(correct, (c) => c / rows) }`
          : `{ loss, accuracy: total / (rows * ${OUT}) }`;

  const epochAccuracy = acc === "none" ? "" : "\n    if (rows > 0) logs.accuracy = this.evaluateFlat(run.x, run.y, run.n).accuracy;";
  const valAccuracy = acc === "none" ? "" : "\n      logs.val_accuracy = v.accuracy;";
  const historyKeys = acc === "none" ? ["loss", "val_loss", "lr"] : ["loss", "accuracy", "val_loss", "val_accuracy", "lr"];

  return `/** Everything one fit call works with: the data as flat arrays, batch buffers, its history. */
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
  readonly xb: Float64Array;
  readonly yb: Float64Array;
  readonly callbacks: FitCallbacks;
  readonly history: History;
}

${docComment([
  "Trains this model with Keras-like calls:",
  "",
  "    const trainer = new Trainer({ seed: 42 });",
  "    const history = trainer.fit(x, y, { epochs: 100, batchSize: 32, validationSplit: 0.2 });",
  "    const probabilities = trainer.predict(xNew);",
  "",
  "Checkpoints: JSON.stringify(trainer) (toJSON), then Trainer.fromJSON(text) and",
  "fit(x, y, { epochs, initialEpoch: trainer.epoch }) continues exactly as if never stopped.",
])}
export class Trainer {
  /** Parameters, gradient, optimizer buffers and step. */
  readonly state: TrainState;
  /** Seed of initParams (when no params were given) and default seed of the per-epoch shuffle. */
  readonly seed: number;
  /** Index of the epoch to run next (or in progress when batch > 0). */
  epoch = 0;
  /** Batches done in epoch \`epoch\` when training stopped inside it, else 0. */
  batch = 0;
  /** Set to true (e.g. from a callback) to stop after the current batch; each fit starts with false. */
  stopTraining = false;
  /** Running loss sum (loss x rows) and rows of the current epoch. */
  private epochLossSum = 0;
  private epochRows = 0;
  /** Layout of the run an interrupted epoch belongs to, checked on resume. */
  private epochLayout: { trainRows: number; batchSize: number } | null = null;
  /** Gradient sink for evaluate, allocated once. */
  private scratchGrad: ${array} | null = null;

  constructor(options: { params?: ArrayLike<number>; seed?: number } = {}) {
    this.seed = options.seed ?? ${defaults.seed};
    let params: ${array};
    if (options.params === undefined) {
      params = initParams(this.seed);
    } else {
      if (options.params.length !== ${P}) throw new Error(\`expected ${P} parameters, got \${options.params.length}\`);
      params = new ${array}(${P});
      for (let p = 0; p < ${P}; p++) params[p] = options.params[p]!;
    }
    this.state = createTrainState(params);
  }

  /** The model's parameters (trained in place). */
  get params(): ${array} {
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
   * epoch), so a page stays responsive; awaits callbacks that return promises.
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

  /** The outputs of every row (forwardBatch, PREDICT_CHUNK_ROWS rows a call): one array of ${OUT} outputs per row (probabilities for sigmoid/softmax). */
  predict(x: Rows): number[][] {
    const { values, rows } = toInputs(x);
    const out = new Float64Array(Math.min(rows, PREDICT_CHUNK_ROWS) * ${OUT});
    const result: number[][] = [];
    for (let from = 0; from < rows; from += PREDICT_CHUNK_ROWS) {
      const n = Math.min(PREDICT_CHUNK_ROWS, rows - from);
      forwardBatch(this.state.params, values.subarray(from * ${IN}, (from + n) * ${IN}), n, out);
      for (let r = 0; r < n; r++) result.push(Array.from(out.subarray(r * ${OUT}, (r + 1) * ${OUT})));
    }
    return result;
  }

  /** Loss (data loss + regularization, as trained)${acc === "none" ? "" : " and accuracy"} on all rows, without changing anything. */
  evaluate(x: Rows, y: Rows): Evaluation {
    const inputs = toInputs(x);
    return this.evaluateFlat(inputs.values, toTargets(y, inputs.rows), inputs.rows);
  }

  /** A versioned checkpoint: shapes, params, optimizer buffers, step and epoch position. */
  toJSON(): TrainerJSON {
    const buffers: Record<string, number[]> = {};
    const own = optimizerBuffers(this.state);
    for (const name of Object.keys(own)) buffers[name] = Array.from(own[name]!);
    return {
      format: ${JSON.stringify(CHECKPOINT_FORMAT)},
      version: ${CHECKPOINT_VERSION},
      model: ${JSON.stringify(identifier(ir.name))},
      optimizer: ${JSON.stringify(ir.optimizer.kind)},
      layers: TRAINING_LAYERS.map((l) => ({ name: l.name, inputs: l.inputs, units: l.units, activation: l.activation })),
      seed: this.seed,
      step: this.state.step,
      epoch: this.epoch,
      batch: this.batch,
      partialEpoch:
        this.batch > 0 && this.epochLayout !== null
          ? { lossSum: this.epochLossSum, rows: this.epochRows, trainRows: this.epochLayout.trainRows, batchSize: this.epochLayout.batchSize }
          : null,
      params: Array.from(this.state.params),
      buffers,
    };
  }

  /**
   * A trainer from a checkpoint (the object or its JSON text). Rejects another format version, other
   * layer shapes or another optimizer with a message saying what differs. With paramsOnly, only
   * the parameters are read (e.g. to predict with a model whose optimizer line changed).
   */
  static fromJSON(json: unknown, options: { paramsOnly?: boolean } = {}): Trainer {
    const data = (typeof json === "string" ? JSON.parse(json) : json) as Partial<TrainerJSON> | null;
    if (data === null || typeof data !== "object" || data.format !== ${JSON.stringify(CHECKPOINT_FORMAT)}) {
      throw new Error("not an mlpc trainer checkpoint (format is not ${CHECKPOINT_FORMAT})");
    }
    if (data.version !== ${CHECKPOINT_VERSION}) {
      throw new Error(\`checkpoint format version \${String(data.version)} is not supported (this module reads version ${CHECKPOINT_VERSION})\`);
    }
    const expected = describeLayers(TRAINING_LAYERS);
    const layers: unknown = data.layers;
    const found =
      Array.isArray(layers) && layers.every((l: unknown) => typeof l === "object" && l !== null) ? describeLayers(layers as TrainerJSON["layers"]) : "(no layers)";
    if (found !== expected) {
      throw new Error(\`checkpoint layers do not match this model: checkpoint \${found}, model ${identifier(ir.name)} \${expected}\`);
    }
    const params = checkpointNumbers(data.params, ${P}, "params");
    const trainer = new Trainer(typeof data.seed === "number" ? { params, seed: data.seed } : { params });
    if (options.paramsOnly === true) return trainer;
    if (data.optimizer !== ${JSON.stringify(ir.optimizer.kind)}) {
      throw new Error(\`checkpoint optimizer \${String(data.optimizer)} does not match this model's ${ir.optimizer.kind} (load with paramsOnly to keep only the weights)\`);
    }
    const own = optimizerBuffers(trainer.state);
    for (const name of Object.keys(own)) own[name]!.set(checkpointNumbers(data.buffers?.[name], ${P}, \`buffers.\${name}\`));
    trainer.state.step = checkpointInteger(data.step, "step");
    trainer.epoch = checkpointInteger(data.epoch, "epoch");
    trainer.batch = checkpointInteger(data.batch, "batch");
    const partial = data.partialEpoch;
    if (trainer.batch > 0) {
      if (partial === null || partial === undefined) throw new Error("checkpoint stopped inside an epoch but has no partialEpoch");
      trainer.epochLossSum = checkpointNumbers([partial.lossSum], 1, "partialEpoch.lossSum")[0]!;
      trainer.epochRows = checkpointInteger(partial.rows, "partialEpoch.rows");
      trainer.epochLayout = { trainRows: checkpointInteger(partial.trainRows, "partialEpoch.trainRows"), batchSize: checkpointInteger(partial.batchSize, "partialEpoch.batchSize") };
    }
    return trainer;
  }

  /** Checks and converts the data and options; places the epoch cursor (resuming when it can). */
  private beginFit(x: Rows, y: Rows, options: FitOptions): FitRun {
    const inputs = toInputs(x);
    const targets = toTargets(y, inputs.rows);
    let n = inputs.rows;
    let valX: Float64Array | null = null;
    let valY: Float64Array | null = null;
    let valRows = 0;
    if (options.validationData !== undefined) {
      const vx = toInputs(options.validationData[0]);
      valX = vx.values;
      valY = toTargets(options.validationData[1], vx.rows);
      valRows = vx.rows;
    } else if (options.validationSplit !== undefined && options.validationSplit > 0) {
      const split = options.validationSplit;
      if (!(split < 1)) throw new Error(\`validationSplit must be in [0, 1), got \${split}\`);
      // Keras: the last rows, before any shuffling.
      n = Math.floor(inputs.rows * (1 - split));
      valRows = inputs.rows - n;
      valX = inputs.values.subarray(n * ${IN});
      valY = targets.subarray(n * ${OUT});
    }
    if (n === 0) throw new Error("no training rows");
    const epochs = options.epochs ?? ${defaults.epochs};
    const initialEpoch = options.initialEpoch ?? 0;
    if (!Number.isInteger(epochs) || epochs < 0) throw new Error(\`epochs must be a whole number >= 0, got \${epochs}\`);
    if (!Number.isInteger(initialEpoch) || initialEpoch < 0) throw new Error(\`initialEpoch must be a whole number >= 0, got \${initialEpoch}\`);
    const requested = options.batchSize ?? ${JSON.stringify(defaults.batch)};
    if (requested !== "all" && (!Number.isInteger(requested) || requested < 1)) {
      throw new Error(\`batchSize must be a whole number >= 1 or "all", got \${String(requested)}\`);
    }
    const batchSize = requested === "all" ? n : Math.min(requested, n);
    const resume = initialEpoch === this.epoch && this.batch > 0;
    if (resume) {
      const layout = this.epochLayout;
      if (layout === null || layout.trainRows !== n || layout.batchSize !== batchSize) {
        throw new Error(
          \`cannot resume epoch \${this.epoch + 1} at batch \${this.batch + 1}: it was started with \${layout?.trainRows} training rows in batches of \${layout?.batchSize}, this fit has \${n} in batches of \${batchSize}\`,
        );
      }
    } else {
      this.epoch = initialEpoch;
      this.batch = 0;
    }
    this.stopTraining = false;
    return {
      x: inputs.values.subarray(0, n * ${IN}),
      y: targets.subarray(0, n * ${OUT}),
      n,
      valX,
      valY,
      valRows,
      epochs,
      batchSize,
      batches: Math.ceil(n / batchSize),
      shuffle: options.shuffle ?? ${defaults.shuffle},
      seed: options.seed ?? this.seed,
      order: new Uint32Array(n),
      xb: new Float64Array(batchSize * ${IN}),
      yb: new Float64Array(batchSize * ${OUT}),
      callbacks: options.callbacks ?? {},
      history: { epoch: [], history: { ${historyKeys.map((k) => `${k}: []`).join(", ")} } },
    };
  }

  /** Resets the running loss of a new epoch. */
  private startEpoch(run: FitRun): void {
    this.epochLossSum = 0;
    this.epochRows = 0;
    this.epochLayout = { trainRows: run.n, batchSize: run.batchSize };
  }

  /**
   * The row order of epoch \`this.epoch\`: 0..n-1, Fisher-Yates shuffled (when shuffling) by a
   * SeededRandom on stream epoch + 1 of the seed: a function of (seed, epoch) only.
   */
  private epochOrder(run: FitRun): Uint32Array {
    const order = run.order;
    for (let i = 0; i < run.n; i++) order[i] = i;
    if (run.shuffle) {
      const random = new SeededRandom(run.seed, (this.epoch + 1) >>> 0);
      for (let i = run.n - 1; i > 0; i--) {
        const j = Math.floor(random.float() * (i + 1));
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
    }
    return order;
  }

  /** Gathers batch \`this.batch\`, checks its loss, updates; returns the onBatchEnd result. */
  private trainBatch(run: FitRun, order: Uint32Array): ReturnType<NonNullable<FitCallbacks["onBatchEnd"]>> {
    const start = this.batch * run.batchSize;
    const rows = Math.min(run.batchSize, run.n - start);
    const { x, y, xb, yb } = run;
    for (let r = 0; r < rows; r++) {
      const i = order[start + r]!;
      for (let k = 0; k < ${IN}; k++) xb[r * ${IN} + k] = x[i * ${IN} + k]!;
      for (let k = 0; k < ${OUT}; k++) yb[r * ${OUT} + k] = y[i * ${OUT} + k]!;
    }
    const state = this.state;
    const loss = lossAndGradient(state.params, xb, yb, rows, state.grad);
    // Checked before the update, so params stay those of the last good step.
    if (!Number.isFinite(loss)) throw new NonFiniteLossError(loss, this.epoch, this.batch, state.step, firstNonFiniteLayer(state.grad));
    const lr = learningRate(state.step);
    applyUpdate(state);
    this.epochLossSum += loss * rows;
    this.epochRows += rows;
    const batch = this.batch;
    this.batch += 1;
    const onBatchEnd = run.callbacks.onBatchEnd;
    return onBatchEnd === undefined ? undefined : onBatchEnd(batch, { batch, size: rows, loss, lr, step: state.step });
  }

  /** Closes the epoch: its logs (validation included), the history; moves the cursor on. */
  private endEpoch(run: FitRun): [number, EpochLogs] {
    const epoch = this.epoch;
    const rows = this.epochRows;
    const logs: EpochLogs = { loss: this.epochLossSum / rows, lr: learningRate(this.state.step - 1) };${epochAccuracy}
    if (run.valX !== null && run.valY !== null && run.valRows > 0) {
      const v = this.evaluateFlat(run.valX, run.valY, run.valRows);
      logs.val_loss = v.loss;${valAccuracy}
    }
    this.epoch += 1;
    this.batch = 0;
    this.epochLayout = null;
    run.history.epoch.push(epoch);
    const h = run.history.history;
${historyKeys.map((k) => `    if (logs.${k} !== undefined) h.${k}.push(logs.${k});`).join("\n")}
    return [epoch, logs];
  }

  private evaluateFlat(x: Float64Array, y: Float64Array, rows: number): Evaluation {
    this.scratchGrad ??= new ${array}(${P});
    const loss = lossAndGradient(this.state.params, x, y, rows, this.scratchGrad);${evaluateAccuracy}
    return ${evaluateResult};
  }
}

/** "4 -> 16 relu -> 3 softmax": a layer list as text, to compare and to show. */
function describeLayers(layers: readonly { inputs: number; units: number; activation: string }[]): string {
  if (layers.length === 0) return "(no layers)";
  return [String(layers[0]!.inputs), ...layers.map((l) => \`\${l.units} \${l.activation}\`)].join(" -> ");
}

/** A JSON array of \`length\` finite numbers, or an error naming the field. */
function checkpointNumbers(value: unknown, length: number, what: string): number[] {
  if (!Array.isArray(value) || value.length !== length || !value.every((v) => typeof v === "number" && Number.isFinite(v))) {
    throw new Error(\`checkpoint \${what}: expected \${length} finite numbers\`);
  }
  return value as number[];
}

function checkpointInteger(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw new Error(\`checkpoint \${what}: expected a whole number >= 0\`);
  return value;
}

/** The first layer with a NaN or infinite gradient (weights or biases), or null. */
function firstNonFiniteLayer(grad: ${array}): string | null {
  for (const layer of TRAINING_LAYERS) {
    for (let p = layer.weights[0]; p < layer.biases[1]; p++) {
      if (!Number.isFinite(grad[p]!)) return layer.name;
    }
  }
  return null;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}`;
}
