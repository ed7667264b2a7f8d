/**
 * `export const spec`: the program's facts as a readonly literal, so a user (or the Trainer) can
 * read shapes, offsets and settings without parsing anything. Printed by hand from validated
 * identifiers, fixed keywords and numbers.
 */
import { optimizerSettings } from "../ir/optimizers.js";
import type { Decay, DenseLayer, ModelIR, Optimizer } from "../ir/types.js";
import { identifier, int, num } from "./text.js";
import { denseLayers } from "../ir/layers.js";

type Value = number | boolean | null | { readonly keyword: string } | readonly Value[] | { readonly [key: string]: Value };

/** A fixed keyword (a kind from the IR's unions), printed as a string literal after validation. */
function kw(text: string): { keyword: string } {
  return { keyword: identifier(text) };
}

/** A number that may legitimately be absent in the IR (NaN: e.g. t_max under SGDR) prints as null. */
function maybe(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

function layerValue(l: DenseLayer): Value {
  return {
    name: kw(l.name),
    inputs: l.inputs,
    units: l.units,
    activation: kw(l.activation.kind),
    ...(l.activation.kind === "leaky_relu" ? { alpha: l.activation.alpha } : {}),
    init: kw(l.init),
    weightOffset: l.weightOffset,
    biasOffset: l.biasOffset,
    paramCount: l.paramCount,
  };
}

/** kind, lr, the optimizer's own settings by IR field (from its record), clip. */
function optimizerValue(o: Optimizer): Value {
  const own = Object.fromEntries(optimizerSettings(o).map((s) => [s.field, s.value]));
  return { kind: kw(o.kind), lr: o.lr, ...own, clip: o.clip };
}

function decayValue(d: Decay): Value {
  switch (d.kind) {
    case "none":
      return { kind: kw("none") };
    case "step":
      return { kind: kw("step"), stepSize: d.stepSize, gamma: d.gamma };
    case "exponential":
      return { kind: kw("exponential"), gamma: d.gamma, decaySteps: d.decaySteps };
    case "cosine":
      return {
        kind: kw("cosine"),
        tMax: maybe(d.tMax),
        etaMin: d.etaMin,
        restart: d.restart === null ? null : { t0: d.restart.t0, tMult: d.restart.tMult },
      };
  }
}

export function specValue(ir: ModelIR, dtype: "f64" | "f32"): Value {
  return {
    name: kw(ir.name),
    inputSize: ir.inputSize,
    outputSize: ir.outputSize,
    paramCount: ir.paramCount,
    dtype: kw(dtype),
    loss: kw(ir.loss.kind),
    task: kw(ir.loss.task),
    layers: denseLayers(ir).map(layerValue),
    optimizer: optimizerValue(ir.optimizer),
    schedule: { warmup: ir.schedule.warmup, decay: decayValue(ir.schedule.decay) },
    regularization: { l1: ir.regularization.l1, l2: ir.regularization.l2 },
    training: {
      batch: ir.training.batch === "all" ? kw("all") : ir.training.batch,
      epochs: ir.training.epochs,
      shuffle: ir.training.shuffle,
      seed: ir.training.seed,
    },
  };
}

/** The literal's text; short arrays and objects of scalars stay on one line. */
export function printValue(v: Value, depth = 0): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return String(v);
  if (typeof v === "number") return Number.isSafeInteger(v) && v >= 0 ? int(v) : num(v);
  const pad = "  ".repeat(depth + 1);
  const end = "  ".repeat(depth);
  if (Array.isArray(v)) {
    const items = (v as readonly Value[]).map((x) => printValue(x, depth + 1));
    return items.length === 0 ? "[]" : `[\n${items.map((i) => `${pad}${i},`).join("\n")}\n${end}]`;
  }
  if (isKeyword(v)) return JSON.stringify(v.keyword);
  const entries = Object.entries(v as { readonly [key: string]: Value });
  const flat = entries.every(([, x]) => x === null || typeof x !== "object" || isKeyword(x));
  const parts = entries.map(([k, x]) => `${identifier(k)}: ${printValue(x, depth + 1)}`);
  if (flat) return `{ ${parts.join(", ")} }`;
  return `{\n${parts.map((p) => `${pad}${p},`).join("\n")}\n${end}}`;
}

function isKeyword(v: Value): v is { keyword: string } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && "keyword" in v;
}
