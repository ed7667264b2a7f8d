/**
 * `sweep()`: a search space and a dataset in, a ranked leaderboard out. Plans the trials (pure),
 * fixes the test split and the folds (seeded), skips what the journal already holds, runs the
 * rest on worker threads, and writes DIR's files. Progress arrives through `onEvent`; `signal`
 * stops it (what finished is kept; the same call again continues).
 */
import { mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { AnalyzeOptions } from "../analyze.js";
import type { Dataset } from "../data/csv.js";
import { writeFileAtomic } from "../data/atomic.js";
import { formatDataError, type Result } from "../data/errors.js";
import { classWeightsFor, datasetChecksum, fitPlanOn, inputWidthProblem, NO_PREPROCESSING, splitTrainingRows, withLevelsOf, type PreprocessSettings } from "../data/prepare.js";
import type { PreprocessingPlan } from "../data/preprocess.js";
import { targetMatrix } from "../data/split.js";
import type { ModelIR } from "../ir/types.js";
import type { Diagnostic } from "../syntax/diagnostic.js";
import { concreteSource, deriveSeed } from "./expand.js";
import { holdoutFold, stratifiedKFold, type Fold } from "./folds.js";
import { openJournal, readJournal, trialKey, JOURNAL_FORMAT, JOURNAL_VERSION, type JournalHeader, type JournalTrial } from "./journal.js";
import { leaderboardCsv, leaderboardJson, rank, type LeaderboardEntry, type Unranked } from "./leaderboard.js";
import { metricOf, planSpace, planTrials, type SpaceSummary } from "./plan.js";
import { runPool } from "./pool.js";
import { renderSweepReport } from "./report.js";
import type { SweepMetric, SweepSettings } from "./space.js";
import { moduleKey, type TrialData, type TrialFold, type TrialOutcome, type TrialTask } from "./trial.js";

export interface SweepOptions {
  readonly source: string;
  /** Model name when the program has none (the file's base name). */
  readonly defaultName?: string;
  /** The program's file, as messages name it (default: NAME.mlp). */
  readonly sourceFile?: string;
  readonly dataset: Dataset;
  /** Worker threads (default: all cores). */
  readonly workers?: number;
  /** Fraction of the rows held out as a stratified test split the search never sees. */
  readonly testFraction?: number | null;
  /**
   * How the feature columns become inputs and how rows weigh: `mlpc train`'s data flags (one-hot
   * categories, impute, drop-missing, scale, class weights). Fitted on each fold's training rows.
   * Default: every column a complete number, used as it is.
   */
  readonly preprocess?: Partial<PreprocessSettings>;
  /** The same as preprocess.scale "standard". */
  readonly standardize?: boolean;
  /** Where journal.jsonl, leaderboard.csv/.json, best.mlp and report.html go; null: nowhere. */
  readonly outDir?: string | null;
  /** Hand out no new trial after this many seconds. */
  readonly budgetSeconds?: number | null;
  readonly maxParams?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: SweepEvent) => void;
}

export type SweepEvent =
  | { readonly kind: "start"; readonly total: number; readonly resumed: number; readonly workers: number; readonly summary: SpaceSummary }
  | { readonly kind: "trial"; readonly done: number; readonly total: number; readonly entry: Unranked & { readonly mean: number }; readonly best: { readonly trial: number; readonly mean: number } | null; readonly etaSeconds: number; readonly resumed: boolean }
  | { readonly kind: "failed"; readonly trial: number; readonly message: string }
  | { readonly kind: "rung"; readonly rung: number; readonly epochs: number; readonly configurations: number };

export interface SweepResult {
  readonly summary: SpaceSummary;
  readonly metric: SweepMetric;
  readonly settings: SweepSettings;
  readonly leaderboard: readonly LeaderboardEntry[];
  readonly best: LeaderboardEntry | null;
  /** The seed of the test split, the folds and repeat 0 (the best program's `train seed`). */
  readonly seed: number;
  readonly searchRows: number;
  readonly testRows: number;
  readonly interrupted: boolean;
  readonly seconds: number;
  /** Trials run now (not taken from the journal); their mean seconds making + loading the module, and encoding the folds. */
  readonly ran: number;
  readonly meanCompileSeconds: number;
  readonly meanSplitSeconds: number;
  readonly dimensions: readonly string[];
}

