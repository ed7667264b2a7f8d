/** Legal but likely unintended: things a lecture warns about. Warnings never stop compilation. */
import type { Diagnostic } from "../../syntax/diagnostic.js";
import type { CheckContext } from "../context.js";
import { originOf } from "../context.js";
import { checkMessages as m } from "../messages.js";
import { denseLayers } from "../../ir/layers.js";

/** From this many sigmoid/tanh hidden layers on, products of derivatives <= 1/4 (sigmoid) shrink fast. */
export const DEEP_SATURATING_LAYERS = 3;

export function checkVanishingGradients({ ir }: CheckContext): Diagnostic[] {
  const hidden = denseLayers(ir).slice(0, -1).filter((l) => l.activation.kind === "sigmoid" || l.activation.kind === "tanh");
  return hidden.length >= DEEP_SATURATING_LAYERS ? [m.deepSaturating(hidden[0]!.span, hidden.length)] : [];
}

export function checkLinearCollapse({ ir }: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const dense = denseLayers(ir);
  for (let k = 0; k + 1 < dense.length; k++) {
    const layer = dense[k]!;
    if (layer.activation.kind === "linear") out.push(m.linearCollapse(layer.span, layer.name, dense[k + 1]!.name));
  }
  return out;
}

export function checkScheduleSanity({ ir }: CheckContext): Diagnostic[] {
  const d = ir.schedule.decay;
  if (d.kind === "cosine" && Object.hasOwn(ir.origins, "schedule.eta_min") && d.etaMin >= ir.optimizer.lr && d.etaMin > 0) {
    return [m.etaMinAboveLr(originOf(ir, "schedule.eta_min"), d.etaMin, ir.optimizer.lr)];
  }
  return [];
}

export function checkCoupledWeightDecay({ ir }: CheckContext): Diagnostic[] {
  if (ir.optimizer.kind === "adam" && Object.hasOwn(ir.origins, "optimizer.weight_decay") && ir.regularization.l2 > 0) {
    return [m.weightDecayWithAdam(originOf(ir, "optimizer.weight_decay"))];
  }
  return [];
}
