/**
 * Emits the model-specific part of the Trainer: the layer table, the public types whose members
 * or documented defaults depend on the model, the target conversion and the metrics (the running
 * training accuracy from the batches' outputs; validation loss and accuracy, forward only). The Trainer class itself, the data and checkpoint helpers are the
 * runtime (src/codegen/runtime/), embedded as text (runtime-embedded.ts) and added by training.ts.
 */
import type { ModelIR } from "../ir/types.js";
import { denseLayers } from "../ir/layers.js";
import { printFunction, withDocs, type Parameter } from "./declaration.js";
import { classWeighting, ROW_WEIGHT, weighsRows } from "./loss.js";
import { CodeLines, countedLine, countedLoop, int, place, read, times } from "./text.js";

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
  const accuracyDoc =
    acc === "none"
      ? ""
      : "\n  /**\n   * Running accuracy over the epoch's training batches (as Keras): each batch counted from the\n" +
        "   * outputs its gradient was computed with, before its update (dropout on). Not the accuracy of the\n" +
        "   * weights at the end of the epoch: evaluate(x, y) gives that.\n   */\n  accuracy?: number;";
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
  /**
   * Weight of each class's rows in the training loss (Keras' class_weight): by class id, an array
   * or { id: weight }; missing ids weigh 1. J = 1/rows sum_r w(class_r) l_r. ${classWeightDoc(ir)}
   */
  classWeight?: ArrayLike<number> | { readonly [id: number]: number };
  callbacks?: FitCallbacks;
  /**
   * J and dJ/dparams (into state.grad) of each training batch in place of this module's own
   * batchGradient: e.g. the batch's rows split over worker threads (mlpc train --threads) or Web
   * Workers sharing a SharedArrayBuffer, each running this module's lossAndGradient on a slice.${
     acc === "none"
       ? ""
       : `
   * out (rows x ${int(ir.outputSize)}), for the running training accuracy: the gradient may write the batch's
   * outputs there (as forwardBatch at state.params would); if out[0] is still NaN afterwards, the
   * Trainer runs forwardBatch on the batch itself.`
   }${
     weighsRows(ir) ? `\n   * With classWeight it is given ${ROW_WEIGHT}, the weight of each row (a gradient that ignores it trains unweighted).` : ""
   }
   */
  gradient?: (state: TrainState, x: Float64Array, y: Float64Array, rows: number, seed: number, out?: Float64Array${weighsRows(ir) ? `, ${ROW_WEIGHT}?: Float64Array` : ""}) => number;
  /**
   * J of each training batch and its update, in place of the gradient and applyUpdate: for an
   * engine that also shares the update out (mlpc train --threads: each thread updates a range of
   * the parameters with updateRange, on a state whose arrays the Trainer's arrays option made).
   * It applies one update (state.step + 1) when J is finite and changes no parameter when not.${
     acc === "none" ? "" : `
   * It writes the batch's outputs at the parameters before the update into out when given.`
   }
   */
  trainStep?: (state: TrainState, x: Float64Array, y: Float64Array, rows: number, seed: number, out?: Float64Array${weighsRows(ir) ? `, ${ROW_WEIGHT}?: Float64Array` : ""}) => number;
  /**
   * J of the validation rows at state.params and their outputs into out, in place of this
   * module's lossOf: e.g. the rows split over the threads of the engine that trains (mlpc train
   * --threads), each running lossOf on a slice.
   */
  validationLoss?: (params: ParamArray, x: Float64Array, y: Float64Array, rows: number, out: Float64Array) => number;
  /**
   * With trainStep, for an engine whose threads each gather their slice of a batch's input rows
   * from training inputs they share (mlpc train --threads): called before each trainStep with the
   * training inputs as fit was given them and the batch's row indices into them, in batch order.
   * The Trainer then gathers only the targets; trainStep's x is left as it was.
   */
  gatherRows?: (x: Float64Array, order: Uint32Array) => void;
  /**
   * With trainStep, for an engine whose threads each keep their range of the parameters as it
   * was before the update: the Trainer restores the parameters from it when an update makes one
   * non-finite, instead of copying them all before every step.
   */
  paramsBefore?: ParamArray;
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
 * the running accuracy's counting (countBatchCorrect after each batch, with countCorrect for
 * classifiers), the forward-only metrics (evaluateRows for evaluate and validation) and
 * addEpochMetrics at the end of each epoch.
 */
