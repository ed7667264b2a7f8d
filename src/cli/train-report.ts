/**
 * The end of a `mlpc train` run: the final weights (the best epoch's with early stopping), their
 * losses, metrics and diagnostics, the weights file, the HTML report and the closing text.
 */
import { resolve } from "node:path";
import { writeFileAtomic } from "../data/atomic.js";
import type { ModelIR } from "../ir/types.js";
import { renderReport, type ReportData } from "../report/html.js";
import { classificationMetrics, multilabelMetrics, predictedClasses, regressionMetrics, rocCurve, type RocCurve, type TaskMetrics } from "../report/metrics.js";
import { summarize } from "../report/summary.js";
import { diagnosticsTable, lossTable, metricsTables, type LossRow } from "../report/table.js";
import { describeWidth, inputNames } from "../data/preprocess.js";
import { VERSION } from "../version.js";
import type { Part, Prepared } from "./dataset.js";
import { CliError, EXIT_PROGRAM_ERROR, type Colors, type Io } from "./io.js";
import { duration } from "./progress.js";
import type { GeneratedModule, GeneratedTrainer } from "./runtime.js";
import { standardizerOf, type EarlyStoppingState, type RunHistory, type RunSettings } from "./saved.js";
import { weightsFile, writeSaved } from "./saved-write.js";
import { terminalText } from "./terminal.js";
import { diagnose } from "./train-diagnostics.js";
import { batchSizeOf, type Outcome } from "./train-run.js";

/** What the files and the text are written from. */
export interface Finish {
  readonly io: Io;
  readonly c: Colors;
  readonly file: string;
  readonly data: string;
  readonly out: string | undefined;
  readonly report: string | undefined;
  readonly output: "text" | "json" | "quiet";
  readonly ir: ModelIR;
  readonly mod: GeneratedModule;
  readonly trainer: GeneratedTrainer;
  readonly prepared: Prepared;
  readonly settings: RunSettings;
  readonly history: RunHistory;
  readonly source: string;
  readonly outcome: Outcome;
  readonly early: EarlyStoppingState | null;
}

export interface TrainResult {
  readonly metrics: { readonly train: TaskMetrics; readonly validation: TaskMetrics | null; readonly test?: TaskMetrics };
  readonly weightsPath: string;
  readonly epochs: number;
}

/** Metrics of the final weights on one part of the data. */
function taskMetrics(trainer: GeneratedTrainer, ir: ModelIR, part: Part, prepared: Prepared): TaskMetrics {
  const outputs = trainer.predict(part.x).flat();
  const t = prepared.dataset.targets;
  switch (t.kind) {
    case "class": {
      const names = t.classNames ?? Array.from({ length: t.classCount }, (_, k) => String(k));
      return classificationMetrics(part.ids!, predictedClasses(outputs, part.rows, ir.outputSize), names);
    }
    case "multilabel":
      return multilabelMetrics(part.y, outputs, part.rows, t.columns);
    case "regression":
      return regressionMetrics(part.y, outputs, part.rows, t.columns);
    case "none":
      throw new Error("training data has targets");
  }
}

/** The ROC curve of a two-class model on one part, or null. */
function rocOf(trainer: GeneratedTrainer, ir: ModelIR, part: Part, rows: string): { rows: string; curve: RocCurve } | null {
  if (part.ids === null || ir.loss.task === "multilabel" || (ir.loss.task !== "binary" && ir.outputSize !== 2)) return null;
  const outputs = trainer.predict(part.x);
  const curve = rocCurve(part.ids, outputs.map((o) => o[o.length === 1 ? 0 : 1]!));
  return curve === null ? null : { rows, curve };
}

function lossRow(trainer: GeneratedTrainer, split: string, part: Part): LossRow {
  const e = trainer.evaluate(part.x, part.y);
  return { split, rows: part.rows, loss: e.loss, accuracy: e.accuracy ?? null };
}

/** Learning rate of each update of the run, at most ~600 points. */
function scheduleSamples(mod: GeneratedModule, totalSteps: number): { steps: number[]; lr: number[] } {
  const every = Math.max(1, Math.ceil(totalSteps / 600));
  const steps: number[] = [];
  for (let t = 0; t < totalSteps; t += every) steps.push(t);
  if (steps[steps.length - 1] !== totalSteps - 1 && totalSteps > 0) steps.push(totalSteps - 1);
  return { steps, lr: steps.map((t) => mod.learningRate(t)) };
}

function describeTarget(s: RunSettings): string {
  const t = s.target;
  if (t.kind === "class") return `${t.column} (${t.classCount} classes${t.classNames === null ? "" : `: ${t.classNames.join(", ")}`})`;
  return t.columns.join(", ");
}

