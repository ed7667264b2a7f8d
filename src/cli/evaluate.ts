/**
 * `mlpc evaluate FILE --weights W --data CSV`: a trained model scored on labelled rows it has not
 * seen: the loss, accuracy, per-class precision / recall / F1 and the confusion matrix, ROC AUC for
 * two classes, MSE / MAE / R^2 for regression. The label columns default to the ones saved with the
 * weights; the saved preprocessing plan encodes the rows, as predict does.
 */
import type { Command } from "commander";
import type { TargetSpec } from "../data/columns.js";
import type { Targets } from "../data/csv.js";
import type { Delimiter } from "../data/delimiter.js";
import type { ModelIR } from "../ir/types.js";
import { classificationMetrics, multilabelMetrics, predictedClasses, regressionMetrics, rocCurve, type RocCurve, type TaskMetrics } from "../report/metrics.js";
import { fixed, lossTable, metricsTables } from "../report/table.js";
import { addTrainedDataOptions } from "./data-flags.js";
import { encodeRows } from "./dataset.js";
import { targetMatrix } from "../data/split.js";
import { CliError, EXIT_PROGRAM_ERROR, type Io } from "./io.js";
import { parseCount } from "./options.js";
import { loadTrained, readRawRows, withUnknown } from "./predict.js";
import { planOf, type SavedTarget } from "./saved.js";
import { loadProgram } from "./source.js";
import { columnList } from "./targets.js";

interface EvaluateFlags {
  weights: string;
  data: string;
  label?: string;
  labels?: string;
  target?: string;
  delimiter?: Delimiter;
  unknown?: "error" | "ignore";
  json?: boolean;
  simd?: boolean;
  maxParams: number;
}

export interface Evaluation {
  readonly rows: number;
  readonly loss: number;
  readonly accuracy: number | null;
  readonly metrics: TaskMetrics;
  readonly roc: RocCurve | null;
}

export function register(program: Command, io: Io): void {
  const command = program
    .command("evaluate")
    .description("score trained weights on labelled rows: loss, accuracy, per-class P/R/F1, confusion matrix, ROC AUC; MSE/MAE/R² for regression")
    .argument("<file>", "the .mlp program the weights were trained with")
    .requiredOption("--weights <file>", "weights written by mlpc train")
    .requiredOption("--data <csv>", "labelled rows: a CSV with the training columns and the label column(s)")
    .option("--label <column>", "class column (default: the one saved with the weights)")
    .option("--labels <columns>", "multilabel label columns (default: as saved)")
    .option("--target <columns>", "regression target columns (default: as saved)")
    .option("--json", "print one JSON object instead of tables");
  addTrainedDataOptions(command)
    .option("--simd", "big layers in WebAssembly SIMD kernels (f64x2)")
    .option("--max-params <n>", "total parameter limit", parseCount, 50_000_000)
    .action(async (file: string, flags: EvaluateFlags) => {
      await evaluate(file, flags, io);
    });
}

/** The saved target, with the column names the flags give instead. */
function targetOf(saved: SavedTarget, flags: EvaluateFlags): TargetSpec {
  if (saved.kind === "class") return { kind: "class", column: flags.label ?? saved.column, classCount: saved.classCount, classNames: saved.classNames };
  const given = saved.kind === "multilabel" ? flags.labels : flags.target;
  return { kind: saved.kind, columns: given === undefined ? saved.columns : columnList(given) };
}

async function evaluate(file: string, flags: EvaluateFlags, io: Io): Promise<void> {
  const { ir } = loadProgram(file, io, { maxParams: flags.maxParams });
  const { weights, trainer } = await loadTrained(io, file, ir, flags.weights, flags.simd === true);
  const target = targetOf(weights.target, flags);
  if (target.kind !== "class" && target.kind !== "none" && target.columns.length !== ir.outputSize) {
    throw new CliError(`mlpc: ${target.columns.length} target column${target.columns.length === 1 ? "" : "s"} named, but ${ir.name} has ${ir.outputSize} outputs`, EXIT_PROGRAM_ERROR);
  }
  const data = await readRawRows(io, flags.data, weights, target, flags.delimiter ?? null);
  const x = encodeRows(withUnknown(planOf(weights), flags.unknown), data);
  const y = targetMatrix(data.targets, ir.outputSize);
  const scored = trainer.evaluate(x, y);
  const outputs = Float64Array.from(trainer.predict(x).flat());
  const result = { rows: data.rows, loss: scored.loss, accuracy: scored.accuracy ?? null, ...metricsOf(ir, data.targets, outputs, data.rows) };
  io.stdout(flags.json === true ? JSON.stringify({ event: "evaluation", data: flags.data, ...result }) + "\n" : evaluationText(flags.data, result));
}

/** The task's metrics, and the ROC curve of a two-class model (the positive class is class 1). */
export function metricsOf(ir: ModelIR, t: Targets, outputs: Float64Array, rows: number): { metrics: TaskMetrics; roc: RocCurve | null } {
  switch (t.kind) {
    case "class": {
      const names = t.classNames ?? Array.from({ length: t.classCount }, (_, k) => String(k));
      const metrics = classificationMetrics(t.ids, predictedClasses(outputs, rows, ir.outputSize), names);
      const positive = ir.outputSize === 1 ? outputs : gatherColumn(outputs, ir.outputSize, 1);
      return { metrics, roc: t.classCount === 2 ? rocCurve(t.ids, positive) : null };
    }
    case "multilabel":
      return { metrics: multilabelMetrics(t.y, outputs, rows, t.columns), roc: null };
    case "regression":
      return { metrics: regressionMetrics(t.y, outputs, rows, t.columns), roc: null };
    case "none":
      throw new Error("evaluate reads targets");
  }
}

function gatherColumn(values: Float64Array, width: number, column: number): Float64Array {
  return Float64Array.from({ length: values.length / width }, (_, r) => values[r * width + column]!);
}

function evaluationText(file: string, e: Evaluation): string {
  const out = [...lossTable([{ split: file, rows: e.rows, loss: e.loss, accuracy: e.accuracy }]), "", ...metricsTables(e.metrics)];
  if (e.roc !== null) out.push("", `ROC AUC ${fixed(e.roc.auc, 4)}`);
  return out.join("\n") + "\n";
}
