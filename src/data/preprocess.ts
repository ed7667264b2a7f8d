/**
 * The preprocessing plan: how each raw CSV column becomes model inputs, fitted on the training
 * rows only and then applied, unchanged, to validation, test, predict and evaluate data (and baked
 * into exported modules). Plain typed data, saved as JSON with the weights.
 *
 *   numeric column:     x' = ((x, or the fill when empty) - offset) / scale   (one input)
 *   categorical column: one-hot over the levels seen in training (one input a level); an empty
 *                       field takes the fill level; an unknown level is an error or all zeros.
 *
 * As scikit-learn's SimpleImputer + StandardScaler / MinMaxScaler + OneHotEncoder in a
 * ColumnTransformer: population std, a constant column is only centred (scale 1), one-hot inputs
 * are not scaled, categories are sorted.
 */
import type { Dataset } from "./csv.js";
import { dataError, fail, ok, quoteName, type DataError, type Result } from "./errors.js";
import { MISSING_VALUE } from "./number.js";
import { compareCodeUnits } from "./labels.js";
import type { ColumnMode, RawColumn } from "./raw-column.js";

export type ScaleKind = "standard" | "minmax" | "none";
export type ImputeKind = "mean" | "median" | "most_frequent";
export const SCALE_KINDS: readonly ScaleKind[] = ["standard", "minmax", "none"];
export const IMPUTE_KINDS: readonly ImputeKind[] = ["mean", "median", "most_frequent"];

export interface NumericStep {
  readonly kind: "numeric";
  readonly column: string;
  /** The value an empty field takes (imputation), or null: empty is an error. */
  readonly fill: number | null;
  readonly offset: number;
  readonly scale: number;
}

export interface CategoricalStep {
  readonly kind: "categorical";
  readonly column: string;
  /** The levels seen in training, sorted: one input each, in this order. */
  readonly levels: readonly string[];
  /** The level an empty field takes, or null: empty is an error. */
  readonly fill: string | null;
}

export type ColumnStep = NumericStep | CategoricalStep;

export interface PreprocessingPlan {
  readonly columns: readonly ColumnStep[];
  readonly scale: ScaleKind;
  readonly impute: ImputeKind | null;
  /** An unseen category: an error, or all zeros. */
  readonly unknown: "error" | "ignore";
  /**
   * The training file's columns the model does not read (the label, an id): keys a raw row may
   * hold besides the plan's columns. Absent in files written before it (then any key is let pass).
   */
  readonly otherColumns?: readonly string[];
}

export interface PlanFitOptions {
  /** Columns to one-hot even when they hold numbers (codes). */
  readonly categorical?: readonly string[];
  readonly impute?: ImputeKind | null;
  readonly scale?: ScaleKind;
  readonly unknown?: "error" | "ignore";
}

/** The model inputs a plan produces, by name: `col` for a number, `col=level` for a one-hot input. */
export function inputNames(plan: PreprocessingPlan): string[] {
  return plan.columns.flatMap((c) => (c.kind === "numeric" ? [c.column] : c.levels.map((l) => `${c.column}=${l}`)));
}

export function inputWidth(plan: PreprocessingPlan): number {
  return plan.columns.reduce((n, c) => n + (c.kind === "numeric" ? 1 : c.levels.length), 0);
}

/** "9 = 4 numeric + 5 one-hot from city(3), plan(2)" (or "4 = 4 numeric"). */
export function describeWidth(plan: PreprocessingPlan): string {
  const numeric = plan.columns.filter((c) => c.kind === "numeric").length;
  const categorical = plan.columns.filter((c): c is CategoricalStep => c.kind === "categorical");
  const oneHot = categorical.reduce((n, c) => n + c.levels.length, 0);
  const parts: string[] = [];
  if (numeric > 0 || oneHot === 0) parts.push(`${numeric} numeric`);
  if (oneHot > 0) parts.push(`${oneHot} one-hot from ${categorical.map((c) => `${c.column}(${c.levels.length})`).join(", ")}`);
  return `${inputWidth(plan)} = ${parts.join(" + ")}`;
}

/** How the reader must store each column for this plan (predict, evaluate). */
export function columnModes(plan: PreprocessingPlan): Map<string, ColumnMode> {
  return new Map(plan.columns.map((c) => [c.column, c.kind] as const));
}

