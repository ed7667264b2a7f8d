/**
 * Phase 2: AST -> typed IR. Gives the generic syntax its meaning: which words exist, which options
 * each statement takes, and every default. Reports what it cannot lower (unknown words, malformed
 * values, misplaced `input`) and still returns a best-effort IR, so the checker can report its own
 * findings in the same run. Ranges and cross-setting rules are the checker's (src/check).
 */
import type { Arg, CallNode, Ident, Item, NumberLit, OptionNode, Program, Span, Statement, Value } from "../syntax/ast.js";
import type { Diagnostic } from "../syntax/diagnostic.js";
import { denseLayers } from "./layers.js";
import { layoutLayers, type DropoutShape, type NetworkShape } from "./layout.js";
import { lowerMessages as m } from "./messages.js";
import { didYouMean } from "./suggest.js";
import { inferLoss, LOSS_KINDS, LOSSES, lossOfWord, taskOf } from "./losses.js";
import { lowerOptimizerSettings, optimizerOfWord, optimizerOptions, OPTIMIZER_WORDS, OPTIMIZERS } from "./optimizers.js";
import type { Activation, Decay, InitKind, Loss, LossKind, ModelIR, Optimizer, OptimizerKind } from "./types.js";
import {
  ACTIVATIONS,
  DECAY_OPTIONS,
  DECAYS,
  INIT_ALIASES,
  INITS,
  LAYER_WORDS,
  LEAKY_RELU_DEFAULT_ALPHA,
  MAX_NAME_LENGTH,
  REGULARIZE_OPTIONS,
  SCHEDULE_DEFAULTS,
  SCHEDULE_OPTIONS,
  STATEMENT_WORDS,
  TRAIN_DEFAULTS,
  TRAIN_OPTIONS,
  type DecayWord,
} from "./vocabulary.js";

export interface LowerResult {
  readonly ir: ModelIR;
  readonly diagnostics: readonly Diagnostic[];
}

const DEFAULT_NAME = "model";
const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

type OptionMap = Map<string, OptionNode>;

/** What the statements said, before defaults are filled in. */
interface Collected {
  name?: Ident;
  network?: { input: Item; inputSize: number; layers: NetworkShape[] };
  loss?: { kind: LossKind; span: Span };
  optimizer?: { kind: OptimizerKind; span: Span; options: OptionMap };
  schedule: OptionMap;
  regularize: OptionMap;
  train: OptionMap;
  init?: { kind: InitKind; span: Span };
  /** First statement of each kind, for duplicate detection. */
  seen: Set<string>;
}

class Lowering {
  readonly diagnostics: Diagnostic[] = [];
  readonly origins: Record<string, Span> = {};

  report(d: Diagnostic): void {
    this.diagnostics.push(d);
  }

  /** A number from a literal, or undefined (reported) when the text is not a finite decimal. */
  number(value: Value, what: string): number | undefined {
    if (value.kind !== "Number") {
      this.report(m.expectedValue(value.span, what, `\`${value.name}\``));
      return undefined;
    }
    return this.numberLiteral(value);
  }

  numberLiteral(lit: NumberLit): number | undefined {
    if (!NUMBER_RE.test(lit.text)) {
      this.report(m.invalidNumber(lit.span, lit.text));
      return undefined;
    }
    const v = Number(lit.text);
    // A literal with a nonzero digit that still reads as 0 (1e-400) underflowed: out of range too.
    if (!Number.isFinite(v) || (v === 0 && /[1-9]/.test(lit.text.replace(/[eE].*$/, "")))) {
      this.report(m.numberOutOfRange(lit.span, lit.text));
      return undefined;
    }
    return v;
  }

  boolean(value: Value): boolean | undefined {
    if (value.kind === "Ident" && (value.name === "true" || value.name === "false")) return value.name === "true";
    this.report(m.expectedValue(value.span, "`true` or `false`", describeValue(value)));
    return undefined;
  }

