/**
 * Parameter layout: one flat vector, layer by layer, W (units x inputs, row-major) then b.
 * The one place offsets and the (C[i-1] + 1) * C[i] count are computed.
 */
import type { Activation, DenseLayer, InitKind } from "./types.js";
import type { Span } from "../syntax/ast.js";

export interface LayerShape {
  readonly units: number;
  readonly activation: Activation;
  /** Explicit initializer; omitted means the default for the activation. */
  readonly init?: InitKind;
  readonly span?: Span;
}

const NO_SPAN: Span = { start: 0, end: 0 };

/** He for the rectifier family, Xavier/Glorot for the saturating and linear ones. */
export function defaultInit(activation: Activation): InitKind {
  switch (activation.kind) {
    case "relu":
    case "leaky_relu":
    case "gelu":
    case "gelu_tanh":
    case "swish":
      return "he_uniform";
    default:
      return "xavier_uniform";
  }
}

export function denseParamCount(inputs: number, units: number): number {
  return (inputs + 1) * units;
}

/** Lays out dense layers after an input of `inputSize` features. */
export function layoutLayers(inputSize: number, shapes: readonly LayerShape[]): DenseLayer[] {
  const layers: DenseLayer[] = [];
  let inputs = inputSize;
  let offset = 0;
  shapes.forEach((shape, k) => {
    const paramCount = denseParamCount(inputs, shape.units);
    layers.push({
      kind: "dense",
      index: k + 1,
      name: `dense_${k + 1}`,
      inputs,
      units: shape.units,
      activation: shape.activation,
      init: shape.init ?? defaultInit(shape.activation),
      weightOffset: offset,
      biasOffset: offset + inputs * shape.units,
      paramCount,
      span: shape.span ?? NO_SPAN,
    });
    offset += paramCount;
    inputs = shape.units;
  });
  return layers;
}
