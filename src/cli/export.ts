/**
 * `mlpc export FILE --weights W --to ts|js|onnx`: a trained model as something an app can ship.
 * ts/js: an inference-only module with the weights, the input scaling and the names baked in
 * (src/export/module.ts); onnx: a model file for ONNX runtimes (src/export/onnx.ts); torch: a
 * directory with a PyTorch trainer (src/export/torch.ts), weights optional. Everything is checked
 * before anything is written; each file is written atomically.
 */
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import { Option, type Command } from "commander";
import { writeFileAtomic } from "../data/atomic.js";
import type { Standardizer } from "../data/scale.js";
import type { ModelIR } from "../ir/types.js";
import { VERSION } from "../version.js";
import { checkTrainedModel, type TrainedModel } from "../export/model.js";
import { emitInferenceJavaScript, emitInferenceModule, type ExportDtype } from "../export/module.js";
import { emitTorchPackage, torchUnsupported } from "../export/torch.js";
import { CliError, EXIT_PROGRAM_ERROR, EXIT_USAGE, type Io } from "./io.js";
import { parseCount } from "./options.js";
import { readWeights } from "./predict.js";
import { loadProgram } from "./source.js";

type Format = "ts" | "js" | "onnx" | "torch";

interface ExportFlags {
  weights?: string;
  to?: Format;
  out?: string;
  dtype?: ExportDtype;
  opset?: number;
  maxParams: number;
}

interface Output {
  readonly path: string;
  readonly data: string | Uint8Array;
}

const EXTENSIONS: Record<string, Format> = { ".ts": "ts", ".mts": "ts", ".js": "js", ".mjs": "js", ".onnx": "onnx" };

export function register(program: Command, io: Io): void {
  program
    .command("export")
    .description("export a trained model for an app: an inference-only TypeScript or JavaScript module, or ONNX; or the program as a PyTorch trainer")
    .argument("<file>", "the .mlp program the weights were trained with")
    .option("--weights <file>", "weights written by mlpc train (required, except for --to torch, where they are the starting point)")
    .addOption(new Option("--to <format>", "ts (default; or from the -o extension), js (with a .d.ts), onnx, or torch (a PyTorch trainer directory)").choices(["ts", "js", "onnx", "torch"]))
    .option("-o, --out <file>", "output file, or directory for torch (default: NAME.predict.ts, NAME.predict.js, NAME.onnx or NAME-torch/ here)")
    .addOption(new Option("--dtype <type>", "how the weights are stored: f64 exactly, or f32 at half the size (default: f64; f32 for onnx)").choices(["f64", "f32"]))
    .option("--opset <n>", "ONNX opset version (--to onnx)", parseCount)
    .option("--max-params <n>", "total parameter limit", parseCount, 50_000_000)
    .action(async (file: string, flags: ExportFlags) => {
      await exportModel(file, flags, io);
    });
}

function formatOf(flags: ExportFlags): Format {
  const fromName = flags.out === undefined ? undefined : EXTENSIONS[extname(flags.out).toLowerCase()];
  if (flags.to === undefined) return fromName ?? "ts";
  if (fromName !== undefined && fromName !== flags.to) throw new CliError(`mlpc: -o ${flags.out}: the extension says ${fromName}, but --to is ${flags.to}`, EXIT_USAGE);
  return flags.to;
}

function defaultOut(ir: ModelIR, format: Format): string {
  return format === "onnx" ? `${ir.name}.onnx` : `${ir.name}.predict.${format}`;
}

