/**
 * The loss fits the output layer: each loss's record names the output activation it reads (bce
 * and multilabel_bce a sigmoid, softmax_ce a softmax); the gradient fused at the logits (p - y) is
 * only right for those pairs. A loss that reads any output still cannot follow a softmax.
 */
import { LOSS_RECORDS } from "../../ir/losses.js";
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
  const needs = LOSS_RECORDS[ir.loss.kind].output;
  if (needs !== null) return found === needs ? [] : [m.lossNeedsActivation(span, ir.loss.kind, needs, found)];
  return found === "softmax" ? [m.softmaxLossMismatch(span, ir.loss.kind)] : [];
}
