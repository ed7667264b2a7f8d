/**
 * One trial: a concrete program trained on each fold of each repeat and scored on the fold's
 * validation rows. It runs the module `mlpc train` would load (emitted and type-stripped once per
 * module on the main thread, modules.ts; imported here and cached), on the fold's rows encoded by
 * the fold's own preprocessing plan, so a trial trains exactly as `mlpc train` does on the same
 * rows. A trial's result depends only on its task and the data, never on which worker ran it or when.
 */
import type { Dataset } from "../data/csv.js";
import { formatDataError } from "../data/errors.js";
import { applyPlan, type PreprocessingPlan } from "../data/preprocess.js";
import { gatherRows } from "../data/split.js";
import type { ModelIR } from "../ir/types.js";
import { regressionMetrics } from "../report/metrics.js";
import type { Fold } from "./folds.js";
import type { SweepMetric } from "./space.js";

/** A fold with what was fitted on its training rows: the preprocessing plan and the class weights. */
export interface TrialFold extends Fold {
  readonly plan: PreprocessingPlan;
  readonly classWeight: readonly number[] | null;
}

/** The data every trial of a sweep shares (sent to each worker once). */
export interface TrialData {
  /** The rows as read; each fold encodes its own rows with its own plan. */
  readonly dataset: Dataset;
  /** rows x outputs targets of every row, as fit takes them (one-hot for softmax). */
  readonly y: Float64Array;
  readonly outputs: number;
  /** folds[repeat][fold] */
  readonly folds: readonly (readonly TrialFold[])[];
}
export interface TrialTask {
  readonly id: number;
  readonly ir: ModelIR;
  /** moduleKey(ir): trials that share it share one compiled module. */
  readonly moduleKey: string;
  /** The seed of each repeat (init and shuffling). */
  readonly seeds: readonly number[];
  readonly epochs: number;
  readonly metric: SweepMetric;
}

export interface TrialCurves {
  /** Per epoch, the mean over folds and repeats. */
  readonly loss: readonly number[];
  readonly val_loss: readonly number[];
  readonly val_accuracy: readonly number[] | null;
}

export interface TrialOutcome {
  readonly id: number;
  /** The metric on each fold of each repeat (repeat-major); NaN where training diverged. */
  readonly scores: readonly number[];
  readonly curves: TrialCurves;
  readonly epochs: number;
  readonly diverged: boolean;
  readonly seconds: number;
  /** Emitting and type-stripping the module on the main thread (0 when it was made before). */
  readonly compileSeconds: number;
  /** Importing the module in the worker (0 when the worker had it). */
  readonly loadSeconds: number;
  /** Encoding the folds' rows with their plans. */
  readonly splitSeconds: number;
}

interface Logs {
  loss: number[];
  val_loss: number[];
  val_accuracy: number[];
  [key: string]: number[];
}

interface TrialTrainer {
  fit(x: Float64Array, y: Float64Array, options: object): { history: Logs };
  predict(x: Float64Array): number[][];
}

interface TrialModule {
  readonly Trainer: new (options: { seed: number }) => TrialTrainer;
  readonly NonFiniteLossError: new (...args: never[]) => Error;
}

/**
 * The module's training settings (batch, epochs, seed, shuffle) are only defaults of Trainer and
 * fit, which a trial always passes explicitly: trials that differ only there share one module.
 */
export function moduleIr(ir: ModelIR): ModelIR {
  return { ...ir, training: { ...ir.training, batch: 32, epochs: 1, seed: 0, shuffle: true } };
}

/**
 * Trials with the same key share one module: moduleIr's fields, less the source places (spans,
 * origins), which only diagnostics read and which differ between trials whose choices differ.
 */
export function moduleKey(ir: ModelIR): string {
  return JSON.stringify(moduleIr(ir), (key, value: unknown) => (key === "span" || key === "origins" ? undefined : value));
}

const moduleCache = new Map<string, TrialModule>();
/** Modules a worker keeps imported (the pool counts them the same way). */
export const MODULE_CACHE_SIZE = 8;

