/**
 * Emits the model-specific part of the Trainer: the layer table, the public types whose members
 * or documented defaults depend on the model, the target conversion and the metrics (loss and
 * accuracy, forward only). The Trainer class itself, the data and checkpoint helpers are the
 * runtime (src/codegen/runtime/), embedded as text (runtime-embedded.ts) and added by training.ts.
 */
import type { ModelIR } from "../ir/types.js";
import { denseLayers } from "../ir/layers.js";
import { int, times } from "./text.js";

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
  const a = denseLayers(ir)[index]!.activation;
  return a.kind === "leaky_relu" ? `leaky_relu(alpha=${a.alpha})` : a.kind;
}

/** Names, shapes and parameter ranges of the layers: checkpoint validation and diagnostics. */
export function emitLayerTable(ir: ModelIR): string {
  const rows = denseLayers(ir).map(
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

/** fit options (tfjs/Keras); unset ones come from the program's train line. */
export interface FitOptions {
  /** Train until this epoch index (exclusive), as Keras: epochs - initialEpoch epochs are run. Default ${int(ir.training.epochs)}. */
  epochs?: number;
  /** First epoch index (Keras' initial_epoch); pass trainer.epoch to resume a checkpoint. Default 0. */
  initialEpoch?: number;
  /** Rows per update: 1 (stochastic), N (mini-batch, the last one may be smaller) or "all". Default ${ir.training.batch === "all" ? '"all"' : int(ir.training.batch)}. */
  batchSize?: number | "all";
  /** Reshuffle the training rows each epoch. Default ${ir.training.shuffle === true ? "true" : "false"}. */
  shuffle?: boolean;
  /** Seed of the per-epoch shuffle. Default: the trainer's seed. */
  seed?: number;
  /** Fraction of rows held out for validation: the LAST rows, taken before shuffling (as Keras). */
  validationSplit?: number;
  /** Validation rows [x, y]; takes precedence over validationSplit. */
  validationData?: readonly [Rows, Rows];
  callbacks?: FitCallbacks;
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

/** The History keys of this model, in order: Keras' names, the ones its EpochLogs can hold. */
const HISTORY_KEYS: readonly (keyof EpochLogs)[] = [${historyKeys(ir).map((k) => JSON.stringify(k)).join(", ")}];`;
}

/** EpochLogs' keys in History order: loss, [accuracy], val_loss, [val_accuracy], lr. */
function historyKeys(ir: ModelIR): string[] {
  return accuracyKind(ir) === "none" ? ["loss", "val_loss", "lr"] : ["loss", "accuracy", "val_loss", "val_accuracy", "lr"];
}

/**
 * The model-specific data and metric functions the runtime Trainer calls: toInputs, toTargets,
 * and the forward-only metrics (evaluateRows for evaluate and validation, addEpochMetrics at the
 * end of each epoch), with countCorrect for classifiers.
 */
export function emitDataHelpers(ir: ModelIR): string {
  const IN = ir.inputSize;
  const acc = accuracyKind(ir);
  return [
    `/** x as a flat rows x ${IN} matrix. */
function toInputs(data: Rows): { values: Float64Array; rows: number } {
  return toMatrix(data, ${IN}, "x");
}`,
    emitToTargets(ir),
    ...(acc === "none" ? [] : [emitCountCorrect(ir), emitAccuracyOf(ir)]),
    emitEvaluateRows(ir),
    emitAddEpochMetrics(ir),
  ].join("\n\n");
}

function emitToTargets(ir: ModelIR): string {
  const OUT = ir.outputSize;
  if (ir.loss.kind === "softmax_ce" && OUT > 1) {
    return `/**
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
}`;
  }
  return `/** Targets as a flat rows x ${OUT} matrix. */
function toTargets(data: Rows, rows: number): Float64Array {
  return checkRows(toMatrix(data, ${OUT}, "y"), rows, "y").values;
}`;
}

function emitCountCorrect(ir: ModelIR): string {
  const OUT = ir.outputSize;
  return accuracyKind(ir) === "argmax"
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
    : `/** correct[j] += 1 when output j (row r's outputs at out[o..]) and target j are on the same side of 0.5. */
function countCorrect(out: Float64Array, o: number, y: Float64Array, r: number, correct: Float64Array): void {
${
  OUT === 1
    ? "  if (out[o]! >= 0.5 === y[r]! >= 0.5) correct[0]! += 1;"
    : `  for (let j = 0; j < ${OUT}; j++) {
    if (out[o + j]! >= 0.5 === y[r * ${OUT} + j]! >= 0.5) correct[j]! += 1;
  }`
}
}`;
}

/** The counters countCorrect fills: one for argmax, one a label for threshold. */
function counters(ir: ModelIR): number {
  return accuracyKind(ir) === "argmax" ? 1 : ir.outputSize;
}

/** accuracy = counted / this (rows for argmax, rows x outputs for threshold). */
function accuracyDenominator(ir: ModelIR): string {
  return accuracyKind(ir) === "argmax" || ir.outputSize === 1 ? "rows" : `(rows * ${ir.outputSize})`;
}

function emitAccuracyOf(ir: ModelIR): string {
  const IN = ir.inputSize;
  const OUT = ir.outputSize;
  return `/** Accuracy on rows (training rows at the end of an epoch), forward only: forwardBatch on PREDICT_CHUNK_ROWS rows at a time into out. */
function accuracyOf(params: ParamArray, x: Float64Array, y: Float64Array, rows: number, out: Float64Array): number {
  const correct = new Float64Array(${counters(ir)});
  for (let from = 0; from < rows; from += PREDICT_CHUNK_ROWS) {
    const n = Math.min(PREDICT_CHUNK_ROWS, rows - from);
    forwardBatch(params, x.subarray(from * ${IN}, (from + n) * ${IN}), n, out);
    for (let r = 0; r < n; r++) countCorrect(out, ${times("r", OUT)}, y, from + r, correct);
  }
  let total = 0;
  for (let j = 0; j < correct.length; j++) total += correct[j]!;
  return total / ${accuracyDenominator(ir)};
}`;
}

function emitEvaluateRows(ir: ModelIR): string {
  const OUT = ir.outputSize;
  const acc = accuracyKind(ir);
  const result =
    acc === "none"
      ? "{ loss }"
      : ir.loss.kind === "multilabel_bce"
        ? `{ loss, accuracy: total / ${accuracyDenominator(ir)}, labelAccuracy: Array.from(correct, (c) => c / rows) }`
        : `{ loss, accuracy: total / ${accuracyDenominator(ir)} }`;
  const counting =
    acc === "none"
      ? ""
      : `
  const correct = new Float64Array(${counters(ir)});
  for (let r = 0; r < rows; r++) countCorrect(out, ${times("r", OUT)}, y, r, correct);
  let total = 0;
  for (let j = 0; j < correct.length; j++) total += correct[j]!;`;
  return `/**
 * J on rows (data loss + regularization: lossOf, the same sums as lossAndGradient without the
 * backward pass)${acc === "none" ? "" : " and the accuracy of the outputs lossOf writes into out (rows x " + OUT + ")"}.
 */
function evaluateRows(params: ParamArray, x: Float64Array, y: Float64Array, rows: number, out: Float64Array): Evaluation {
  const loss = lossOf(params, x, y, rows, out);${counting}
  return ${result};
}`;
}

function emitAddEpochMetrics(ir: ModelIR): string {
  const acc = accuracyKind(ir);
  return `/** The end-of-epoch metrics with the epoch's final weights, forward only: ${acc === "none" ? "" : "accuracy on the training rows, "}loss${acc === "none" ? "" : " and accuracy"} on the validation rows. */
function addEpochMetrics(logs: EpochLogs, params: ParamArray, run: FitRun): void {${
    acc === "none" ? "" : "\n  logs.accuracy = accuracyOf(params, run.x, run.y, run.n, run.chunkOut);"
  }
  if (run.valX !== null && run.valY !== null && run.valRows > 0) {
    const v = evaluateRows(params, run.valX, run.valY, run.valRows, run.valOut);
    logs.val_loss = v.loss;${acc === "none" ? "" : "\n    logs.val_accuracy = v.accuracy;"}
  }
}`;
}