export function emitDataHelpers(ir: ModelIR): string {
  const acc = accuracyKind(ir);
  return [
    emitToInputs(ir),
    emitToTargets(ir),
    withDocs(["The class ids a classWeight names: 0 and 1 for a binary model's one output, else one an output."], `const CLASS_COUNT = ${int(ir.loss.task === "binary" ? 2 : ir.outputSize)};`),
    emitWeighBatch(ir),
    emitAccuracyCounters(ir),
    ...(acc === "none" ? [] : [emitCountCorrect(ir)]),
    emitCountBatchCorrect(ir),
    emitEvaluateRows(ir),
    emitAddEpochMetrics(ir),
  ].join("\n\n");
}

/** Parameters `name: type` in order, for the helpers below. */
function params(...list: readonly (readonly [string, string])[]): Parameter[] {
  return list.map(([name, type]) => ({ name, type }));
}

function emitToInputs(ir: ModelIR): string {
  const IN = int(ir.inputSize);
  return printFunction({
    name: "toInputs",
    parameters: params(["data", "Rows"]),
    returnType: "{ values: Float64Array; rows: number }",
    docs: [`x as a flat rows x ${IN} matrix.`],
    body: (out) => {
      out.line(`return toMatrix(data, ${IN}, "x");`);
    },
  });
}

function emitToTargets(ir: ModelIR): string {
  const OUT = int(ir.outputSize);
  const oneHot = ir.loss.kind === "softmax_ce" && ir.outputSize > 1;
  return printFunction({
    name: "toTargets",
    parameters: params(["data", "Rows"], ["rows", "number"]),
    returnType: "Float64Array",
    docs: oneHot
      ? [
          `Targets as a flat rows x ${OUT} matrix. Class ids (one number per row: a flat array of length`,
          `rows, or rows of length 1) become one-hot rows; rows of length ${OUT} are taken as they are.`,
        ]
      : [`Targets as a flat rows x ${OUT} matrix.`],
    body: (out) => {
      if (!oneHot) {
        out.line(`return checkRows(toMatrix(data, ${OUT}, "y"), rows, "y").values;`);
        return;
      }
      out.open("if (isNested(data))");
      out.line(`if (data.length > 0 && data[0]!.length !== 1) return checkRows(toMatrix(data, ${OUT}, "y"), rows, "y").values;`);
      out.chain("else if (data.length !== rows)");
      out.line(`if (data.length === rows * ${OUT}) return Float64Array.from(data);`);
      out.line(`throw new Error(\`y has \${data.length} values: expected \${rows} class ids or \${rows} x ${OUT} values for \${rows} rows of x\`);`);
      out.close();
      out.line('const ids = toMatrix(data, 1, "y");');
      out.line('checkRows(ids, rows, "y");');
      out.line(`const oneHot = new Float64Array(rows * ${OUT});`);
      out.block("for (let r = 0; r < rows; r++)", () => {
        out.line("const id = ids.values[r]!;");
        out.line(
          `if (!Number.isInteger(id) || id < 0 || id >= ${OUT}) throw new Error(\`y row \${r}: class id \${id} is not an integer in 0..${int(ir.outputSize - 1)}\`);`,
        );
        out.line(`${place("oneHot", times("r", ir.outputSize), "id")} = 1;`);
      });
      out.line("return oneHot;");
    },
  });
}

/** The parameters of countCorrect: row r's outputs at out[o..], its targets in y, the counters. */
const COUNT_CORRECT_PARAMETERS = params(["out", "Float64Array"], ["o", "number"], ["y", "Float64Array"], ["r", "number"], ["correct", "Float64Array"]);

/** What FitOptions.classWeight says of this model: which class a row is in, or why it cannot take them. */
function classWeightDoc(ir: ModelIR): string {
  const w = classWeighting(ir);
  if (w.by === null) return `This model cannot take it: ${w.why}.`;
  return `${w.by === "rows" ? "A row's class is its target: 1 above 0.5, else 0. " : ""}Validation and evaluate stay unweighted.`;
}

/**
 * weighBatch(y, rows, weights, rowWeight): class weights for one batch, as the loss takes them
 * (classWeighting in loss.ts). softmax_ce: each one-hot target row scaled by its class's weight
 * (its loss and gradient are linear in y, so exactly that row is weighted); returns undefined. A
 * binary bce: rowWeight[r] = the weight of row r's class, returned for the gradient. Otherwise it
 * throws why, which is how the Trainer refuses classWeight for such a model.
 */
