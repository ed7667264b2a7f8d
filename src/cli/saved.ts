/**
 * The files `mlpc train` writes and `predict` / `--resume` read: the weights file (what a trained
 * model needs to predict: parameters, feature names, class names, scaling) and the checkpoint
 * (everything needed to continue training exactly). Both are plain JSON, versioned, and validated
 * on the way in, field by field (saved-check.ts), since people edit and mix up files.
 */
import { IMPUTE_KINDS, inputWidth, numericPlan, planFromJSON, SCALE_KINDS, type PreprocessingPlan } from "../data/preprocess.js";
import { standardizerFromJSON, type Standardizer } from "../data/scale.js";
import type { ClassWeightFlag, DataOptions } from "./data-flags.js";
import { DELIMITERS } from "../data/delimiter.js";
import { activationName } from "../codegen/activation.js";
import { describeLayers } from "../export/model.js";
import { denseLayers } from "../ir/layers.js";
import type { ModelIR } from "../ir/types.js";
import type { LayerGradientNorm } from "../report/training-diagnostics.js";
import { CliError, EXIT_PROGRAM_ERROR } from "./io.js";
import type { TrainerJSON } from "./runtime.js";
import { FieldReader, type BinaryLoader } from "./saved-check.js";
import { classCountOf } from "./targets.js";

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
  bestParams: ArrayLike<number>;
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

/** What the files are checked against, and how sidecar numbers are found. */
export interface ReadContext {
  /** The program the file is used with: counts and shapes must fit it. */
  readonly ir?: ModelIR;
  /** Loads numbers kept in a binary sidecar (big models); without it, sidecar references are refused. */
  readonly binary?: BinaryLoader;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw bad(file, `not valid JSON (${(e as Error).message})`);
  }
}

function checkFormat(r: FieldReader, format: string, version: number, what: string): void {
  const v = r.value;
  if (v.format !== format) {
    const hint = v.format === CHECKPOINT_FORMAT ? " (this is a training checkpoint: use it with --resume)" : v.format === WEIGHTS_FORMAT ? " (this is a weights file: use it with predict --weights)" : "";
    throw bad(r.file, `not an mlpc ${what} (format ${JSON.stringify(v.format ?? null)}, expected ${JSON.stringify(format)})${hint}`);
  }
  if (v.version !== version) throw bad(r.file, `${what} format version ${String(v.version)} is not supported (this mlpc reads version ${version})`);
}

/** The most classes a class column can have (a softmax that wide is far over the parameter limit). */
const MAX_CLASSES = 1_000_000;

function parseTarget(r: FieldReader, ir: ModelIR | undefined): SavedTarget {
  const kind = r.value.kind;
  if (kind === "class") {
    const classCount = r.integer("classCount", 2, MAX_CLASSES);
    if (ir !== undefined && classCount !== classCountOf(ir)) {
      throw r.mismatch("classCount", `${classCount} classes, but ${ir.name} tells ${classCountOf(ir)} classes apart (${ir.loss.kind})`);
    }
    const classNames = r.value.classNames === null ? null : r.strings("classNames", { length: classCount, unique: true });
    return { kind: "class", column: r.string("column"), classCount, classNames };
  }
  if (kind === "multilabel" || kind === "regression") {
    const columns = r.strings("columns", { unique: true, ...(ir === undefined ? {} : { length: ir.outputSize }) });
    if (columns.length === 0) throw r.fail("columns", "a list of at least one column name");
    return { kind, columns };
  }
  throw r.fail("kind", '"class", "multilabel" or "regression"');
}

/**
 * The generated Trainer's toJSON part: every field the CLI or fromJSON relies on, checked here so
 * the message names the file and the field. The layer shapes are compared by fromJSON.
 */
