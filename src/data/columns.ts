/**
 * Which CSV columns are features and which are targets, decided from the header row alone, so the
 * reader can store each field straight into the right typed array while the file streams in.
 */
import { suggest } from "../ir/suggest.js";
import { dataError, fail, ok, quoteName, type Result } from "./errors.js";

/** What the rows must hold besides the features. */
export type TargetSpec =
  /** One column of class ids (0..classCount-1) or class names; binary models have classCount 2. */
  | {
      readonly kind: "class";
      readonly column: string;
      readonly classCount: number;
      /** The names a trained model already knows (predict, resume); new names are then errors. */
      readonly classNames?: readonly string[] | null;
    }
  /** One 0/1 column per output. */
  | { readonly kind: "multilabel"; readonly columns: readonly string[] }
  /** One real-valued column per output. */
  | { readonly kind: "regression"; readonly columns: readonly string[] }
  /** Features only (predict). */
  | { readonly kind: "none" };

export interface ColumnPlan {
  /** Number of fields every row must have. */
  readonly width: number;
  readonly featureIndex: readonly number[];
  readonly featureNames: readonly string[];
  readonly targetIndex: readonly number[];
  readonly targetNames: readonly string[];
}

export interface PlanOptions {
  readonly target: TargetSpec;
  /** Take exactly these feature columns, by name and in this order (a trained model's inputs). */
  readonly features?: readonly string[] | null;
  /** The model's input size: the feature count must match it. */
  readonly inputSize?: number | null;
}

export function targetColumns(target: TargetSpec): readonly string[] {
  switch (target.kind) {
    case "class":
      return [target.column];
    case "multilabel":
    case "regression":
      return target.columns;
    case "none":
      return [];
  }
}

/** Empty names and duplicates make "column x" ambiguous in every later message: refuse them. */
export function validateHeader(file: string, header: readonly string[]): Result<null> {
  const seen = new Map<string, number>();
  for (let i = 0; i < header.length; i++) {
    const name = header[i]!;
    if (name === "") return fail(dataError("empty-header", file, 1, null, `column ${i + 1} has no name (the header row names every column)`));
    const first = seen.get(name);
    if (first !== undefined) {
      return fail(dataError("duplicate-header", file, 1, name, `the column name appears twice (columns ${first + 1} and ${i + 1}); column names must be unique`));
    }
    seen.set(name, i);
  }
  return ok(null);
}

export function planColumns(file: string, header: readonly string[], options: PlanOptions): Result<ColumnPlan> {
  const headerCheck = validateHeader(file, header);
  if (!headerCheck.ok) return headerCheck;
  const indexOf = new Map(header.map((name, i) => [name, i] as const));
  const targetNames = targetColumns(options.target);
  const targetIndex: number[] = [];
  for (const name of [...targetNames, ...(options.features ?? [])]) {
    if (!indexOf.has(name)) return fail(dataError("missing-column", file, 1, null, missingColumnMessage(name, header)));
  }
  for (const name of targetNames) targetIndex.push(indexOf.get(name)!);
  const targetSet = new Set(targetNames);
  const featureNames = options.features ? [...options.features] : header.filter((name) => !targetSet.has(name));
  const featureIndex = featureNames.map((name) => indexOf.get(name)!);
  const inputSize = options.inputSize ?? null;
  if (inputSize !== null && featureNames.length !== inputSize) {
    return fail(dataError("feature-count", file, 1, null, featureCountMessage(inputSize, featureNames, targetNames)));
  }
  return ok({ width: header.length, featureIndex, featureNames, targetIndex, targetNames });
}

function missingColumnMessage(name: string, header: readonly string[]): string {
  const close = suggest(name, header.map((h) => h.toLowerCase()));
  const original = close === undefined ? undefined : header.find((h) => h.toLowerCase() === close);
  const hint = original === undefined ? "" : `; did you mean ${quoteName(original)}?`;
  return `there is no column named ${quoteName(name)}${hint} (columns: ${listNames(header)})`;
}

function featureCountMessage(inputSize: number, features: readonly string[], targets: readonly string[]): string {
  const rest = targets.length === 0 ? "every column" : `every column except ${targets.map(quoteName).join(", ")}`;
  const advice = targets.length === 0 ? "" : "; name the target columns with --label, --labels or --target";
  return `the model takes ${inputSize} input${inputSize === 1 ? "" : "s"}, but there ${features.length === 1 ? "is" : "are"} ${features.length} feature column${features.length === 1 ? "" : "s"} (${rest}): ${listNames(features)}${advice}`;
}

export function listNames(names: readonly string[], max = 12): string {
  const shown = names.slice(0, max).map(quoteName).join(", ");
  return names.length > max ? `${shown}, ... (${names.length} in all)` : shown;
}