/** Imports the module (a data: URL made by modules.ts), once per moduleKey while it stays cached. */
async function loadModule(task: TrialTask, url: string): Promise<TrialModule> {
  const key = task.moduleKey;
  const cached = moduleCache.get(key);
  if (cached !== undefined) return cached;
  const mod = (await import(/* @vite-ignore */ url)) as TrialModule;
  if (moduleCache.size >= MODULE_CACHE_SIZE) moduleCache.delete(moduleCache.keys().next().value!);
  moduleCache.set(key, mod);
  return mod;
}

export async function runTrial(task: TrialTask, data: TrialData, moduleUrl: string, compileSeconds: number): Promise<TrialOutcome> {
  const started = performance.now();
  const mod = await loadModule(task, moduleUrl);
  const loadSeconds = (performance.now() - started) / 1000;
  let splitSeconds = 0;
  const scores: number[] = [];
  const sums = { loss: new Float64Array(task.epochs), val_loss: new Float64Array(task.epochs), val_accuracy: new Float64Array(task.epochs) };
  let hasAccuracy = true;
  let runs = 0;
  let diverged = false;
  task.seeds.forEach((seed, repeat) => {
    for (const fold of data.folds[repeat]!) {
      const splitStarted = performance.now();
      const part = foldData(data, fold);
      splitSeconds += (performance.now() - splitStarted) / 1000;
      const trainer = new mod.Trainer({ seed });
      let history: Logs;
      try {
        history = trainer.fit(part.trainX, part.trainY, {
          epochs: task.epochs,
          batchSize: task.ir.training.batch,
          shuffle: task.ir.training.shuffle,
          seed,
          validationData: [part.valX, part.valY],
          ...(fold.classWeight === null ? {} : { classWeight: fold.classWeight }),
        }).history;
      } catch (e) {
        if (!(e instanceof mod.NonFiniteLossError)) throw e;
        diverged = true;
        scores.push(Number.NaN);
        continue;
      }
      runs++;
      for (let e = 0; e < task.epochs; e++) {
        sums.loss[e]! += history.loss[e] ?? Number.NaN;
        sums.val_loss[e]! += history.val_loss[e] ?? Number.NaN;
        sums.val_accuracy[e]! += history.val_accuracy[e] ?? Number.NaN;
      }
      if (history.val_accuracy.length === 0) hasAccuracy = false;
      scores.push(finalScore(task.metric, history, trainer, part, data.outputs));
    }
  });
  const mean = (a: Float64Array): number[] => Array.from(a, (v) => (runs === 0 ? Number.NaN : v / runs));
  return {
    id: task.id,
    scores,
    curves: { loss: mean(sums.loss), val_loss: mean(sums.val_loss), val_accuracy: hasAccuracy ? mean(sums.val_accuracy) : null },
    epochs: task.epochs,
    diverged,
    seconds: (performance.now() - started) / 1000 + compileSeconds,
    compileSeconds,
    loadSeconds,
    splitSeconds,
  };
}

function finalScore(metric: SweepMetric, history: Logs, trainer: TrialTrainer, part: FoldData, outputs: number): number {
  if (metric === "val_r2") {
    const predicted = Float64Array.from(trainer.predict(part.valX).flat());
    return regressionMetrics(part.valY, predicted, part.valRows, Array.from({ length: outputs }, (_, k) => `y${k}`)).r2;
  }
  const series = history[metric];
  return series === undefined || series.length === 0 ? Number.NaN : series[series.length - 1]!;
}

interface FoldData {
  readonly trainX: Float64Array;
  readonly trainY: Float64Array;
  readonly valX: Float64Array;
  readonly valY: Float64Array;
  readonly valRows: number;
}

/** The fold's rows, encoded by the plan fitted on its training rows (as `mlpc train` encodes its splits). */
function foldData(data: TrialData, fold: TrialFold): FoldData {
  const encode = (rows: Int32Array): Float64Array => {
    const x = applyPlan(fold.plan, data.dataset, rows);
    if (!x.ok) throw new Error(formatDataError(x.error));
    return x.value;
  };
  return {
    trainX: encode(fold.train),
    trainY: gatherRows(data.y, data.outputs, fold.train),
    valX: encode(fold.validation),
    valY: gatherRows(data.y, data.outputs, fold.validation),
    valRows: fold.validation.length,
  };
}