export async function finish(f: Finish): Promise<TrainResult> {
  const { io, c, ir, trainer, prepared, settings } = f;
  if (settings.patience !== null && f.early !== null) trainer.params.set(f.early.bestParams);
  const hasVal = prepared.validation.rows > 0;
  const hasTest = prepared.test.rows > 0;
  const losses = [
    lossRow(trainer, "train", prepared.train),
    ...(hasVal ? [lossRow(trainer, "validation", prepared.validation)] : []),
    ...(hasTest ? [lossRow(trainer, "test (held out)", prepared.test)] : []),
  ];
  const metrics = {
    train: taskMetrics(trainer, ir, prepared.train, prepared),
    validation: hasVal ? taskMetrics(trainer, ir, prepared.validation, prepared) : null,
    ...(hasTest ? { test: taskMetrics(trainer, ir, prepared.test, prepared) } : {}),
  };
  const diagnostics = diagnose(ir, f.mod, trainer, prepared.train, settings.seed, f.history);

  const weightsPath = f.out ?? `${ir.name}.weights.json`;
  const weights = { createdAt: new Date().toISOString() };
  const features = inputNames(prepared.plan);
  const saved = weightsFile(resolve(io.cwd, weightsPath), {
    ir,
    createdAt: weights.createdAt,
    features,
    target: settings.target,
    scaling: standardizerOf(prepared.plan, features),
    preprocessing: prepared.plan,
    trainer,
  });
  try {
    await writeSaved(saved);
  } catch (e) {
    throw new CliError(`mlpc: cannot write ${weightsPath}: ${(e as Error).message}`, EXIT_PROGRAM_ERROR);
  }
  const result: TrainResult = { metrics, weightsPath, epochs: f.history.loss.length };

  const totalSteps = settings.epochs * Math.ceil(prepared.train.rows / batchSizeOf(settings, prepared.train.rows));
  if (f.report !== undefined) {
    const data: ReportData = {
      model: ir.name,
      createdAt: weights.createdAt,
      version: VERSION,
      programFile: f.file,
      program: f.source,
      dataFile: f.data,
      summary: summarize(ir),
      settings: [
        ["data", `${f.data} (${prepared.dataset.rows} rows, ${prepared.dataset.featureNames.length} feature columns)`],
        ["target", describeTarget(settings)],
        ["validation", hasVal ? `${Math.round(settings.validation * 100)}%${settings.target.kind === "class" ? " stratified" : ""} (${prepared.validation.rows} rows)` : "none"],
        ["inputs", describeWidth(prepared.plan)],
        ["scaling", prepared.plan.scale === "none" ? "none" : `${prepared.plan.scale} (fitted on the training split)`],
        ["missing values", prepared.plan.impute !== null ? `imputed: ${prepared.plan.impute}` : settings.dataOptions?.dropMissing === true ? "rows dropped" : "none allowed"],
        ["class weights", prepared.classWeight === null ? "none" : prepared.classWeight.map((w) => String(Number(w.toPrecision(4)))).join(", ")],
        ["test", hasTest ? `${Math.round((settings.test ?? 0) * 100)}% held out (${prepared.test.rows} rows)` : "none"],
        ["early stopping", settings.patience === null ? "off" : `patience ${settings.patience}`],
        ["seed", String(settings.seed)],
        ["weights", weightsPath],
      ],
      history: {
        loss: f.history.loss,
        lr: f.history.lr,
        ...(f.history.accuracy.length > 0 ? { accuracy: f.history.accuracy } : {}),
        ...(f.history.val_loss.length > 0 ? { val_loss: f.history.val_loss } : {}),
        ...(f.history.val_accuracy.length > 0 ? { val_accuracy: f.history.val_accuracy } : {}),
      },
      schedule: scheduleSamples(f.mod, Math.min(totalSteps, trainer.state.step)),
      losses,
      metrics,
      roc: rocOf(trainer, ir, hasTest ? prepared.test : hasVal ? prepared.validation : prepared.train, hasTest ? "held-out test rows" : hasVal ? "validation rows" : "training rows"),
      diagnostics,
      outcome: { epochs: f.history.loss.length, seconds: f.outcome.seconds, rowsPerSecond: f.outcome.rowsPerSecond, note: f.outcome.stoppedEarly, weightsFile: weightsPath },
    };
    await writeOut(io, f.report, renderReport(data));
  }

  if (f.output === "json") {
    io.stdout(JSON.stringify({ event: "result", epochs: f.history.loss.length, losses, metrics, diagnostics: { ...diagnostics, gradientNorms: diagnostics.gradientNorms.at(-1) ?? [] }, stoppedEarly: f.outcome.stoppedEarly, weights: weightsPath, report: f.report ?? null }) + "\n");
    return result;
  }
  if (f.output === "quiet") return result;
  const out: string[] = [""];
  if (f.outcome.stoppedEarly !== null) out.push(c.cyan(f.outcome.stoppedEarly), "");
  out.push(c.bold(`Final weights${settings.patience !== null ? " (best epoch)" : ""}`), ...lossTable(losses), "");
  const shown = metrics.validation ?? metrics.train;
  // Class and column names come from the data: escaped on a terminal, never sent raw.
  const shownText = (line: string): string => (io.isTTY ? terminalText(line) : line);
  out.push(c.bold(`On the ${hasVal ? "validation" : "training"} rows`), ...metricsTables(shown).map(shownText), "");
  if (metrics.test !== undefined) out.push(c.bold(`On the held-out test rows (${prepared.test.rows}, reported once)`), ...metricsTables(metrics.test).map(shownText), "");
  if (prepared.classWeight !== null) out.push(c.dim("the training loss in the epoch lines is weighted by class (--class-weight); the losses above are not"), "");
  // Gradient norms come from each epoch's own batch gradients (the table shows the last epoch's);
  // dead units are counted at the weights kept, which differ after early stopping.
  const afterEarlyStop = f.outcome.stoppedEarly !== null ? ` (gradient norms after epoch ${f.history.loss.length}; dead units at the kept weights)` : "";
  out.push(c.bold(`Diagnostics${afterEarlyStop}`), ...diagnosticsTable(diagnostics));
  for (const w of diagnostics.warnings) out.push(c.yellow(`warning: ${w.message}`));
  out.push("");
  out.push(`trained ${f.history.loss.length} epochs in ${duration(f.outcome.seconds)}; wrote ${weightsPath}${f.report === undefined ? "" : ` and ${f.report}`}`);
  io.stdout(out.join("\n") + "\n");
  return result;
}

async function writeOut(io: Io, path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(resolve(io.cwd, path), text);
  } catch (e) {
    throw new CliError(`mlpc: cannot write ${path}: ${(e as Error).message}`, EXIT_PROGRAM_ERROR);
  }
}
