/**
 * `mlpc predict FILE --weights W --data CSV`: predictions of a trained model as CSV, on stdout or
 * in --out. The weights are checked against the program (format version, layer shapes) by the
 * generated Trainer.fromJSON; the data's feature columns are taken by the names saved at training
 * time and scaled with the saved standardization.
 *
 * Columns: classification `class` (name, or id) then `p_<class>` per class (one sigmoid: the
 * probability of class 1); multilabel `<label>` (0/1) and `p_<label>` per label; regression one
 * column per target.
 */
import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { writeFileAtomic } from "../data/atomic.js";
import type { TargetSpec } from "../data/columns.js";
import type { Dataset } from "../data/csv.js";
import type { Delimiter } from "../data/delimiter.js";
import { columnModes, type PreprocessingPlan } from "../data/preprocess.js";
import type { ModelIR } from "../ir/types.js";
import { predictedClasses } from "../report/metrics.js";
import { encodeRows, readDataset } from "./dataset.js";
import { CliError, EXIT_PROGRAM_ERROR, EXIT_USAGE, type Io } from "./io.js";
import type { Command } from "commander";
import { addTrainedDataOptions } from "./data-flags.js";
import { parseCount } from "./options.js";
import { loadGeneratedModule, type GeneratedTrainer } from "./runtime.js";
import { checkOutputs, fileUse } from "./outputs.js";
import { parseWeights, planOf, type SavedTarget, type WeightsFile } from "./saved.js";
import { binaryLoaderFor, sidecarPath } from "./saved-binary.js";
import { terminalText } from "./terminal.js";
import { loadProgram } from "./source.js";

interface PredictFlags {
  weights: string;
  data: string;
  out?: string;
  simd?: boolean;
  delimiter?: Delimiter;
  unknown?: "error" | "ignore";
  maxParams: number;
}

export function register(program: Command, io: Io): void {
  const command = program
    .command("predict")
    .description("predict with trained weights: a CSV of classes and probabilities, or values")
    .argument("<file>", "the .mlp program the weights were trained with")
    .requiredOption("--weights <file>", "weights written by mlpc train")
    .requiredOption("--data <csv>", "rows to predict: a CSV with the training feature columns (other columns are ignored)")
    .option("-o, --out <file>", "write the predictions here instead of stdout");
  addTrainedDataOptions(command)
    .option("--simd", "big layers in WebAssembly SIMD kernels (f64x2): faster on big nets, equal to the plain path to rounding")
    .option("--no-simd", "the default: plain TypeScript, so the numbers equal an exported module's (mlpc export) bit for bit")
    .option("--max-params <n>", "total parameter limit", parseCount, 50_000_000)
    .action(async (file: string, flags: PredictFlags) => {
      await predict(file, flags, io);
    });
}

/** The plan with --unknown applied when given. */
export function withUnknown(plan: PreprocessingPlan, unknown: "error" | "ignore" | undefined): PreprocessingPlan {
  return unknown === undefined ? plan : { ...plan, unknown };
}

/** The columns a trained model reads, stored as its plan takes them (numbers, or categories). */
export async function readRawRows(io: Io, file: string, weights: WeightsFile, target: TargetSpec, delimiter: Delimiter | null): Promise<Dataset> {
  const plan = planOf(weights);
  return readDataset(io, file, { target, features: plan.columns.map((c) => c.column), delimiter, columnModes: columnModes(plan) });
}

/** The weights file, checked field by field against the program `ir`. */
export function readWeights(io: Io, file: string, ir: ModelIR): WeightsFile {
  let text: string;
  const path = resolve(io.cwd, file);
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new CliError(`mlpc: cannot read the weights ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`, EXIT_USAGE);
  }
  return parseWeights(text, file, { ir, binary: binaryLoaderFor(path, file) });
}

/**
 * A trained model ready to predict: its weights file checked against the program, the generated
 * module loaded, a trainer holding the weights. Plain code unless `simd`: prediction is cheap, and
 * its numbers then equal an exported module's bit for bit.
 */
