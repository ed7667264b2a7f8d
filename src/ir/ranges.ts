/**
 * Ranges of numeric settings: the rule in words (as diagnostics print it) and its test. Data, so
 * the tables of optimizers and the checker's range pass share one spelling of each rule.
 */
export interface Range {
  readonly rule: string;
  readonly ok: (v: number) => boolean;
}

const isInt = Number.isSafeInteger;

export const positive: Range = { rule: "> 0", ok: (v) => v > 0 };
export const nonNegative: Range = { rule: ">= 0", ok: (v) => v >= 0 };
export const unitInterval: Range = { rule: "in [0, 1)", ok: (v) => v >= 0 && v < 1 };
export const positiveInt: Range = { rule: "an integer >= 1", ok: (v) => isInt(v) && v >= 1 };
export const nonNegativeInt: Range = { rule: "an integer >= 0", ok: (v) => isInt(v) && v >= 0 };
