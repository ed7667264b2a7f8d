/**
 * Every numeric setting is in its range. The rules are data: path of the setting, how the user
 * wrote its name, the rule in words and its test. The optimizer's own come from its record
 * (src/ir/optimizers.ts). A NaN value was already reported by lowering.
 */
import type { Diagnostic } from "../../syntax/diagnostic.js";
import { CLIP_RANGE, LR_RANGE, optimizerSettings } from "../../ir/optimizers.js";
import { nonNegative, nonNegativeInt, positive, positiveInt, type Range } from "../../ir/ranges.js";
import type { Decay, ModelIR } from "../../ir/types.js";
import type { CheckContext } from "../context.js";
import { originOf } from "../context.js";
import { checkMessages as m } from "../messages.js";

interface RangeRule extends Range {
  readonly path: string;
  readonly name: string;
  readonly value: (ir: ModelIR) => number | undefined;
}

/** A number of the decay, read by `pick` (undefined for the decays without it). */
function decayNumber(pick: (d: Decay) => number | undefined): (ir: ModelIR) => number | undefined {
  return (ir) => pick(ir.schedule.decay);
}

/** lr, the optimizer's own numeric settings (from its record) and clip, in the order they print. */
function optimizerRules(ir: ModelIR): RangeRule[] {
  const o = ir.optimizer;
  return [
    { path: "optimizer.lr", name: "lr", ...LR_RANGE, value: () => o.lr },
    ...optimizerSettings(o).flatMap((s): RangeRule[] =>
      s.type === "number" ? [{ path: `optimizer.${s.option}`, name: s.option, ...s.range, value: () => s.value }] : [],
    ),
    { path: "optimizer.clip", name: "clip", ...CLIP_RANGE, value: () => o.clip ?? undefined },
  ];
}

const isInt = Number.isSafeInteger;

const RULES: readonly RangeRule[] = [
  { path: "regularize.l1", name: "l1", ...nonNegative, value: (ir) => ir.regularization.l1 },
  { path: "regularize.l2", name: "l2", ...nonNegative, value: (ir) => ir.regularization.l2 },
  { path: "schedule.warmup", name: "warmup", ...nonNegativeInt, value: (ir) => ir.schedule.warmup },
  { path: "schedule.step_size", name: "step_size", ...positiveInt, value: decayNumber((d) => (d.kind === "step" ? d.stepSize : undefined)) },
  { path: "schedule.gamma", name: "gamma", rule: "in (0, 1]", ok: (v) => v > 0 && v <= 1, value: decayNumber((d) => (d.kind === "step" || d.kind === "exponential" ? d.gamma : undefined)) },
  { path: "schedule.decay_steps", name: "decay_steps", ...positive, value: decayNumber((d) => (d.kind === "exponential" ? d.decaySteps : undefined)) },
  { path: "schedule.t_max", name: "t_max", ...positiveInt, value: decayNumber((d) => (d.kind === "cosine" ? d.tMax : undefined)) },
  { path: "schedule.eta_min", name: "eta_min", ...nonNegative, value: decayNumber((d) => (d.kind === "cosine" ? d.etaMin : undefined)) },
  { path: "schedule.restart", name: "restart", ...positiveInt, value: decayNumber((d) => (d.kind === "cosine" ? d.restart?.t0 : undefined)) },
  { path: "schedule.t_mult", name: "t_mult", ...positiveInt, value: decayNumber((d) => (d.kind === "cosine" ? d.restart?.tMult : undefined)) },
  { path: "train.batch", name: "batch", ...positiveInt, value: (ir) => (ir.training.batch === "all" ? undefined : ir.training.batch) },
  { path: "train.epochs", name: "epochs", ...positiveInt, value: (ir) => ir.training.epochs },
  { path: "train.seed", name: "seed", rule: "an integer in [0, 4294967295]", ok: (v) => isInt(v) && v >= 0 && v <= 0xffffffff, value: (ir) => ir.training.seed },
];

export function checkNumericRanges({ ir }: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of [...optimizerRules(ir), ...RULES]) {
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
