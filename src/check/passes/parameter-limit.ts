/** The running parameter total stays under the limit; the error names the layer that crosses it. */
import type { Diagnostic } from "../../syntax/diagnostic.js";
import type { CheckContext } from "../context.js";
import { checkMessages as m } from "../messages.js";

export function checkParameterLimit({ ir, maxParams }: CheckContext): Diagnostic[] {
  let total = 0;
  for (const layer of ir.layers) {
    total += layer.paramCount;
    if (total > maxParams) return [m.tooManyParameters(layer.span, layer.name, total, maxParams)];
  }
  return [];
}
