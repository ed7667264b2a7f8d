/**
 * The parts of turning a dataset into training arrays that `mlpc train` (src/cli/dataset.ts) and
 * `mlpc sweep` (src/sweep) share, so a sweep's folds and its refit see rows, encodings and class
 * weights made by the same code as train's: which rows train, validate and test; the preprocessing
 * plan fitted on training rows; the class weights; the input width check; the data checksum.
 */
import type { Dataset } from "./csv.js";
import { dataError, fail, ok, type Result } from "./errors.js";
import { describeWidth, fitPlan, inputWidth, rowsWithoutMissing, type ImputeKind, type PreprocessingPlan, type ScaleKind } from "./preprocess.js";
import { range, splitRows } from "./split.js";

/** --class-weight: balanced (n / (K n_k) on the training split, as scikit-learn) or class=weight pairs. */
export type ClassWeightFlag = { readonly kind: "balanced" } | { readonly kind: "given"; readonly weights: readonly (readonly [string, number])[] };

/** How the feature columns become inputs, and how rows weigh (train's and sweep's data flags past the column choice). */
export interface PreprocessSettings {
  readonly categorical: readonly string[];
  readonly unknown: "error" | "ignore";
  readonly impute: ImputeKind | null;
  readonly dropMissing: boolean;
  readonly scale: ScaleKind;
  readonly classWeight: ClassWeightFlag | null;
}

export const NO_PREPROCESSING: PreprocessSettings = { categorical: [], unknown: "error", impute: null, dropMissing: false, scale: "none", classWeight: null };

export interface RowSplit {
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly test: Int32Array;
}

/** The seed of the test split, apart from validation's so the two never line up. */
const TEST_SPLIT_SALT = 0x7e57;

/**
 * The dataset rows of each part, as `mlpc train --val V --test T --seed S` takes them: rows with an
 * empty field left out first (--drop-missing), then a stratified test split, then a stratified
 * validation split of the rest.
 */
export function splitTrainingRows(d: Dataset, options: { readonly dropMissing: boolean; readonly validation: number; readonly test: number; readonly seed: number }): Result<RowSplit> {
  const ids = d.targets.kind === "class" ? d.targets.ids : null;
  const kept = options.dropMissing ? rowsWithoutMissing(d) : range(d.rows);
  if (kept.length === 0) return fail(dataError("no-rows", d.file, null, null, "every row has an empty feature field, so --drop-missing leaves none"));
  const keptIds = ids === null ? null : Int32Array.from(kept, (i) => ids[i]!);
  const testSplit = splitRows(kept.length, options.test, (options.seed ^ TEST_SPLIT_SALT) >>> 0, keptIds);
  const rest = Int32Array.from(testSplit.train, (i) => kept[i]!);
  const restIds = ids === null ? null : Int32Array.from(rest, (i) => ids[i]!);
  const split = splitRows(rest.length, options.validation, options.seed, restIds);
  return ok({
    train: Int32Array.from(split.train, (i) => rest[i]!),
    validation: Int32Array.from(split.validation, (i) => rest[i]!),
    test: Int32Array.from(testSplit.validation, (i) => kept[i]!),
  });
}

/** The preprocessing plan fitted on the dataset rows `train`. */
export function fitPlanOn(d: Dataset, train: Int32Array, settings: PreprocessSettings): Result<PreprocessingPlan> {
  return fitPlan(d, train, { categorical: settings.categorical, impute: settings.impute, scale: settings.scale, unknown: settings.unknown });
}

/** The model has `input N`, the plan makes another width: the message (how the width was counted), else null. */
export function inputWidthProblem(plan: PreprocessingPlan, inputSize: number, d: Dataset, program: { readonly file: string; readonly source: string }): string | null {
  const width = inputWidth(plan);
  if (width === inputSize) return null;
  const lines = program.source.split(/\r?\n/);
  const at = lines.findIndex((l) => /^\s*input\s+\d+/.test(l.replace(/#.*/, "")));
  const fix = at < 0 ? `input ${width}` : lines[at]!.replace(/(^\s*input\s+)\d+/, `$1${width}`).trim();
  const where = at < 0 ? program.file : `${program.file}:${at + 1}`;
  return `${d.file}: the data encodes to ${width} inputs (${describeWidth(plan)}), but ${program.file} takes input ${inputSize}\n  write in ${where}: ${fix}`;
}

/**
 * Per class id the weight of its rows (--class-weight) for training on the dataset rows `train`
 * (balanced counts them), or null without the flag; a message when the flag does not fit.
 */
export function classWeightsFor(flag: ClassWeightFlag | null, d: Dataset, train: Int32Array, model: { readonly name: string; readonly lossKind: string }): Result<number[] | null, string> {
  if (flag === null) return ok(null);
  if (model.lossKind !== "softmax_ce") {
    // Only softmax_ce's loss is linear in the targets, which is how the Trainer weighs rows exactly.
    return fail(`--class-weight needs a softmax_ce model; ${model.name} uses ${model.lossKind} (for two classes write dense 2 softmax with loss softmax_ce)`);
  }
  const t = d.targets;
  if (t.kind !== "class") return fail("--class-weight needs a classifier (a --label column)");
  const K = t.classCount;
  const names = t.classNames ?? Array.from({ length: K }, (_, k) => String(k));
  if (flag.kind === "balanced") {
    const counts = new Array<number>(K).fill(0);
    for (const r of train) counts[t.ids[r]!]!++;
    // scikit-learn's balanced: n / (K * n_k); a class absent from training gets weight 1 (it has no rows to weigh).
    return ok(counts.map((n) => (n === 0 ? 1 : train.length / (K * n))));
  }
  const weights = new Array<number>(K).fill(1);
  for (const [name, w] of flag.weights) {
    const k = names.indexOf(name);
    if (k < 0) return fail(`--class-weight names class ${JSON.stringify(name)}, but the classes are ${names.map((n) => JSON.stringify(n)).join(", ")}`);
    weights[k] = w;
  }
  return ok(weights);
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

/** checksum() of the dataset as read: every feature column (numbers and category codes) and the targets. */
export function datasetChecksum(d: Dataset): string {
  const t = d.targets;
  const targets = t.kind === "class" ? t.ids : t.kind === "none" ? [] : t.y;
  return checksum(...d.columns.flatMap((c) => (c.codes === null ? [c.numbers] : [c.numbers, c.codes])), targets);
}

/**
 * `plan` with the categories of `reference` (same columns): a fold's plan, fitted on the fold's
 * training rows, encodes to the width of the plan of all rows even when a category is missing
 * from the fold (its input is then 0 on every training row of the fold).
 */
export function withLevelsOf(plan: PreprocessingPlan, reference: PreprocessingPlan): PreprocessingPlan {
  const levels = new Map(reference.columns.flatMap((c) => (c.kind === "categorical" ? [[c.column, c.levels] as const] : [])));
  return { ...plan, columns: plan.columns.map((c) => (c.kind === "categorical" ? { ...c, levels: levels.get(c.column) ?? c.levels } : c)) };
}
