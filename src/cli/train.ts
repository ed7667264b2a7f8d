/**
 * `mlpc train FILE --data CSV`: compiles the program in memory, trains it with the generated
 * Trainer on the CSV, and writes the weights (and optionally a report and checkpoints).
 *
 *   read + split + scale (dataset.ts) -> generated module (runtime.ts) -> Trainer.fitAsync with
 *   callbacks (progress, diagnostics, early stopping, checkpoints, Ctrl-C) -> metrics, tables,
 *   weights file, HTML report.
 *
 * Exit codes: 0 trained; 1 bad program or data, or training diverged; 2 bad command line;
 * 130 interrupted (Ctrl-C) after saving a checkpoint.
 */
import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { writeFileAtomic, writeFileAtomicSync } from "../data/atomic.js";
import { permutation } from "../data/split.js";
import type { ModelIR } from "../ir/types.js";
import { renderReport, type ReportData } from "../report/html.js";
import { classificationMetrics, multilabelMetrics, predictedClasses, regressionMetrics, type TaskMetrics } from "../report/metrics.js";
import { summarize } from "../report/summary.js";
import { diagnosticsTable, lossTable, metricsTables, type LossRow } from "../report/table.js";
import {
  deadReluUnits,
  diagnosticWarnings,
  layerGradientNorms,
  type LayerShape,
  type TrainingDiagnostics,
} from "../report/training-diagnostics.js";
import { VERSION } from "../version.js";
import { checksum, prepare, readDataset, savedTarget, type Part, type Prepared } from "./dataset.js";
import { CliError, colorsFor, EXIT_PROGRAM_ERROR, EXIT_USAGE, type Colors, type Io } from "./io.js";
import { parseCount, parseNonNegativeInt, parsePositiveNumber } from "./options.js";
import { createProgress, duration, type Progress } from "./progress.js";
import { loadGeneratedModule, type GeneratedModule, type GeneratedTrainer } from "./runtime.js";
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  parseCheckpoint,
  WEIGHTS_FORMAT,
  WEIGHTS_VERSION,
  type CheckpointFile,
  type EarlyStoppingState,
  type RunHistory,
  type RunSettings,
  type WeightsFile,
} from "./saved.js";
import { loadProgram } from "./source.js";
import { targetSpecFor } from "./targets.js";
import { denseLayers } from "../ir/layers.js";

/** Exit code after Ctrl-C, as shells report a process ended by SIGINT. */
export const EXIT_INTERRUPTED = 130;
/** Below this many rows the default is no validation split (XOR has 4). */
const SMALL_DATA_ROWS = 20;
/** Rows of the training split used for gradient norms after each epoch and for dead-unit counts. */
const DIAGNOSTIC_ROWS = 1024;

export interface TrainFlags {
  data: string;
  label?: string;
  labels?: string;
  target?: string;
  epochs?: number;
  batch?: number | "all";
  lr?: number;
  seed?: number;
  val?: number;
  earlyStopping?: number;
  standardize?: boolean;
  out?: string;
  report?: string;
  checkpoint?: string;
  resume?: string;
  quiet?: boolean;
  json?: boolean;
  simd?: boolean;
  maxParams: number;
}

/** Stops training from outside (Ctrl-C); process signals by default, injectable for tests. */
export interface InterruptSource {
  listen(handler: () => void): () => void;
  /** Called after every batch (tests press a fake Ctrl-C at an exact batch). */
  afterBatch?(): void;
}

export const processSignals: InterruptSource = {
  listen(handler) {
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
    return () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    };
  },
};

function parseBatch(value: string): number | "all" {
  return value === "all" ? "all" : parseCount(value);
}

function parseValidation(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n >= 1) throw new InvalidArgumentError("expected a fraction in [0, 1), e.g. 0.2");
  return n;
}