export async function loadTrained(io: Io, file: string, ir: ModelIR, weightsFile: string, simd: boolean): Promise<{ weights: WeightsFile; trainer: GeneratedTrainer }> {
  const weights = readWeights(io, weightsFile, ir);
  if (weights.features.length !== ir.inputSize) {
    throw new CliError(`mlpc: ${weightsFile}: the weights have ${weights.features.length} inputs, but ${file} takes ${ir.inputSize}`, EXIT_PROGRAM_ERROR);
  }
  const mod = await loadGeneratedModule(ir, basename(file), { simd });
  try {
    return { weights, trainer: mod.Trainer.fromJSON(weights.trainer, { paramsOnly: true }) };
  } catch (e) {
    throw new CliError(`mlpc: ${weightsFile}: ${(e as Error).message}`, EXIT_PROGRAM_ERROR);
  }
}

async function predict(file: string, flags: PredictFlags, io: Io): Promise<void> {
  const { ir } = loadProgram(file, io, { maxParams: flags.maxParams });
  if (flags.out !== undefined) {
    const inputs = [fileUse(io.cwd, "program", file), fileUse(io.cwd, "weights file", flags.weights), fileUse(io.cwd, "weights sidecar", sidecarPath(flags.weights)), fileUse(io.cwd, "data", flags.data)];
    checkOutputs(inputs, [fileUse(io.cwd, "predictions file", flags.out)]);
  }
  const { weights, trainer } = await loadTrained(io, file, ir, flags.weights, flags.simd === true);
  const data = await readRawRows(io, flags.data, weights, { kind: "none" }, flags.delimiter ?? null);
  const x = encodeRows(withUnknown(planOf(weights), flags.unknown), data);
  const outputs = trainer.predict(x).flat();
  const csv = predictionsCsv(ir, weights.target, outputs, data.rows);
  if (flags.out === undefined) {
    // Names from the data may hold control characters or escape sequences: never raw to a terminal.
    io.stdout(io.isTTY ? terminalText(csv) : csv);
    return;
  }
  try {
    await writeFileAtomic(resolve(io.cwd, flags.out), csv);
  } catch (e) {
    throw new CliError(`mlpc: cannot write ${flags.out}: ${(e as Error).message}`, EXIT_PROGRAM_ERROR);
  }
  io.stderr(`wrote ${data.rows} predictions to ${flags.out}\n`);
}

/** RFC 4180 quoting, only where needed (names with commas, quotes or line breaks). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The predictions as CSV text, header first. Numbers in full precision (shortest round-trip form). */
export function predictionsCsv(ir: ModelIR, target: SavedTarget, outputs: ArrayLike<number>, rows: number): string {
  const width = ir.outputSize;
  const lines: string[] = [];
  if (target.kind === "class") {
    const names = target.classNames ?? Array.from({ length: target.classCount }, (_, k) => String(k));
    const probabilityColumns = width === 1 ? [`p_${names[1]}`] : names.map((n) => `p_${n}`);
    lines.push(["class", ...probabilityColumns].map(csvField).join(","));
    const classes = predictedClasses(outputs, rows, width);
    for (let r = 0; r < rows; r++) {
      const p = Array.from({ length: width }, (_, j) => String(outputs[r * width + j]!));
      lines.push([csvField(names[classes[r]!]!), ...p].join(","));
    }
  } else if (target.kind === "multilabel") {
    lines.push([...target.columns, ...target.columns.map((c) => `p_${c}`)].map(csvField).join(","));
    for (let r = 0; r < rows; r++) {
      const p = Array.from({ length: width }, (_, j) => outputs[r * width + j]!);
      lines.push([...p.map((v) => (v >= 0.5 ? "1" : "0")), ...p.map(String)].join(","));
    }
  } else {
    lines.push(target.columns.map(csvField).join(","));
    for (let r = 0; r < rows; r++) lines.push(Array.from({ length: width }, (_, j) => String(outputs[r * width + j]!)).join(","));
  }
  return lines.join("\n") + "\n";
}