function emitWeighBatch(ir: ModelIR): string {
  const OUT = int(ir.outputSize);
  const w = classWeighting(ir);
  const name = "weighBatch";
  const docsOf = (lines: string[]): string[] => [...lines, "Returns the weight a row to pass to the gradient, or undefined when the targets carry the weights."];
  if (w.by === null) {
    return printFunction({
      name,
      parameters: params(["_y", "Float64Array"], ["_rows", "number"], ["_weights", "Float64Array"], ["_rowWeight", "Float64Array"]),
      returnType: "Float64Array | undefined",
      docs: [`This model takes no class weights: ${w.why}.`],
      body: (out) => {
        out.line(`throw new Error(${JSON.stringify(`classWeight needs a classifier of one label (softmax_ce, or bce with one output): ${w.why}`)});`);
      },
    });
  }
  if (w.by === "rows") {
    return printFunction({
      name,
      parameters: params(["y", "Float64Array"], ["rows", "number"], ["weights", "Float64Array"], [ROW_WEIGHT, "Float64Array"]),
      returnType: "Float64Array | undefined",
      docs: docsOf([`${ROW_WEIGHT}[r] = the weight of row r's class: 1 when its target is above 0.5, else 0 (the largest of (1 - y, y), first on ties).`]),
      body: (out) => {
        out.line(`for (let r = 0; r < rows; r++) ${ROW_WEIGHT}[r] = weights[${read("y", "r")} > 0.5 ? 1 : 0]!;`);
        out.line(`return ${ROW_WEIGHT};`);
      },
    });
  }
  return printFunction({
    name,
    parameters: params(["y", "Float64Array"], ["rows", "number"], ["weights", "Float64Array"], ["_rowWeight", "Float64Array"]),
    returnType: "Float64Array | undefined",
    docs: docsOf(["Scales each one-hot target row by its class's weight: exactly that row's loss and gradient weighted (softmax_ce is linear in y)."]),
    body: (out) => {
      out.block("for (let r = 0; r < rows; r++)", () => {
        out.line("let target = 0;");
        countedLine(out, "j", 1, ir.outputSize, (j) => `if (${read("y", times("r", ir.outputSize), j)} > ${read("y", times("r", ir.outputSize), "target")}) target = ${j};`);
        out.line("const w = weights[target]!;");
        out.line(`for (let j = 0; j < ${OUT}; j++) ${read("y", times("r", ir.outputSize), "j")} *= w;`);
      });
      out.line("return undefined;");
    },
  });
}

function emitCountCorrect(ir: ModelIR): string {
  const OUT = ir.outputSize;
  if (accuracyKind(ir) === "argmax") {
    return printFunction({
      name: "countCorrect",
      parameters: COUNT_CORRECT_PARAMETERS,
      returnType: "void",
      docs: ["correct[0] += rows whose largest output (row r's outputs at out[o..]) (first on ties) is the largest target."],
      body: (out) => {
        out.line("let best = 0;");
        out.line("let target = 0;");
        countedLoop(out, "j", 1, OUT, 1, (j) => {
          out.line(`if (${read("out", "o", j)} > out[o + best]!) best = ${j};`);
          out.line(`if (${read("y", times("r", OUT), j)} > ${read("y", times("r", OUT), "target")}) target = ${j};`);
        });
        out.line("if (best === target) correct[0]! += 1;");
      },
    });
  }
  return printFunction({
    name: "countCorrect",
    parameters: COUNT_CORRECT_PARAMETERS,
    returnType: "void",
    docs: ["correct[j] += 1 when output j (row r's outputs at out[o..]) and target j are on the same side of 0.5."],
    body: (out) => {
      if (OUT === 1) {
        out.line("if (out[o]! >= 0.5 === y[r]! >= 0.5) correct[0]! += 1;");
        return;
      }
      out.block(`for (let j = 0; j < ${int(OUT)}; j++)`, () => {
        out.line(`if (out[o + j]! >= 0.5 === ${read("y", times("r", OUT), "j")} >= 0.5) correct[j]! += 1;`);
      });
    },
  });
}

/** The counters countCorrect fills: one for argmax, one a label for threshold. */
function counters(ir: ModelIR): string {
  return int(accuracyKind(ir) === "argmax" ? 1 : ir.outputSize);
}

/** accuracy = counted / this (rows for argmax, rows x outputs for threshold). */
function accuracyDenominator(ir: ModelIR): string {
  return accuracyKind(ir) === "argmax" || ir.outputSize === 1 ? "rows" : `(rows * ${int(ir.outputSize)})`;
}

/** `let total = sum of correct`: the counters summed, after countCorrect ran over the rows. */
function emitTotalCorrect(out: CodeLines): void {
  out.line("let total = 0;");
  out.line("for (let j = 0; j < correct.length; j++) total += correct[j]!;");
}

