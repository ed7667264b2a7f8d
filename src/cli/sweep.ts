/**
 * `mlpc sweep FILE --data CSV`: searches the program's space (src/sweep) on worker threads, writes
 * DIR's files, then refits the best program with `mlpc train`'s own code on every searched row,
 * so `mlpc train DIR/best.mlp --data CSV --val F` reproduces DIR/best.weights.json bit for bit.
 *
 * Exit codes: 0 done; 1 bad program, data or journal; 2 bad command line; 130 interrupted (Ctrl-C)
 * with every finished trial kept in the journal.
 */
import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { Command } from "commander";
import { modelNameFromFile } from "../analyze.js";
import type { TaskMetrics } from "../report/metrics.js";
import { renderDiagnostics } from "../report/diagnostics.js";
import { JournalError } from "../sweep/journal.js";
import { planSpace } from "../sweep/plan.js";
import { sweep, SweepDataError, SweepDiagnosticsError, SweepTrialError, writeOutputs, type RefitSummary, type SweepEvent, type SweepResult } from "../sweep/sweep.js";
import { readDataset, trainingReadSettings } from "./dataset.js";
import { addDataOptions, dataFlagsOf, dataFlagWords, dataOptionsOf, shellWords, type DataFlags } from "./data-flags.js";
import { CliError, EXIT_PROGRAM_ERROR, EXIT_USAGE, type Io } from "./io.js";
import { parseCount, parsePositiveNumber, parseValidationFraction } from "./options.js";
import { duration } from "./progress.js";
import { readSource } from "./source.js";
import { targetSpecFor } from "./targets.js";
import { EXIT_INTERRUPTED, train } from "./train.js";
import { processSignals, type InterruptSource } from "./train-run.js";

export interface SweepFlags extends DataFlags {
  data: string;
  workers?: number;
  test?: number;
  outDir?: string;
  json?: boolean;
  quiet?: boolean;
  budget?: number;
  maxParams: number;
}

export function register(program: Command, io: Io, interrupts: InterruptSource = processSignals): void {
  const command = program
    .command("sweep")
    .description("search the program's choices and ranges (grid, random, halving; cross-validated) on worker threads; refit the best")
    .argument("<file>", "the .mlp program with choices {a, b} and ranges log(lo..hi)")
    .requiredOption("--data <csv>", "training data: a CSV file with a header row");
  // train's data flags: the refit is `mlpc train` with the same ones, and each fold fits the plan on its own training rows.
  addDataOptions(command)
    .option("--workers <n>", "worker threads (default: all cores)", parseCount)
    .option("--test <fraction>", "hold out this stratified fraction as a test split the search never sees", parseValidationFraction)
    .option("--out-dir <dir>", "where the leaderboard, best.mlp, best.weights.json, report.html and journal.jsonl go (default: NAME.sweep)")
    .option("--budget <seconds>", "start no trial after this many seconds (the rest resume next time)", parsePositiveNumber)
    .option("--json", "print JSON lines (start, trial, result) instead of text")
    .option("--quiet", "print nothing but errors")
    .option("--max-params <n>", "total parameter limit", parseCount, 50_000_000)
    .action(async (file: string, flags: SweepFlags) => {
      await sweepCommand(file, flags, io, interrupts);
    });
}