  /**
   * Collects `name=value` options of an item (from args[skip] on), reporting unknown, duplicate
   * and positional arguments. `into` may already hold options from another statement.
   */
  options(item: Item, skip: number, allowed: readonly string[], where: string, into: OptionMap = new Map()): OptionMap {
    for (const arg of item.args.slice(skip)) {
      if (arg.kind !== "Option") {
        this.report(m.unexpectedArgument(arg.span, where));
        continue;
      }
      this.addOption(arg, allowed, where, into);
    }
    return into;
  }

  addOption(opt: OptionNode, allowed: readonly string[], where: string, into: OptionMap): void {
    const name = opt.name.name;
    if (!allowed.includes(name)) {
      this.report(m.unknownOption(opt.name.span, name, where, didYouMean(name, allowed)));
      return;
    }
    if (into.has(name)) {
      this.report(m.duplicateOption(opt.name.span, name));
      return;
    }
    into.set(name, opt);
  }

  /** The numeric option `name`, recording its origin under `path`; `fallback` when absent. */
  numberOption(options: OptionMap, name: string, path: string, fallback: number): number {
    const opt = options.get(name);
    if (opt === undefined) return fallback;
    this.origins[path] = opt.value.span;
    return this.number(opt.value, `a number for \`${name}\``) ?? fallback;
  }

  booleanOption(options: OptionMap, name: string, path: string, fallback: boolean): boolean {
    const opt = options.get(name);
    if (opt === undefined) return fallback;
    this.origins[path] = opt.value.span;
    return this.boolean(opt.value) ?? fallback;
  }
}

function oneOf(words: readonly string[]): string {
  return `one of ${words.join(", ")}`;
}

function describeValue(v: Value): string {
  return v.kind === "Ident" ? `\`${v.name}\`` : `\`${v.text}\``;
}

export interface LowerOptions {
  /** Name used when the program has no `model` statement; must be an identifier. */
  readonly defaultName?: string | undefined;
}

export function lower(program: Program, options: LowerOptions = {}): LowerResult {
  const cx = new Lowering();
  const c: Collected = { schedule: new Map(), regularize: new Map(), train: new Map(), seen: new Set() };
  for (const stmt of program.statements) lowerStatement(cx, c, stmt);
  const ir = buildIR(cx, c, program, options.defaultName ?? DEFAULT_NAME);
  return { ir, diagnostics: cx.diagnostics };
}

/** Marks a statement kind as seen; false (and reported) if it was already. */
function firstOfKind(cx: Lowering, c: Collected, kind: string, span: Span): boolean {
  if (c.seen.has(kind)) {
    cx.report(m.duplicateStatement(span, kind));
    return false;
  }
  c.seen.add(kind);
  return true;
}

function lowerStatement(cx: Lowering, c: Collected, stmt: Statement): void {
  const first = stmt.items[0]!;
  const word = first.head.name;
  if (stmt.items.length > 1 || word === "input" || (LAYER_WORDS as readonly string[]).includes(word)) {
    lowerNetwork(cx, c, stmt);
    return;
  }
  switch (word) {
    case "model":
      return lowerModelName(cx, c, first);
    case "loss":
      return lowerLoss(cx, c, first);
    case "optimizer":
      return lowerOptimizer(cx, c, first, 1);
    case "schedule":
      if (firstOfKind(cx, c, "schedule", first.head.span)) cx.options(first, 0, SCHEDULE_OPTIONS, "schedule", c.schedule);
      return;
    case "regularize":
      if (firstOfKind(cx, c, "regularize", first.head.span)) cx.options(first, 0, REGULARIZE_OPTIONS, "regularize", c.regularize);
      return;
    case "train":
      if (firstOfKind(cx, c, "train", first.head.span)) cx.options(first, 0, TRAIN_OPTIONS, "train", c.train);
      return;
    case "init":
      return lowerInit(cx, c, first);
    default:
      if (optimizerOfWord(word) !== undefined) return lowerOptimizer(cx, c, first, 0);
      cx.report(m.unknownStatement(first.head.span, word, didYouMean(word, [...STATEMENT_WORDS, ...Object.keys(OPTIMIZER_WORDS)])));
  }
}

