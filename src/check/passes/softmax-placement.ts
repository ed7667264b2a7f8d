/** softmax normalizes the whole output vector: last layer only, and at least two units. */
import type { Diagnostic } from "../../syntax/diagnostic.js";
import type { CheckContext } from "../context.js";
import { checkMessages as m } from "../messages.js";
import { denseLayers } from "../../ir/layers.js";

export function checkSoftmaxPlacement({ ir }: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const dense = denseLayers(ir);
  dense.forEach((layer, k) => {
    if (layer.activation.kind !== "softmax") return;
    if (k !== dense.length - 1) out.push(m.softmaxNotLast(layer.span, layer.name));
    else if (Number.isSafeInteger(layer.units) && layer.units < 2) out.push(m.softmaxTooFewUnits(layer.span, layer.units));
  });
  return out;
}
