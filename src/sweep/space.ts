/**
 * A search space read from the grammar's tree: its dimensions (every choice and range, with a
 * readable name), the `sweep` statement's settings, and the rest of the program as a template.
 * Pure: no data, no training.
 */
import type { Choice, Ident, NumberLit, RangeNode, SpaceArg, SpaceElement, SpaceItem, SpaceProgram, SpaceStatement, SpaceValue, Span, Value } from "../syntax/ast.js";
import type { Diagnostic } from "../syntax/diagnostic.js";
import { lowerMessages } from "../ir/messages.js";
import { didYouMean } from "../ir/suggest.js";
import { sweepMessages as m } from "./messages.js";

export type SweepMode = "grid" | "random" | "halving";
export type SweepMetric = "val_loss" | "val_accuracy" | "val_r2";
export const SWEEP_METRICS: readonly SweepMetric[] = ["val_loss", "val_accuracy", "val_r2"];

/** A grid or a random sample never holds more trials than this. */
export const MAX_TRIALS = 10_000;
export const MAX_FOLDS = 20;
export const MAX_REPEATS = 20;

export interface RangeBounds {
  readonly scale: "log" | "uniform" | "int";
  readonly low: number;
  readonly high: number;
}

export interface Dimension {
  /** Unique, readable: `units`, `activation`, `depth`, `lr`, `batch`, `units_2`. */
  readonly name: string;
  readonly node: Choice | RangeNode;
  /** The choice's values, or null for a range. */
  readonly values: readonly Value[] | null;
  /** The range's bounds, or null for a choice. */
  readonly range: RangeBounds | null;
}

export interface SweepSettings {
  readonly mode: SweepMode;
  /** random=N (also for halving: its first rung); null = the whole grid. */
  readonly samples: number | null;
  readonly factor: number;
  readonly minEpochs: number;
  /** Folds of stratified k-fold; null = one stratified 80/20 validation split. */
  readonly cv: number | null;
  readonly repeats: number;
  /** null: val_accuracy for classifiers, val_loss otherwise (decided once the task is known). */
  readonly metric: SweepMetric | null;
  readonly metricSpan: Span | null;
  /** null: the program's train seed. */
  readonly seed: number | null;
  /** Where the sweep statement is (or the first dimension, when there is none). */
  readonly span: Span;
}

export interface Space {
  /** The program without its sweep statement. */
  readonly template: SpaceProgram;
  readonly dimensions: readonly Dimension[];
  readonly settings: SweepSettings;
}

const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER_RE = /^[+-]?\d+$/;
const SETTING_WORDS = ["grid", "random", "halving", "factor", "min_epochs", "cv", "repeats", "metric", "seed"] as const;

/** Reads the space; diagnostics for misplaced choices, bad ranges and bad sweep settings. */
export function readSpace(program: SpaceProgram): { space: Space | null; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const sweepStatements = program.statements.filter(isSweepStatement);
  for (const extra of sweepStatements.slice(1)) diagnostics.push(m.duplicateSweep(extra.span));
  const template: SpaceProgram = { ...program, statements: program.statements.filter((s) => !isSweepStatement(s)) };
  const dimensions = collectDimensions(template, diagnostics);
  const sweepItem = sweepStatements[0]?.items[0] as SpaceItem | undefined;
  const fallbackSpan = sweepItem?.span ?? dimensions[0]?.node.span ?? { start: 0, end: 0 };
  const settings = readSettings(sweepItem, dimensions, fallbackSpan, diagnostics);
  if (settings !== null && settings.mode === "grid") {
    const ranged = dimensions.find((d) => d.range !== null);
    if (ranged !== undefined) diagnostics.push(m.rangeInGrid(ranged.node.span));
    else {
      const trials = gridSize(dimensions);
      if (trials > MAX_TRIALS) diagnostics.push(m.tooManyTrials(fallbackSpan, trials, MAX_TRIALS));
    }
  }
  if (settings === null || diagnostics.some((d) => d.severity === "error")) return { space: null, diagnostics };
  return { space: { template, dimensions, settings }, diagnostics };
}

export function isSweepStatement(s: SpaceStatement): boolean {
  const first = s.items[0];
  return s.items.length === 1 && first?.kind === "Item" && first.head.name === "sweep";
}