/** The single identifier argument of `model NAME`, `loss KIND`, `init KIND`. */
function singleWordArg(cx: Lowering, item: Item, what: string): Ident | undefined {
  const [arg, ...rest] = item.args;
  for (const extra of rest) cx.report(m.unexpectedArgument(extra.span, `\`${item.head.name}\``));
  if (arg === undefined) {
    cx.report(m.expectedValue({ start: item.head.span.end, end: item.head.span.end }, what, "nothing"));
    return undefined;
  }
  if (arg.kind !== "Ident") {
    cx.report(m.expectedValue(arg.span, what, describeArg(arg)));
    return undefined;
  }
  return arg;
}

function describeArg(arg: Arg): string {
  if (arg.kind === "Option") return `option \`${arg.name.name}=\``;
  if (arg.kind === "Call") return `\`${arg.name.name}(...)\``;
  return describeValue(arg);
}

function lowerModelName(cx: Lowering, c: Collected, item: Item): void {
  if (!firstOfKind(cx, c, "model", item.head.span)) return;
  const name = singleWordArg(cx, item, "a model name (an identifier)");
  if (name === undefined) return;
  if (name.name.length > MAX_NAME_LENGTH) {
    cx.report(m.nameTooLong(name.span, name.name.length, MAX_NAME_LENGTH));
    return;
  }
  c.name = name;
  cx.origins["model"] = name.span;
}

function lowerLoss(cx: Lowering, c: Collected, item: Item): void {
  if (!firstOfKind(cx, c, "loss", item.head.span)) return;
  const word = singleWordArg(cx, item, "a loss name");
  if (word === undefined) return;
  const kind = lossOfWord(word.name);
  if (kind === undefined) {
    cx.report(m.unknownName(word.span, "loss", word.name, didYouMean(word.name, Object.keys(LOSSES)) ?? oneOf(LOSS_KINDS)));
    return;
  }
  c.loss = { kind, span: word.span };
  cx.origins["loss"] = word.span;
}

function lowerInit(cx: Lowering, c: Collected, item: Item): void {
  if (!firstOfKind(cx, c, "init", item.head.span)) return;
  const word = singleWordArg(cx, item, "an initializer name");
  if (word === undefined) return;
  const kind = (INITS as readonly string[]).includes(word.name) ? (word.name as InitKind) : Object.hasOwn(INIT_ALIASES, word.name) ? INIT_ALIASES[word.name] : undefined;
  if (kind === undefined) {
    cx.report(m.unknownName(word.span, "initializer", word.name, didYouMean(word.name, [...INITS, ...Object.keys(INIT_ALIASES)]) ?? oneOf(INITS)));
    return;
  }
  c.init = { kind, span: word.span };
  cx.origins["init"] = word.span;
}

/** `optimizer KIND opts` (kindArg = 1) or `KIND opts` (kindArg = 0). */
function lowerOptimizer(cx: Lowering, c: Collected, item: Item, kindArg: 0 | 1): void {
  if (!firstOfKind(cx, c, "optimizer", item.head.span)) return;
  let kindWord: Ident;
  if (kindArg === 0) kindWord = item.head;
  else {
    const arg = item.args[0];
    if (arg === undefined || arg.kind !== "Ident") {
      const span = arg?.span ?? { start: item.head.span.end, end: item.head.span.end };
      cx.report(m.expectedValue(span, `an optimizer (${OPTIMIZERS.join(", ")})`, arg === undefined ? "nothing" : describeArg(arg)));
      return;
    }
    kindWord = arg;
  }
  const kind = optimizerOfWord(kindWord.name);
  if (kind === undefined) {
    cx.report(m.unknownName(kindWord.span, "optimizer", kindWord.name, didYouMean(kindWord.name, Object.keys(OPTIMIZER_WORDS)) ?? oneOf(OPTIMIZERS)));
    return;
  }
  cx.origins["optimizer"] = kindWord.span;
  const own = optimizerOptions(kind);
  const options: OptionMap = new Map();
  for (const arg of item.args.slice(kindArg)) {
    if (arg.kind !== "Option") {
      cx.report(m.unexpectedArgument(arg.span, `optimizer \`${kind}\``));
      continue;
    }
    // Schedule options may be written on the optimizer line: they join the schedule.
    if ((SCHEDULE_OPTIONS as readonly string[]).includes(arg.name.name)) cx.addOption(arg, SCHEDULE_OPTIONS, "schedule", c.schedule);
    else cx.addOption(arg, [...own, ...SCHEDULE_OPTIONS], `optimizer \`${kind}\``, options);
  }
  c.optimizer = { kind, span: kindWord.span, options };
}

