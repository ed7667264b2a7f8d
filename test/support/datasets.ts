/**
 * The datasets for tests, from examples/data (byte-identical copies of ../shared/datasets, see its
 * README; test/data checks they stay identical where ../shared exists): read, shuffle with a seed,
 * split into train/test, standardize features with the training split's mean and std.
 * The CSVs are plain (no quoting, no missing values), so a split on "," is a full parser here.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const DATASET_DIR = fileURLToPath(new URL("../../examples/data/", import.meta.url));

export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly number[])[];
}

export function readDataset(name: string): Table {
  const lines = readFileSync(`${DATASET_DIR}${name}.csv`, "utf8").trim().split("\n");
  const header = lines[0]!.split(",");
  const rows = lines.slice(1).map((line, i) =>
    line.split(",").map((cell) => {
      const v = Number(cell);
      if (!Number.isFinite(v)) throw new Error(`${name}.csv row ${i + 2}: not a number: ${cell}`);
      return v;
    }),
  );
  return { header, rows };
}

/** mulberry32: a small seeded generator, independent of the one under test. */
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

/** A seeded Fisher-Yates permutation of 0..n-1. */
export function permutation(n: number, seed: number): number[] {
  const random = mulberry32(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

export interface Split {
  readonly xTrain: number[][];
  readonly yTrain: number[][];
  readonly xTest: number[][];
  readonly yTest: number[][];
}

/**
 * Shuffles rows with `seed`, keeps the first (1 - testFraction) for training, the rest for
 * testing; the last `targets` columns are y. With standardize, each feature becomes
 * (x - mean) / std with mean and std of the training rows (std 0 -> 1).
 */
export function splitDataset(table: Table, options: { targets: number; testFraction: number; seed: number; standardize: boolean }): Split {
  const order = permutation(table.rows.length, options.seed);
  const rows = order.map((i) => table.rows[i]!);
  const nTrain = Math.round(rows.length * (1 - options.testFraction));
  const features = table.header.length - options.targets;
  const x = rows.map((r) => r.slice(0, features));
  const y = rows.map((r) => r.slice(features));
  let xs = x;
  if (options.standardize) {
    const train = x.slice(0, nTrain);
    const mean = Array.from({ length: features }, (_, k) => train.reduce((s, r) => s + r[k]!, 0) / train.length);
    const std = Array.from({ length: features }, (_, k) => {
      const v = train.reduce((s, r) => s + (r[k]! - mean[k]!) ** 2, 0) / train.length;
      return v > 0 ? Math.sqrt(v) : 1;
    });
    xs = x.map((r) => r.map((v, k) => (v - mean[k]!) / std[k]!));
  }
  return { xTrain: xs.slice(0, nTrain), yTrain: y.slice(0, nTrain), xTest: xs.slice(nTrain), yTest: y.slice(nTrain) };
}

/** Share of rows whose argmax matches the class id. */
export function classAccuracy(predictions: number[][], classIds: readonly (readonly number[])[]): number {
  let correct = 0;
  predictions.forEach((p, r) => {
    const best = p.indexOf(Math.max(...p));
    if (best === classIds[r]![0]) correct++;
  });
  return correct / predictions.length;
}

/** Per-output share of predictions on the right side of 0.5. */
export function labelAccuracy(predictions: number[][], y: readonly (readonly number[])[]): number[] {
  const width = y[0]!.length;
  return Array.from({ length: width }, (_, j) => predictions.filter((p, r) => p[j]! >= 0.5 === y[r]![j]! >= 0.5).length / predictions.length);
}

/** Coefficient of determination of one output: 1 - SS_res / SS_tot. */
export function rSquared(predictions: number[][], y: readonly (readonly number[])[]): number {
  const mean = y.reduce((s, r) => s + r[0]!, 0) / y.length;
  let res = 0;
  let tot = 0;
  y.forEach((r, i) => {
    res += (predictions[i]![0]! - r[0]!) ** 2;
    tot += (r[0]! - mean) ** 2;
  });
  return 1 - res / tot;
}
