/**
 * The loss fits the output layer: bce and multilabel_bce read sigmoid probabilities, softmax_ce
 * reads a softmax; the gradient fused at the logits (p - y) is only right for those pairs.
 */
import type { Diagnostic } from "../../syntax/diagnostic.js";
import type { CheckContext } from "../context.js";
import { originOf } from "../context.js";
import { checkMessages as m } from "../messages.js";
import { outputLayer } from "../../ir/layers.js";

export function checkLossCompatibility({ ir }: CheckContext): Diagnostic[] {
  const last = outputLayer(ir);
  if (last === undefined) return [];
  const span = originOf(ir, "loss", last.span);
  const found = last.activation.kind;
  switch (ir.loss.kind) {
    case "bce":
    case "multilabel_bce":
      return found === "sigmoid" ? [] : [m.lossNeedsActivation(span, ir.loss.kind, "sigmoid", found)];
    case "softmax_ce":
      return found === "softmax" ? [] : [m.lossNeedsActivation(span, ir.loss.kind, "softmax", found)];
    case "mse":
      return found === "softmax" ? [m.softmaxLossMismatch(span, ir.loss.kind)] : [];
  }
}