function lowerNetwork(cx: Lowering, c: Collected, stmt: Statement): void {
  const [first, ...rest] = stmt.items as [Item, ...Item[]];
  if (c.network !== undefined) {
    cx.report(first.head.name === "input" ? m.inputTwice(first.head.span) : m.duplicateStatement(first.head.span, "network"));
    return;
  }
  let layerItems: readonly Item[] = rest;
  let inputSize = NaN;
  if (first.head.name !== "input") {
    cx.report(m.networkMustStartWithInput(first.head.span));
    layerItems = stmt.items;
  } else {
    inputSize = sizeOf(cx, first, "`input`");
    for (const extra of first.args.slice(1)) cx.report(m.unexpectedArgument(extra.span, "`input`"));
    cx.origins["input"] = first.args[0]?.span ?? first.head.span;
  }
  const layers: NetworkShape[] = [];
  for (const item of layerItems) {
    const shape = lowerLayer(cx, item);
    if (shape !== undefined) {
      cx.origins[`layer.${layers.length + 1}`] = item.span;
      layers.push(shape);
    }
  }
  c.network = { input: first, inputSize, layers };
}

/** The size argument (args[0]) of `input N` / `dense N`; NaN when missing or malformed. */
function sizeOf(cx: Lowering, item: Item, what: string): number {
  const arg = item.args[0];
  if (arg === undefined || arg.kind !== "Number") {
    cx.report(m.missingSize(arg?.span ?? item.head.span, what));
    return NaN;
  }
  return cx.numberLiteral(arg) ?? NaN;
}

function lowerLayer(cx: Lowering, item: Item): NetworkShape | undefined {
  const word = item.head.name;
  if (word === "input") {
    cx.report(m.inputTwice(item.head.span));
    return undefined;
  }
  if (word === "dropout") return lowerDropout(cx, item);
  if (word !== "dense") {
    const help =
      Object.hasOwn(ACTIVATIONS, word) ? "an activation follows the layer size: `dense 8 " + word + "`" : didYouMean(word, LAYER_WORDS);
    cx.report(m.unknownLayer(item.head.span, word, help));
    return undefined;
  }
  const units = sizeOf(cx, item, "`dense`");
  const activationArg = item.args[1];
  for (const extra of item.args.slice(2)) cx.report(m.unexpectedArgument(extra.span, "`dense`"));
  const activation = activationArg === undefined ? ({ kind: "linear" } as const) : lowerActivation(cx, activationArg);
  return { units, activation: activation ?? { kind: "linear" }, span: item.span };
}

/** `dropout RATE`; the checker holds RATE to [0, 1). */
function lowerDropout(cx: Lowering, item: Item): DropoutShape {
  const arg = item.args[0];
  for (const extra of item.args.slice(1)) cx.report(m.unexpectedArgument(extra.span, "`dropout`"));
  if (arg === undefined || arg.kind !== "Number") {
    cx.report(m.missingRate(arg?.span ?? item.head.span));
    return { kind: "dropout", rate: NaN, span: item.span };
  }
  return { kind: "dropout", rate: cx.numberLiteral(arg) ?? NaN, span: item.span };
}