export function register(program: Command, io: Io, interrupts: InterruptSource = processSignals): void {
  program
    .command("train")
    .description("train a program on a CSV file; write the weights, a metrics table and optionally an HTML report")
    .argument("<file>", "the .mlp program")
    .requiredOption("--data <csv>", "training data: a CSV file with a header row")
    .option("--label <column>", "class column: ids 0..K-1, 0/1, or class names (default: label)")
    .option("--labels <columns>", "multilabel: the 0/1 label columns, comma-separated")
    .option("--target <columns>", "regression: the target column(s), comma-separated")
    .option("--epochs <n>", "epochs (overrides the program)", parseCount)
    .option("--batch <n|all>", "rows per update (overrides the program)", parseBatch)
    .option("--lr <rate>", "learning rate (overrides the program)", parsePositiveNumber)
    .option("--seed <n>", "seed of the split, init and shuffling (overrides the program)", parseNonNegativeInt)
    .option("--val <fraction>", `validation fraction, stratified for classes (default 0.2; 0 below ${SMALL_DATA_ROWS} rows)`, parseValidation)
    .option("--early-stopping <patience>", "stop after this many epochs without a better validation loss; keep the best weights", parseCount)
    .option("--standardize", "scale features to mean 0, std 1 (fitted on the training split, saved with the weights)")
    .option("-o, --out <file>", "weights file (default: NAME.weights.json)")
    .option("--report <file>", "write a self-contained HTML report")
    .option("--checkpoint <file>", "save a checkpoint after every epoch (and on Ctrl-C)")
    .option("--resume <file>", "continue a run from its checkpoint, exactly")
    .option("--quiet", "print nothing but errors")
    .option("--json", "print JSON lines (start, epoch, note, result) instead of text")
    .option("--simd", "big layers in WebAssembly SIMD kernels (f64x2): several times faster for wide layers, same results to rounding")
    .option("--max-params <n>", "total parameter limit", parseCount, 50_000_000)
    .action(async (file: string, flags: TrainFlags, command: Command) => {
      await train(file, flags, io, interrupts, explicitOptions(command));
    });
}

/** Names of the options given on the command line (not defaults), to check them against a checkpoint. */
function explicitOptions(command: Command): Set<string> {
  return new Set(command.options.map((o) => o.attributeName()).filter((name) => command.getOptionValueSource(name) === "cli"));
}

/** The recipe as it will run: program defaults, then command-line overrides (or the checkpoint's). */
function settingsFor(ir: ModelIR, flags: TrainFlags, rows: number, dataChecksum: string, features: readonly string[], target: RunSettings["target"]): RunSettings {
  return {
    data: basename(flags.data),
    rows,
    dataChecksum,
    epochs: flags.epochs ?? ir.training.epochs,
    features,
    target,
    validation: flags.val ?? (rows < SMALL_DATA_ROWS ? 0 : 0.2),
    seed: flags.seed ?? ir.training.seed,
    batch: flags.batch ?? ir.training.batch,
    shuffle: ir.training.shuffle,
    lr: flags.lr ?? ir.optimizer.lr,
    standardize: flags.standardize === true,
    patience: flags.earlyStopping ?? null,
  };
}

/** The IR with the run's settings, so the generated module's defaults and spec say what ran. */
function withSettings(ir: ModelIR, s: RunSettings): ModelIR {
  return {
    ...ir,
    optimizer: { ...ir.optimizer, lr: s.lr },
    training: { ...ir.training, epochs: s.epochs, batch: s.batch, seed: s.seed },
  };
}

/** A resumed run keeps its settings: an option that contradicts the checkpoint is a usage error. */
function checkResumeFlags(saved: RunSettings, wanted: RunSettings, explicit: ReadonlySet<string>, file: string): void {
  const pairs: [string, string, unknown, unknown][] = [
    ["lr", "--lr", saved.lr, wanted.lr],
    ["seed", "--seed", saved.seed, wanted.seed],
    ["batch", "--batch", saved.batch, wanted.batch],
    ["val", "--val", saved.validation, wanted.validation],
    ["earlyStopping", "--early-stopping", saved.patience, wanted.patience],
    ["standardize", "--standardize", saved.standardize, wanted.standardize],
  ];
  for (const [key, flag, a, b] of pairs) {
    if (explicit.has(key) && a !== b) {
      throw new CliError(`mlpc: ${flag} ${String(b)} differs from the checkpoint's ${String(a)} (${file}); a resumed run keeps the settings it started with`, EXIT_USAGE);
    }
  }
}

