/**
 * Size limits: the running parameter total stays under the limit (the error names the layer that
 * crosses it), and the depth under MAX_LAYERS.
 */
import type { Diagnostic } from "../../syntax/diagnostic.js";
import type { CheckContext } from "../context.js";
import { checkMessages as m } from "../messages.js";
import { MAX_LAYERS } from "../../ir/vocabulary.js";
import { denseLayers } from "../../ir/layers.js";

export function checkLayerCount({ ir }: CheckContext): Diagnostic[] {
  return ir.layers.length > MAX_LAYERS ? [m.tooManyLayers(ir.layers[MAX_LAYERS]!.span, ir.layers.length, MAX_LAYERS)] : [];
}

export function checkParameterLimit({ ir, maxParams }: CheckContext): Diagnostic[] {
  let total = 0;
  for (const layer of denseLayers(ir)) {
    total += layer.paramCount;
    if (total > maxParams) return [m.tooManyParameters(layer.span, layer.name, total, maxParams)];
  }
  return [];
}