/** The plan of a weights file written before plans existed: every column a number, standardized or not. */
export function numericPlan(features: readonly string[], scaling: { readonly mean: readonly number[]; readonly std: readonly number[] } | null): PreprocessingPlan {
  return {
    columns: features.map((column, i) => ({ kind: "numeric", column, fill: null, offset: scaling?.mean[i] ?? 0, scale: scaling?.std[i] ?? 1 })),
    scale: scaling === null ? "none" : "standard",
    impute: null,
    unknown: "error",
  };
}

/** Rows (indices into the dataset) with no empty feature field: --drop-missing. */
export function rowsWithoutMissing(d: Dataset): Int32Array {
  const keep: number[] = [];
  for (let r = 0; r < d.rows; r++) {
    if (!d.columns.some((c) => isMissing(c, r))) keep.push(r);
  }
  return Int32Array.from(keep);
}

/** An empty field: no level code, or (in a numbers-only column) no number. */
export function isMissing(c: RawColumn, r: number): boolean {
  return c.codes === null ? Number.isNaN(c.numbers[r]!) : c.codes[r] === -1;
}

function missingAdvice(): string {
  return "fill it with --impute mean|median|most_frequent (fitted on the training split) or leave such rows out with --drop-missing";
}

/** Fits the plan on the rows `train` of `d`. */
export function fitPlan(d: Dataset, train: Int32Array, options: PlanFitOptions = {}): Result<PreprocessingPlan> {
  const forced = new Set(options.categorical ?? []);
  for (const name of forced) {
    if (!d.featureNames.includes(name)) return fail(dataError("missing-column", d.file, 1, name, `--categorical names a column that is not a feature (features: ${d.featureNames.map(quoteName).join(", ")})`));
  }
  const impute = options.impute ?? null;
  const scale = options.scale ?? "none";
  const steps: ColumnStep[] = [];
  for (const column of d.columns) {
    const step = forced.has(column.name) || column.firstText !== null ? fitCategorical(d, column, train, impute) : fitNumeric(d, column, train, impute, scale);
    if (!step.ok) return step;
    steps.push(step.value);
  }
  return ok({ columns: steps, scale, impute, unknown: options.unknown ?? "error", otherColumns: d.otherColumns });
}

function allMissing(d: Dataset, column: RawColumn): DataError {
  return dataError("all-missing", d.file, null, column.name, "every value of the column is missing in the training rows; leave it out with --ignore");
}

function fitNumeric(d: Dataset, column: RawColumn, train: Int32Array, impute: ImputeKind | null, scale: ScaleKind): Result<NumericStep> {
  const values: number[] = [];
  let firstMissing = -1;
  for (const r of train) {
    const v = column.numbers[r]!;
    if (!Number.isNaN(v)) values.push(v);
    else if (firstMissing < 0 || r < firstMissing) firstMissing = r;
  }
  if (values.length === 0) return fail(allMissing(d, column));
  if (firstMissing >= 0 && impute === null) return fail(missingError(d, column.name, firstMissing));
  // Fitted whenever imputing: validation and later files may have holes the training rows do not.
  const fill = impute === null ? null : impute === "mean" ? mean(values) : impute === "median" ? median(values) : mostFrequentNumber(values);
  if (fill !== null) for (let i = values.length; i < train.length; i++) values.push(fill);
  const { offset, factor } = scaling(values, scale);
  if (!Number.isFinite(offset) || !Number.isFinite(factor) || (fill !== null && !Number.isFinite(fill))) {
    return fail(dataError("non-finite-statistic", d.file, null, column.name, `cannot ${scale === "none" ? "impute" : `scale (--scale ${scale})`}: the fitted statistics of the column are not finite numbers`));
  }
  return ok({ kind: "numeric", column: column.name, fill, offset, scale: factor });
}

function fitCategorical(d: Dataset, column: RawColumn, train: Int32Array, impute: ImputeKind | null): Result<CategoricalStep> {
  const codes = column.codes!;
  const counts = new Map<number, number>();
  let firstMissing = -1;
  for (const r of train) {
    const code = codes[r]!;
    if (code >= 0) counts.set(code, (counts.get(code) ?? 0) + 1);
    else if (firstMissing < 0 || r < firstMissing) firstMissing = r;
  }
  if (counts.size === 0) return fail(allMissing(d, column));
  if (firstMissing >= 0 && impute === null) return fail(missingError(d, column.name, firstMissing));
  const levels = [...counts.keys()].map((code) => column.levels[code]!).sort(compareCodeUnits);
  let fill: string | null = null;
  if (impute !== null) {
    // A category has no mean or median: empty fields take the most frequent level (first in order on ties).
    let best = -1;
    for (const [code, n] of counts) {
      const level = column.levels[code]!;
      if (best < 0 || n > counts.get(best)! || (n === counts.get(best)! && compareCodeUnits(level, column.levels[best]!) < 0)) best = code;
    }
    fill = column.levels[best]!;
  }
  return ok({ kind: "categorical", column: column.name, levels, fill });
}

