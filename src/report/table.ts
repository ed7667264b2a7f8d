/**
 * Plain-text tables for the terminal: functions returning lines, no colour (the CLI colours).
 * Numbers are right-aligned, text left-aligned; every cell is already a string.
 */
import type { ClassificationMetrics, MultilabelMetrics, RegressionMetrics, TaskMetrics } from "./metrics.js";
import type { TrainingDiagnostics } from "./training-diagnostics.js";

export type Align = "left" | "right";

export interface TableSpec {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Per column; default: first column left, the others right. */
  readonly align?: readonly Align[];
  /** Indices of rows preceded by a rule (e.g. totals). */
  readonly rulesBefore?: readonly number[];
}

export function renderTable(spec: TableSpec): string[] {
  const { headers, rows } = spec;
  const align = headers.map((_, k) => spec.align?.[k] ?? (k === 0 ? "left" : "right"));
  const widths = headers.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, k) => (align[k] === "right" ? cell.padStart(widths[k]!) : cell.padEnd(widths[k]!)))
      .join("  ")
      .trimEnd();
  const rule = "─".repeat(widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1));
  const out = [line(headers), rule];
  rows.forEach((r, i) => {
    if (spec.rulesBefore?.includes(i)) out.push(rule);
    out.push(line(headers.map((_, k) => r[k] ?? "")));
  });
  return out;
}

/** 0.9666 -> "96.67%" */
export function percent(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

/** Losses and errors: 4 significant digits, exponent for very small or large values. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a < 1e-4 || a >= 1e6 ? x.toExponential(3) : x.toPrecision(4);
}

export function fixed(x: number, digits = 3): string {
  return x.toFixed(digits);
}

export interface LossRow {
  readonly split: string;
  readonly rows: number;
  readonly loss: number;
  readonly accuracy: number | null;
}

/** train / validation loss and accuracy, one row each. */
export function lossTable(entries: readonly LossRow[]): string[] {
  const withAccuracy = entries.some((e) => e.accuracy !== null);
  return renderTable({
    headers: withAccuracy ? ["", "rows", "loss", "accuracy"] : ["", "rows", "loss"],
    rows: entries.map((e) => [e.split, String(e.rows), num(e.loss), ...(withAccuracy ? [e.accuracy === null ? "" : percent(e.accuracy)] : [])]),
  });
}

export function classificationTable(m: ClassificationMetrics): string[] {
  const rows = m.classes.map((c) => [c.name, fixed(c.precision), fixed(c.recall), fixed(c.f1), String(c.support)]);
  rows.push(["macro avg", fixed(m.macro.precision), fixed(m.macro.recall), fixed(m.macro.f1), String(m.rows)]);
  rows.push(["weighted avg", fixed(m.weighted.precision), fixed(m.weighted.recall), fixed(m.weighted.f1), String(m.rows)]);
  rows.push(["accuracy", "", "", fixed(m.accuracy), String(m.rows)]);
  return renderTable({ headers: ["class", "precision", "recall", "f1", "support"], rows, rulesBefore: [m.classes.length] });
}

/** Rows are the true classes, columns the predicted ones. */
export function confusionTable(m: ClassificationMetrics): string[] {
  const names = m.classes.map((c) => c.name);
  return renderTable({
    headers: ["true \\ predicted", ...names],
    rows: m.confusion.map((row, t) => [names[t]!, ...row.map(String)]),
  });
}

export function multilabelTable(m: MultilabelMetrics): string[] {
  const rows = m.labels.map((l) => [l.name, percent(l.accuracy), fixed(l.precision), fixed(l.recall), fixed(l.f1), String(l.support)]);
  rows.push(["mean", percent(m.meanAccuracy), "", "", "", ""]);
  rows.push(["all labels right", percent(m.exactMatch), "", "", "", String(m.rows)]);
  return renderTable({ headers: ["label", "accuracy", "precision", "recall", "f1", "positives"], rows, rulesBefore: [m.labels.length] });
}

export function regressionTable(m: RegressionMetrics): string[] {
  const rows = m.outputs.map((o) => [o.name, num(o.mse), num(o.mae), fixed(o.r2, 4)]);
  if (m.outputs.length > 1) rows.push(["mean", num(m.mse), num(m.mae), fixed(m.r2, 4)]);
  return renderTable({ headers: ["target", "MSE", "MAE", "R^2"], rows, rulesBefore: m.outputs.length > 1 ? [m.outputs.length] : [] });
}

/** The task's own tables, blank line between them. */
export function metricsTables(m: TaskMetrics): string[] {
  switch (m.kind) {
    case "classification":
      return [...classificationTable(m), "", ...confusionTable(m)];
    case "multilabel":
      return multilabelTable(m);
    case "regression":
      return regressionTable(m);
  }
}

/** One row per layer: gradient norm at the end, dead relu units. */
export function diagnosticsTable(d: TrainingDiagnostics): string[] {
  const last = d.gradientNorms[d.gradientNorms.length - 1] ?? [];
  const dead = new Map(d.deadUnits.map((u) => [u.name, u]));
  return renderTable({
    headers: ["layer", "grad norm", "|dW|", "|db|", "dead relu"],
    rows: last.map((l) => {
      const u = dead.get(l.name);
      return [l.name, num(l.norm), num(l.weightNorm), num(l.biasNorm), u === undefined ? "-" : `${u.dead}/${u.units} (${percent(u.share)})`];
    }),
  });
}
