/**
 * `mlpc train FILE --data CSV`: compiles the program in memory, trains it with the generated
 * Trainer on the CSV, and writes the weights (and optionally a report and checkpoints).
 *
 *   this file: the command line, the run's settings (program, flags or checkpoint)
 *   -> read + split + scale (dataset.ts) -> generated module (runtime.ts)
 *   -> Trainer.fitAsync (train-run.ts) with the epoch callbacks (train-callbacks.ts)
 *   -> metrics, tables, weights file, HTML report (train-report.ts).
 *
 * Exit codes: 0 trained; 1 bad program or data, or training diverged; 2 bad command line;
 * 130 interrupted (Ctrl-C) or 143 (SIGTERM) after saving a checkpoint.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, resolve } from "node:path";
import type { Command } from "commander";
import { denseLayers, hasDropout } from "../ir/layers.js";
import type { ModelIR } from "../ir/types.js";
import { BackgroundValidation, backgroundValidationPays, DataParallelStep, defaultThreads, threadsRefusal } from "../parallel/index.js";
import { checksum, prepare, readDataset, savedTarget, trainingReadSettings, type Prepared } from "./dataset.js";
import { addDataOptions, checkResumedDataFlags, dataOptionsOf, type DataFlags, type DataOptions } from "./data-flags.js";
import type { TargetSpec } from "../data/columns.js";
import type { Dataset } from "../data/csv.js";
import { delimiterName } from "../data/delimiter.js";
import { describeWidth } from "../data/preprocess.js";
import { CliError, colorsFor, EXIT_PROGRAM_ERROR, EXIT_USAGE, type Io } from "./io.js";
import { parseBatch, parseCount, parseNonNegativeInt, parsePositiveNumber, parseValidationFraction } from "./options.js";
import { checkOutputs, fileUse, type FileUse } from "./outputs.js";
import { createProgress } from "./progress.js";
import { generatedModuleUrl, importGeneratedModule, type GeneratedModule, type GeneratedTrainer } from "./runtime.js";
import { parseCheckpoint, type CheckpointFile, type RunSettings, type SavedTarget } from "./saved.js";
import { binaryLoaderFor } from "./saved-binary.js";
import { sidecarOf } from "./saved-write.js";
import { shellCommand } from "./shell.js";
import { loadProgram } from "./source.js";
import { targetSpecFor } from "./targets.js";
import { emptyHistory } from "./train-callbacks.js";
import { finish, type TrainResult } from "./train-report.js";
import { batchSizeOf, processSignals, runTraining, type InterruptSource } from "./train-run.js";

export type { InterruptSource, TrainResult };

/** Exit code after Ctrl-C, as shells report a process ended by SIGINT. */
export const EXIT_INTERRUPTED = 130;
/** Exit code after SIGTERM (128 + 15), as shells report it. */
export const EXIT_TERMINATED = 143;
/** Below this many rows the default is no validation split (XOR has 4). */
const SMALL_DATA_ROWS = 20;

export interface TrainFlags extends DataFlags {
  data: string;
  epochs?: number;
  batch?: number | "all";
  lr?: number;
  seed?: number;
  val?: number;
  earlyStopping?: number;
  test?: number;
  out?: string;
  report?: string;
  checkpoint?: string;
  resume?: string;
  quiet?: boolean;
  json?: boolean;
  simd?: boolean;
  threads?: number;
  maxParams: number;
}

