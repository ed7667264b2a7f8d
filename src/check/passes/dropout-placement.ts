/**
 * Dropout masks the input of the next dense layer: it needs one after it (a dropout on the
 * output would randomize the predictions the loss compares), and one dropout a gap is enough
 * (two in a row are one dropout of rate 1 - (1 - p)(1 - q)).
 */
import type { Diagnostic } from "../../syntax/diagnostic.js";
import type { CheckContext } from "../context.js";
import { checkMessages as m } from "../messages.js";

export function checkDropoutPlacement({ ir }: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  ir.layers.forEach((layer, k) => {
    if (layer.kind !== "dropout") return;
    const next = ir.layers[k + 1];
    if (next === undefined) out.push(m.dropoutLast(layer.span, layer.name));
    else if (next.kind === "dropout") out.push(m.dropoutTwice(next.span, next.name, layer.name));
  });
  return out;
}