/** The number of grid points (choices only); Infinity when a dimension is a range. */
export function gridSize(dimensions: readonly Dimension[]): number {
  return dimensions.reduce((n, d) => n * (d.values === null ? Infinity : d.values.length), 1);
}

// ---- dimensions ----

const POSITIONAL_NAMES: Readonly<Record<string, readonly string[]>> = {
  dense: ["units", "activation"],
  dropout: ["rate"],
  optimizer: ["optimizer"],
  loss: ["loss"],
  init: ["init"],
};

function collectDimensions(program: SpaceProgram, diagnostics: Diagnostic[]): Dimension[] {
  const out: Dimension[] = [];
  const used = new Map<string, number>();
  const add = (base: string, node: Choice | RangeNode): void => {
    const count = (used.get(base) ?? 0) + 1;
    used.set(base, count);
    const dim = dimensionOf(count === 1 ? base : `${base}_${count}`, node, diagnostics);
    if (dim !== null) out.push(dim);
  };
  const visitValue = (v: SpaceValue, name: string | null, where: string): void => {
    if (v.kind !== "Choice" && v.kind !== "Range") return;
    if (name === null) diagnostics.push(m.choiceNotAllowed(v.span, where));
    else add(name, v);
  };
  const visitItem = (item: SpaceItem): void => {
    const head = item.head.name;
    const positional = POSITIONAL_NAMES[head] ?? [];
    let k = 0;
    for (const arg of item.args) visitArg(arg, head, positional[k++] ?? null);
  };
  const visitArg = (arg: SpaceArg, head: string, positionalName: string | null): void => {
    if (arg.kind === "Option") return visitValue(arg.value, arg.name.name, `\`${arg.name.name}\``);
    if (arg.kind === "Call") {
      for (const o of arg.options) visitValue(o.value, o.name.name, `\`${o.name.name}\``);
      return;
    }
    const where = head === "model" ? "the model's name" : head === "input" ? "the input size (the data decides it)" : `an argument of \`${head}\``;
    visitValue(arg, head === "model" || head === "input" ? null : (positionalName ?? head), where);
  };
  const visitElements = (elements: readonly SpaceElement[]): void => {
    for (const e of elements) {
      if (e.kind === "Item") visitItem(e);
      else {
        visitElements(e.items);
        if (e.count.kind !== "Number") add("depth", e.count);
      }
    }
  };
  for (const stmt of program.statements) visitElements(stmt.items);
  return out;
}

function dimensionOf(name: string, node: Choice | RangeNode, diagnostics: Diagnostic[]): Dimension | null {
  if (node.kind === "Choice") return { name, node, values: node.options, range: null };
  const low = boundOf(node.low, diagnostics);
  const high = boundOf(node.high, diagnostics);
  if (low === undefined || high === undefined) return null;
  if (low > high) {
    diagnostics.push(m.emptyRange(node.span, node.low.text, node.high.text));
    return null;
  }
  if (node.scale === "log" && low <= 0) {
    diagnostics.push(m.logOfNonPositive(node.low.span, node.low.text));
    return null;
  }
  if (node.scale === "int") {
    const bad = [node.low, node.high].find((b) => !INTEGER_RE.test(b.text));
    if (bad !== undefined) {
      diagnostics.push(m.intRangeNotIntegers(bad.span, bad.text));
      return null;
    }
  }
  return { name, node, values: null, range: { scale: node.scale, low, high } };
}

function boundOf(lit: NumberLit, diagnostics: Diagnostic[]): number | undefined {
  if (!NUMBER_RE.test(lit.text)) {
    diagnostics.push(lowerMessages.invalidNumber(lit.span, lit.text));
    return undefined;
  }
  const v = Number(lit.text);
  if (!Number.isFinite(v)) {
    diagnostics.push(lowerMessages.numberOutOfRange(lit.span, lit.text));
    return undefined;
  }
  return v;
}

// ---- the sweep statement ----