function parseTrainer(r: FieldReader): TrainerJSON {
  r.literal("format", "mlpc-trainer");
  r.literal("version", 1);
  const layers = r.objects("layers", (l) => ({ name: l.string("name"), inputs: l.integer("inputs", 1), units: l.integer("units", 1), activation: l.string("activation") }));
  // The length is compared with the layer shapes by the generated Trainer, whose message says which layers differ.
  const params = r.numbers("params");
  const buffersReader = r.has("buffers") ? r.object("buffers") : null;
  const buffers: Record<string, ArrayLike<number>> = {};
  for (const name of buffersReader?.keys() ?? []) buffers[name] = buffersReader!.numbers(name);
  const partial = r.nullableObject("partialEpoch");
  const batch = r.integer("batch");
  if (batch > 0 && partial === null) throw r.mismatch("partialEpoch", "the checkpoint stopped inside an epoch (batch > 0) but has no partialEpoch");
  return {
    format: "mlpc-trainer",
    version: 1,
    model: r.string("model"),
    optimizer: r.string("optimizer"),
    layers,
    seed: r.integer("seed", 0, 0xffffffff),
    step: r.integer("step"),
    epoch: r.integer("epoch"),
    batch,
    partialEpoch:
      partial === null
        ? null
        : {
            lossSum: partial.number("lossSum"),
            rows: partial.integer("rows"),
            trainRows: partial.integer("trainRows", 1),
            batchSize: partial.integer("batchSize", 1),
            // The running accuracy's counts (absent before it existed; their length is the model's, checked by fromJSON).
            ...(partial.has("correct") ? { correct: Array.from(partial.numbers("correct")), correctRows: partial.integer("correctRows") } : {}),
          },
    params: params as readonly number[],
    buffers,
  };
}

