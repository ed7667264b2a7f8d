/**
 * `mlpc export --to torch`: the program as a small Python package (model.py, train.py,
 * README.md) that trains with PyTorch and writes an mlpc weights file. The Python is fixed text,
 * real .py files in ./torch/ embedded at build time (torch-embedded.ts); only SPEC in model.py
 * and the README's commands are generated, deterministically.
 */
import { activationName } from "../ir/activations.js";
import { denseLayers } from "../ir/layers.js";
import { formatProgram } from "../ir/print.js";
import type { Decay, Layer, ModelIR } from "../ir/types.js";
import { TORCH_MODEL_PY, TORCH_README_MD, TORCH_TRAIN_PY } from "./torch-embedded.js";

/** The line of model.py the spec replaces. */
const SPEC_LINE = "SPEC = None  # mlpc export writes the program's spec here\n";

/** The name of the starting weights file inside the package (export --weights). */
export const START_WEIGHTS_FILE = "start.weights.json";

export interface TorchFile {
  /** File name inside the package directory. */
  readonly name: string;
  readonly data: string;
}

export interface TorchOptions {
  readonly sourceName: string;
  readonly version: string;
  /** Text of the weights file to start from (written as start.weights.json), or null. */
  readonly startWeights: string | null;
}

/** A Python value: what the spec is made of. */
type PyValue = number | string | boolean | null | readonly PyValue[] | { readonly [key: string]: PyValue };

/**
 * A Python literal. Numbers are JavaScript's shortest round-trip form, which Python reads back as
 * the same double (both are correctly rounded), so the spec's constants are mlpc's bits.
 */
export function pythonLiteral(value: PyValue, indent = ""): string {
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`mlpc: ${value} has no Python literal in the spec`);
    return Object.is(value, -0) ? "-0.0" : String(value);
  }
  if (typeof value === "string") return JSON.stringify(value);
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    const items = value as readonly PyValue[];
    if (items.length === 0) return "[]";
    return `[\n${items.map((v) => `${inner}${pythonLiteral(v, inner)},`).join("\n")}\n${indent}]`;
  }
  const entries = Object.entries(value as { readonly [key: string]: PyValue });
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pythonLiteral(v, inner)},`).join("\n")}\n${indent}}`;
}

function layerSpec(layer: Layer): PyValue {
  if (layer.kind === "dropout") return { kind: "dropout", name: layer.name, units: layer.units, rate: layer.rate };
  return {
    kind: "dense",
    name: layer.name,
    inputs: layer.inputs,
    units: layer.units,
    activation: layer.activation.kind,
    alpha: layer.activation.kind === "leaky_relu" ? layer.activation.alpha : null,
    activation_text: activationName(layer.activation),
    init: layer.init,
    weight_offset: layer.weightOffset,
    bias_offset: layer.biasOffset,
  };
}

function decaySpec(decay: Decay): PyValue {
  switch (decay.kind) {
    case "none":
      return { kind: "none" };
    case "step":
      return { kind: "step", step_size: decay.stepSize, gamma: decay.gamma };
    case "exponential":
      return { kind: "exponential", gamma: decay.gamma, decay_steps: decay.decaySteps };
    case "cosine":
      // t_max is unset (NaN) with restarts: SGDR's cycles replace it.
      return { kind: "cosine", t_max: decay.restart === null ? decay.tMax : null, eta_min: decay.etaMin, restart: decay.restart === null ? null : { t0: decay.restart.t0, t_mult: decay.restart.tMult } };
  }
}

function optimizerSpec(ir: ModelIR): PyValue {
  const o = ir.optimizer;
  const common = { kind: o.kind, lr: o.lr, clip: o.clip };
  switch (o.kind) {
    case "sgd":
      return common;
    case "momentum":
      return { ...common, beta: o.beta, nesterov: o.nesterov };
    case "adam":
      return { ...common, beta1: o.beta1, beta2: o.beta2, eps: o.eps };
    case "adamw":
      return { ...common, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weight_decay: o.weightDecay };
  }
}

/** The program as model.py's SPEC: every setting resolved, names as train.py reads them. */
export function torchSpec(ir: ModelIR, options: TorchOptions): PyValue {
  return {
    name: ir.name,
    mlpc: options.version,
    input_size: ir.inputSize,
    output_size: ir.outputSize,
    param_count: ir.paramCount,
    layers: ir.layers.map(layerSpec),
    loss: ir.loss.kind,
    task: ir.loss.task,
    optimizer: optimizerSpec(ir),
    schedule: { warmup: ir.schedule.warmup, decay: decaySpec(ir.schedule.decay) },
    regularization: { l1: ir.regularization.l1, l2: ir.regularization.l2 },
    training: { batch: ir.training.batch, epochs: ir.training.epochs, shuffle: ir.training.shuffle, seed: ir.training.seed },
    start_weights: options.startWeights === null ? null : START_WEIGHTS_FILE,
  };
}

/**
 * What the torch target cannot express, one message each (empty: exportable). Every program mlpc
 * accepts today maps onto model.py; the check is where a future layer or setting without a
 * PyTorch form gets its message at export time instead of a traceback at train time.
 */
export function torchUnsupported(ir: ModelIR): string[] {
  const problems: string[] = [];
  if (denseLayers(ir).length === 0) problems.push("the network has no dense layer");
  for (const value of [ir.optimizer.lr, ir.regularization.l1, ir.regularization.l2]) {
    if (!Number.isFinite(value)) problems.push(`the setting ${value} is not a finite number`);
  }
  return problems;
}

/** The target flag of the README's commands for this model's task. */
function targetFlag(ir: ModelIR): string {
  switch (ir.loss.task) {
    case "binary":
    case "multiclass":
      return "--label label";
    case "multilabel":
      return `--labels ${Array.from({ length: ir.outputSize }, (_, j) => `y${j}`).join(",")}`;
    case "regression":
      return ir.outputSize === 1 ? "--target y" : `--target ${Array.from({ length: ir.outputSize }, (_, j) => `y${j}`).join(",")}`;
  }
}

function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}

/** The package's files, in a fixed order; the same program gives the same bytes. */
export function emitTorchPackage(ir: ModelIR, options: TorchOptions): TorchFile[] {
  if (!TORCH_MODEL_PY.includes(SPEC_LINE)) throw new Error("mlpc: model.py has lost its SPEC line");
  const model = TORCH_MODEL_PY.replace(SPEC_LINE, `SPEC = ${pythonLiteral(torchSpec(ir, options))}\n`);
  const readme = fillTemplate(TORCH_README_MD, {
    name: ir.name,
    source: options.sourceName,
    version: options.version,
    program: formatProgram(ir).trimEnd(),
    target: targetFlag(ir),
  });
  const files: TorchFile[] = [
    { name: "model.py", data: model },
    { name: "train.py", data: TORCH_TRAIN_PY },
    { name: "README.md", data: readme },
  ];
  if (options.startWeights !== null) files.push({ name: START_WEIGHTS_FILE, data: options.startWeights });
  return files;
}
