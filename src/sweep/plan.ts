/**
 * From source text to the trials of a sweep: parse the space, read its dimensions and settings,
 * expand every trial (grid, random sample or halving's first rung) through the front end, and
 * describe the space for `mlpc check`. Pure.
 */
import type { AnalyzeOptions } from "../analyze.js";
import type { ModelIR } from "../ir/types.js";
import { sortDiagnostics, type Diagnostic } from "../syntax/diagnostic.js";
import { parseSpace } from "../syntax/parse.js";
import { concreteTrial, gridAssignments, probeAssignments, randomAssignments, type ConcreteTrial } from "./expand.js";
import { sweepMessages as m } from "./messages.js";
import { gridSize, readSpace, valueText, type Space, type SweepMetric, type SweepSettings } from "./space.js";

export interface DimensionSummary {
  readonly name: string;
  /** `{16, 32, 64}` or `log(1e-4..1e-1)` */
  readonly values: string;
  /** Number of values; null for a range. */
  readonly count: number | null;
}

export interface SpaceSummary {
  readonly model: string;
  readonly mode: SweepSettings["mode"];
  readonly dimensions: readonly DimensionSummary[];
  /** Configurations searched (the grid, or random=N). */
  readonly configurations: number;
  /** Training runs: configurations x folds x repeats (halving: the first rung's). */
  readonly runs: number;
  readonly folds: number;
  readonly repeats: number;
  readonly metric: SweepMetric;
  readonly seed: number;
  /** The largest model's parameter count. */
  readonly maxParams: number;
}

export interface PlannedSpace {
  readonly space: Space | null;
  readonly summary: SpaceSummary | null;
  /** The first probe's IR (task, name, seed), null on errors. */
  readonly firstIr: ModelIR | null;
  readonly diagnostics: readonly Diagnostic[];
}

/** True when the text is a search space (a choice, a range, a counted group or a sweep statement). */
export { firstSpaceNode } from "../syntax/concrete.js";

/** Parses and checks a space on its probe programs (see probeAssignments); summarizes it. */
export function planSpace(source: string, options: AnalyzeOptions = {}): PlannedSpace {
  const parsed = parseSpace(source);
  if (parsed.program === null) return { space: null, summary: null, firstIr: null, diagnostics: parsed.diagnostics };
  const read = readSpace(parsed.program);
  if (read.space === null) return { space: null, summary: null, firstIr: null, diagnostics: sortDiagnostics(read.diagnostics) };
  const space = read.space;
  const probes = probeAssignments(space.dimensions).map((a) => concreteTrial(space, a, options));
  const diagnostics = dedupe([...read.diagnostics, ...probes.flatMap((p) => p.diagnostics), ...settingDiagnostics(space, probes[0]?.ir ?? null)]);
  if (diagnostics.some((d) => d.severity === "error")) return { space: null, summary: null, firstIr: null, diagnostics };
  const irs = probes.map((p) => p.ir!);
  return { space, summary: summarizeSpace(space, irs), firstIr: irs[0]!, diagnostics };
}

/** The metric a sweep ranks by: the one written, else accuracy for classifiers, loss otherwise. */
export function metricOf(settings: SweepSettings, ir: ModelIR): SweepMetric {
  if (settings.metric !== null) return settings.metric;
  return ir.loss.task === "binary" || ir.loss.task === "multiclass" ? "val_accuracy" : "val_loss";
}

function settingDiagnostics(space: Space, ir: ModelIR | null): Diagnostic[] {
  if (ir === null) return [];
  const out: Diagnostic[] = [];
  const s = space.settings;
  const task = ir.loss.task;
  if (s.metric === "val_accuracy" && task !== "binary" && task !== "multiclass") out.push(m.metricForTask(s.metricSpan!, s.metric, task));
  if (s.metric === "val_r2" && task !== "regression") out.push(m.metricForTask(s.metricSpan!, s.metric, task));
  if (s.mode === "halving" && ir.training.epochs < s.minEpochs * s.factor) out.push(m.tooFewEpochs(s.span, ir.training.epochs, s.minEpochs * s.factor));
  return out;
}

function summarizeSpace(space: Space, irs: readonly ModelIR[]): SpaceSummary {
  const s = space.settings;
  const first = irs[0]!;
  const configurations = s.samples ?? gridSize(space.dimensions);
  const folds = s.cv ?? 1;
  return {
    model: first.name,
    mode: s.mode,
    dimensions: space.dimensions.map((d) => ({
      name: d.name,
      values: d.values !== null ? `{${d.values.map(valueText).join(", ")}}` : `${d.range!.scale === "uniform" ? "" : d.range!.scale}(${d.node.kind === "Range" ? `${d.node.low.text}..${d.node.high.text}` : ""})`,
      count: d.values === null ? null : d.values.length,
    })),
    configurations,
    runs: configurations * folds * s.repeats,
    folds,
    repeats: s.repeats,
    metric: metricOf(s, first),
    seed: s.seed ?? first.training.seed,
    maxParams: Math.max(...irs.map((ir) => ir.paramCount)),
  };
}

/** Every configuration of the sweep, expanded; diagnostics of any that does not check. */
export function planTrials(space: Space, seed: number, options: AnalyzeOptions = {}): { trials: ConcreteTrial[]; diagnostics: readonly Diagnostic[] } {
  const s = space.settings;
  const assignments = s.samples !== null ? randomAssignments(space.dimensions, s.samples, seed) : gridAssignments(space.dimensions);
  const trials = assignments.map((a) => concreteTrial(space, a, options));
  return { trials, diagnostics: dedupe(trials.flatMap((t) => (t.ir === null ? t.diagnostics : []))) };
}

function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const key = `${d.code}:${d.span.start}:${d.span.end}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return sortDiagnostics(out);
}

/** The space as `mlpc check` prints it. */
export function renderSpaceSummary(s: SpaceSummary): string {
  const width = Math.max(9, ...s.dimensions.map((d) => d.name.length));
  const lines = [`search space of ${s.model}: ${s.mode}${s.mode === "random" ? ` (${s.configurations} samples)` : ""}`];
  lines.push(`  ${"dimension".padEnd(width)}  values`);
  for (const d of s.dimensions) lines.push(`  ${d.name.padEnd(width)}  ${d.values}${d.count === null ? "" : `  (${d.count})`}`);
  lines.push(`trials: ${s.configurations} configuration${s.configurations === 1 ? "" : "s"} x ${s.folds} fold${s.folds === 1 ? "" : "s"}${s.folds === 1 ? " (one 80/20 split)" : ""} x ${s.repeats} repeat${s.repeats === 1 ? "" : "s"} = ${s.runs} training runs${s.mode === "halving" ? " in the first rung" : ""}`);
  lines.push(`metric: ${s.metric}; seed: ${s.seed}`);
  lines.push(`largest model: ${s.maxParams.toLocaleString("en-US")} parameters`);
  return lines.join("\n") + "\n";
}
