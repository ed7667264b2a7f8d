/**
 * Standardization (z = (x - mean) / std), fitted on the training split only so validation stays
 * unseen, and saved with the weights as plain JSON so predict scales new data the same way.
 * As scikit-learn's StandardScaler: population std (divide by n), and a constant column gets
 * std 1 (it is only centred) instead of a division by zero.
 */
import { fail, ok, type Result } from "./errors.js";

export interface Standardizer {
  readonly kind: "standardize";
  readonly features: readonly string[];
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * Fits on the rows `indices` (all rows when null) of a rows x width matrix. Two passes, for
 * accuracy. A column whose sum or squares overflow (values near 1e154 and up) is fitted again on
 * values divided by its largest magnitude, so its mean and spread stay right instead of
 * overflowing (the plain passes are kept for every other column, so their bits never change).
 */
export function fitStandardizer(x: Float64Array, features: readonly string[], indices: Int32Array | null = null): Standardizer {
  const width = features.length;
  const rows = indices === null ? x.length / width : indices.length;
  const rowAt = (r: number): number => (indices === null ? r : indices[r]!) * width;
  const mean = new Array<number>(width).fill(0);
  const std = new Array<number>(width).fill(0);
  for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) mean[c]! += x[rowAt(r) + c]!;
  for (let c = 0; c < width; c++) mean[c] = rows === 0 ? 0 : mean[c]! / rows;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < width; c++) {
      const d = x[rowAt(r) + c]! - mean[c]!;
      std[c]! += d * d;
    }
  }
  for (let c = 0; c < width; c++) {
    let s = rows === 0 ? 0 : Math.sqrt(std[c]! / rows);
    if (!Number.isFinite(mean[c]!) || !Number.isFinite(s)) {
      const scaled = scaledMoments(x, width, c, rows, rowAt);
      mean[c] = scaled.mean;
      s = scaled.std;
    }
    std[c] = s > 0 ? s : 1;
  }
  return { kind: "standardize", features: [...features], mean, std };
}

/** Mean and population std of column c computed on x / max|x|, then scaled back: no overflow for finite data. */
function scaledMoments(x: Float64Array, width: number, c: number, rows: number, rowAt: (r: number) => number): { mean: number; std: number } {
  let scale = 0;
  for (let r = 0; r < rows; r++) scale = Math.max(scale, Math.abs(x[rowAt(r) + c]!));
  if (scale === 0 || !Number.isFinite(scale)) return { mean: NaN, std: NaN };
  let m = 0;
  for (let r = 0; r < rows; r++) m += x[rowAt(r) + c]! / scale;
  m /= rows;
  let v = 0;
  for (let r = 0; r < rows; r++) {
    const d = x[rowAt(r) + c]! / scale - m;
    v += d * d;
  }
  return { mean: m * scale, std: Math.sqrt(v / rows) * scale };
}

/** The first feature whose fitted mean or std is not finite (only non-finite data can cause it), or null. */
export function nonFiniteStatistic(s: Standardizer): string | null {
  for (let c = 0; c < s.features.length; c++) if (!Number.isFinite(s.mean[c]!) || !Number.isFinite(s.std[c]!)) return s.features[c]!;
  return null;
}

/** A scaled copy of a rows x width matrix. */
export function applyStandardizer(s: Standardizer, x: Float64Array): Float64Array {
  const width = s.mean.length;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const c = i % width;
    const z = (x[i]! - s.mean[c]!) / s.std[c]!;
    // x - mean overflows when both are near the float64 limit; the split form does not.
    out[i] = Number.isFinite(z) ? z : x[i]! / s.std[c]! - s.mean[c]! / s.std[c]!;
  }
  return out;
}

/** Validates a standardizer read back from JSON (weights files are user-editable). */
export function standardizerFromJSON(value: unknown): Result<Standardizer, string> {
  if (typeof value !== "object" || value === null) return fail("scaling must be an object");
  const v = value as Record<string, unknown>;
  if (v.kind !== "standardize") return fail(`unknown scaling kind ${JSON.stringify(v.kind)}`);
  const { features, mean, std } = v;
  if (!Array.isArray(features) || !features.every((f) => typeof f === "string")) return fail("scaling.features must be a list of column names");
  if (!isFiniteList(mean, features.length)) return fail(`scaling.mean must be ${features.length} finite numbers`);
  if (!isFiniteList(std, features.length) || !std.every((s) => s > 0)) return fail(`scaling.std must be ${features.length} positive finite numbers`);
  return ok({ kind: "standardize", features: features as string[], mean, std });
}

function isFiniteList(value: unknown, length: number): value is number[] {
  return Array.isArray(value) && value.length === length && value.every((n) => typeof n === "number" && Number.isFinite(n));
}
