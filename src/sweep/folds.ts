/**
 * Where each trial trains and validates: stratified k-fold (as scikit-learn's StratifiedKFold with
 * shuffle) or one stratified 80/20 split, over the rows the search may see. Seeded, so every
 * trial of a sweep, on any worker, sees the same folds.
 */
import { mulberry32, shuffleInPlace, splitRows } from "../data/split.js";

export interface Fold {
  /** Row indices into the whole dataset, ascending. */
  readonly train: Int32Array;
  readonly validation: Int32Array;
}

/** The fraction held out when the sweep has no `cv=`. */
export const DEFAULT_VALIDATION = 0.2;

/**
 * k folds of `rows` (dataset row indices): each class's rows are shuffled and dealt round-robin,
 * continuing the deal from class to class, so fold sizes differ by at most one row and each fold
 * keeps the class balance.
 */
export function stratifiedKFold(rows: Int32Array, classIds: Int32Array | null, k: number, seed: number): Fold[] {
  const random = mulberry32(seed);
  const groups = groupRows(rows, classIds);
  const assigned: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const group of groups) {
    shuffleInPlace(group, random);
    for (let i = 0; i < group.length; i++) assigned[(next + i) % k]!.push(group[i]!);
    next = (next + group.length) % k;
  }
  return assigned.map((validation, f) => ({
    validation: Int32Array.from(validation).sort(),
    train: Int32Array.from(assigned.flatMap((other, g) => (g === f ? [] : other))).sort(),
  }));
}

/** One stratified validation split of `rows`, as `mlpc train --val 0.2` splits the whole file. */
export function holdoutFold(rows: Int32Array, classIds: Int32Array | null, seed: number): Fold {
  const local = splitRows(rows.length, DEFAULT_VALIDATION, seed, classIds === null ? null : Int32Array.from(rows, (r) => classIds[r]!));
  return { train: Int32Array.from(local.train, (i) => rows[i]!), validation: Int32Array.from(local.validation, (i) => rows[i]!) };
}

function groupRows(rows: Int32Array, classIds: Int32Array | null): Int32Array[] {
  if (classIds === null) return [Int32Array.from(rows)];
  const members = new Map<number, number[]>();
  for (const r of rows) {
    const id = classIds[r]!;
    let list = members.get(id);
    if (list === undefined) members.set(id, (list = []));
    list.push(r);
  }
  return [...members.keys()].sort((a, b) => a - b).map((id) => Int32Array.from(members.get(id)!));
}
