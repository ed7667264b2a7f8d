/**
 * `mlpc demo` (npm run demo): compiles the bundled iris example and trains it with progress and a
 * final accuracy, writing the weights and the HTML report to a temporary folder.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { CliError, colorsFor, EXIT_PROGRAM_ERROR, type Io } from "./io.js";
import { train } from "./train.js";

/** examples/ of the package: two levels up from src/cli or dist/cli. */
function examplesFolder(): string {
  return fileURLToPath(new URL("../../examples/", import.meta.url));
}

export function register(program: Command, io: Io): void {
  program
    .command("demo")
    .description("compile and train the bundled iris example (progress, accuracy, report)")
    .option("--out-dir <dir>", "where to write the weights and report (default: a temporary folder)")
    .action(async (flags: { outDir?: string }) => {
      await demo(io, flags.outDir);
    });
}

async function demo(io: Io, outDir: string | undefined): Promise<void> {
  const c = colorsFor(io);
  const examples = examplesFolder();
  const program = join(examples, "iris.mlp");
  const data = join(examples, "data", "iris.csv");
  if (!existsSync(program) || !existsSync(data)) throw new CliError(`mlpc: the demo files are missing (${program}, ${data})`, EXIT_PROGRAM_ERROR);
  const source = readFileSync(program, "utf8");
  const { compile } = await import("../compile.js");
  const compiled = compile(source, { defaultName: "iris", sourceName: "iris.mlp" });
  if (compiled.typescript === null) throw new CliError("mlpc: the bundled iris example does not compile", EXIT_PROGRAM_ERROR);
  const folder = outDir ?? mkdtempSync(join(tmpdir(), "mlpc-demo-"));
  io.stdout(`${c.bold("mlpc demo")}: Fisher's iris, 150 flowers, 4 measurements -> 3 species\n\n`);
  io.stdout(source.replace(/^/gm, "  ") + "\n");
  io.stdout(`compiled to ${compiled.typescript.split("\n").length} lines of dependency-free TypeScript (${compiled.ir!.paramCount} parameters); training it:\n\n`);
  const weights = join(folder, "iris.weights.json");
  const report = join(folder, "iris-report.html");
  // As a user would: hold out 20 %, stop when the validation loss has not improved for 20 epochs
  // and keep the best weights (iris overfits a 16-unit layer well before 150 epochs).
  const result = await train(program, { data, standardize: true, val: 0.2, earlyStopping: 20, out: weights, report, maxParams: 50_000_000 }, io);
  const m = result.metrics.validation ?? result.metrics.train;
  if (m.kind === "classification") io.stdout(`\n${c.bold(c.green(`final accuracy: ${(m.accuracy * 100).toFixed(2)}%`))} on ${m.rows} held-out flowers\n`);
  io.stdout(`report: ${report}\n`);
}
