/**
 * Strict number parsing for CSV fields. Number() is too lenient for data: it reads "" as 0,
 * "0x1A" as 26 and " 1 " as 1, so a hole or a typo would silently become a value.
 */

export type NumberField =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly reason: "missing" | "nan" | "infinity" | "overflow" | "not-a-number" };

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** The texts spreadsheets and R/pandas write for a hole, read as missing like an empty field. */
export const MISSING_MARKER = /^(?:na|\?|nan|null)$/i;

/** How messages name a missing value: every form that reads as one. */
export const MISSING_VALUE = "missing value (an empty field, NA, ?, NaN or null)";

/** True for an empty (or blank) field and for NA, ?, NaN and null in any case. */
export function isMissingField(raw: string): boolean {
  const text = raw.trim();
  return text === "" || MISSING_MARKER.test(text);
}
const NAN = /^[+-]?nan$/i;
const INFINITY = /^[+-]?(?:inf|infinity)$/i;

/** Spaces around a number are harmless (even inside quotes, where csv-parse keeps them). */
export function parseNumberField(raw: string): NumberField {
  const text = raw.trim();
  if (isMissingField(text)) return { ok: false, reason: "missing" };
  if (DECIMAL.test(text)) {
    const value = Number(text);
    return Number.isFinite(value) ? { ok: true, value } : { ok: false, reason: "overflow" };
  }
  if (NAN.test(text)) return { ok: false, reason: "nan" };
  if (INFINITY.test(text)) return { ok: false, reason: "infinity" };
  return { ok: false, reason: "not-a-number" };
}
