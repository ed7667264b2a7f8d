/**
 * The optimizers, one record each: the words that name it, its default learning rate, what
 * `weight_decay` means for it, its own settings (option word, default, range, keyed by IR field in
 * the order they print), and the per-parameter state it keeps. Lowering, printing, the checker's
 * ranges and the summary all read these records; the emitted update is its codegen twin
 * (src/codegen/training-optimizer.ts), keyed by the same kind.
 *
 * Adding an optimizer: its settings in OptimizerSettings (types.ts), its record here, its update
 * there. The mapped types make the compiler refuse a kind without a record, or a record whose
 * settings do not match the IR fields one for one.
 */
import { nonNegative, positive, unitInterval, type Range } from "./ranges.js";
import type { Optimizer, OptimizerKind, OptimizerSettings } from "./types.js";

export interface NumberSetting {
  readonly type: "number";
  /** The option word in the language. */
  readonly option: string;
  readonly default: number;
  readonly range: Range;
}

export interface BooleanSetting {
  readonly type: "boolean";
  readonly option: string;
  readonly default: boolean;
}

/** One spec per IR field of the settings S, of the field's type; key order is print order. */
export type SettingSpecs<S> = { readonly [F in keyof S]-?: S[F] extends boolean ? BooleanSetting : NumberSetting };

/** A per-parameter buffer of the optimizer: its TrainState field and what it holds. */
export interface StateBuffer {
  readonly name: string;
  readonly doc: string;
}

export interface OptimizerRecord<K extends OptimizerKind> {
  /** Other words that name it in programs (its kind is always one). */
  readonly aliases: readonly string[];
  readonly defaultLr: number;
  /**
   * true: `weight_decay` is coupled L2, added to the gradient (lowering folds it into
   * regularize l2). false: it is none of that, and a setting may hold a decoupled decay instead.
   */
  readonly coupledWeightDecay: boolean;
  readonly settings: SettingSpecs<OptimizerSettings[K]>;
  /** Buffers with the parameter layout, in TrainState order (checkpoints save them by name). */
  readonly state: readonly StateBuffer[];
  /** The state in the summary's words. */
  readonly stateSummary: string;
}

const number = (option: string, fallback: number, range: Range): NumberSetting => ({ type: "number", option, default: fallback, range });
const boolean = (option: string, fallback: boolean): BooleanSetting => ({ type: "boolean", option, default: fallback });

const BETA1 = number("beta1", 0.9, unitInterval);
const BETA2 = number("beta2", 0.999, unitInterval);
const EPS = number("eps", 1e-8, positive);
const ADAM_STATE: readonly StateBuffer[] = [
  { name: "m", doc: "Adam's first moment: m = beta1 * m + (1 - beta1) * g." },
  { name: "v", doc: "Adam's second moment: v = beta2 * v + (1 - beta2) * g^2." },
];

/** Default learning rates are Keras': SGD 0.01, Adam 0.001. The key order is the order messages list them. */
export const OPTIMIZER_RECORDS: { readonly [K in OptimizerKind]: OptimizerRecord<K> } = {
  sgd: {
    aliases: [],
    defaultLr: 0.01,
    coupledWeightDecay: true,
    settings: {},
    state: [],
    stateSummary: "SGD keeps none",
  },
  momentum: {
    aliases: [],
    defaultLr: 0.01,
    coupledWeightDecay: true,
    settings: { beta: number("beta", 0.9, unitInterval), nesterov: boolean("nesterov", false) },
    state: [{ name: "buf", doc: "Momentum buffer (PyTorch's momentum_buffer): buf = beta * buf + g." }],
    stateSummary: "momentum buffer",
  },
  adam: {
    aliases: [],
    defaultLr: 0.001,
    coupledWeightDecay: true,
    settings: { beta1: BETA1, beta2: BETA2, eps: EPS },
    state: ADAM_STATE,
    stateSummary: "Adam m, v",
  },
  adamw: {
    aliases: [],
    defaultLr: 0.001,
    coupledWeightDecay: false,
    // PyTorch's AdamW default decay.
    settings: { beta1: BETA1, beta2: BETA2, eps: EPS, weightDecay: number("weight_decay", 0.01, nonNegative) },
    state: ADAM_STATE,
    stateSummary: "AdamW m, v",
  },
};

