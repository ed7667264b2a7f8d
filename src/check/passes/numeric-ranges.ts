/**
 * Every numeric setting is in its range. The rules are data: path of the setting, how the user
 * wrote its name, the rule in words and its test. A NaN value was already reported by lowering.
 */
import type { Diagnostic } from "../../syntax/diagnostic.js";
import type { ModelIR } from "../../ir/types.js";
import type { CheckContext } from "../context.js";
import { originOf } from "../context.js";
import { checkMessages as m } from "../messages.js";

interface RangeRule {
  readonly path: string;
  readonly name: string;
  readonly rule: string;
  readonly ok: (v: number) => boolean;
  readonly value: (ir: ModelIR) => number | undefined;
}

const isInt = Number.isSafeInteger;
const positive = { rule: "> 0", ok: (v: number) => v > 0 };
const nonNegative = { rule: ">= 0", ok: (v: number) => v >= 0 };
const unitInterval = { rule: "in [0, 1)", ok: (v: number) => v >= 0 && v < 1 };
const positiveInt = { rule: "an integer >= 1", ok: (v: number) => isInt(v) && v >= 1 };
const nonNegativeInt = { rule: "an integer >= 0", ok: (v: number) => isInt(v) && v >= 0 };

function opt<K extends string>(ir: ModelIR, key: K): number | undefined {
  const o = ir.optimizer as unknown as Record<string, unknown>;
  return typeof o[key] === "number" ? (o[key] as number) : undefined;
}

function decayField(ir: ModelIR, key: "stepSize" | "gamma" | "decaySteps" | "tMax" | "etaMin"): number | undefined {
  const d = ir.schedule.decay as unknown as Record<string, unknown>;
  return typeof d[key] === "number" ? (d[key] as number) : undefined;
}

const RULES: readonly RangeRule[] = [
  { path: "optimizer.lr", name: "lr", ...positive, value: (ir) => ir.optimizer.lr },
  { path: "optimizer.beta", name: "beta", ...unitInterval, value: (ir) => opt(ir, "beta") },
  { path: "optimizer.beta1", name: "beta1", ...unitInterval, value: (ir) => opt(ir, "beta1") },
  { path: "optimizer.beta2", name: "beta2", ...unitInterval, value: (ir) => opt(ir, "beta2") },
  { path: "optimizer.eps", name: "eps", ...positive, value: (ir) => opt(ir, "eps") },
  { path: "optimizer.weight_decay", name: "weight_decay", ...nonNegative, value: (ir) => opt(ir, "weightDecay") ?? undefined },
  { path: "optimizer.clip", name: "clip", ...positive, value: (ir) => ir.optimizer.clip ?? undefined },
  { path: "regularize.l1", name: "l1", ...nonNegative, value: (ir) => ir.regularization.l1 },
  { path: "regularize.l2", name: "l2", ...nonNegative, value: (ir) => ir.regularization.l2 },
  { path: "schedule.warmup", name: "warmup", ...nonNegativeInt, value: (ir) => ir.schedule.warmup },
  { path: "schedule.step_size", name: "step_size", ...positiveInt, value: (ir) => decayField(ir, "stepSize") },
  { path: "schedule.gamma", name: "gamma", rule: "in (0, 1]", ok: (v) => v > 0 && v <= 1, value: (ir) => decayField(ir, "gamma") },
  { path: "schedule.decay_steps", name: "decay_steps", ...positive, value: (ir) => decayField(ir, "decaySteps") },
  { path: "schedule.t_max", name: "t_max", ...positiveInt, value: (ir) => decayField(ir, "tMax") },
  { path: "schedule.eta_min", name: "eta_min", ...nonNegative, value: (ir) => decayField(ir, "etaMin") },
  { path: "schedule.restart", name: "restart", ...positiveInt, value: (ir) => (ir.schedule.decay.kind === "cosine" ? ir.schedule.decay.restart?.t0 : undefined) },
  { path: "schedule.t_mult", name: "t_mult", ...positiveInt, value: (ir) => (ir.schedule.decay.kind === "cosine" ? ir.schedule.decay.restart?.tMult : undefined) },
  { path: "train.batch", name: "batch", ...positiveInt, value: (ir) => (ir.training.batch === "all" ? undefined : ir.training.batch) },
  { path: "train.epochs", name: "epochs", ...positiveInt, value: (ir) => ir.training.epochs },
  { path: "train.seed", name: "seed", rule: "an integer in [0, 4294967295]", ok: (v) => isInt(v) && v >= 0 && v <= 0xffffffff, value: (ir) => ir.training.seed },
];

export function checkNumericRanges({ ir }: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of RULES) {
    const v = r.value(ir);
    if (v === undefined || Number.isNaN(v) || !Object.hasOwn(ir.origins, r.path)) continue;
    if (!r.ok(v)) out.push(m.outOfRange(originOf(ir, r.path), r.name, r.rule, v));
  }
  for (const layer of ir.layers) {
    if (layer.kind === "dropout") {
      if (!Number.isNaN(layer.rate) && !(layer.rate >= 0 && layer.rate < 1)) out.push(m.outOfRange(layer.span, "the dropout rate", "in [0, 1)", layer.rate));
      continue;
    }
    const a = layer.activation;
    if (a.kind === "leaky_relu" && !(a.alpha >= 0 && a.alpha < 1)) out.push(m.outOfRange(layer.span, "alpha", "in [0, 1)", a.alpha));
  }
  return out;
}