/** The parameters of the forward-only metrics: parameters, rows of x and y, and the output buffer. */
const METRIC_PARAMETERS = params(["params", "ParamArray"], ["x", "Float64Array"], ["y", "Float64Array"], ["rows", "number"], ["out", "Float64Array"]);

/** ACCURACY_COUNTERS: how many counters countCorrect fills (0 without accuracy: the Trainer then keeps no batch outputs). */
function emitAccuracyCounters(ir: ModelIR): string {
  const doc =
    accuracyKind(ir) === "none"
      ? "No accuracy for this loss: the Trainer keeps no batch outputs and counts nothing."
      : "How many counters countCorrect fills: the running training accuracy is their sum / (rows x counters).";
  return withDocs([doc], `const ACCURACY_COUNTERS = ${accuracyKind(ir) === "none" ? "0" : counters(ir)};`);
}

function emitCountBatchCorrect(ir: ModelIR): string {
  const acc = accuracyKind(ir);
  return printFunction({
    name: "countBatchCorrect",
    // Without accuracy the parameters go unused: _-prefixed, as the strict compiler options want.
    parameters: params(["out", "Float64Array"], ["y", "Float64Array"], ["order", "Uint32Array"], ["start", "number"], ["rows", "number"], ["correct", "Float64Array"]).map((p) =>
      acc === "none" ? { ...p, name: `_${p.name}` } : p,
    ),
    returnType: "void",
    docs:
      acc === "none"
        ? ["Nothing to count without accuracy (never called: ACCURACY_COUNTERS is 0)."]
        : ["Counts a training batch for the running accuracy: its rows' outputs in out, row r's targets at y row order[start + r]."],
    body: (out) => {
      if (acc !== "none") out.line(`for (let r = 0; r < rows; r++) countCorrect(out, ${times("r", ir.outputSize)}, y, order[start + r]!, correct);`);
    },
  });
}

function emitEvaluateRows(ir: ModelIR): string {
  const acc = accuracyKind(ir);
  const result =
    acc === "none"
      ? "{ loss }"
      : ir.loss.kind === "multilabel_bce"
        ? `{ loss, accuracy: total / ${accuracyDenominator(ir)}, labelAccuracy: Array.from(correct, (c) => c / rows) }`
        : `{ loss, accuracy: total / ${accuracyDenominator(ir)} }`;
  return printFunction({
    name: "evaluateRows",
    parameters: [...METRIC_PARAMETERS, { name: "lossOfRows", type: "typeof lossOf", initializer: "lossOf" }],
    returnType: "Evaluation",
    docs: [
      "J on rows (data loss + regularization: lossOf, the same sums as lossAndGradient without the",
      `backward pass, or lossOfRows in its place)${acc === "none" ? "" : " and the accuracy of the outputs it writes"}${acc === "none" ? "." : ""}`,
      ...(acc === "none" ? [] : [`into out (rows x ${int(ir.outputSize)}).`]),
    ],
    body: (out) => {
      out.line("const loss = lossOfRows(params, x, y, rows, out);");
      if (acc !== "none") {
        out.line(`const correct = new Float64Array(${counters(ir)});`);
        out.line(`for (let r = 0; r < rows; r++) countCorrect(out, ${times("r", ir.outputSize)}, y, r, correct);`);
        emitTotalCorrect(out);
      }
      out.line(`return ${result};`);
    },
  });
}

function emitAddEpochMetrics(ir: ModelIR): string {
  const accuracy = accuracyKind(ir) !== "none";
  return printFunction({
    name: "addEpochMetrics",
    parameters: params(["logs", "EpochLogs"], ["params", "ParamArray"], ["run", "FitRun"], [accuracy ? "correct" : "_correct", "Float64Array"], [accuracy ? "correctRows" : "_correctRows", "number"]),
    returnType: "void",
    docs: accuracy
      ? [
          "The end-of-epoch metrics: the running training accuracy from the counts of the epoch's batches,",
          "and loss and accuracy on the validation rows with the epoch's final weights, forward only.",
        ]
      : ["The end-of-epoch metrics: the loss on the validation rows with the epoch's final weights, forward only."],
    body: (out) => {
      if (accuracy) {
        out.block("if (correctRows > 0)", () => {
          emitTotalCorrect(out);
          out.line("logs.accuracy = total / (correctRows * correct.length);");
        });
      }
      out.block("if (run.valX !== null && run.valY !== null && run.valRows > 0)", () => {
        out.line("const v = evaluateRows(params, run.valX, run.valY, run.valRows, run.valOut, run.lossOf);");
        out.line("logs.val_loss = v.loss;");
        if (accuracy) out.line("logs.val_accuracy = v.accuracy;");
      });
    },
  });
}
