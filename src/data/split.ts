/**
 * Seeded shuffling and the train/validation split. The generator is mulberry32: tiny, 32-bit
 * integer arithmetic only, so the same seed gives the same split on every machine.
 */
import type { Targets } from "./csv.js";

/** A seeded generator of floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates, in place. */
export function shuffleInPlace(values: Int32Array, random: () => number): Int32Array {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = values[i]!;
    values[i] = values[j]!;
    values[j] = t;
  }
  return values;
}

export function range(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** A seeded permutation of 0..n-1. */
export function permutation(n: number, seed: number): Int32Array {
  return shuffleInPlace(range(n), mulberry32(seed));
}

export interface Split {
  /** Row indices, ascending (file order is kept; the trainer shuffles per epoch if asked). */
  readonly train: Int32Array;
  readonly validation: Int32Array;
}

/**
 * Holds out `fraction` of the rows, chosen at random with `seed`. With class ids the split is
 * stratified: each class gives round(count * fraction) rows, so both parts keep the class balance
 * (a sorted file like iris would otherwise leave a class out of validation entirely).
 */
export function splitRows(rows: number, fraction: number, seed: number, classIds: Int32Array | null = null): Split {
  if (fraction <= 0 || rows < 2) return { train: range(rows), validation: new Int32Array(0) };
  const random = mulberry32(seed);
  const groups = classIds === null ? [range(rows)] : groupByClass(classIds);
  const validation: number[] = [];
  const train: number[] = [];
  for (const group of groups) {
    shuffleInPlace(group, random);
    const take = Math.round(group.length * fraction);
    for (let i = 0; i < group.length; i++) (i < take ? validation : train).push(group[i]!);
  }
  // Rounding can empty one side on tiny data; both sides must hold at least one row.
  if (validation.length === 0) validation.push(train.pop()!);
  if (train.length === 0) train.push(validation.pop()!);
  return { train: sortedInt32(train), validation: sortedInt32(validation) };
}

function groupByClass(classIds: Int32Array): Int32Array[] {
  const members = new Map<number, number[]>();
  for (let i = 0; i < classIds.length; i++) {
    const id = classIds[i]!;
    let list = members.get(id);
    if (list === undefined) members.set(id, (list = []));
    list.push(i);
  }
  return [...members.keys()].sort((a, b) => a - b).map((id) => Int32Array.from(members.get(id)!));
}

function sortedInt32(values: number[]): Int32Array {
  return Int32Array.from(values).sort();
}

/** The rows `indices` of a rows x width row-major matrix. */
export function gatherRows(matrix: Float64Array, width: number, indices: Int32Array): Float64Array {
  const out = new Float64Array(indices.length * width);
  for (let r = 0; r < indices.length; r++) {
    const from = indices[r]! * width;
    out.set(matrix.subarray(from, from + width), r * width);
  }
  return out;
}

export function gatherIds(ids: Int32Array, indices: Int32Array): Int32Array {
  const out = new Int32Array(indices.length);
  for (let r = 0; r < indices.length; r++) out[r] = ids[indices[r]!]!;
  return out;
}

/** Class ids as one-hot rows (rows x classCount). */
export function oneHot(ids: Int32Array, classCount: number): Float64Array {
  const out = new Float64Array(ids.length * classCount);
  for (let r = 0; r < ids.length; r++) out[r * classCount + ids[r]!] = 1;
  return out;
}

/** Targets as the rows x outputs matrix lossAndGradient and fit take: one-hot for softmax, the ids for one sigmoid. */
export function targetMatrix(t: Targets, outputs: number): Float64Array {
  switch (t.kind) {
    case "class":
      return outputs === 1 ? Float64Array.from(t.ids) : oneHot(t.ids, outputs);
    case "multilabel":
    case "regression":
      return t.y;
    case "none":
      return new Float64Array(0);
  }
}
