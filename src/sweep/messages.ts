/** Messages of the search space (E04xx): choices, ranges and the `sweep` statement. */
import type { Span } from "../syntax/ast.js";
import { excerpt as x, type Diagnostic } from "../syntax/diagnostic.js";

const error = (code: string, span: Span, message: string, help?: string): Diagnostic =>
  help === undefined ? { code, severity: "error", message, span } : { code, severity: "error", message, span, help };

export const sweepMessages = {
  tooManyTrials: (span: Span, trials: number, limit: number) =>
    error("E0401", span, `the grid has ${trials > 1e15 ? "more than 10^15" : trials.toLocaleString("en-US")} trials, more than the limit of ${limit.toLocaleString("en-US")}`, "search it at random instead: `sweep random=50`"),
  choiceNotAllowed: (span: Span, where: string) => error("E0402", span, `a choice or range cannot stand for ${where}`, "write one value here"),
  emptyRange: (span: Span, low: string, high: string) => error("E0403", span, `range \`${x(low)}..${x(high)}\` is empty: the low end is above the high end`),
  logOfNonPositive: (span: Span, low: string) =>
    error("E0404", span, `a log range needs a low end above 0, found \`${x(low)}\``, "use a uniform range `(0..hi)`, or start the log range at a small positive value such as 1e-6"),
  intRangeNotIntegers: (span: Span, text: string) => error("E0405", span, `an int range needs integer ends, found \`${x(text)}\``),
  rangeInGrid: (span: Span) => error("E0406", span, "a range has no grid of values", "use `sweep random=N` (or `halving` with `random=N`), or a choice `{a, b, c}`"),
  tooFewEpochs: (span: Span, epochs: number, needed: number) =>
    error("E0407", span, `successive halving needs at least ${needed} epochs (min_epochs x factor), but the program trains ${epochs}`, "lower min_epochs or factor, or train for more epochs"),
  badSetting: (span: Span, what: string, got: string) => error("E0408", span, `expected ${what}, found \`${x(got)}\``),
  unknownSetting: (span: Span, word: string, help?: string) => error("E0409", span, `unknown sweep setting \`${x(word)}\``, help ?? "the sweep statement takes grid, random=N, halving, factor=, min_epochs=, cv=, repeats=, metric= and seed="),
  duplicateSweep: (span: Span) => error("E0410", span, "duplicate sweep statement", "a program has at most one sweep statement"),
  metricForTask: (span: Span, metric: string, task: string) => error("E0411", span, `metric \`${metric}\` does not apply to a ${task} model`, task === "regression" ? "use val_loss or val_r2" : "use val_loss or val_accuracy"),
} as const;