function lowerActivation(cx: Lowering, arg: Arg): Activation | undefined {
  if (arg.kind === "Number" || arg.kind === "Option") {
    cx.report(m.expectedValue(arg.span, "an activation", describeArg(arg)));
    return undefined;
  }
  const word = arg.kind === "Call" ? arg.name : arg;
  const kind = Object.hasOwn(ACTIVATIONS, word.name) ? ACTIVATIONS[word.name] : undefined;
  if (kind === undefined) {
    cx.report(m.unknownActivation(word.span, word.name, didYouMean(word.name, Object.keys(ACTIVATIONS)) ?? oneOf(Object.keys(ACTIVATIONS))));
    return undefined;
  }
  if (kind === "leaky_relu") {
    const options = arg.kind === "Call" ? callOptions(cx, arg, ["alpha"], "`leaky_relu`") : new Map<string, OptionNode>();
    const alphaOpt = options.get("alpha");
    const alpha = alphaOpt === undefined ? LEAKY_RELU_DEFAULT_ALPHA : (cx.number(alphaOpt.value, "a number for `alpha`") ?? LEAKY_RELU_DEFAULT_ALPHA);
    return { kind, alpha };
  }
  if (arg.kind === "Call" && arg.options.length > 0) cx.report(m.layerOptionsNotAllowed(arg.span, word.name));
  return { kind };
}

function callOptions(cx: Lowering, call: CallNode, allowed: readonly string[], where: string): OptionMap {
  const into: OptionMap = new Map();
  for (const opt of call.options) cx.addOption(opt, allowed, where, into);
  return into;
}

function buildIR(cx: Lowering, c: Collected, program: Program, defaultName: string): ModelIR {
  const network = c.network;
  if (network === undefined) cx.report(m.noNetwork({ start: program.span.start, end: program.span.start }));
  else if (network.layers.length === 0 && network.input.head.name === "input") cx.report(m.noLayers(network.input.span));
  const inputSize = network?.inputSize ?? NaN;
  const shapes = (network?.layers ?? []).map((s) => (c.init === undefined || s.kind === "dropout" ? s : { ...s, init: c.init.kind }));
  const layers = layoutLayers(inputSize, shapes);
  const dense = denseLayers({ layers });
  const last = dense[dense.length - 1];
  const outputSize = last?.units ?? NaN;
  const paramCount = dense.reduce((sum, l) => sum + l.paramCount, 0);
  const optimizer = buildOptimizer(cx, c);
  return {
    name: c.name?.name ?? defaultName,
    inputSize,
    outputSize,
    paramCount,
    layers,
    loss: buildLoss(c, last?.activation, outputSize),
    optimizer: optimizer.optimizer,
    schedule: { warmup: cx.numberOption(c.schedule, "warmup", "schedule.warmup", SCHEDULE_DEFAULTS.warmup), decay: buildDecay(cx, c) },
    regularization: {
      l1: cx.numberOption(c.regularize, "l1", "regularize.l1", 0),
      l2: cx.numberOption(c.regularize, "l2", "regularize.l2", 0) + optimizer.coupledWeightDecay,
    },
    training: buildTraining(cx, c),
    origins: cx.origins,
  };
}

function buildLoss(c: Collected, lastActivation: Activation | undefined, outputSize: number): Loss {
  const kind = c.loss?.kind ?? inferLoss(lastActivation, outputSize);
  return { kind, task: taskOf(kind, outputSize), explicit: c.loss !== undefined };
}

function buildOptimizer(cx: Lowering, c: Collected): { optimizer: Optimizer; coupledWeightDecay: number } {
  const o = c.optimizer?.options ?? new Map<string, OptionNode>();
  return lowerOptimizerSettings(c.optimizer?.kind ?? "adam", {
    has: (option) => o.has(option),
    number: (option, fallback) => cx.numberOption(o, option, `optimizer.${option}`, fallback),
    boolean: (option, fallback) => cx.booleanOption(o, option, `optimizer.${option}`, fallback),
  });
}