export async function sweepCommand(file: string, flags: SweepFlags, io: Io, interrupts: InterruptSource = processSignals): Promise<SweepResult> {
  const path = resolve(io.cwd, file);
  const source = readSource(path);
  const defaultName = modelNameFromFile(file);
  const planned = planSpace(source, { defaultName, maxParams: flags.maxParams });
  const rendered = renderDiagnostics(planned.diagnostics, file, source, { color: io.color });
  if (planned.space === null) throw new CliError(rendered.trimEnd(), EXIT_PROGRAM_ERROR);
  if (rendered !== "") io.stderr(rendered);
  const ir = planned.firstIr!;
  const dataOptions = dataOptionsOf(flags);
  const dataset = await readDataset(io, flags.data, trainingReadSettings(targetSpecFor(ir, flags), dataOptions));
  const outDir = resolve(io.cwd, flags.outDir ?? `${ir.name}.sweep`);
  const shownDir = flags.outDir ?? `${ir.name}.sweep`;
  const mode = flags.json === true ? "json" : flags.quiet === true ? "quiet" : "text";
  const controller = new AbortController();
  const stopListening = interrupts.listen(() => controller.abort());
  let result: SweepResult;
  try {
    result = await sweep({
      source,
      defaultName,
      dataset,
      ...(flags.workers === undefined ? {} : { workers: flags.workers }),
      sourceFile: file,
      testFraction: flags.test ?? null,
      preprocess: dataOptions,
      outDir,
      budgetSeconds: flags.budget ?? null,
      maxParams: flags.maxParams,
      signal: controller.signal,
      onEvent: (e) => report(io, mode, e),
    });
  } catch (e) {
    if (e instanceof SweepDiagnosticsError) throw new CliError(renderDiagnostics(e.diagnostics.slice(0, 20), file, source, { color: io.color }).trimEnd(), EXIT_PROGRAM_ERROR);
    if (e instanceof JournalError || e instanceof SweepDataError) throw new CliError(`mlpc: ${e.message}`, EXIT_PROGRAM_ERROR);
    if (e instanceof SweepTrialError) throw new CliError(`mlpc: a trial failed:\n${e.message}`, EXIT_PROGRAM_ERROR);
    throw e;
  } finally {
    stopListening();
  }
  const rerun = rerunCommand(file, flags);
  if (result.interrupted) {
    const finished = result.leaderboard.length;
    const message = `mlpc: ${controller.signal.aborted ? "interrupted" : "budget spent"} after ${finished} of ${result.summary.configurations} configurations; every finished trial is in ${join(shownDir, "journal.jsonl")}\ncontinue with: ${rerun}`;
    if (controller.signal.aborted) throw new CliError(message, EXIT_INTERRUPTED);
    io.stderr(message + "\n");
    return result;
  }
  const refit = result.best === null ? null : await refitBest(io, result, flags, outDir, shownDir);
  await writeOutputs(outDir, result, refit);
  printResult(io, mode, result, refit, shownDir);
  return result;
}

/** Trains DIR/best.mlp exactly as `mlpc train` would: same code, same rows, same seed, same data flags. */
async function refitBest(io: Io, result: SweepResult, flags: SweepFlags, outDir: string, shownDir: string): Promise<RefitSummary> {
  const best = join(outDir, "best.mlp");
  const weights = join(outDir, "best.weights.json");
  const val = result.testRows > 0 ? flags.test! : 0;
  const quiet: Io = { ...io, stdout: () => undefined, isTTY: false };
  const trained = await train(best, { ...dataFlagsOf(flags), data: resolve(io.cwd, flags.data), val, out: weights, quiet: true, maxParams: flags.maxParams }, quiet);
  const command = `mlpc train ${shellWords([join(shownDir, "best.mlp"), "--data", flags.data, ...dataFlagWords(flags), "--val", String(val), "-o", `${basename(shownDir)}-check.weights.json`])}`;
  return { command, trainMetric: `training ${describe(trained.metrics.train)}`, testMetric: trained.metrics.validation === null ? null : describe(trained.metrics.validation) };
}

/** The same command again, for the "continue with" hint. */
function rerunCommand(file: string, flags: SweepFlags): string {
  const words = [file, "--data", flags.data, ...dataFlagWords(flags)];
  for (const [flag, value] of [["--workers", flags.workers], ["--test", flags.test], ["--out-dir", flags.outDir], ["--budget", flags.budget]] as const) {
    if (value !== undefined) words.push(flag, String(value));
  }
  return `mlpc sweep ${shellWords(words)}`;
}

function describe(m: TaskMetrics): string {
  switch (m.kind) {
    case "classification":
      return `accuracy ${(m.accuracy * 100).toFixed(2)}% on ${m.rows} rows`;
    case "regression":
      return `r2 ${m.r2.toFixed(4)}, mse ${m.mse.toPrecision(4)} on ${m.rows} rows`;
    default:
      return `${m.kind} on ${m.rows} rows`;
  }
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(4) : "n/a";
}

