/**
 * `mlpc compile FILE`: the generated module, as TypeScript (default), plain ESM JavaScript plus a
 * .d.ts, or the IR as text. Writes beside the source unless -o or --stdout; `--check` compares
 * with what is on disk and writes nothing (for users' CI).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, extname, join, basename } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import type { Dtype, UnrollMode } from "../compile.js";
import { writeFileAtomicSync } from "../data/atomic.js";
import { CliError, EXIT_PROGRAM_ERROR, EXIT_USAGE, type Io } from "./io.js";
import { checkOutputs, fileUse } from "./outputs.js";
import { parseCount } from "./options.js";
import { loadProgram } from "./source.js";

type Emit = "ts" | "js" | "ir";

interface CompileFlags {
  out?: string;
  stdout?: boolean;
  emit?: Emit;
  unroll: UnrollMode;
  dtype: Dtype;
  simd?: boolean;
  check?: boolean;
  maxParams: number;
}

/** What to write where: one or two files (JavaScript comes with its declarations). */
interface Output {
  readonly path: string;
  readonly text: string;
}

export function register(program: Command, io: Io): void {
  program
    .command("compile")
    .description("compile a program to a self-contained TypeScript (or JavaScript) module")
    .argument("<file>", "the .mlp program")
    .option("-o, --out <file>", "output file: .ts, or .js for plain ESM JavaScript plus a .d.ts (default: beside the source)")
    .option("--stdout", "print the output instead of writing a file")
    .addOption(new Option("--emit <kind>", "what to emit (default: from the -o extension, else ts)").choices(["ts", "js", "ir"]))
    .addOption(new Option("--unroll <mode>", "unrolled straight-line code or loops, per layer").choices(["auto", "full", "none"]).default("auto"))
    .addOption(new Option("--dtype <type>", "parameter storage").choices(["f64", "f32"]).default("f64"))
    .option("--simd", "the default: big layers in WebAssembly SIMD kernels (f64x2, f32x4 with --dtype f32), plain loops where wasm SIMD is missing")
    .option("--no-simd", "plain TypeScript only: no WebAssembly kernels in the module")
    .option("--check", "exit 1 if the file on disk differs from what would be generated; write nothing")
    .option("--max-params <n>", "total parameter limit", parseCount, 50_000_000)
    .action(async (file: string, flags: CompileFlags) => {
      const { ir } = loadProgram(file, io, { maxParams: flags.maxParams });
      // The back end (ts-morph, TypeScript) loads on first use: `mlpc check` stays fast.
      const { emitIR, emitJavaScript, lanesOf, printIR, simdLayerNames } = await import("../compile.js");
      const emit = flags.emit ?? emitFromPath(flags.out) ?? "ts";
      const outPath = flags.out ?? join(dirname(file), `${basename(file, extname(file))}${emit === "ir" ? ".ir.txt" : `.${emit}`}`);
      const typescript = (): string => emitIR(ir, { unroll: flags.unroll, dtype: flags.dtype, simd: flags.simd !== false, sourceName: basename(file) });
      const outputs = render(emit, outPath, typescript, () => printIR(ir), emitJavaScript);
      if (flags.simd === true && emit !== "ir") io.stderr(simdNote(simdLayerNames(ir, { unroll: flags.unroll, dtype: flags.dtype }), flags.dtype, lanesOf(flags.dtype)));
      if (flags.stdout === true) {
        for (const o of outputs) io.stdout(o.text);
        return;
      }
      if (flags.check === true) return checkUpToDate(outputs, io);
      checkOutputs(
        [fileUse(io.cwd, "program", file)],
        outputs.map((o, i) => fileUse(io.cwd, i === 0 ? "output" : "declaration file", o.path)),
        [],
        { createFolders: true },
      );
      for (const o of outputs) writeOutput(o);
      io.stderr(`wrote ${outputs.map((o) => o.path).join(" and ")}\n`);
    });
}

/** What SIMD does here (printed for an explicit --simd): which layers run in the kernels, or why none does. */
function simdNote(layers: readonly string[], dtype: Dtype, lanes: number): string {
  if (layers.length > 0) return `note: --simd: ${layers.join(", ")} run in the WebAssembly SIMD kernels (${dtype}x${lanes})\n`;
  return `note: --simd changes nothing here: no layer is both too big to unroll and fed a multiple of ${lanes} inputs; the module is plain TypeScript\n`;
}

function emitFromPath(path: string | undefined): Emit | undefined {
  if (path === undefined) return undefined;
  const ext = extname(path);
  if (ext === ".ts" || ext === ".mts") return "ts";
  if (ext === ".js" || ext === ".mjs") return "js";
  if (path.endsWith(".ir.txt")) return "ir";
  throw new CliError(`mlpc: cannot tell the output kind from ${path}: use .ts, .js or .ir.txt, or --emit`, EXIT_USAGE);
}

function render(emit: Emit, path: string, typescript: () => string, irText: () => string, toJavaScript: (ts: string) => { js: string; dts: string }): Output[] {
  switch (emit) {
    case "ts":
      return [{ path, text: typescript() }];
    case "ir":
      return [{ path, text: irText() }];
    case "js": {
      const { js, dts } = toJavaScript(typescript());
      return [
        { path, text: js },
        { path: declarationPath(path), text: dts },
      ];
    }
  }
}

/** `net.js` -> `net.d.ts`, `net.mjs` -> `net.d.mts` (the name TypeScript looks for beside each). */
export function declarationPath(path: string): string {
  if (path.endsWith(".mjs")) return `${path.slice(0, -".mjs".length)}.d.mts`;
  return `${path.replace(/\.js$/, "")}.d.ts`;
}

function checkUpToDate(outputs: readonly Output[], io: Io): void {
  const stale = outputs.filter((o) => !existsSync(o.path) || readFileSync(o.path, "utf8") !== o.text);
  if (stale.length > 0) {
    throw new CliError(stale.map((o) => `mlpc: ${o.path} is ${existsSync(o.path) ? "out of date" : "missing"}; run mlpc compile to update it`).join("\n"), EXIT_PROGRAM_ERROR);
  }
  io.stderr(`${outputs.map((o) => o.path).join(" and ")} up to date\n`);
}

function writeOutput(o: Output): void {
  try {
    mkdirSync(dirname(o.path), { recursive: true });
    writeFileAtomicSync(o.path, o.text);
  } catch (e) {
    throw new CliError(`mlpc: cannot write ${o.path}: ${(e as Error).message}`, EXIT_PROGRAM_ERROR);
  }
}
