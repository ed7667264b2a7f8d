/** `mlpc check FILE`: diagnostics, then the model summary (text or --json). */
import type { Command } from "commander";
import { renderSummary, summarize } from "../report/summary.js";
import { parseCount } from "./options.js";
import type { Io } from "./io.js";
import { loadProgram } from "./source.js";

export function register(program: Command, io: Io): void {
  program
    .command("check")
    .description("parse and check a program; print its summary (layers, parameters, recipe)")
    .argument("<file>", "the .mlp program")
    .option("--json", "print the summary as JSON")
    .option("--max-params <n>", "total parameter limit", parseCount, 50_000_000)
    .action((file: string, opts: { json?: boolean; maxParams: number }) => {
      const { ir } = loadProgram(file, io, { maxParams: opts.maxParams });
      const summary = summarize(ir);
      io.stdout(opts.json === true ? JSON.stringify(summary, null, 2) + "\n" : renderSummary(summary));
    });
}
