/**
 * From a CSV file to the arrays the trainer takes: read (streaming, validated), split off test and
 * validation rows (stratified for classes), fit the preprocessing plan on the training rows
 * (src/data/preprocess.ts) and encode every part with it. Errors come back as CliErrors with the
 * data module's file/row/column message.
 */
import { resolve } from "node:path";
import { classWeighting } from "../codegen/loss.js";
import { checkBatchFits } from "../data/batch.js";
import type { TargetSpec } from "../data/columns.js";
import { readCsvFile, type Dataset } from "../data/csv.js";
import type { Delimiter } from "../data/delimiter.js";
import { dataError, formatDataError, type DataError } from "../data/errors.js";
import { applyPlan, describeWidth, fitPlan, inputWidth, rowsWithoutMissing, type PreprocessingPlan } from "../data/preprocess.js";
import type { ColumnMode } from "../data/raw-column.js";
import { gatherRows, range, splitRows, targetMatrix } from "../data/split.js";
import type { ModelIR } from "../ir/types.js";
import type { ClassWeightFlag, DataOptions } from "./data-flags.js";
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

/** The seed of the test split, apart from validation's so the two never line up. */
const TEST_SPLIT_SALT = 0x7e57;

/** Leaves out rows (--drop-missing), splits test and validation off, fits the plan on the training rows and encodes every part. */
export function prepare(d: Dataset, ir: ModelIR, options: PrepareOptions): Prepared {
  const ids = d.targets.kind === "class" ? d.targets.ids : null;
  const kept = options.data.dropMissing ? rowsWithoutMissing(d) : range(d.rows);
  if (kept.length === 0) throw dataFailure(dataError("no-rows", d.file, null, null, "every row has an empty feature field, so --drop-missing leaves none"));
  const keptIds = ids === null ? null : Int32Array.from(kept, (i) => ids[i]!);
  const testSplit = splitRows(kept.length, options.test, (options.seed ^ TEST_SPLIT_SALT) >>> 0, keptIds);
  const rest = Int32Array.from(testSplit.train, (i) => kept[i]!);
  const restIds = ids === null ? null : Int32Array.from(rest, (i) => ids[i]!);
  const split = splitRows(rest.length, options.validation, options.seed, restIds);
  const trainRows = Int32Array.from(split.train, (i) => rest[i]!);
  const validationRows = Int32Array.from(split.validation, (i) => rest[i]!);
  const testRows = Int32Array.from(testSplit.validation, (i) => kept[i]!);

  const fitted = fitPlan(d, trainRows, { categorical: options.data.categorical, impute: options.data.impute, scale: options.data.scale, unknown: options.data.unknown });
  if (!fitted.ok) throw dataFailure(fitted.error);
  const plan = fitted.value;
  checkInputWidth(plan, ir, d, options.program);
  const y = targetMatrix(d.targets, ir.outputSize);
  const part = (indices: Int32Array): Part => ({
    rows: indices.length,
    x: encodeRows(plan, d, indices),
    y: gatherRows(y, ir.outputSize, indices),
    ids: ids === null ? null : Int32Array.from(indices, (i) => ids[i]!),
  });
  const tooSmall = checkBatchFits(d.file, trainRows.length, options.batch);
  if (tooSmall !== null) throw dataFailure(tooSmall);
  const train = part(trainRows);
  return { dataset: d, train, validation: part(validationRows), test: part(testRows), plan, classWeight: classWeights(options.data.classWeight, d, train, ir) };
}

/** The program's `input N` against the encoded width, with how it was counted and the line to write. */
function checkInputWidth(plan: PreprocessingPlan, ir: ModelIR, d: Dataset, program: { readonly file: string; readonly source: string }): void {
  const width = inputWidth(plan);
  if (width === ir.inputSize) return;
  const lines = program.source.split(/\r?\n/);
  const at = lines.findIndex((l) => /^\s*input\s+\d+/.test(l.replace(/#.*/, "")));
  const fix = at < 0 ? `input ${width}` : lines[at]!.replace(/(^\s*input\s+)\d+/, `$1${width}`).trim();
  const where = at < 0 ? program.file : `${program.file}:${at + 1}`;
  throw new CliError(
    `mlpc: ${d.file}: the data encodes to ${width} inputs (${describeWidth(plan)}), but ${program.file} takes input ${ir.inputSize}\n` +
      `  write in ${where}: ${fix}`,
    EXIT_PROGRAM_ERROR,
  );
}

/** Per class id the weight of its rows (--class-weight), from the training split for balanced. */
export function classWeights(flag: ClassWeightFlag | null, d: Dataset, train: Part, ir: ModelIR): number[] | null {
  if (flag === null) return null;
  const weighting = classWeighting(ir);
  if (weighting.by === null) {
    throw new CliError(`mlpc: --class-weight needs a classifier of one label (softmax_ce, or bce with one output); ${ir.name} uses ${ir.loss.kind}: ${weighting.why}`, EXIT_USAGE);
  }
  const t = d.targets;
  if (t.kind !== "class") throw new CliError("mlpc: --class-weight needs a classifier (a --label column)", EXIT_USAGE);
  const K = t.classCount;
  const names = t.classNames ?? Array.from({ length: K }, (_, k) => String(k));
  if (flag.kind === "balanced") {
    const counts = new Array<number>(K).fill(0);
    for (const id of train.ids!) counts[id]!++;
    // scikit-learn's balanced: n / (K * n_k); a class absent from training gets weight 1 (it has no rows to weigh).
    return counts.map((n) => (n === 0 ? 1 : train.rows / (K * n)));
  }
  const weights = new Array<number>(K).fill(1);
  for (const [name, w] of flag.weights) {
    const k = names.indexOf(name);
    if (k < 0) throw new CliError(`mlpc: --class-weight names class ${JSON.stringify(name)}, but the classes are ${names.map((n) => JSON.stringify(n)).join(", ")}`, EXIT_USAGE);
    weights[k] = w;
  }
  return weights;
}

/** FNV-1a over the bytes of the data, so a resumed run can tell it is given the same file. */
export function checksum(...arrays: readonly ArrayLike<number>[]): string {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const f = a instanceof Float64Array ? a : Float64Array.from(a);
    const bytes = new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}
