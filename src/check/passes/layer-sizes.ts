/** Sizes are positive integers: `input N` and every `dense N`. */
import type { Diagnostic } from "../../syntax/diagnostic.js";
import type { CheckContext } from "../context.js";
import { originOf } from "../context.js";
import { checkMessages as m } from "../messages.js";

export function isPositiveInteger(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 1;
}

export function checkLayerSizes({ ir }: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  // NaN means lowering already reported a missing or malformed size.
  if (!Number.isNaN(ir.inputSize) && !isPositiveInteger(ir.inputSize)) {
    out.push(m.sizeNotPositiveInteger(originOf(ir, "input"), "the input size", ir.inputSize));
  }
  for (const layer of ir.layers) {
    if (!Number.isNaN(layer.units) && !isPositiveInteger(layer.units)) {
      out.push(m.sizeNotPositiveInteger(layer.span, `the size of ${layer.name}`, layer.units));
    }
  }
  return out;
}
