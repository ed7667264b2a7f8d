/**
 * The command-line program (commander). run() never throws and never exits the process: it
 * returns the exit code, so tests drive the CLI in-process.
 */
import { Command, CommanderError } from "commander";
import { register as registerCheck } from "./check.js";
import { register as registerCompile } from "./compile.js";
import { register as registerDemo } from "./demo.js";
import { register as registerEvaluate } from "./evaluate.js";
import { register as registerExport } from "./export.js";
import { register as registerPredict } from "./predict.js";
import { register as registerSweep } from "./sweep.js";
import { register as registerTrain } from "./train.js";
import { CliError, EXIT_OK, EXIT_PROGRAM_ERROR, EXIT_USAGE, type Io } from "./io.js";
import { VERSION } from "../version.js";

export function buildProgram(io: Io): Command {
  const program = new Command("mlpc")
    .description("A compiler for multi-layer perceptrons: a one-line model in, a fused, dependency-free TypeScript trainer out.")
    .version(VERSION)
    .showHelpAfterError("(run mlpc --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerCheck(program, io);
  registerCompile(program, io);
  registerTrain(program, io);
  registerSweep(program, io);
  registerPredict(program, io);
  registerEvaluate(program, io);
  registerExport(program, io);
  registerDemo(program, io);
  return program;
}

export async function run(argv: readonly string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end with a CommanderError too, with exit code 0.
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (e instanceof CliError) {
      io.stderr(e.message.endsWith("\n") ? e.message : e.message + "\n");
      return e.exitCode;
    }
    // A bug, not the user's fault: still no stack trace unless asked for.
    const message = e instanceof Error ? e.message : String(e);
    io.stderr(`mlpc: internal error: ${message}\n(set MLPC_DEBUG=1 for details; please report this)\n`);
    if (process.env.MLPC_DEBUG && e instanceof Error) io.stderr(`${e.stack ?? ""}\n`);
    return EXIT_PROGRAM_ERROR;
  }
}
