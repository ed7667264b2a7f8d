/**
 * The training run of `mlpc train`: the generated Trainer's fitAsync with the callbacks that make
 * it a command-line tool (progress, gradient norms, early stopping, checkpoints, Ctrl-C).
 */
import { resolve } from "node:path";
import type { ModelIR } from "../ir/types.js";
import type { Prepared } from "./dataset.js";
import { CliError, EXIT_PROGRAM_ERROR, type Io } from "./io.js";
import type { ValidationResult } from "../parallel/index.js";
import type { EpochReport, Progress } from "./progress.js";
import type { EpochLogs, FitOptions, GeneratedModule, GeneratedTrainer } from "./runtime.js";
import type { EarlyStoppingState, RunHistory, RunSettings } from "./saved.js";
import { checkpointFile, writeSaved, writeSavedSync } from "./saved-write.js";
import { earlyStoppingStep, recordEpoch } from "./train-callbacks.js";
import { gradientNormRecorder } from "./train-diagnostics.js";

/** The signals that stop a run after saving a checkpoint. */
export type StopSignal = "SIGINT" | "SIGTERM";

/** Stops training from outside (Ctrl-C, SIGTERM); process signals by default, injectable for tests. */
export interface InterruptSource {
  listen(handler: (signal: StopSignal) => void): () => void;
  /** Called after every batch (tests press a fake Ctrl-C at an exact batch). */
  afterBatch?(): void;
}

export const processSignals: InterruptSource = {
  listen(handler) {
    const onInt = (): void => handler("SIGINT");
    const onTerm = (): void => handler("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
    return () => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
    };
  },
};

export interface TrainingRun {
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
  /** The batch's step in place of the module's own (the data-parallel engine), if given. */
  readonly trainStep?: NonNullable<FitOptions["trainStep"]>;
  /** The engine's gatherRows and paramsBefore (each thread gathers its slice's inputs and keeps its range before the update), with its trainStep. */
  readonly gatherRows?: NonNullable<FitOptions["gatherRows"]>;
  readonly paramsBefore?: NonNullable<FitOptions["paramsBefore"]>;
  /** The validation pass's J and outputs in place of the module's lossOf (the same engine), if given. */
  readonly validationLoss?: NonNullable<FitOptions["validationLoss"]>;
  /**
   * The validation pass on another core while the next epoch trains (BackgroundValidation), if
   * given: each epoch's line and history entry then wait for its result. Only for a run where
   * nothing acts on an epoch's validation metrics before the next epoch starts (no early
   * stopping, no checkpoint each epoch).
   */
  readonly validateInBackground?: BackgroundValidator;
}

/** What the run needs of BackgroundValidation: post an epoch's weights, take finished results (after each batch), wait for the rest. */
export interface BackgroundValidator {
  evaluate(params: Float64Array): Promise<ValidationResult>;
  poll(): void;
  settled(): Promise<void>;
}