function report(io: Io, mode: "json" | "text" | "quiet", e: SweepEvent): void {
  if (mode === "quiet") return;
  if (mode === "json") {
    if (e.kind === "trial") {
      const { entry } = e;
      io.stdout(JSON.stringify({ event: "trial", done: e.done, total: e.total, trial: entry.trial, config: entry.config, mean: Number.isFinite(entry.mean) ? entry.mean : null, scores: entry.scores.map((s) => (Number.isFinite(s) ? s : null)), epochs: entry.epochs, rung: entry.rung, seconds: entry.seconds, resumed: e.resumed, best: e.best, eta_seconds: Number.isFinite(e.etaSeconds) ? e.etaSeconds : null }) + "\n");
    } else if (e.kind === "start") io.stdout(JSON.stringify({ event: "start", total: e.total, workers: e.workers, space: e.summary }) + "\n");
    else io.stdout(JSON.stringify({ event: e.kind, ...e, kind: undefined }) + "\n");
    return;
  }
  switch (e.kind) {
    case "start":
      io.stderr(`sweep ${e.summary.model}: ${e.summary.configurations} configurations x ${e.summary.folds} fold${e.summary.folds === 1 ? "" : "s"} x ${e.summary.repeats} repeat${e.summary.repeats === 1 ? "" : "s"} on ${e.workers} worker${e.workers === 1 ? "" : "s"}, by ${e.summary.metric}\n`);
      return;
    case "rung":
      io.stderr(`rung ${e.rung + 1}: ${e.configurations} configurations at ${e.epochs} epochs\n`);
      return;
    case "failed":
      io.stderr(`trial ${e.trial} failed: ${e.message}\n`);
      return;
    case "trial": {
      const config = Object.entries(e.entry.config).map(([k, v]) => `${k}=${v}`).join(" ");
      const best = e.best === null ? "" : `  best ${fmt(e.best.mean)} (trial ${e.best.trial})`;
      const eta = e.done < e.total && Number.isFinite(e.etaSeconds) ? `  ETA ${duration(e.etaSeconds)}` : "";
      io.stderr(`[${String(e.done).padStart(String(e.total).length)}/${e.total}] trial ${e.entry.trial} ${config}: ${fmt(e.entry.mean)}${e.resumed ? " (journal)" : ""}${best}${eta}\n`);
    }
  }
}

function printResult(io: Io, mode: "json" | "text" | "quiet", result: SweepResult, refit: RefitSummary | null, dir: string): void {
  if (mode === "quiet") return;
  const best = result.best;
  if (mode === "json") {
    io.stdout(JSON.stringify({ event: "result", metric: result.metric, best: best === null ? null : { trial: best.trial, config: best.config, mean: best.mean, sd: best.sd }, refit, seconds: result.seconds, ran: result.ran, mean_compile_seconds: result.meanCompileSeconds, out_dir: dir }) + "\n");
    return;
  }
  const lines = [`done: ${result.leaderboard.length} configurations in ${duration(result.seconds)} (${result.ran} run now)`];
  if (best !== null) {
    lines.push(`best: trial ${best.trial} ${Object.entries(best.config).map(([k, v]) => `${k}=${v}`).join(" ")}: ${result.metric} ${fmt(best.mean)} +- ${fmt(best.sd)}`);
    if (refit !== null) lines.push(`refit: ${refit.trainMetric}${refit.testMetric === null ? "" : `; test ${refit.testMetric}`}`);
  }
  const files = ["leaderboard.csv", "leaderboard.json", "best.mlp", "best.weights.json", "report.html", "journal.jsonl"].filter((f) => existsSync(join(resolve(io.cwd, dir), f)) || f !== "best.weights.json");
  lines.push(`wrote ${files.map((f) => join(dir, f)).join(", ")}`);
  if (refit !== null) lines.push(`reproduce: ${refit.command}`);
  io.stdout(lines.join("\n") + "\n");
}

export { EXIT_USAGE };
