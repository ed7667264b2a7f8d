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
  /** The header's other columns (the targets, ignored or unused ones), in header order. */
  readonly otherNames: readonly string[];
}

export interface PlanOptions {
  readonly target: TargetSpec;
  /** Take exactly these feature columns, by name and in this order (a trained model's inputs). */
  readonly features?: readonly string[] | null;
  /** Leave these columns out (an id, a name); never the targets. */
  readonly ignore?: readonly string[] | null;
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
  for (const name of [...targetNames, ...(options.features ?? []), ...(options.ignore ?? [])]) {
    if (!indexOf.has(name)) return fail(dataError("missing-column", file, 1, null, missingColumnMessage(name, header)));
  }
  for (const name of targetNames) targetIndex.push(indexOf.get(name)!);
  const targetSet = new Set(targetNames);
  for (const name of [...(options.features ?? []), ...(options.ignore ?? [])]) {
    if (targetSet.has(name)) {
      const flag = options.features?.includes(name) === true ? "--features" : "--ignore";
      return fail(dataError("target-as-feature", file, 1, name, `${flag} names the target column; the target is never a feature (and cannot be left out)`));
    }
  }
  const ignored = new Set(options.ignore ?? []);
  const featureNames = options.features ? [...options.features] : header.filter((name) => !targetSet.has(name) && !ignored.has(name));
  if (featureNames.length === 0) return fail(dataError("no-features", file, 1, null, `no feature columns are left (columns: ${listNames(header)})`));
  const featureIndex = featureNames.map((name) => indexOf.get(name)!);
  const features = new Set(featureNames);
  return ok({ width: header.length, featureIndex, featureNames, targetIndex, targetNames, otherNames: header.filter((name) => !features.has(name)) });
}

function missingColumnMessage(name: string, header: readonly string[]): string {
  const close = suggest(name, header.map((h) => h.toLowerCase()));
  const original = close === undefined ? undefined : header.find((h) => h.toLowerCase() === close);
  const hint = original === undefined ? "" : `; did you mean ${quoteName(original)}?`;
  return `there is no column named ${quoteName(name)}${hint} (columns: ${listNames(header)})`;
}

export function listNames(names: readonly string[], max = 12): string {
  const shown = names.slice(0, max).map(quoteName).join(", ");
  return names.length > max ? `${shown}, ... (${names.length} in all)` : shown;
}