export interface Outcome {
  readonly interrupted: boolean;
  /** The signal that interrupted the run (the exit code follows it: 130 or 143). */
  readonly signal: StopSignal | null;
  readonly stoppedEarly: string | null;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

/** The rows of one update: the whole training split for "all", never more than it. */
export function batchSizeOf(settings: RunSettings, trainRows: number): number {
  return settings.batch === "all" ? trainRows : Math.min(settings.batch, trainRows);
}

/** fitAsync with the callbacks that make it a command-line tool. */
export async function runTraining(r: TrainingRun): Promise<{ outcome: Outcome; early: EarlyStoppingState | null }> {
  const { ir, mod, trainer, prepared, settings, history, progress } = r;
  const { train, validation } = prepared;
  const batches = Math.ceil(train.rows / batchSizeOf(settings, train.rows));
  const gradientNorms = gradientNormRecorder(ir, trainer, train.rows, batchSizeOf(settings, train.rows));
  let early = r.early;
  let stoppedEarly: string | null = null;
  let interrupted = false;
  let signal: StopSignal | null = null;
  const started = performance.now();
  let rowsSeen = 0;
  const totalBatches = (settings.epochs - trainer.epoch) * batches - trainer.batch;
  let batchesDone = 0;
  const elapsed = (): number => (performance.now() - started) / 1000;
  const eta = (): number => (batchesDone === 0 ? NaN : (elapsed() / batchesDone) * (totalBatches - batchesDone));
  const checkpoint = (): ReturnType<typeof checkpointFile> =>
    checkpointFile(resolve(r.io.cwd, r.checkpointPath), { ir, settings, trainer, history, early, elapsedSeconds: r.elapsedBefore + elapsed() });

  // Ctrl-C again changes nothing: the run is already stopping, and the checkpoint is written atomically.
  const stopListening = r.interrupts.listen((s) => {
    signal ??= s;
    interrupted = true;
    trainer.stopTraining = true;
  });
  // Epochs validated on another core report in order, each once its result is in.
  const background = r.validateInBackground;
  let reported: Promise<void> = Promise.resolve();
  /** The epoch's place in the run, taken as it ends (its line may go out later). */
  const epochAt = (epoch: number): Pick<EpochReport, "epoch" | "rowsPerSecond" | "etaSeconds"> => ({ epoch: epoch + 1, rowsPerSecond: rowsSeen / Math.max(elapsed(), 1e-9), etaSeconds: eta() });
  const report = (logs: EpochLogs, at: ReturnType<typeof epochAt>, norms: ReturnType<typeof gradientNorms.epochNorms>, best: boolean): void => {
    recordEpoch(history, logs, norms);
    progress.epoch({ epoch: at.epoch, epochs: settings.epochs, ...logs, rowsPerSecond: at.rowsPerSecond, etaSeconds: at.etaSeconds, best });
  };
  progress.start({ model: ir.name, epochs: settings.epochs, initialEpoch: trainer.epoch, batchesPerEpoch: batches, trainRows: train.rows, validationRows: validation.rows });
  try {
    await trainer.fitAsync(train.x, train.y, {
      epochs: settings.epochs,
      initialEpoch: trainer.epoch,
      batchSize: settings.batch,
      shuffle: settings.shuffle,
      seed: settings.seed,
      ...(validation.rows > 0 && background === undefined ? { validationData: [validation.x, validation.y] as const } : {}),
      ...(r.trainStep === undefined ? {} : { trainStep: r.trainStep }),
      ...(r.validationLoss === undefined ? {} : { validationLoss: r.validationLoss }),
      ...(r.gatherRows === undefined ? {} : { gatherRows: r.gatherRows }),
      ...(r.paramsBefore === undefined ? {} : { paramsBefore: r.paramsBefore }),
      ...(prepared.classWeight === null ? {} : { classWeight: prepared.classWeight }),
      callbacks: {
        onBatchEnd: (batch, logs) => {
          rowsSeen += logs.size;
          batchesDone++;
          gradientNorms.afterBatch(batch, logs.size);
          background?.poll();
          r.interrupts.afterBatch?.();
          progress.batch?.({ epoch: trainer.epoch + 1, batch: batch + 1, loss: logs.loss, lr: logs.lr, rowsPerSecond: rowsSeen / Math.max(elapsed(), 1e-9), etaSeconds: eta() });
          return interrupted ? false : undefined;
        },
        onEpochEnd: async (epoch, logs) => {
          const at = epochAt(epoch);
          const norms = gradientNorms.epochNorms();
          if (background !== undefined) {
            const result = background.evaluate(trainer.params);
            reported = reported.then(async () => {
              const v = await result;
              report({ ...logs, val_loss: v.loss, ...(v.accuracy === undefined ? {} : { val_accuracy: v.accuracy }) }, at, norms, false);
            });
            return undefined;
          }
          let best = false;
          let stop = false;
          if (settings.patience !== null) {
            const step = earlyStoppingStep(early, logs, epoch, trainer.params, settings.patience);
            early = step.early;
            best = step.improved;
            if (step.stopNote !== null) {
              stop = true;
              stoppedEarly = step.stopNote;
            }
          }
          report(logs, at, norms, best);
          if (r.saveEveryEpoch) await writeSaved(checkpoint());
          return stop ? false : undefined;
        },
      },
    });
    await background?.settled();
    await reported;
  } catch (e) {
    // The epochs finished before the failure are reported first, as when they were validated here.
    await background?.settled();
    await reported.catch(() => undefined);
    progress.stop();
    if (e instanceof Error && e.message.startsWith("classWeight needs")) throw new CliError(`mlpc: --class-weight: ${e.message}`, EXIT_PROGRAM_ERROR);
    if (e instanceof mod.NonFiniteLossError) {
      const kept = r.saveEveryEpoch && trainer.epoch > 0 ? `; ${r.checkpointPath} holds the last good epoch` : "";
      throw new CliError(`mlpc: ${e.message}${kept}`, EXIT_PROGRAM_ERROR);
    }
    throw e;
  } finally {
    stopListening();
  }
  if (interrupted) {
    progress.stop();
    writeSavedSync(checkpoint());
  }
  const seconds = elapsed();
  return { outcome: { interrupted, signal, stoppedEarly, seconds: r.elapsedBefore + seconds, rowsPerSecond: rowsSeen / Math.max(seconds, 1e-9) }, early };
}