function readCheckpointFile(io: Io, file: string): CheckpointFile {
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, file), "utf8");
  } catch (e) {
    throw new CliError(`mlpc: cannot read the checkpoint ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`, EXIT_USAGE);
  }
  return parseCheckpoint(text, file);
}

function layerShapes(ir: ModelIR): LayerShape[] {
  return denseLayers(ir).map((l) => ({ name: l.name, activation: l.activation.kind, inputs: l.inputs, units: l.units, weightOffset: l.weightOffset, biasOffset: l.biasOffset }));
}

function emptyHistory(): RunHistory {
  return { loss: [], accuracy: [], val_loss: [], val_accuracy: [], lr: [], gradientNorms: [] };
}

/** A fixed sample of training rows for diagnostics (the same every epoch, so norms compare). */
function diagnosticSample(train: Part, ir: ModelIR, seed: number): { x: Float64Array; y: Float64Array; rows: number } {
  if (train.rows <= DIAGNOSTIC_ROWS) return { x: train.x, y: train.y, rows: train.rows };
  const pick = permutation(train.rows, seed ^ 0x5eed).subarray(0, DIAGNOSTIC_ROWS);
  const x = new Float64Array(DIAGNOSTIC_ROWS * ir.inputSize);
  const y = new Float64Array(DIAGNOSTIC_ROWS * ir.outputSize);
  pick.forEach((r, i) => {
    x.set(train.x.subarray(r * ir.inputSize, (r + 1) * ir.inputSize), i * ir.inputSize);
    y.set(train.y.subarray(r * ir.outputSize, (r + 1) * ir.outputSize), i * ir.outputSize);
  });
  return { x, y, rows: DIAGNOSTIC_ROWS };
}

