/** `mlpc check FILE`: diagnostics, then the model summary (text or --json). */
import type { Command } from "commander";
import { renderSummary, summarize } from "../report/summary.js";
import { parseCount } from "./options.js";
import type { Io } from "./io.js";
import { renderDiagnostics } from "../report/diagnostics.js";
import { firstSpaceNode, planSpace, renderSpaceSummary } from "../sweep/plan.js";
import { parseSpace } from "../syntax/parse.js";
import { modelNameFromFile } from "../analyze.js";
import { CliError, EXIT_PROGRAM_ERROR } from "./io.js";
import { loadProgram, readSource } from "./source.js";

export function register(program: Command, io: Io): void {
  program
    .command("check")
    .description("parse and check a program; print its summary (layers, parameters, recipe)")
    .argument("<file>", "the .mlp program")
    .option("--json", "print the summary as JSON")
    .option("--max-params <n>", "total parameter limit", parseCount, 50_000_000)
    .action((file: string, opts: { json?: boolean; maxParams: number }) => {
      if (checkSpace(file, io, opts)) return;
      const { ir } = loadProgram(file, io, { maxParams: opts.maxParams });
      const summary = summarize(ir);
      io.stdout(opts.json === true ? JSON.stringify(summary, null, 2) + "\n" : renderSummary(summary));
    });
}

/** A search space prints its dimensions and size instead of one model's summary; false if plain. */
function checkSpace(file: string, io: Io, opts: { json?: boolean; maxParams: number }): boolean {
  const source = readSource(file);
  const parsed = parseSpace(source);
  if (parsed.program === null || firstSpaceNode(parsed.program) === null) return false;
  const planned = planSpace(source, { defaultName: modelNameFromFile(file), maxParams: opts.maxParams });
  const text = renderDiagnostics(planned.diagnostics, file, source, { color: io.color });
  if (planned.summary === null) throw new CliError(text.trimEnd(), EXIT_PROGRAM_ERROR);
  if (text !== "") io.stderr(text);
  io.stdout(opts.json === true ? JSON.stringify(planned.summary, null, 2) + "\n" : renderSpaceSummary(planned.summary));
  return true;
}