export function parseWeights(text: string, file: string, context: ReadContext = {}): WeightsFile {
  const r = FieldReader.root(file, parseJson(text, file), context.binary ?? null);
  checkFormat(r, WEIGHTS_FORMAT, WEIGHTS_VERSION, "weights file");
  const ir = context.ir;
  const trainer = parseTrainer(r.object("trainer"));
  if (ir !== undefined) {
    const expected = describeLayers(denseLayers(ir).map((l) => ({ inputs: l.inputs, units: l.units, activation: activationName(l.activation) })));
    const found = describeLayers(trainer.layers);
    if (found !== expected) throw bad(file, `the weights are for another network: ${found}, but ${ir.name} is ${expected}`);
    if (trainer.params.length !== ir.paramCount) throw bad(file, `field trainer.params: expected ${ir.paramCount} finite numbers, got a list of ${trainer.params.length}`);
  }
  const features = r.strings("features", { unique: true });
  if (ir !== undefined && features.length !== ir.inputSize) throw r.mismatch("features", `${features.length} input columns, but ${ir.name} takes ${ir.inputSize} inputs`);
  let scaling: Standardizer | null = null;
  if (r.value.scaling !== null && r.value.scaling !== undefined) {
    const s = standardizerFromJSON(r.value.scaling);
    if (!s.ok) throw bad(file, `field ${s.error}`);
    if (s.value.features.length !== features.length) throw r.mismatch("scaling", "does not match the feature list");
    scaling = s.value;
  }
  let preprocessing: PreprocessingPlan | undefined;
  if (r.value.preprocessing !== undefined) {
    const p = planFromJSON(r.value.preprocessing);
    if (!p.ok) throw bad(file, `field preprocessing: ${p.error}`);
    if (inputWidth(p.value) !== features.length) throw r.mismatch("preprocessing", `makes ${inputWidth(p.value)} inputs, but features lists ${features.length}`);
    preprocessing = p.value;
  }
  return {
    ...(preprocessing === undefined ? {} : { preprocessing }),
    format: WEIGHTS_FORMAT,
    version: WEIGHTS_VERSION,
    mlpc: r.optionalString("mlpc"),
    model: r.optionalString("model"),
    createdAt: r.optionalString("createdAt"),
    features,
    target: parseTarget(r.object("target"), ir),
    scaling,
    trainer,
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

function parseSettings(r: FieldReader, ir: ModelIR | undefined): RunSettings {
  const batch = r.value.batch === "all" ? "all" : r.integer("batch", 1);
  const features = r.strings("features", { unique: true });
  if (ir !== undefined && features.length !== ir.inputSize) throw r.mismatch("features", `${features.length} input columns, but ${ir.name} takes ${ir.inputSize} inputs`);
  return {
    data: r.string("data"),
    rows: r.integer("rows", 1),
    dataChecksum: r.string("dataChecksum"),
    epochs: r.integer("epochs", 0, 1_000_000_000),
    features,
    target: parseTarget(r.object("target"), ir),
    validation: r.number("validation", { min: 0, max: 0.99 }),
    seed: r.integer("seed", 0, 0xffffffff),
    batch,
    shuffle: r.boolean("shuffle"),
    lr: r.number("lr", { min: 0, exclusiveMin: true }),
    standardize: r.boolean("standardize"),
    patience: r.nullableInteger("patience", 1),
    ...(r.has("dataOptions") ? { dataOptions: parseDataOptions(r.object("dataOptions")) } : {}),
    ...(r.has("test") ? { test: r.number("test", { min: 0, max: 0.99 }) } : {}),
  };
}

/** One of `choices`, or a failure naming the field. */
function oneOf<T extends string>(r: FieldReader, key: string, choices: readonly T[]): T {
  const v = r.value[key];
  if (typeof v !== "string" || !(choices as readonly string[]).includes(v)) throw r.fail(key, choices.map((c) => JSON.stringify(c)).join(", "));
  return v as T;
}

/** The column choice and encoding flags a run recorded, field by field. */
function parseDataOptions(r: FieldReader): DataOptions {
  const classWeight = r.nullableObject("classWeight");
  return {
    features: r.value.features === null ? null : r.strings("features", { unique: true }),
    ignore: r.strings("ignore"),
    delimiter: r.value.delimiter === null ? null : oneOf(r, "delimiter", DELIMITERS),
    categorical: r.strings("categorical"),
    unknown: oneOf(r, "unknown", ["error", "ignore"] as const),
    impute: r.value.impute === null ? null : oneOf(r, "impute", IMPUTE_KINDS),
    dropMissing: r.boolean("dropMissing"),
    scale: oneOf(r, "scale", SCALE_KINDS),
    classWeight: classWeight === null ? null : parseClassWeightOption(classWeight),
  };
}

function parseClassWeightOption(r: FieldReader): ClassWeightFlag {
  if (r.value.kind === "balanced") return { kind: "balanced" };
  r.literal("kind", "given");
  const weights = r.value.weights;
  const valid = Array.isArray(weights) && weights.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === "string" && typeof e[1] === "number" && Number.isFinite(e[1]) && e[1] >= 0);
  if (!valid) throw r.fail("weights", "a list of [class, weight >= 0] pairs");
  return { kind: "given", weights: weights as [string, number][] };
}

function parseHistory(r: FieldReader): RunHistory {
  const list = (key: string): number[] => Array.from(r.numbers(key));
  const gradientNorms = r.value.gradientNorms;
  if (!Array.isArray(gradientNorms) || !gradientNorms.every((e) => Array.isArray(e))) throw r.fail("gradientNorms", "a list of lists");
  return { loss: list("loss"), accuracy: list("accuracy"), val_loss: list("val_loss"), val_accuracy: list("val_accuracy"), lr: list("lr"), gradientNorms: gradientNorms as LayerGradientNorm[][] };
}

function parseEarly(r: FieldReader | null, paramCount: number): EarlyStoppingState | null {
  if (r === null) return null;
  return { best: r.number("best"), bestEpoch: r.integer("bestEpoch"), wait: r.integer("wait"), bestParams: r.numbers("bestParams", paramCount) };
}

export function parseCheckpoint(text: string, file: string, context: ReadContext = {}): CheckpointFile {
  const r = FieldReader.root(file, parseJson(text, file), context.binary ?? null);
  checkFormat(r, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, "training checkpoint");
  const settings = parseSettings(r.object("settings"), context.ir);
  const trainer = parseTrainer(r.object("trainer"));
  if (trainer.epoch > settings.epochs) throw r.mismatch("trainer.epoch", `epoch ${trainer.epoch} is past the run's ${settings.epochs} epochs`);
  const history = parseHistory(r.object("history"));
  if (history.loss.length !== trainer.epoch) throw r.mismatch("history.loss", `${history.loss.length} epochs of history, but the trainer is at epoch ${trainer.epoch}`);
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    mlpc: r.optionalString("mlpc"),
    model: r.string("model"),
    savedAt: r.optionalString("savedAt"),
    settings,
    trainer,
    history,
    early: parseEarly(r.nullableObject("early"), trainer.params.length),
    elapsedSeconds: r.has("elapsedSeconds") ? r.number("elapsedSeconds", { min: 0 }) : 0,
  };
}