function missingError(d: Dataset, column: string, row: number): DataError {
  return dataError("missing-value", d.file, d.rowLines[row]!, column, `${MISSING_VALUE}; ${missingAdvice()}`);
}

/** The mean; when the plain sum overflows (values near 1e308), the mean of v / max|v| scaled back. */
function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  const plain = s / values.length;
  if (Number.isFinite(plain)) return plain;
  const big = largestMagnitude(values);
  let scaled = 0;
  for (const v of values) scaled += v / big;
  return (scaled / values.length) * big;
}

function largestMagnitude(values: readonly number[]): number {
  let big = 0;
  for (const v of values) big = Math.max(big, Math.abs(v));
  return big;
}

/** Population std around m; when the squares overflow (values near 1e154 and up), computed on v / max|v| and scaled back. */
function spread(values: readonly number[], m: number): number {
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  const plain = Math.sqrt(ss / values.length);
  if (Number.isFinite(plain)) return plain;
  const big = largestMagnitude(values);
  const ms = m / big;
  let scaled = 0;
  for (const v of values) scaled += (v / big - ms) * (v / big - ms);
  return Math.sqrt(scaled / values.length) * big;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The most frequent value, the smallest on ties (as SimpleImputer). */
function mostFrequentNumber(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = Number.NaN;
  let bestCount = 0;
  for (const [v, n] of counts) if (n > bestCount || (n === bestCount && v < best)) [best, bestCount] = [v, n];
  return best;
}

/** offset and factor of (x - offset) / factor; a constant column keeps factor 1. */
function scaling(values: readonly number[], kind: ScaleKind): { offset: number; factor: number } {
  if (kind === "none") return { offset: 0, factor: 1 };
  if (kind === "minmax") {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const range = hi - lo;
    return { offset: lo, factor: range > 0 ? range : 1 }; // an overflowing range stays Infinity, refused by fitNumeric
  }
  const m = mean(values);
  const std = spread(values, m);
  // Non-finite statistics are refused by the caller (fitNumeric), never saved as a silent 1.
  return { offset: m, factor: std > 0 || !Number.isFinite(std) ? std : 1 };
}

/**
 * The inputs of the rows `indices` (all rows when null) as a rows x inputWidth matrix, or the first
 * field the plan cannot take (empty without a fill, an unseen category), with its row and column.
 */
export function applyPlan(plan: PreprocessingPlan, d: Dataset, indices: Int32Array | null = null): Result<Float64Array> {
  const width = inputWidth(plan);
  const rows = indices === null ? d.rows : indices.length;
  const out = new Float64Array(rows * width);
  const byName = new Map(d.columns.map((c) => [c.name, c] as const));
  let offset = 0;
  for (const step of plan.columns) {
    const column = byName.get(step.column);
    if (column === undefined) return fail(dataError("missing-column", d.file, 1, step.column, "the model needs this column, and the file has none of that name"));
    const problem = step.kind === "numeric" ? fillNumeric(step, column, d, indices, out, width, offset) : fillOneHot(step, plan.unknown, column, d, indices, out, width, offset);
    if (problem !== null) return fail(problem);
    offset += step.kind === "numeric" ? 1 : step.levels.length;
  }
  return ok(out);
}

function fillNumeric(step: NumericStep, column: RawColumn, d: Dataset, indices: Int32Array | null, out: Float64Array, width: number, offset: number): DataError | null {
  const rows = indices === null ? d.rows : indices.length;
  for (let i = 0; i < rows; i++) {
    const r = indices === null ? i : indices[i]!;
    let v = column.numbers[r]!;
    if (Number.isNaN(v)) {
      const code = column.codes?.[r] ?? -1;
      if (code >= 0) return dataError("not-a-number", d.file, d.rowLines[r]!, step.column, `${quoteName(column.levels[code]!)} is not a number (the model takes this column as numbers)`);
      if (step.fill === null) return dataError("missing-value", d.file, d.rowLines[r]!, step.column, `${MISSING_VALUE}; ${missingAdvice()}`);
      v = step.fill;
    }
    out[i * width + offset] = (v - step.offset) / step.scale;
  }
  return null;
}

function fillOneHot(step: CategoricalStep, unknown: "error" | "ignore", column: RawColumn, d: Dataset, indices: Int32Array | null, out: Float64Array, width: number, offset: number): DataError | null {
  const codes = column.codes;
  if (codes === null) return dataError("too-many-levels", d.file, null, step.column, "the model takes this column as categories, but it has too many distinct values to be one");
  const levelIndex = new Map(step.levels.map((l, i) => [l, i] as const));
  // Each level of the file maps once to the plan's index: -1 unknown, -2 empty.
  const toPlan = column.levels.map((l) => levelIndex.get(l) ?? -1);
  const fillIndex = step.fill === null ? -2 : levelIndex.get(step.fill) ?? -2;
  const rows = indices === null ? d.rows : indices.length;
  for (let i = 0; i < rows; i++) {
    const r = indices === null ? i : indices[i]!;
    const code = codes[r]!;
    const k = code < 0 ? fillIndex : toPlan[code]!;
    if (code < 0 && k === -2) return dataError("missing-value", d.file, d.rowLines[r]!, step.column, `${MISSING_VALUE}; ${missingAdvice()}`);
    if (k === -1) {
      if (unknown === "ignore") continue;
      return dataError(
        "unknown-category",
        d.file,
        d.rowLines[r]!,
        step.column,
        `unknown category ${quoteName(column.levels[code]!)}: the training rows had ${step.levels.map(quoteName).join(", ")} (--unknown ignore encodes unseen ones as all zeros)`,
      );
    }
    out[i * width + offset + k] = 1;
  }
  return null;
}

/** Validates a plan read back from JSON (weights files are user-editable); the message names the field. */
export function planFromJSON(value: unknown): Result<PreprocessingPlan, string> {
  if (typeof value !== "object" || value === null) return fail("preprocessing must be an object");
  const v = value as Record<string, unknown>;
  if (!SCALE_KINDS.includes(v.scale as ScaleKind)) return fail(`preprocessing.scale must be one of ${SCALE_KINDS.join(", ")}`);
  if (v.impute !== null && !IMPUTE_KINDS.includes(v.impute as ImputeKind)) return fail(`preprocessing.impute must be null or one of ${IMPUTE_KINDS.join(", ")}`);
  if (v.unknown !== "error" && v.unknown !== "ignore") return fail('preprocessing.unknown must be "error" or "ignore"');
  if (!Array.isArray(v.columns) || v.columns.length === 0) return fail("preprocessing.columns must be a non-empty list");
  const columns: ColumnStep[] = [];
  for (const [i, raw] of (v.columns as unknown[]).entries()) {
    const at = `preprocessing.columns[${i}]`;
    const c = raw as Record<string, unknown> | null;
    if (typeof c !== "object" || c === null || typeof c.column !== "string") return fail(`${at} must be an object with a column name`);
    if (c.kind === "numeric") {
      const finite = (n: unknown): n is number => typeof n === "number" && Number.isFinite(n);
      if (!finite(c.offset) || !finite(c.scale) || c.scale === 0) return fail(`${at}: offset and scale must be finite numbers, scale not 0`);
      if (c.fill !== null && !finite(c.fill)) return fail(`${at}.fill must be null or a finite number`);
      columns.push({ kind: "numeric", column: c.column, fill: c.fill, offset: c.offset, scale: c.scale });
    } else if (c.kind === "categorical") {
      if (!Array.isArray(c.levels) || c.levels.length === 0 || !c.levels.every((l) => typeof l === "string")) return fail(`${at}.levels must be a non-empty list of strings`);
      if (c.fill !== null && (typeof c.fill !== "string" || !c.levels.includes(c.fill))) return fail(`${at}.fill must be null or one of its levels`);
      columns.push({ kind: "categorical", column: c.column, levels: c.levels as string[], fill: c.fill });
    } else {
      return fail(`${at}.kind must be "numeric" or "categorical"`);
    }
  }
  const plan: PreprocessingPlan = { columns, scale: v.scale as ScaleKind, impute: v.impute as ImputeKind | null, unknown: v.unknown };
  if (v.otherColumns === undefined) return ok(plan);
  if (!Array.isArray(v.otherColumns) || !v.otherColumns.every((c) => typeof c === "string")) return fail("preprocessing.otherColumns must be a list of column names");
  return ok({ ...plan, otherColumns: v.otherColumns as string[] });
}