function buildDecay(cx: Lowering, c: Collected): Decay {
  const s = c.schedule;
  const decayOpt = s.get("decay");
  let decay: DecayWord = "none";
  if (decayOpt !== undefined) {
    cx.origins["schedule.decay"] = decayOpt.value.span;
    const v = decayOpt.value;
    const word = v.kind === "Ident" ? DECAYS.find((d) => d === v.name) : undefined;
    if (word === undefined) {
      const text = v.kind === "Ident" ? v.name : v.text;
      cx.report(m.unknownName(v.span, "decay", text, didYouMean(text, DECAYS) ?? oneOf(DECAYS)));
    } else decay = word;
  }
  // Options of another decay than the chosen one would silently do nothing: say so.
  for (const [name, opt] of s) {
    if (name === "warmup" || name === "decay" || DECAY_OPTIONS[decay].includes(name)) continue;
    const owner = DECAYS.find((d) => DECAY_OPTIONS[d].includes(name));
    cx.report(m.optionNotApplicable(opt.name.span, name, decay, owner === undefined ? undefined : `\`${name}\` belongs to decay=${owner}`));
  }
  const num = (name: string, fallback: number): number => cx.numberOption(s, name, `schedule.${name}`, fallback);
  const anchor = decayOpt?.span ?? { start: 0, end: 0 };
  const required = (name: string): number => {
    if (!s.has(name)) {
      cx.report(m.missingOption(anchor, name, `decay=${decay}`));
      return NaN;
    }
    return num(name, NaN);
  };
  switch (decay) {
    case "none":
      return { kind: "none" };
    case "step":
      return { kind: "step", stepSize: required("step_size"), gamma: num("gamma", SCHEDULE_DEFAULTS.stepGamma) };
    case "exponential":
      return { kind: "exponential", gamma: required("gamma"), decaySteps: num("decay_steps", SCHEDULE_DEFAULTS.decaySteps) };
    case "cosine": {
      const hasRestart = s.has("restart");
      const etaMin = num("eta_min", SCHEDULE_DEFAULTS.etaMin);
      if (hasRestart) {
        const tMax = num("t_max", NaN);
        return { kind: "cosine", tMax, etaMin, restart: { t0: num("restart", NaN), tMult: num("t_mult", SCHEDULE_DEFAULTS.tMult) } };
      }
      if (s.has("t_mult")) {
        const opt = s.get("t_mult")!;
        cx.report(m.optionNotApplicable(opt.name.span, "t_mult", "cosine without restart", "add `restart=T0` to turn on warm restarts"));
      }
      return { kind: "cosine", tMax: required("t_max"), etaMin, restart: null };
    }
  }
}

function buildTraining(cx: Lowering, c: Collected): ModelIR["training"] {
  const t = c.train;
  let batch: number | "all" = TRAIN_DEFAULTS.batch;
  const both = t.get("batch") !== undefined && t.get("batch_size") !== undefined;
  const batchOpt = t.get("batch") ?? t.get("batch_size");
  if (both) cx.report(m.duplicateOption(t.get("batch_size")!.name.span, "batch"));
  if (batchOpt !== undefined) {
    cx.origins["train.batch"] = batchOpt.value.span;
    const v = batchOpt.value;
    if (v.kind === "Ident" && v.name === "all") batch = "all";
    else if (v.kind === "Ident") cx.report(m.expectedValue(v.span, "a batch size or `all`", `\`${v.name}\``));
    else batch = cx.numberLiteral(v) ?? TRAIN_DEFAULTS.batch;
  }
  return {
    batch,
    epochs: cx.numberOption(t, "epochs", "train.epochs", TRAIN_DEFAULTS.epochs),
    shuffle: cx.booleanOption(t, "shuffle", "train.shuffle", TRAIN_DEFAULTS.shuffle),
    seed: cx.numberOption(t, "seed", "train.seed", TRAIN_DEFAULTS.seed),
  };
}
