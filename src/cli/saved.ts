/**
 * The files `mlpc train` writes and `predict` / `--resume` read: the weights file (what a trained
 * model needs to predict: parameters, feature names, class names, scaling) and the checkpoint
 * (everything needed to continue training exactly). Both are plain JSON, versioned, and validated
 * on the way in, since people edit and mix up files.
 */
import { inputWidth, numericPlan, planFromJSON, type PreprocessingPlan } from "../data/preprocess.js";
import { standardizerFromJSON, type Standardizer } from "../data/scale.js";
import type { DataOptions } from "./data-flags.js";
import type { LayerGradientNorm } from "../report/training-diagnostics.js";
import { CliError, EXIT_PROGRAM_ERROR } from "./io.js";
import type { TrainerJSON } from "./runtime.js";

export const WEIGHTS_FORMAT = "mlpc-weights";
export const WEIGHTS_VERSION = 1;
export const CHECKPOINT_FORMAT = "mlpc-train-checkpoint";
export const CHECKPOINT_VERSION = 1;

export type SavedTarget =
  | { readonly kind: "class"; readonly column: string; readonly classCount: number; readonly classNames: readonly string[] | null }
  | { readonly kind: "multilabel" | "regression"; readonly columns: readonly string[] };

export interface WeightsFile {
  readonly format: typeof WEIGHTS_FORMAT;
  readonly version: typeof WEIGHTS_VERSION;
  readonly mlpc: string;
  readonly model: string;
  readonly createdAt: string;
  /** The model's inputs by name, in order (`col`, or `col=level` for a one-hot input). */
  readonly features: readonly string[];
  readonly target: SavedTarget;
  /** The standardization of an all-numeric plan, for readers that know no plans; else null. */
  readonly scaling: Standardizer | null;
  /** How raw CSV columns become the inputs (absent in files written before plans: then features + scaling say it). */
  readonly preprocessing?: PreprocessingPlan;
  /** The generated Trainer's toJSON: params, shapes, optimizer state. */
  readonly trainer: TrainerJSON;
}

/** What a run was started with; a resumed run must match it. */
export interface RunSettings {
  readonly data: string;
  readonly rows: number;
  /** checksum() of the rows as read (features and targets). */
  readonly dataChecksum: string;
  /** Epoch index training runs until (a resumed run may extend it). */
  readonly epochs: number;
  readonly features: readonly string[];
  readonly target: SavedTarget;
  readonly validation: number;
  readonly seed: number;
  readonly batch: number | "all";
  readonly shuffle: boolean;
  readonly lr: number;
  readonly standardize: boolean;
  readonly patience: number | null;
  /** Column choice and encoding flags (absent in checkpoints written before them). */
  readonly dataOptions?: DataOptions;
  /** The --test fraction (absent: none). */
  readonly test?: number;
}

export interface RunHistory {
  loss: number[];
  accuracy: number[];
  val_loss: number[];
  val_accuracy: number[];
  lr: number[];
  gradientNorms: LayerGradientNorm[][];
}

export interface EarlyStoppingState {
  best: number;
  bestEpoch: number;
  wait: number;
  bestParams: number[];
}

export interface CheckpointFile {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: typeof CHECKPOINT_VERSION;
  readonly mlpc: string;
  readonly model: string;
  readonly savedAt: string;
  readonly settings: RunSettings;
  readonly trainer: TrainerJSON;
  readonly history: RunHistory;
  readonly early: EarlyStoppingState | null;
  readonly elapsedSeconds: number;
}

function bad(file: string, message: string): CliError {
  return new CliError(`mlpc: ${file}: ${message}`, EXIT_PROGRAM_ERROR);
}