/** The program or the sweep settings are wrong: the diagnostics say where. */
export class SweepDiagnosticsError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(`${diagnostics.length} error(s) in the search space`);
  }
}

/** The trial failed (not a diagnostic of the program: e.g. a batch larger than a fold). */
export class SweepTrialError extends Error {}

interface PlannedTrial {
  readonly trial: number;
  readonly ir: ModelIR;
  readonly program: string;
  readonly config: Readonly<Record<string, string>>;
  readonly seeds: readonly number[];
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export async function sweep(options: SweepOptions): Promise<SweepResult> {
  const started = performance.now();
  const analyzeOptions: AnalyzeOptions = { ...(options.defaultName === undefined ? {} : { defaultName: options.defaultName }), ...(options.maxParams === undefined ? {} : { maxParams: options.maxParams }) };
  const planned = planSpace(options.source, analyzeOptions);
  if (planned.space === null) throw new SweepDiagnosticsError(planned.diagnostics);
  const space = planned.space;
  const summary = planned.summary!;
  const first = planned.firstIr!;
  const settings = space.settings;
  const seed = settings.seed ?? first.training.seed;
  const metric = metricOf(settings, first);
  const expanded = planTrials(space, seed, analyzeOptions);
  if (expanded.diagnostics.length > 0) throw new SweepDiagnosticsError(expanded.diagnostics);
  const seedIsDimension = space.dimensions.some((d) => d.name === "seed");
  const trials: PlannedTrial[] = expanded.trials.map((t, trial) => {
    const own = t.ir!;
    const configSeed = seedIsDimension ? own.training.seed : seed;
    const ir: ModelIR = { ...own, training: { ...own.training, seed: configSeed } };
    const seeds = Array.from({ length: settings.repeats }, (_, r) => (r === 0 ? configSeed : deriveSeed(configSeed, r)));
    return { trial, ir, program: concreteSource(ir), config: t.config, seeds };
  });

  const d = options.dataset;
  const preprocess = preprocessSettingsOf(options);
  const testFraction = options.testFraction ?? 0;
  // The searched rows are the training rows `mlpc train --val F` takes with the same seed (the
  // test split its validation split), so the refit best program reports its test score and
  // trains on exactly the rows the search saw.
  const rows = unwrap(splitTrainingRows(d, { dropMissing: preprocess.dropMissing, validation: testFraction, test: 0, seed }));
  const split = { train: rows.train, validation: rows.validation };
  // The refit's plan: its data errors (an empty field without --impute, ...) and its width are
  // what `mlpc train` would report, so they are reported before anything trains.
  const refitPlan = unwrap(fitPlanOn(d, split.train, preprocess));
  const wrongWidth = inputWidthProblem(refitPlan, first.inputSize, d, { file: options.sourceFile ?? `${first.name}.mlp`, source: options.source });
  if (wrongWidth !== null) throw new SweepDataError(wrongWidth);
  const folds = trialFolds(d, split.train, { settings, seed, preprocess, refitPlan, model: first });
  const data: TrialData = { dataset: d, y: targetMatrix(d.targets, first.outputSize), outputs: first.outputSize, folds };
  const checksum = datasetChecksum(d);
  const header: JournalHeader = {
    kind: "header",
    format: JOURNAL_FORMAT,
    version: JOURNAL_VERSION,
    model: first.name,
    data: { file: d.file, rows: d.rows, checksum },
    settings: { cv: settings.cv, repeats: settings.repeats, seed, metric, test: testFraction, preprocess },
  };
  const outDir = options.outDir ?? null;
  let journal = new Map<string, JournalTrial>();
  let append: (entry: JournalTrial) => void = () => undefined;
  if (outDir !== null) {
    mkdirSync(outDir, { recursive: true });
    const path = join(outDir, "journal.jsonl");
    journal = readJournal(path, header);
    append = openJournal(path, header);
  }
  const keyOf = (t: PlannedTrial, epochs: number): string => trialKey({ program: t.program, epochs, seeds: t.seeds, folds: header.settings, data: checksum });

  const workers = Math.max(1, options.workers ?? defaultWorkers());
  const rungs = rungPlan(settings, trials.length, first.training.epochs);
  const total = rungs.reduce((a, r) => a + r.configurations, 0);
  const stopAt = options.budgetSeconds == null ? Infinity : started + options.budgetSeconds * 1000;
  const shouldStop = (): boolean => options.signal?.aborted === true || performance.now() > stopAt;

  const results = new Map<number, Unranked>();
  let done = 0;
  let ran = 0;
  let compileSum = 0;
  let splitSum = 0;
  let interrupted = false;
  let best: { trial: number; mean: number } | null = null;
  const better = (a: number, b: number): boolean => (metric === "val_loss" ? a < b : a > b);
  let runSeconds = 0;
  let runCount = 0;
  const record = (t: PlannedTrial, rung: number, entry: JournalTrial, fresh: boolean): void => {
    const scores = entry.scores.map((s) => (s === null ? Number.NaN : s));
    const u: Unranked = { trial: t.trial, key: entry.key, config: t.config, program: t.program, scores, epochs: entry.epochs, rung, diverged: entry.diverged, seconds: entry.seconds, curves: entry.curves };
    results.set(t.trial, u);
    done++;
    const mean = scores.length > 0 && scores.every(Number.isFinite) ? scores.reduce((a, b) => a + b, 0) / scores.length : Number.NaN;
    if (Number.isFinite(mean) && (best === null || better(mean, best.mean) || (mean === best.mean && t.trial < best.trial))) best = { trial: t.trial, mean };
    if (fresh) {
      runSeconds += entry.seconds;
      runCount++;
    }
    const eta = runCount === 0 ? Number.NaN : ((runSeconds / runCount) * (total - done)) / workers;
    options.onEvent?.({ kind: "trial", done, total, entry: { ...u, mean }, best, etaSeconds: eta, resumed: !fresh });
  };

  let candidates = trials;
  options.onEvent?.({ kind: "start", total, resumed: 0, workers, summary });
  for (let r = 0; r < rungs.length && !interrupted; r++) {
    const rung = rungs[r]!;
    if (settings.mode === "halving") options.onEvent?.({ kind: "rung", rung: r, epochs: rung.epochs, configurations: candidates.length });
    const tasks: TrialTask[] = [];
    const byId = new Map<number, PlannedTrial>();
    for (const t of candidates) {
      const epochs = settings.mode === "halving" ? Math.min(rung.epochs, t.ir.training.epochs) : t.ir.training.epochs;
      const key = keyOf(t, epochs);
      const previous = journal.get(key);
      if (previous !== undefined) record(t, r, previous, false);
      else {
        tasks.push({ id: t.trial, ir: t.ir, moduleKey: moduleKey(t.ir), seeds: t.seeds, epochs, metric });
        byId.set(t.trial, t);
      }
    }
    const failures: string[] = [];
    const outcome = await runPool(tasks, data, workers, {
      shouldStop,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onDone: (o: TrialOutcome) => {
        const t = byId.get(o.id)!;
        const entry: JournalTrial = { kind: "trial", key: keyOf(t, o.epochs), trial: t.trial, config: t.config, epochs: o.epochs, scores: o.scores, diverged: o.diverged, seconds: o.seconds, curves: o.curves };
        append(entry);
        ran++;
        compileSum += o.compileSeconds + o.loadSeconds;
        splitSum += o.splitSeconds;
        record(t, r, entry, true);
      },
      onFailed: (id, message) => {
        failures.push(`trial ${id}: ${message}`);
        options.onEvent?.({ kind: "failed", trial: id, message });
      },
    });
    if (failures.length > 0) throw new SweepTrialError(failures.slice(0, 3).join("\n"));
    if (outcome.stopped) interrupted = true;
    if (r + 1 < rungs.length && !interrupted) {
      const ranked = rank(candidates.map((t) => results.get(t.trial)!).filter((u) => u !== undefined), metric);
      const keep = new Set(ranked.slice(0, rungs[r + 1]!.configurations).map((e) => e.trial));
      candidates = candidates.filter((t) => keep.has(t.trial));
    }
  }

  const leaderboard = rank([...results.values()], metric);
  const top = leaderboard[0];
  const bestEntry = top !== undefined && Number.isFinite(top.mean) ? top : null;
  const result: SweepResult = {
    summary,
    metric,
    settings,
    leaderboard,
    best: bestEntry,
    seed,
    searchRows: split.train.length,
    testRows: split.validation.length,
    interrupted,
    seconds: (performance.now() - started) / 1000,
    ran,
    meanCompileSeconds: ran === 0 ? 0 : compileSum / ran,
    meanSplitSeconds: ran === 0 ? 0 : splitSum / ran,
    dimensions: space.dimensions.map((dim) => dim.name),
  };
  if (outDir !== null) await writeOutputs(outDir, result, null);
  return result;
}

/** The test score of the refit best program, for the report (the CLI refits). */
export interface RefitSummary {
  readonly command: string;
  readonly testMetric: string | null;
  readonly trainMetric: string | null;
}

/** leaderboard.csv and .json, best.mlp and report.html, each written atomically. */
export async function writeOutputs(outDir: string, result: SweepResult, refit: RefitSummary | null): Promise<void> {
  await writeFileAtomic(join(outDir, "leaderboard.csv"), leaderboardCsv(result.leaderboard, result.dimensions, result.metric));
  await writeFileAtomic(join(outDir, "leaderboard.json"), leaderboardJson(result.leaderboard, result.metric));
  if (result.best !== null) await writeFileAtomic(join(outDir, "best.mlp"), bestProgramText(result));
  await writeFileAtomic(join(outDir, "report.html"), renderSweepReport(result, refit));
}

/** best.mlp: the winning concrete program, headed by where it came from. */
export function bestProgramText(result: SweepResult): string {
  const b = result.best!;
  const config = Object.entries(b.config).map(([k, v]) => `${k}=${v}`).join(" ");
  const score = `${result.metric} ${fmt(b.mean)} +- ${fmt(b.sd)} over ${b.scores.length} run${b.scores.length === 1 ? "" : "s"}`;
  return `# best of an mlpc sweep (trial ${b.trial}: ${config}): ${score}\n${b.program}${b.program.endsWith("\n") ? "" : "\n"}`;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(4) : "n/a";
}

/** Rungs of the search: one for grid and random; halving's shrinking rungs over growing epochs. */
export function rungPlan(s: SweepSettings, configurations: number, fullEpochs: number): { epochs: number; configurations: number }[] {
  if (s.mode !== "halving") return [{ epochs: fullEpochs, configurations }];
  const out: { epochs: number; configurations: number }[] = [];
  let n = configurations;
  let epochs = s.minEpochs;
  while (epochs < fullEpochs && n > 1) {
    out.push({ epochs, configurations: n });
    n = Math.max(1, Math.ceil(n / s.factor));
    epochs *= s.factor;
  }
  out.push({ epochs: fullEpochs, configurations: n });
  return out;
}

/** The data does not fit the program or the data settings (the message names the file, row and column). */
export class SweepDataError extends Error {}

/**
 * The folds of each repeat over the searched rows, each with the preprocessing plan and class
 * weights fitted on its own training rows (no leakage into its validation rows), over the
 * categories of all searched rows (refitPlan's), so every fold encodes to the model's width.
 */
export function trialFolds(
  d: Dataset,
  searchRows: Int32Array,
  o: { readonly settings: Pick<SweepSettings, "cv" | "repeats">; readonly seed: number; readonly preprocess: PreprocessSettings; readonly refitPlan: PreprocessingPlan; readonly model: ModelIR },
): TrialFold[][] {
  const ids = d.targets.kind === "class" ? d.targets.ids : null;
  return Array.from({ length: o.settings.repeats }, (_, r) => {
    const foldSeed = r === 0 ? o.seed : deriveSeed(o.seed, 1000 + r);
    const rows: Fold[] = o.settings.cv === null ? [holdoutFold(searchRows, ids, foldSeed)] : stratifiedKFold(searchRows, ids, o.settings.cv, foldSeed);
    return rows.map((fold) => {
      const plan = withLevelsOf(unwrap(fitPlanOn(d, fold.train, o.preprocess)), o.refitPlan);
      const weights = classWeightsFor(o.preprocess.classWeight, d, fold.train, { name: o.model.name, lossKind: o.model.loss.kind });
      if (!weights.ok) throw new SweepDataError(weights.error);
      return { ...fold, plan, classWeight: weights.value };
    });
  });
}

/** The preprocessing settings of the options (standardize is scale standard). */
function preprocessSettingsOf(options: SweepOptions): PreprocessSettings {
  const given = { ...NO_PREPROCESSING, ...options.preprocess };
  return options.standardize === true ? { ...given, scale: "standard" } : given;
}

function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new SweepDataError(formatDataError(r.error));
  return r.value;
}
