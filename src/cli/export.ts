/**
 * `mlpc export FILE --weights W --to ts|js|onnx`: a trained model as something an app can ship.
 * ts/js: an inference-only module with the weights, the input scaling and the names baked in
 * (src/export/module.ts); onnx: a model file for ONNX runtimes (src/export/onnx.ts); torch: a
 * directory with a PyTorch trainer (src/export/torch.ts), weights optional. Everything is checked
 * before anything is written; each file is written atomically.
 */
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import { Option, type Command } from "commander";
import { writeFileAtomic } from "../data/atomic.js";
import type { Standardizer } from "../data/scale.js";
import type { ModelIR } from "../ir/types.js";
import { VERSION } from "../version.js";
import { checkTrainedModel, type TrainedModel } from "../export/model.js";
import type { ExportDtype } from "../export/module.js";
import { emitTorchPackage, torchUnsupported } from "../export/torch.js";
import { CliError, EXIT_PROGRAM_ERROR, EXIT_USAGE, type Io } from "./io.js";
import { parseCount } from "./options.js";
import { readWeights } from "./predict.js";
import { planOf } from "./saved.js";
import type { NumericStep, PreprocessingPlan } from "../data/preprocess.js";
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
  const weights = readWeights(io, flags.weights, ir);
  const checked = checkTrainedModel(ir, { layers: weights.trainer.layers, params: weights.trainer.params, features: weights.features, target: weights.target });
  if (!checked.ok) throw new CliError(`mlpc: ${flags.weights}: ${checked.error} (${file})`, EXIT_PROGRAM_ERROR);
  const plan = planOf(weights);
  // Numbers only and no fills: the scaling is affine, (x - offset) / scale, which the numbers-in
  // module and ONNX carry as mean/std (minmax too); anything else takes raw rows.
  const simple = plan.columns.every((c) => c.kind === "numeric" && c.fill === null);
  const scaling = simple && plan.scale !== "none" ? affineScaling(plan, weights.features) : null;
  const model: TrainedModel = { ir, params: checked.value, features: weights.features, target: weights.target, scaling, preprocessing: simple ? null : plan };
  if (format === "onnx" && !simple) {
    const what = encodingsOf(plan);
    throw new CliError(
      `mlpc: --to onnx carries the scaling of numeric columns only; this model's preprocessing also has ${what.join(", ")}. Export --to ts or --to js (they take raw rows), or train on numeric columns without --impute`,
      EXIT_USAGE,
    );
  }

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
  if (format === "js" && extname(outPath) === ".js") {
    const note = moduleTypeNote(basename(outPath), packageScope(outPath));
    if (note !== null) io.stderr(`${note}\n`);
  }
}

/**
 * What to tell someone who writes an ES module to a .js file that Node will not take as one: under
 * "type": "commonjs" Node refuses its export statements; with no "type" (or no package.json),
 * Node 20.19 and later reparse it as a module after it fails as CommonJS, with a warning, and
 * earlier versions refuse it. Bundlers take it either way.
 */
function moduleTypeNote(name: string, scope: PackageScope): string | null {
  if (scope.type === "module") return null;
  const fix = `name it .mjs${scope.file === null ? "" : ` or set "type": "module" there`} (bundlers take it as it is)`;
  if (scope.type === "commonjs") return `note: ${name} is an ES module, and ${scope.file} says "type": "commonjs", so Node will not load it: ${fix}`;
  const where = scope.file === null ? "outside any package.json" : `under ${scope.file}, which sets no "type",`;
  return `note: ${name} is an ES module ${where} so Node loads it only after it fails as CommonJS, with a warning (and before Node 20.19 not at all): ${fix}`;
}

interface PackageScope {
  /** The nearest package.json up from the file's folder, or null. */
  readonly file: string | null;
  /** Its "type" when that is "module" or "commonjs"; null otherwise (also when it cannot be read). */
  readonly type: "module" | "commonjs" | null;
}

/** The package.json that decides how Node loads a .js file at `path`. */
function packageScope(path: string): PackageScope {
  for (let folder = dirname(path); ; folder = dirname(folder)) {
    const file = join(folder, "package.json");
    if (existsSync(file)) {
      try {
        const type = (JSON.parse(readFileSync(file, "utf8")) as { type?: unknown }).type;
        return { file, type: type === "module" || type === "commonjs" ? type : null };
      } catch {
        return { file, type: null };
      }
    }
    if (dirname(folder) === folder) return { file: null, type: null };
  }
}

/** What a plan does beyond numbers and their scaling: its one-hot columns and its imputation. */
function encodingsOf(plan: PreprocessingPlan): string[] {
  return [
    ...plan.columns.filter((c) => c.kind === "categorical").map((c) => `one-hot ${c.column}`),
    ...(plan.impute !== null ? [`imputation (--impute ${plan.impute})`] : []),
  ];
}

/** An all-numeric plan's (x - offset) / scale in the Standardizer's mean/std form. */
function affineScaling(plan: PreprocessingPlan, features: readonly string[]): Standardizer {
  const numeric = plan.columns.filter((c): c is NumericStep => c.kind === "numeric");
  return { kind: "standardize", features: [...features], mean: numeric.map((c) => c.offset), std: numeric.map((c) => c.scale) };
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
    const weights = readWeights(io, flags.weights, ir);
    const checked = checkTrainedModel(ir, { layers: weights.trainer.layers, params: weights.trainer.params, features: weights.features, target: weights.target });
    if (!checked.ok) throw new CliError(`mlpc: ${flags.weights}: ${checked.error} (${file})`, EXIT_PROGRAM_ERROR);
    // train.py reads numeric columns and standardizes them, as `mlpc train` did before categories.
    const plan = planOf(weights);
    const beyond = [...encodingsOf(plan), ...(plan.scale === "minmax" ? ["minmax scaling (--scale minmax)"] : [])];
    if (beyond.length > 0) {
      throw new CliError(
        `mlpc: ${flags.weights}: --to torch trains on numeric columns (with --standardize) only; this model's preprocessing also has ${beyond.join(", ")}. Encode the CSV first, or export --to ts or --to js`,
        EXIT_USAGE,
      );
    }
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
  // Loaded here, not at the top: it brings TypeScript (ts-morph, for --to js), and every command
  // of the CLI registers this one; importing it up front cost each command about 0.75 s.
  const { emitInferenceJavaScript, emitInferenceModule } = await import("../export/module.js");
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
