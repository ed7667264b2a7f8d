/**
 * From a CSV file to the arrays the trainer takes: read (streaming, validated), split off test and
 * validation rows (stratified for classes), fit the preprocessing plan on the training rows
 * (src/data/preprocess.ts) and encode every part with it. Errors come back as CliErrors with the
 * data module's file/row/column message.
 */
import { resolve } from "node:path";
import { checkBatchFits } from "../data/batch.js";
import type { TargetSpec } from "../data/columns.js";
import { readCsvFile, type Dataset } from "../data/csv.js";
import type { Delimiter } from "../data/delimiter.js";
import { formatDataError, type DataError } from "../data/errors.js";
import { applyPlan, type PreprocessingPlan } from "../data/preprocess.js";
import { checksum, classWeightsFor, fitPlanOn, inputWidthProblem, splitTrainingRows, type ClassWeightFlag } from "../data/prepare.js";
import type { ColumnMode } from "../data/raw-column.js";
import { gatherRows, targetMatrix } from "../data/split.js";
import type { ModelIR } from "../ir/types.js";
import type { DataOptions } from "./data-flags.js";
import { CliError, EXIT_PROGRAM_ERROR, EXIT_USAGE, type Io } from "./io.js";
import type { SavedTarget } from "./saved.js";

export function dataFailure(e: DataError): CliError {
  return new CliError(`mlpc: ${formatDataError(e)}`, EXIT_PROGRAM_ERROR);
}

export interface ReadSettings {
  readonly target: TargetSpec;
  readonly features?: readonly string[] | null;
  readonly ignore?: readonly string[] | null;
  readonly delimiter?: Delimiter | null;
  readonly columnModes?: ReadonlyMap<string, ColumnMode> | null;
}

/** How train (and sweep, which must read the same rows and columns) read a training CSV under the data flags. */
export function trainingReadSettings(target: TargetSpec, data: DataOptions): ReadSettings {
  return { target, features: data.features, ignore: data.ignore, delimiter: data.delimiter, columnModes: new Map(data.categorical.map((c) => [c, "categorical"] as const)) };
}

export async function readDataset(io: Io, file: string, options: ReadSettings): Promise<Dataset> {
  const r = await readCsvFile(resolve(io.cwd, file), options, file);
  if (!r.ok) throw dataFailure(r.error);
  return r.value;
}

/** The inputs of a dataset under a fitted plan (predict, evaluate), or the plan's error as a CliError. */
export function encodeRows(plan: PreprocessingPlan, d: Dataset, indices: Int32Array | null = null): Float64Array {
  const x = applyPlan(plan, d, indices);
  if (!x.ok) throw dataFailure(x.error);
  return x.value;
}

export function savedTarget(d: Dataset): SavedTarget {
  const t = d.targets;
  switch (t.kind) {
    case "class":
      return { kind: "class", column: t.column, classCount: t.classCount, classNames: t.classNames };
    case "multilabel":
    case "regression":
      return { kind: t.kind, columns: t.columns };
    case "none":
      throw new Error("a training set has targets");
  }
}

export interface Part {
  readonly rows: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Class ids (classification), else null. */
  readonly ids: Int32Array | null;
}

export interface Prepared {
  readonly dataset: Dataset;
  readonly train: Part;
  readonly validation: Part;
  /** Held out by --test: never trained on nor used for early stopping; reported once at the end. */
  readonly test: Part;
  readonly plan: PreprocessingPlan;
  /** Per class id the weight of its rows' loss (--class-weight), or null. */
  readonly classWeight: readonly number[] | null;
}

export interface PrepareOptions {
  readonly validation: number;
  readonly test: number;
  readonly seed: number;
  readonly batch: number | "all";
  readonly data: DataOptions;
  /** The program file and its text, to show the input line to write when the width is wrong. */
  readonly program: { readonly file: string; readonly source: string };
}

/** Leaves out rows (--drop-missing), splits test and validation off, fits the plan on the training rows and encodes every part. */
export function prepare(d: Dataset, ir: ModelIR, options: PrepareOptions): Prepared {
  const ids = d.targets.kind === "class" ? d.targets.ids : null;
  const rows = splitTrainingRows(d, { dropMissing: options.data.dropMissing, validation: options.validation, test: options.test, seed: options.seed });
  if (!rows.ok) throw dataFailure(rows.error);
  const fitted = fitPlanOn(d, rows.value.train, options.data);
  if (!fitted.ok) throw dataFailure(fitted.error);
  const plan = fitted.value;
  const wrongWidth = inputWidthProblem(plan, ir.inputSize, d, options.program);
  if (wrongWidth !== null) throw new CliError(`mlpc: ${wrongWidth}`, EXIT_PROGRAM_ERROR);
  const y = targetMatrix(d.targets, ir.outputSize);
  const part = (indices: Int32Array): Part => ({
    rows: indices.length,
    x: encodeRows(plan, d, indices),
    y: gatherRows(y, ir.outputSize, indices),
    ids: ids === null ? null : Int32Array.from(indices, (i) => ids[i]!),
  });
  const tooSmall = checkBatchFits(d.file, rows.value.train.length, options.batch);
  if (tooSmall !== null) throw dataFailure(tooSmall);
  const train = part(rows.value.train);
  return { dataset: d, train, validation: part(rows.value.validation), test: part(rows.value.test), plan, classWeight: classWeights(options.data.classWeight, d, rows.value.train, ir) };
}

/** Per class id the weight of its rows (--class-weight) when training on the dataset rows `train`, or null. */
export function classWeights(flag: ClassWeightFlag | null, d: Dataset, train: Int32Array, ir: ModelIR): number[] | null {
  const weights = classWeightsFor(flag, d, train, { name: ir.name, lossKind: ir.loss.kind });
  if (!weights.ok) throw new CliError(`mlpc: ${weights.error}`, EXIT_USAGE);
  return weights.value;
}

export { checksum };
