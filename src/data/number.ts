/**
 * Strict number parsing for CSV fields. Number() is too lenient for data: it reads "" as 0,
 * "0x1A" as 26 and " 1 " as 1, so a hole or a typo would silently become a value.
 */

export type NumberField =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly reason: "missing" | "nan" | "infinity" | "overflow" | "not-a-number" };

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NAN = /^[+-]?nan$/i;
const INFINITY = /^[+-]?(?:inf|infinity)$/i;

/** Spaces around a number are harmless (even inside quotes, where csv-parse keeps them). */
export function parseNumberField(raw: string): NumberField {
  const text = raw.trim();
  if (text === "") return { ok: false, reason: "missing" };
  if (DECIMAL.test(text)) {
    const value = Number(text);
    return Number.isFinite(value) ? { ok: true, value } : { ok: false, reason: "overflow" };
  }
  if (NAN.test(text)) return { ok: false, reason: "nan" };
  if (INFINITY.test(text)) return { ok: false, reason: "infinity" };
  return { ok: false, reason: "not-a-number" };
}
