/**
 * Views of the network that most phases want: the dense layers alone (they hold every
 * parameter), and for each dense layer the dropout that feeds it, if any.
 */
import type { DenseLayer, DropoutLayer, Layer, ModelIR } from "./types.js";

export function denseLayers(ir: Pick<ModelIR, "layers">): DenseLayer[] {
  return ir.layers.filter((l): l is DenseLayer => l.kind === "dense");
}

export function dropoutLayers(ir: Pick<ModelIR, "layers">): DropoutLayer[] {
  return ir.layers.filter((l): l is DropoutLayer => l.kind === "dropout");
}

/** The output layer: the last dense layer (the checker refuses a dropout after it). */
export function outputLayer(ir: Pick<ModelIR, "layers">): DenseLayer | undefined {
  return denseLayers(ir).at(-1);
}

/**
 * The dropout applied to a dense layer's input (the layer right before it), or null. A rate of 0
 * is identity and is reported as none, so `dropout 0` trains bit for bit as no dropout.
 */
export function inputDropout(ir: Pick<ModelIR, "layers">, dense: DenseLayer): DropoutLayer | null {
  const k = ir.layers.indexOf(dense);
  const before: Layer | undefined = k > 0 ? ir.layers[k - 1] : undefined;
  return before?.kind === "dropout" && before.rate > 0 ? before : null;
}

/** Whether training draws dropout masks at all. */
export function hasDropout(ir: Pick<ModelIR, "layers">): boolean {
  return ir.layers.some((l) => l.kind === "dropout" && l.rate > 0);
}