function readSettings(item: SpaceItem | undefined, dimensions: readonly Dimension[], span: Span, diagnostics: Diagnostic[]): SweepSettings | null {
  const finite = dimensions.every((d) => d.values !== null);
  const s = {
    mode: (finite ? "grid" : "random") as SweepMode,
    modeWritten: false,
    samples: null as number | null,
    factor: 3,
    minEpochs: 1,
    cv: null as number | null,
    repeats: 1,
    metric: null as SweepMetric | null,
    metricSpan: null as Span | null,
    seed: null as number | null,
  };
  const errorsBefore = diagnostics.length;
  const integer = (v: Value, what: string, min: number, max: number): number | undefined => {
    if (v.kind === "Number" && INTEGER_RE.test(v.text)) {
      const n = Number(v.text);
      if (n >= min && n <= max) return n;
    }
    diagnostics.push(m.badSetting(v.span, what, valueText(v)));
    return undefined;
  };
  for (const arg of item?.args ?? []) {
    if (arg.kind === "Ident") {
      if (arg.name === "grid" || arg.name === "halving" || arg.name === "random") {
        s.mode = arg.name;
        s.modeWritten = true;
      } else diagnostics.push(m.unknownSetting(arg.span, arg.name, didYouMeanHelp(arg.name)));
      continue;
    }
    if (arg.kind !== "Option") {
      diagnostics.push(arg.kind === "Choice" || arg.kind === "Range" ? m.choiceNotAllowed(arg.span, "a sweep setting") : m.badSetting(arg.span, "a sweep setting", arg.kind === "Number" ? arg.text : arg.name.name));
      continue;
    }
    const v = arg.value;
    if (v.kind === "Choice" || v.kind === "Range") {
      diagnostics.push(m.choiceNotAllowed(v.span, "a sweep setting"));
      continue;
    }
    switch (arg.name.name) {
      case "random":
        s.samples = integer(v, `a number of trials from 1 to ${MAX_TRIALS}`, 1, MAX_TRIALS) ?? null;
        if (!s.modeWritten) s.mode = "random";
        break;
      case "factor":
        s.factor = integer(v, "a halving factor from 2 to 100", 2, 100) ?? s.factor;
        break;
      case "min_epochs":
        s.minEpochs = integer(v, "a number of epochs >= 1", 1, 1_000_000) ?? s.minEpochs;
        break;
      case "cv":
        s.cv = integer(v, `a number of folds from 2 to ${MAX_FOLDS}`, 2, MAX_FOLDS) ?? null;
        break;
      case "repeats":
        s.repeats = integer(v, `a number of repeats from 1 to ${MAX_REPEATS}`, 1, MAX_REPEATS) ?? s.repeats;
        break;
      case "seed":
        s.seed = integer(v, "an integer seed in [0, 2^32)", 0, 2 ** 32 - 1) ?? null;
        break;
      case "metric":
        if (v.kind === "Ident" && (SWEEP_METRICS as readonly string[]).includes(v.name)) {
          s.metric = v.name as SweepMetric;
          s.metricSpan = v.span;
        } else diagnostics.push(m.badSetting(v.span, `a metric: ${SWEEP_METRICS.join(", ")}`, valueText(v)));
        break;
      default:
        diagnostics.push(m.unknownSetting(arg.name.span, arg.name.name, didYouMeanHelp(arg.name.name)));
    }
  }
  if (s.mode === "random" && s.samples === null && diagnostics.length === errorsBefore) {
    diagnostics.push(m.badSetting(item?.span ?? span, "`random=N`, the number of trials to draw", item === undefined ? "a range without a sweep statement" : "no trial count"));
  }
  if (s.mode === "halving" && s.samples === null && !finite) {
    diagnostics.push(m.rangeInGrid(dimensions.find((d) => d.range !== null)!.node.span));
  }
  if (diagnostics.length > errorsBefore) return null;
  return { mode: s.mode, samples: s.samples, factor: s.factor, minEpochs: s.minEpochs, cv: s.cv, repeats: s.repeats, metric: s.metric, metricSpan: s.metricSpan, seed: s.seed, span: item?.span ?? span };
}

function didYouMeanHelp(word: string): string | undefined {
  return didYouMean(word, SETTING_WORDS);
}

export function valueText(v: Value): string {
  return v.kind === "Ident" ? v.name : v.text;
}

/** How a dimension's value reads in a leaderboard: `64`, `relu`, `0.003`. */
export function dimensionValueText(v: Value | Ident | NumberLit): string {
  return valueText(v);
}