export function register(program: Command, io: Io, interrupts: InterruptSource = processSignals): void {
  const command = program
    .command("train")
    .description("train a program on a CSV file; write the weights, a metrics table and optionally an HTML report")
    .argument("<file>", "the .mlp program")
    .requiredOption("--data <csv>", "training data: a CSV file with a header row");
  addDataOptions(command)
    .option("--epochs <n>", "epochs (overrides the program)", parseCount)
    .option("--batch <n|all>", "rows per update (overrides the program)", parseBatch)
    .option("--lr <rate>", "learning rate (overrides the program)", parsePositiveNumber)
    .option("--seed <n>", "seed of the split, init and shuffling (overrides the program)", parseNonNegativeInt)
    .option("--val <fraction>", `validation fraction, stratified for classes (default 0.2; 0 below ${SMALL_DATA_ROWS} rows)`, parseValidationFraction)
    .option("--early-stopping <patience>", "stop after this many epochs without a better validation loss; keep the best weights", parseCount)
    .option("--test <fraction>", "hold out a stratified test split: never trained on nor used for early stopping, reported once at the end", parseValidationFraction)
    .option("-o, --out <file>", "weights file (default: NAME.weights.json)")
    .option("--report <file>", "write a self-contained HTML report")
    .option("--checkpoint <file>", "save a checkpoint after every epoch (and on Ctrl-C)")
    .option("--resume <file>", "continue a run from its checkpoint, exactly")
    .option("--quiet", "print nothing but errors")
    .option("--json", "print JSON lines (start, epoch, note, result) instead of text")
    .option("--simd", "the default: big layers in WebAssembly SIMD kernels (f64x2), plain loops where wasm SIMD is missing; same results to rounding")
    .option("--no-simd", "plain TypeScript only")
    .option("--threads <n>", "worker threads, each computing the gradient of a slice of every batch and the validation pass of a slice of the validation rows (default: the cores, where that pays for the network and batch; on one thread, the validation pass runs on a second core while the next epoch trains)", parseCount)
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
function settingsFor(ir: ModelIR, flags: TrainFlags, rows: number, dataChecksum: string, features: readonly string[], target: RunSettings["target"], dataOptions: DataOptions): RunSettings {
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
    standardize: dataOptions.scale === "standard",
    patience: flags.earlyStopping ?? null,
    dataOptions,
    test: flags.test ?? 0,
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

/** A resumed run keeps its label columns: --label, --labels or --target naming others is refused, naming the flag. */
function checkResumedTarget(saved: SavedTarget, wanted: TargetSpec, explicit: ReadonlySet<string>, file: string): void {
  const flag = explicit.has("label") ? "--label" : explicit.has("labels") ? "--labels" : explicit.has("target") ? "--target" : null;
  if (flag === null) return;
  const columns = (t: SavedTarget | TargetSpec): string => (t.kind === "class" ? t.column : t.kind === "none" ? "" : t.columns.join(","));
  if (columns(wanted) === columns(saved)) return;
  throw new CliError(`mlpc: ${flag} ${columns(wanted)} differs from the checkpoint's ${columns(saved)} (${file}); a resumed run reads the data as it started`, EXIT_USAGE);
}

/** The feature columns' numbers as one rows x columns matrix. */
function rowMajorNumbers(d: Dataset): Float64Array {
  const width = d.columns.length;
  const out = new Float64Array(d.rows * width);
  d.columns.forEach((c, k) => {
    for (let r = 0; r < d.rows; r++) out[r * width + k] = c.numbers[r]!;
  });
  return out;
}

/** What was decided about the data without being asked: the delimiter, the text columns, the width. */
function dataNotes(file: string, d: Dataset, p: Prepared): string[] {
  const notes: string[] = [];
  if (d.delimiterDetected && d.delimiter !== ",") notes.push(`${file}: fields separated by ${delimiterName(d.delimiter)} (detected from the header; --delimiter to set it)`);
  const text = d.columns.filter((c) => c.firstText !== null).map((c) => c.name);
  if (text.length > 0) notes.push(`${file}: one-hot encoding the text column${text.length === 1 ? "" : "s"} ${text.map((n) => JSON.stringify(n)).join(", ")} (categories from the training split)`);
  if (p.plan.columns.some((c) => c.kind === "categorical")) notes.push(`inputs: ${describeWidth(p.plan)}`);
  return notes;
}

function readCheckpointFile(io: Io, file: string, ir: ModelIR): CheckpointFile {
  let text: string;
  const path = resolve(io.cwd, file);
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new CliError(`mlpc: cannot read the checkpoint ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`, EXIT_USAGE);
  }
  return parseCheckpoint(text, file, { ir, binary: binaryLoaderFor(path, file) });
}

/**
 * The files of the run, checked before the data is read: no output may replace an input or
 * another output (the checkpoint may replace the one resumed from: it is its next state), and
 * every output must be writable.
 */
function checkRunFiles(io: Io, file: string, flags: TrainFlags, ir: ModelIR, checkpointPath: string): void {
  const use = (what: string, given: string): FileUse => fileUse(io.cwd, what, given);
  const weights = flags.out ?? `${ir.name}.weights.json`;
  const inputs = [use("program", file), use("data", flags.data), ...(flags.resume === undefined ? [] : [use("checkpoint resumed from", flags.resume)])];
  const checkpoint = use("checkpoint", checkpointPath);
  const outputs = [use("weights file", weights), ...(flags.report === undefined ? [] : [use("report", flags.report)]), checkpoint];
  const withSidecar = (f: string | undefined, what: string, best: boolean): FileUse[] => {
    const sidecar = f === undefined ? null : sidecarOf(ir, f, best);
    return sidecar === null ? [] : [use(what, sidecar)];
  };
  outputs.push(...withSidecar(weights, "weights sidecar", false), ...withSidecar(checkpointPath, "checkpoint sidecar", flags.earlyStopping !== undefined));
  inputs.push(...withSidecar(flags.resume, "sidecar of the checkpoint resumed from", flags.earlyStopping !== undefined));
  const resumed = inputs.filter((i) => i.what.includes("resumed from"));
  const sidecarOut = outputs.find((o) => o.what === "checkpoint sidecar");
  checkOutputs(inputs, outputs, [
    ...(resumed[0] === undefined ? [] : [[checkpoint, resumed[0]] as [FileUse, FileUse]]),
    ...(resumed[1] === undefined || sidecarOut === undefined ? [] : [[sidecarOut, resumed[1]] as [FileUse, FileUse]]),
  ]);
}

/** The command that continues an interrupted run: the same program, data, labels and outputs, shell-quoted. */
export function resumeCommand(file: string, flags: TrainFlags, checkpointPath: string): string {
  const args = ["mlpc", "train", file, "--data", flags.data];
  for (const [flag, value] of [
    ["--label", flags.label],
    ["--labels", flags.labels],
    ["--target", flags.target],
    ["--out", flags.out],
    ["--report", flags.report],
  ] as const) {
    if (value !== undefined) args.push(flag, value);
  }
  if (flags.checkpoint !== undefined) args.push("--checkpoint", flags.checkpoint);
  if (flags.simd === false) args.push("--no-simd");
  if (flags.threads !== undefined) args.push("--threads", String(flags.threads));
  if (flags.maxParams !== 50_000_000) args.push("--max-params", String(flags.maxParams));
  args.push("--resume", checkpointPath);
  return shellCommand(args);
}

/** Multiply-adds of a row's forward pass, summed over the dense layers. */
function macsPerRow(ir: ModelIR): number {
  return denseLayers(ir).reduce((s, l) => s + l.inputs * l.units, 0);
}

/**
 * The data-parallel engine for --threads N (or the default that pays for this network and batch),
 * or null for one thread. A count that cannot run as asked (dropout) trains on one thread, with a note.
 */
async function startParallel(ir: ModelIR, mod: GeneratedModule, moduleUrl: string, trainInputs: Float64Array, batchRows: number, validationRows: number, requested: number | undefined, note: (text: string) => void): Promise<DataParallelStep | null> {
  const inputs = { macsPerRow: macsPerRow(ir), batchRows, cores: availableParallelism(), hasDropout: hasDropout(ir) };
  const refusal = requested === undefined ? null : threadsRefusal(requested, inputs);
  if (refusal !== null) note(`--threads ${requested}: ${refusal}`);
  const threads = refusal !== null ? 1 : Math.min(requested ?? defaultThreads(inputs), batchRows);
  if (threads <= 1) return null;
  note(`training on ${threads} threads, each computing the gradient of a slice of every batch and updating a range of the parameters${validationRows >= threads ? ", and the validation pass of a slice of the validation rows" : ""}`);
  return DataParallelStep.start({
    moduleUrl,
    module: mod,
    threads,
    inputSize: ir.inputSize,
    outputSize: ir.outputSize,
    paramCount: ir.paramCount,
    maxRows: batchRows,
    maxEvaluationRows: validationRows,
    inputs: trainInputs,
    keepParamsBefore: true,
    clips: ir.optimizer.clip !== null,
  });
}

/**
 * The validation pass on a second core while the next epoch trains, for a run on one thread by
 * default (not --threads 1, which asks for one thread) where that pays and nothing acts on an
 * epoch's validation metrics before the next one starts: no early stopping, no checkpoint each
 * epoch. Else null.
 */
function startBackgroundValidation(ir: ModelIR, mod: GeneratedModule, moduleUrl: string, prepared: Prepared, settings: RunSettings, flags: TrainFlags, note: (text: string) => void): BackgroundValidation | null {
  if (flags.threads !== undefined || settings.patience !== null || flags.checkpoint !== undefined) return null;
  if (!backgroundValidationPays({ macsPerRow: macsPerRow(ir), cores: availableParallelism(), validationRows: prepared.validation.rows })) return null;
  note("validating each epoch on a second thread while the next one trains");
  const { x, y } = prepared.validation;
  return BackgroundValidation.start({ moduleUrl, x, y, paramCount: ir.paramCount, evaluateHere: (params) => new mod.Trainer({ params }).evaluate(x, y) });
}

/** The command itself; also used by `mlpc demo`. Resolves when the weights (and report) are written. */
export async function train(file: string, flags: TrainFlags, io: Io, interrupts: InterruptSource = processSignals, explicit: ReadonlySet<string> = new Set()): Promise<TrainResult> {
  const c = colorsFor(io);
  const loaded = loadProgram(file, io, { maxParams: flags.maxParams });
  const ir0 = loaded.ir;
  const checkpointPath = flags.checkpoint ?? flags.resume ?? `${ir0.name}.checkpoint.json`;
  const checkpoint = flags.resume === undefined ? null : readCheckpointFile(io, flags.resume, ir0);
  checkRunFiles(io, file, flags, ir0, checkpointPath);
  if (checkpoint !== null && checkpoint.model !== ir0.name) {
    throw new CliError(`mlpc: ${flags.resume}: the checkpoint is for model ${JSON.stringify(checkpoint.model)}, not ${JSON.stringify(ir0.name)}`, EXIT_PROGRAM_ERROR);
  }
  const targetSpec = targetSpecFor(ir0, flags);
  const known = checkpoint?.settings.target;
  if (checkpoint !== null && known !== undefined) checkResumedTarget(known, targetSpec, explicit, flags.resume!);
  if (checkpoint?.settings.dataOptions !== undefined) checkResumedDataFlags(checkpoint.settings.dataOptions, flags, explicit, flags.resume!);
  const dataOptions = checkpoint?.settings.dataOptions ?? dataOptionsOf(flags);
  const dataset = await readDataset(io, flags.data, trainingReadSettings(targetSpec.kind === "class" && known?.kind === "class" ? { ...targetSpec, classNames: known.classNames } : targetSpec, dataOptions));
  const target = savedTarget(dataset);
  if (target.kind === "class" && target.classNames !== null && target.classNames.length !== target.classCount) {
    const names = target.classNames.map((n) => JSON.stringify(n)).join(", ");
    throw new CliError(
      `mlpc: ${flags.data}, column ${JSON.stringify(target.column)}: the data names ${target.classNames.length} class${target.classNames.length === 1 ? "" : "es"} (${names}), but ${ir0.name} tells ${target.classCount} classes apart; every class needs rows (or use class ids 0..${target.classCount - 1})`,
      EXIT_PROGRAM_ERROR,
    );
  }
  const targetValues = dataset.targets.kind === "class" ? dataset.targets.ids : dataset.targets.kind === "none" ? [] : dataset.targets.y;
  // A checkpoint from before data options summed the all-numeric feature matrix row by row: keep that sum for it.
  const legacy = checkpoint !== null && checkpoint.settings.dataOptions === undefined;
  const sum = legacy ? checksum(rowMajorNumbers(dataset), targetValues) : checksum(...dataset.columns.flatMap((c) => (c.codes === null ? [c.numbers] : [c.numbers, c.codes])), targetValues);
  const wanted = settingsFor(ir0, flags, dataset.rows, sum, dataset.featureNames, target, dataOptions);
  let settings = wanted;
  if (checkpoint !== null) {
    checkResumeFlags(checkpoint.settings, wanted, explicit, flags.resume!);
    if (checkpoint.settings.dataChecksum !== sum) {
      throw new CliError(`mlpc: ${flags.data} is not the data the checkpoint was trained on (${checkpoint.settings.data}, ${checkpoint.settings.rows} rows); resume needs the same file`, EXIT_PROGRAM_ERROR);
    }
    settings = { ...checkpoint.settings, epochs: explicit.has("epochs") ? wanted.epochs : checkpoint.settings.epochs };
  }
  const ir = withSettings(ir0, settings);
  const prepared = prepare(dataset, ir, {
    validation: settings.validation,
    test: settings.test ?? 0,
    seed: settings.seed,
    batch: settings.batch,
    data: settings.dataOptions ?? dataOptions,
    program: { file, source: loaded.source },
  });
  const moduleUrl = await generatedModuleUrl(ir, basename(file), { simd: flags.simd !== false });
  const mod = await importGeneratedModule(moduleUrl);

  const mode = flags.json === true ? "json" : flags.quiet === true ? "quiet" : "auto";
  const progress = createProgress(io, c, mode);
  for (const note of dataNotes(flags.data, dataset, prepared)) progress.note(note);
  // The engine first: the Trainer's state lives in the arrays it shares with its threads.
  const parallel = await startParallel(ir, mod, moduleUrl, prepared.train.x, batchSizeOf(settings, prepared.train.rows), prepared.validation.rows, flags.threads, (text) => progress.note(text));
  const background = parallel === null ? startBackgroundValidation(ir, mod, moduleUrl, prepared, settings, flags, (text) => progress.note(text)) : null;
  const history = checkpoint?.history ?? emptyHistory();
  let run;
  let trainer: GeneratedTrainer;
  try {
    const arrays = parallel === null ? {} : { arrays: parallel.arrays as (length: number) => Float64Array };
    try {
      trainer = checkpoint === null ? new mod.Trainer({ seed: settings.seed, ...arrays }) : mod.Trainer.fromJSON(checkpoint.trainer, arrays);
    } catch (e) {
      throw new CliError(`mlpc: ${flags.resume}: ${(e as Error).message}`, EXIT_PROGRAM_ERROR);
    }
    if (checkpoint !== null) progress.note(`resuming ${flags.resume} at epoch ${trainer.epoch + 1}${trainer.batch > 0 ? `, batch ${trainer.batch + 1}` : ""}`);
    run = await runTraining({
      io,
      ir,
      mod,
      trainer,
      // With an engine, training reads the engine's shared copy of the inputs, from which each thread gathers its rows.
      prepared: parallel === null ? prepared : { ...prepared, train: { ...prepared.train, x: parallel.inputs } },
      settings,
      history,
      early: checkpoint?.early ?? null,
      progress,
      interrupts,
      checkpointPath,
      saveEveryEpoch: flags.checkpoint !== undefined,
      elapsedBefore: checkpoint?.elapsedSeconds ?? 0,
      ...(parallel === null
        ? {}
        : {
            trainStep: (state, x, y, rows, seed, out, rowWeight) => parallel.step(state, x, y, rows, seed, out, rowWeight),
            gatherRows: parallel.gatherRows,
            paramsBefore: parallel.paramsBefore as Float64Array,
            validationLoss: parallel.evaluate,
          }),
      ...(background === null ? {} : { validateInBackground: background }),
    });
  } finally {
    await parallel?.close();
    await background?.close();
  }
  progress.stop();

  if (run.outcome.interrupted) {
    throw new CliError(
      `mlpc: interrupted${run.outcome.signal === "SIGTERM" ? " (SIGTERM)" : ""} ${trainer.batch > 0 ? `in epoch ${trainer.epoch + 1} after batch ${trainer.batch}` : `after epoch ${trainer.epoch}`}; checkpoint saved to ${checkpointPath}\nresume with: ${resumeCommand(file, flags, checkpointPath)}`,
      run.outcome.signal === "SIGTERM" ? EXIT_TERMINATED : EXIT_INTERRUPTED,
    );
  }
  return finish({
    io,
    c,
    file,
    data: flags.data,
    out: flags.out,
    report: flags.report,
    output: flags.json === true ? "json" : flags.quiet === true ? "quiet" : "text",
    ir,
    mod,
    trainer,
    prepared,
    settings,
    history,
    source: loaded.source,
    outcome: run.outcome,
    early: run.early,
  });
}