/** The kinds, in the table's order. */
export const OPTIMIZERS = Object.keys(OPTIMIZER_RECORDS) as readonly OptimizerKind[];

/** Every word that names an optimizer, kinds and aliases. */
export const OPTIMIZER_WORDS: Readonly<Record<string, OptimizerKind>> = Object.fromEntries(
  OPTIMIZERS.flatMap((kind) => [kind, ...OPTIMIZER_RECORDS[kind].aliases].map((word) => [word, kind])),
);

/** The optimizer a word names, if any (own words only: not "constructor" and kin). */
export function optimizerOfWord(word: string): OptimizerKind | undefined {
  return Object.hasOwn(OPTIMIZER_WORDS, word) ? OPTIMIZER_WORDS[word] : undefined;
}

function settingSpecs(kind: OptimizerKind): readonly (readonly [field: string, spec: NumberSetting | BooleanSetting])[] {
  const specs: Readonly<Record<string, NumberSetting | BooleanSetting>> = OPTIMIZER_RECORDS[kind].settings;
  return Object.entries(specs);
}

/** The options an optimizer's line takes (besides the schedule's), in a fixed order. */
export function optimizerOptions(kind: OptimizerKind): readonly string[] {
  const own = settingSpecs(kind).map(([, spec]) => spec.option);
  return ["lr", ...own, ...(OPTIMIZER_RECORDS[kind].coupledWeightDecay ? ["weight_decay"] : []), "clip"];
}

/** Reads one option of the optimizer line (recording where it was written), or the fallback. */
export interface SettingReader {
  has(option: string): boolean;
  number(option: string, fallback: number): number;
  boolean(option: string, fallback: boolean): boolean;
}

/**
 * The optimizer of `kind` from its options, every default filled in, and the coupled weight
 * decay that lowering adds to regularize l2 (0 when the optimizer keeps its own).
 */
export function lowerOptimizerSettings(kind: OptimizerKind, read: SettingReader): { optimizer: Optimizer; coupledWeightDecay: number } {
  const record = OPTIMIZER_RECORDS[kind];
  const lr = read.number("lr", record.defaultLr);
  // Absent is no clipping; written but malformed stays NaN (already reported) for the checker to skip.
  const clip = read.has("clip") ? read.number("clip", NaN) : null;
  const weightDecay = record.coupledWeightDecay ? read.number("weight_decay", 0) : 0;
  const own = settingSpecs(kind).map(([field, spec]) => [field, spec.type === "number" ? read.number(spec.option, spec.default) : read.boolean(spec.option, spec.default)]);
  // SettingSpecs gives each field of OptimizerSettings[kind] exactly one spec of its type, so
  // the fields read from them are that optimizer's settings.
  const optimizer = { kind, lr, clip, ...Object.fromEntries(own) } as Optimizer;
  return { optimizer, coupledWeightDecay: weightDecay };
}

/** One own setting of an optimizer with its value: what printing, ranges and the summary read. */
export type SettingValue =
  | { readonly field: string; readonly option: string; readonly type: "number"; readonly value: number; readonly range: Range }
  | { readonly field: string; readonly option: string; readonly type: "boolean"; readonly value: boolean };

/** The optimizer's own settings (not lr or clip), in print order. */
export function optimizerSettings(o: Optimizer): readonly SettingValue[] {
  const fields: Readonly<Record<string, string | number | boolean | null>> = o;
  return settingSpecs(o.kind).map(([field, spec]): SettingValue => {
    const value = fields[field];
    if (spec.type === "number" && typeof value === "number") return { field, option: spec.option, type: "number", value, range: spec.range };
    if (spec.type === "boolean" && typeof value === "boolean") return { field, option: spec.option, type: "boolean", value };
    throw new Error(`mlpc: optimizer ${o.kind} has no ${spec.type} ${field}`);
  });
}

/** The optimizer's per-parameter buffers. */
export function optimizerState(o: Optimizer): readonly StateBuffer[] {
  return OPTIMIZER_RECORDS[o.kind].state;
}

/** Ranges of the settings every optimizer has. */
export const LR_RANGE = positive;
export const CLIP_RANGE = positive;