interface Outcome {
  readonly interrupted: boolean;
  readonly stoppedEarly: string | null;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

/** The command itself; also used by `mlpc demo`. Resolves when the weights (and report) are written. */
export async function train(file: string, flags: TrainFlags, io: Io, interrupts: InterruptSource = processSignals, explicit: ReadonlySet<string> = new Set()): Promise<TrainResult> {
  const c = colorsFor(io);
  const loaded = loadProgram(file, io, { maxParams: flags.maxParams });
  const ir0 = loaded.ir;
  const checkpoint = flags.resume === undefined ? null : readCheckpointFile(io, flags.resume);
  if (checkpoint !== null && checkpoint.model !== ir0.name) {
    throw new CliError(`mlpc: ${flags.resume}: the checkpoint is for model ${JSON.stringify(checkpoint.model)}, not ${JSON.stringify(ir0.name)}`, EXIT_PROGRAM_ERROR);
  }
  const targetSpec = targetSpecFor(ir0, flags);
  const known = checkpoint?.settings.target;
  const dataset = await readDataset(io, flags.data, {
    target: targetSpec.kind === "class" && known?.kind === "class" ? { ...targetSpec, classNames: known.classNames } : targetSpec,
    inputSize: ir0.inputSize,
  });
  const target = savedTarget(dataset);
  const sum = checksum(dataset.x, dataset.targets.kind === "class" ? dataset.targets.ids : dataset.targets.kind === "none" ? [] : dataset.targets.y);
  const wanted = settingsFor(ir0, flags, dataset.rows, sum, dataset.featureNames, target);
  let settings = wanted;
  if (checkpoint !== null) {
    checkResumeFlags(checkpoint.settings, wanted, explicit, flags.resume!);
    if (checkpoint.settings.dataChecksum !== sum) {
      throw new CliError(`mlpc: ${flags.data} is not the data the checkpoint was trained on (${checkpoint.settings.data}, ${checkpoint.settings.rows} rows); resume needs the same file`, EXIT_PROGRAM_ERROR);
    }
    settings = { ...checkpoint.settings, epochs: explicit.has("epochs") ? wanted.epochs : checkpoint.settings.epochs };
  }
  const ir = withSettings(ir0, settings);
  const prepared = prepare(dataset, ir, { validation: settings.validation, seed: settings.seed, standardize: settings.standardize, batch: settings.batch });
  const mod = await loadGeneratedModule(ir, basename(file), { simd: flags.simd === true });

  let trainer: GeneratedTrainer;
  try {
    trainer = checkpoint === null ? new mod.Trainer({ seed: settings.seed }) : mod.Trainer.fromJSON(checkpoint.trainer);
  } catch (e) {
    throw new CliError(`mlpc: ${flags.resume}: ${(e as Error).message}`, EXIT_PROGRAM_ERROR);
  }
  const history = checkpoint?.history ?? emptyHistory();
  const mode = flags.json === true ? "json" : flags.quiet === true ? "quiet" : "auto";
  const progress = createProgress(io, c, mode);
  if (checkpoint !== null) progress.note(`resuming ${flags.resume} at epoch ${trainer.epoch + 1}${trainer.batch > 0 ? `, batch ${trainer.batch + 1}` : ""}`);

  const checkpointPath = flags.checkpoint ?? flags.resume ?? `${ir.name}.checkpoint.json`;
  const run = await runTraining({ io, ir, mod, trainer, prepared, settings, history, early: checkpoint?.early ?? null, progress, interrupts, checkpointPath, saveEveryEpoch: flags.checkpoint !== undefined, elapsedBefore: checkpoint?.elapsedSeconds ?? 0 });
  progress.stop();

  if (run.outcome.interrupted) {
    const resumeHint = `mlpc train ${file} --data ${flags.data} --resume ${checkpointPath}`;
    throw new CliError(
      `mlpc: interrupted ${trainer.batch > 0 ? `in epoch ${trainer.epoch + 1} after batch ${trainer.batch}` : `after epoch ${trainer.epoch}`}; checkpoint saved to ${checkpointPath}\nresume with: ${resumeHint}`,
      EXIT_INTERRUPTED,
    );
  }
  return finish({ io, c, file, flags, ir, mod, trainer, prepared, settings, history, source: loaded.source, outcome: run.outcome, early: run.early });
}

export interface TrainResult {
  readonly metrics: { readonly train: TaskMetrics; readonly validation: TaskMetrics | null };
  readonly weightsPath: string;
  readonly epochs: number;
}

interface TrainingRun {
  readonly io: Io;
  readonly ir: ModelIR;
  readonly mod: GeneratedModule;
  readonly trainer: GeneratedTrainer;
  readonly prepared: Prepared;
  readonly settings: RunSettings;
  readonly history: RunHistory;
  readonly early: EarlyStoppingState | null;
  readonly progress: Progress;
  readonly interrupts: InterruptSource;
  readonly checkpointPath: string;
  readonly saveEveryEpoch: boolean;
  readonly elapsedBefore: number;
}

/** fitAsync with the callbacks that make it a command-line tool. */
async function runTraining(r: TrainingRun): Promise<{ outcome: Outcome; early: EarlyStoppingState | null }> {
  const { ir, mod, trainer, prepared, settings, history, progress } = r;
  const { train, validation } = prepared;
  const batchSize = settings.batch === "all" ? train.rows : Math.min(settings.batch, train.rows);
  const batches = Math.ceil(train.rows / batchSize);
  const shapes = layerShapes(ir);
  const sample = diagnosticSample(train, ir, settings.seed);
  const grad = new Float64Array(ir.paramCount);
  let early = r.early;
  let stoppedEarly: string | null = null;
  let interrupted = false;
  let forced = false;
  const started = performance.now();
  let rowsSeen = 0;
  const totalBatches = (settings.epochs - trainer.epoch) * batches - trainer.batch;
  let batchesDone = 0;
  const elapsed = (): number => (performance.now() - started) / 1000;
  const eta = (): number => (batchesDone === 0 ? NaN : (elapsed() / batchesDone) * (totalBatches - batchesDone));

  const checkpointJSON = (): string =>
    JSON.stringify({
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      mlpc: VERSION,
      model: ir.name,
      savedAt: new Date().toISOString(),
      settings,
      trainer: trainer.toJSON(),
      history,
      early,
      elapsedSeconds: r.elapsedBefore + elapsed(),
    } satisfies CheckpointFile);

  const stopListening = r.interrupts.listen(() => {
    if (interrupted) {
      // A second Ctrl-C while the checkpoint is being written: give up waiting, the write is atomic.
      forced = true;
      return;
    }
    interrupted = true;
    trainer.stopTraining = true;
  });
  progress.start({ model: ir.name, epochs: settings.epochs, initialEpoch: trainer.epoch, batchesPerEpoch: batches, trainRows: train.rows, validationRows: validation.rows });
  try {
    await trainer.fitAsync(train.x, train.y, {
      epochs: settings.epochs,
      initialEpoch: trainer.epoch,
      batchSize: settings.batch,
      shuffle: settings.shuffle,
      seed: settings.seed,
      ...(validation.rows > 0 ? { validationData: [validation.x, validation.y] as const } : {}),
      callbacks: {
        onBatchEnd: (batch, logs) => {
          rowsSeen += logs.size;
          batchesDone++;
          r.interrupts.afterBatch?.();
          progress.batch({ epoch: trainer.epoch + 1, batch: batch + 1, loss: logs.loss, lr: logs.lr, rowsPerSecond: rowsSeen / Math.max(elapsed(), 1e-9), etaSeconds: eta() });
          return interrupted ? false : undefined;
        },
        onEpochEnd: async (epoch, logs) => {
          history.loss.push(logs.loss);
          history.lr.push(logs.lr);
          if (logs.accuracy !== undefined) history.accuracy.push(logs.accuracy);
          if (logs.val_loss !== undefined) history.val_loss.push(logs.val_loss);
          if (logs.val_accuracy !== undefined) history.val_accuracy.push(logs.val_accuracy);
          mod.lossAndGradient(trainer.params, sample.x, sample.y, sample.rows, grad);
          history.gradientNorms.push(layerGradientNorms(grad, shapes));
          let best = false;
          let stop = false;
          if (settings.patience !== null) {
            const monitored = logs.val_loss ?? logs.loss;
            if (early === null || monitored < early.best) {
              early = { best: monitored, bestEpoch: epoch, wait: 0, bestParams: Array.from(trainer.params) };
              best = true;
            } else {
              early = { ...early, wait: early.wait + 1 };
              if (early.wait >= settings.patience) {
                stop = true;
                stoppedEarly = `Stopped early after epoch ${epoch + 1}: no better ${logs.val_loss === undefined ? "training" : "validation"} loss for ${settings.patience} epochs; kept the weights of epoch ${early.bestEpoch + 1} (loss ${early.best.toPrecision(4)}).`;
              }
            }
          }
          progress.epoch({ epoch: epoch + 1, epochs: settings.epochs, ...logs, rowsPerSecond: rowsSeen / Math.max(elapsed(), 1e-9), etaSeconds: eta(), best });
          if (r.saveEveryEpoch) await writeFileAtomic(resolve(r.io.cwd, r.checkpointPath), checkpointJSON());
          return stop ? false : undefined;
        },
      },
    });
  } catch (e) {
    progress.stop();
    if (e instanceof mod.NonFiniteLossError) {
      throw new CliError(`mlpc: ${e.message}`, EXIT_PROGRAM_ERROR);
    }
    throw e;
  } finally {
    stopListening();
  }
  if (interrupted) {
    progress.stop();
    writeFileAtomicSync(resolve(r.io.cwd, r.checkpointPath), checkpointJSON());
    void forced;
  }
  const seconds = elapsed();
  return { outcome: { interrupted, stoppedEarly, seconds: r.elapsedBefore + seconds, rowsPerSecond: rowsSeen / Math.max(seconds, 1e-9) }, early };
}

interface Finish {
  readonly io: Io;
  readonly c: Colors;
  readonly file: string;
  readonly flags: TrainFlags;
  readonly ir: ModelIR;
  readonly mod: GeneratedModule;
  readonly trainer: GeneratedTrainer;
  readonly prepared: Prepared;
  readonly settings: RunSettings;
  readonly history: RunHistory;
  readonly source: string;
  readonly outcome: Outcome;
  readonly early: EarlyStoppingState | null;
}

/** Metrics of the final weights on one part of the data. */
function taskMetrics(trainer: GeneratedTrainer, ir: ModelIR, part: Part, prepared: Prepared): TaskMetrics {
  const outputs = trainer.predict(part.x).flat();
  const t = prepared.dataset.targets;
  switch (t.kind) {
    case "class": {
      const names = t.classNames ?? Array.from({ length: t.classCount }, (_, k) => String(k));
      return classificationMetrics(part.ids!, predictedClasses(outputs, part.rows, ir.outputSize), names);
    }
    case "multilabel":
      return multilabelMetrics(part.y, outputs, part.rows, t.columns);
    case "regression":
      return regressionMetrics(part.y, outputs, part.rows, t.columns);
    case "none":
      throw new Error("training data has targets");
  }
}

function lossRow(trainer: GeneratedTrainer, split: string, part: Part): LossRow {
  const e = trainer.evaluate(part.x, part.y);
  return { split, rows: part.rows, loss: e.loss, accuracy: e.accuracy ?? null };
}

function diagnose(f: Finish): TrainingDiagnostics {
  const { ir, mod, trainer, prepared } = f;
  const shapes = layerShapes(ir);
  const sample = diagnosticSample(prepared.train, ir, f.settings.seed);
  const grad = new Float64Array(ir.paramCount);
  const xRow = new Float64Array(ir.inputSize);
  const yRow = new Float64Array(ir.outputSize);
  const dead = deadReluUnits(shapes, sample.rows, (r) => {
    xRow.set(sample.x.subarray(r * ir.inputSize, (r + 1) * ir.inputSize));
    yRow.set(sample.y.subarray(r * ir.outputSize, (r + 1) * ir.outputSize));
    mod.lossAndGradient(trainer.params, xRow, yRow, 1, grad);
    return grad;
  });
  const norms = f.history.gradientNorms;
  return { gradientNorms: norms, deadUnits: dead, sampledRows: sample.rows, warnings: diagnosticWarnings(norms, dead) };
}

/** Learning rate of each update of the run, at most ~600 points. */
function scheduleSamples(mod: GeneratedModule, totalSteps: number): { steps: number[]; lr: number[] } {
  const every = Math.max(1, Math.ceil(totalSteps / 600));
  const steps: number[] = [];
  for (let t = 0; t < totalSteps; t += every) steps.push(t);
  if (steps[steps.length - 1] !== totalSteps - 1 && totalSteps > 0) steps.push(totalSteps - 1);
  return { steps, lr: steps.map((t) => mod.learningRate(t)) };
}

function describeTarget(s: RunSettings): string {
  const t = s.target;
  if (t.kind === "class") return `${t.column} (${t.classCount} classes${t.classNames === null ? "" : `: ${t.classNames.join(", ")}`})`;
  return t.columns.join(", ");
}

async function finish(f: Finish): Promise<TrainResult> {
  const { io, c, ir, trainer, prepared, settings, flags } = f;
  if (settings.patience !== null && f.early !== null) trainer.params.set(f.early.bestParams);
  const hasVal = prepared.validation.rows > 0;
  const losses = [lossRow(trainer, "train", prepared.train), ...(hasVal ? [lossRow(trainer, "validation", prepared.validation)] : [])];
  const metrics = { train: taskMetrics(trainer, ir, prepared.train, prepared), validation: hasVal ? taskMetrics(trainer, ir, prepared.validation, prepared) : null };
  const diagnostics = diagnose(f);

  const weightsPath = flags.out ?? `${ir.name}.weights.json`;
  const weights: WeightsFile = {
    format: WEIGHTS_FORMAT,
    version: WEIGHTS_VERSION,
    mlpc: VERSION,
    model: ir.name,
    createdAt: new Date().toISOString(),
    features: prepared.dataset.featureNames,
    target: settings.target,
    scaling: prepared.scaling,
    trainer: trainer.toJSON(),
  };
  await writeOut(io, weightsPath, JSON.stringify(weights) + "\n");
  const result: TrainResult = { metrics, weightsPath, epochs: f.history.loss.length };

  const batchSize = settings.batch === "all" ? prepared.train.rows : Math.min(settings.batch, prepared.train.rows);
  const totalSteps = settings.epochs * Math.ceil(prepared.train.rows / batchSize);
  if (flags.report !== undefined) {
    const data: ReportData = {
      model: ir.name,
      createdAt: weights.createdAt,
      version: VERSION,
      programFile: f.file,
      program: f.source,
      dataFile: flags.data,
      summary: summarize(ir),
      settings: [
        ["data", `${flags.data} (${prepared.dataset.rows} rows, ${prepared.dataset.featureNames.length} features)`],
        ["target", describeTarget(settings)],
        ["validation", hasVal ? `${Math.round(settings.validation * 100)}%${settings.target.kind === "class" ? " stratified" : ""} (${prepared.validation.rows} rows)` : "none"],
        ["scaling", settings.standardize ? "standardize (fitted on the training split)" : "none"],
        ["early stopping", settings.patience === null ? "off" : `patience ${settings.patience}`],
        ["seed", String(settings.seed)],
        ["weights", weightsPath],
      ],
      history: {
        loss: f.history.loss,
        lr: f.history.lr,
        ...(f.history.accuracy.length > 0 ? { accuracy: f.history.accuracy } : {}),
        ...(f.history.val_loss.length > 0 ? { val_loss: f.history.val_loss } : {}),
        ...(f.history.val_accuracy.length > 0 ? { val_accuracy: f.history.val_accuracy } : {}),
      },
      schedule: scheduleSamples(f.mod, Math.min(totalSteps, trainer.state.step)),
      losses,
      metrics,
      diagnostics,
      outcome: { epochs: f.history.loss.length, seconds: f.outcome.seconds, rowsPerSecond: f.outcome.rowsPerSecond, note: f.outcome.stoppedEarly, weightsFile: weightsPath },
    };
    await writeOut(io, flags.report, renderReport(data));
  }

  if (flags.json === true) {
    io.stdout(JSON.stringify({ event: "result", epochs: f.history.loss.length, losses, metrics, diagnostics: { ...diagnostics, gradientNorms: diagnostics.gradientNorms.at(-1) ?? [] }, stoppedEarly: f.outcome.stoppedEarly, weights: weightsPath, report: flags.report ?? null }) + "\n");
    return result;
  }
  if (flags.quiet === true) return result;
  const out: string[] = [""];
  if (f.outcome.stoppedEarly !== null) out.push(c.cyan(f.outcome.stoppedEarly), "");
  out.push(c.bold(`Final weights${settings.patience !== null ? " (best epoch)" : ""}`), ...lossTable(losses), "");
  const shown = metrics.validation ?? metrics.train;
  out.push(c.bold(`On the ${hasVal ? "validation" : "training"} rows`), ...metricsTables(shown), "");
  // Gradient norms are taken on a fixed training sample after each epoch (the table shows the last
  // epoch's); dead units are counted at the weights kept, which differ after early stopping.
  const afterEarlyStop = f.outcome.stoppedEarly !== null ? ` (gradient norms after epoch ${f.history.loss.length}; dead units at the kept weights)` : "";
  out.push(c.bold(`Diagnostics${afterEarlyStop}`), ...diagnosticsTable(diagnostics));
  for (const w of diagnostics.warnings) out.push(c.yellow(`warning: ${w.message}`));
  out.push("");
  out.push(`trained ${f.history.loss.length} epochs in ${duration(f.outcome.seconds)}; wrote ${weightsPath}${flags.report === undefined ? "" : ` and ${flags.report}`}`);
  io.stdout(out.join("\n") + "\n");
  return result;
}

async function writeOut(io: Io, path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(resolve(io.cwd, path), text);
  } catch (e) {
    throw new CliError(`mlpc: cannot write ${path}: ${(e as Error).message}`, EXIT_PROGRAM_ERROR);
  }
}