function parseJsonObject(text: string, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw bad(file, `not valid JSON (${(e as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw bad(file, "expected a JSON object");
  return value as Record<string, unknown>;
}

function checkFormat(v: Record<string, unknown>, file: string, format: string, version: number, what: string): void {
  if (v.format !== format) {
    const hint = v.format === CHECKPOINT_FORMAT ? " (this is a training checkpoint: use it with --resume)" : v.format === WEIGHTS_FORMAT ? " (this is a weights file: use it with predict --weights)" : "";
    throw bad(file, `not an mlpc ${what} (format ${JSON.stringify(v.format ?? null)}, expected ${JSON.stringify(format)})${hint}`);
  }
  if (v.version !== version) throw bad(file, `${what} format version ${String(v.version)} is not supported (this mlpc reads version ${version})`);
}

function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === "string");
}

function parseTarget(v: unknown, file: string): SavedTarget {
  const t = v as Record<string, unknown> | null;
  if (typeof t !== "object" || t === null) throw bad(file, "target is missing");
  if (t.kind === "class" && typeof t.column === "string" && typeof t.classCount === "number" && (t.classNames === null || isStringList(t.classNames))) {
    return { kind: "class", column: t.column, classCount: t.classCount, classNames: t.classNames };
  }
  if ((t.kind === "multilabel" || t.kind === "regression") && isStringList(t.columns)) return { kind: t.kind, columns: t.columns };
  throw bad(file, "target is not a valid description of the label columns");
}

function parseTrainer(v: unknown, file: string): TrainerJSON {
  if (typeof v !== "object" || v === null) throw bad(file, "trainer state is missing");
  return v as TrainerJSON; // the generated Trainer.fromJSON checks shapes and numbers
}

export function parseWeights(text: string, file: string): WeightsFile {
  const v = parseJsonObject(text, file);
  checkFormat(v, file, WEIGHTS_FORMAT, WEIGHTS_VERSION, "weights file");
  if (!isStringList(v.features)) throw bad(file, "features must be a list of column names");
  let scaling: Standardizer | null = null;
  if (v.scaling !== null && v.scaling !== undefined) {
    const s = standardizerFromJSON(v.scaling);
    if (!s.ok) throw bad(file, s.error);
    if (s.value.features.length !== v.features.length) throw bad(file, "scaling does not match the feature list");
    scaling = s.value;
  }
  let preprocessing: PreprocessingPlan | undefined;
  if (v.preprocessing !== undefined) {
    const p = planFromJSON(v.preprocessing);
    if (!p.ok) throw bad(file, p.error);
    if (inputWidth(p.value) !== v.features.length) throw bad(file, `preprocessing makes ${inputWidth(p.value)} inputs, but features lists ${v.features.length}`);
    preprocessing = p.value;
  }
  return {
    ...(preprocessing === undefined ? {} : { preprocessing }),
    format: WEIGHTS_FORMAT,
    version: WEIGHTS_VERSION,
    mlpc: String(v.mlpc ?? ""),
    model: String(v.model ?? ""),
    createdAt: String(v.createdAt ?? ""),
    features: v.features,
    target: parseTarget(v.target, file),
    scaling,
    trainer: parseTrainer(v.trainer, file),
  };
}

/** The plan predict, evaluate and export apply: the saved one, or the one an older file's features and scaling describe. */
export function planOf(w: WeightsFile): PreprocessingPlan {
  return w.preprocessing ?? numericPlan(w.features, w.scaling);
}

/** A plan as an old-style Standardizer when it is one (every column numeric, no fill, standard scaling). */
export function standardizerOf(plan: PreprocessingPlan, features: readonly string[]): Standardizer | null {
  if (plan.scale !== "standard") return null;
  const mean: number[] = [];
  const std: number[] = [];
  for (const c of plan.columns) {
    if (c.kind !== "numeric" || c.fill !== null) return null;
    mean.push(c.offset);
    std.push(c.scale);
  }
  return { kind: "standardize", features: [...features], mean, std };
}

export function parseCheckpoint(text: string, file: string): CheckpointFile {
  const v = parseJsonObject(text, file);
  checkFormat(v, file, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, "training checkpoint");
  const settings = v.settings as RunSettings | undefined;
  const history = v.history as RunHistory | undefined;
  if (typeof settings !== "object" || settings === null || !isStringList(settings.features)) throw bad(file, "settings are missing");
  if (typeof history !== "object" || history === null || !Array.isArray(history.loss)) throw bad(file, "history is missing");
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    mlpc: String(v.mlpc ?? ""),
    model: String(v.model ?? ""),
    savedAt: String(v.savedAt ?? ""),
    settings: { ...settings, target: parseTarget(settings.target, file) },
    trainer: parseTrainer(v.trainer, file),
    history,
    early: (v.early as EarlyStoppingState | null | undefined) ?? null,
    elapsedSeconds: typeof v.elapsedSeconds === "number" ? v.elapsedSeconds : 0,
  };
}