/** `net.js` -> `net.d.ts` (also `net.mjs` -> `net.d.mts`). */
function declarationPath(path: string): string {
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}.d.${ext === ".mjs" ? "mts" : "ts"}`;
}

/** The same file, following symlinks where it exists. */
function sameFile(a: string, b: string): boolean {
  const real = (p: string): string => (existsSync(p) ? realpathSync(p) : p);
  return a === b || real(a) === real(b);
}

async function exportModel(file: string, flags: ExportFlags, io: Io): Promise<void> {
  const format = formatOf(flags);
  if (flags.opset !== undefined && format !== "onnx") throw new CliError("mlpc: --opset only applies to --to onnx", EXIT_USAGE);
  if (format === "torch") {
    await exportTorch(file, flags, io);
    return;
  }
  if (flags.weights === undefined) throw new CliError(`mlpc: --to ${format} needs --weights FILE (the weights mlpc train wrote)`, EXIT_USAGE);
  const { ir } = loadProgram(file, io, { maxParams: flags.maxParams });
  const weights = readWeights(io, flags.weights);
  const checked = checkTrainedModel(ir, { layers: weights.trainer.layers, params: weights.trainer.params, features: weights.features, target: weights.target });
  if (!checked.ok) throw new CliError(`mlpc: ${flags.weights}: ${checked.error} (${file})`, EXIT_PROGRAM_ERROR);
  const model: TrainedModel = { ir, params: checked.value, features: weights.features, target: weights.target, scaling: weights.scaling };

  const outPath = resolve(io.cwd, flags.out ?? defaultOut(ir, format));
  const outputs = await render(model, format, outPath, flags, basename(file));
  for (const o of outputs) {
    for (const [what, input] of [["program", file], ["weights", flags.weights]] as const) {
      if (input === undefined) continue;
      if (sameFile(o.path, resolve(io.cwd, input))) throw new CliError(`mlpc: refusing to overwrite the ${what} ${input} with the export (choose another -o)`, EXIT_USAGE);
    }
  }
  for (const o of outputs) {
    try {
      await writeFileAtomic(o.path, o.data);
    } catch (e) {
      throw new CliError(`mlpc: cannot write ${o.path}: ${(e as Error).message}`, EXIT_PROGRAM_ERROR);
    }
  }
  const size = (o: Output): number => (typeof o.data === "string" ? Buffer.byteLength(o.data) : o.data.length);
  io.stderr(`wrote ${outputs.map((o) => `${o.path} (${size(o)} bytes)`).join(" and ")}\n`);
}

/**
 * --to torch: model.py, train.py, README.md (and start.weights.json with --weights) in the
 * directory -o (default NAME-torch). Refuses a program the target cannot express, an -o that is a
 * file, and weights that do not fit, before writing anything.
 */
async function exportTorch(file: string, flags: ExportFlags, io: Io): Promise<void> {
  if (flags.dtype !== undefined) throw new CliError("mlpc: --dtype does not apply to --to torch (train.py takes --dtype f64|f32)", EXIT_USAGE);
  const { ir } = loadProgram(file, io, { maxParams: flags.maxParams });
  const problems = torchUnsupported(ir);
  if (problems.length > 0) throw new CliError(`mlpc: ${file}: cannot export ${ir.name} to PyTorch: ${problems.join("; ")}`, EXIT_PROGRAM_ERROR);
  let startWeights: string | null = null;
  if (flags.weights !== undefined) {
    const weights = readWeights(io, flags.weights);
    const checked = checkTrainedModel(ir, { layers: weights.trainer.layers, params: weights.trainer.params, features: weights.features, target: weights.target });
    if (!checked.ok) throw new CliError(`mlpc: ${flags.weights}: ${checked.error} (${file})`, EXIT_PROGRAM_ERROR);
    startWeights = readFileSync(resolve(io.cwd, flags.weights), "utf8");
  }
  const dir = resolve(io.cwd, flags.out ?? `${ir.name}-torch`);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new CliError(`mlpc: -o ${flags.out}: is a file; --to torch writes a directory`, EXIT_USAGE);
  const files = emitTorchPackage(ir, { sourceName: basename(file), version: VERSION, startWeights });
  const outputs = files.map((f) => ({ path: join(dir, f.name), data: f.data }));
  for (const o of outputs) {
    for (const [what, input] of [["program", file], ["weights", flags.weights]] as const) {
      if (input !== undefined && sameFile(o.path, resolve(io.cwd, input))) throw new CliError(`mlpc: refusing to overwrite the ${what} ${input} with the export (choose another -o)`, EXIT_USAGE);
    }
  }
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new CliError(`mlpc: cannot create ${dir}: ${(e as Error).message}`, EXIT_PROGRAM_ERROR);
  }
  for (const o of outputs) {
    try {
      await writeFileAtomic(o.path, o.data);
    } catch (e) {
      throw new CliError(`mlpc: cannot write ${o.path}: ${(e as Error).message}`, EXIT_PROGRAM_ERROR);
    }
  }
  io.stderr(`wrote ${dir}: ${files.map((f) => f.name).join(", ")}\n`);
}

async function render(model: TrainedModel, format: Format, outPath: string, flags: ExportFlags, sourceName: string): Promise<Output[]> {
  const options = { dtype: flags.dtype ?? "f64", sourceName };
  if (format === "ts") return [{ path: outPath, data: emitInferenceModule(model, options) }];
  if (format === "js") {
    const { js, dts } = emitInferenceJavaScript(model, options);
    return [
      { path: outPath, data: js },
      { path: declarationPath(outPath), data: dts },
    ];
  }
  return [{ path: outPath, data: await renderOnnx(model, flags) }];
}

/** The ONNX writer's entry point (src/export/onnx.ts), as this command calls it. */
interface OnnxWriter {
  exportOnnx(ir: ModelIR, params: ArrayLike<number>, scaling: Standardizer | null, options: { opset?: number; dtype?: ExportDtype; producerVersion?: string }): Uint8Array;
}

/**
 * --to onnx, the one place that calls src/export/onnx.ts. Loaded on demand by a computed
 * specifier, so a build without the ONNX writer still compiles and says so instead of crashing;
 * once onnx.ts is merged this can become a plain `import { exportOnnx } from "../export/onnx.js"`.
 */
async function renderOnnx(model: TrainedModel, flags: ExportFlags): Promise<Uint8Array> {
  const specifier = "../export/onnx.js";
  let writer: OnnxWriter;
  try {
    writer = (await import(/* @vite-ignore */ specifier)) as OnnxWriter;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") throw new CliError("mlpc: --to onnx is not available in this build of mlpc", EXIT_USAGE);
    throw e;
  }
  try {
    const options = { producerVersion: VERSION, ...(flags.dtype === undefined ? {} : { dtype: flags.dtype }), ...(flags.opset === undefined ? {} : { opset: flags.opset }) };
    return writer.exportOnnx(model.ir, model.params, model.scaling, options);
  } catch (e) {
    throw new CliError(`mlpc: cannot export ${model.ir.name} to ONNX: ${(e as Error).message}`, EXIT_PROGRAM_ERROR);
  }
}
