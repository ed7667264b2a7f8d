/**
 * Parameter layout: one flat vector, layer by layer, W (units x inputs, row-major) then b.
 * The one place offsets and the (C[i-1] + 1) * C[i] count are computed.
 */
import type { Activation, DenseLayer, InitKind, Layer } from "./types.js";
import type { Span } from "../syntax/ast.js";

export interface LayerShape {
  readonly kind?: "dense";
  readonly units: number;
  readonly activation: Activation;
  /** Explicit initializer; omitted means the default for the activation. */
  readonly init?: InitKind;
  readonly span?: Span;
}

/** `dropout RATE`: no parameters; it passes its input's size through. */
export interface DropoutShape {
  readonly kind: "dropout";
  readonly rate: number;
  readonly span?: Span;
}

export type NetworkShape = LayerShape | DropoutShape;

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

/** Lays out the layers after an input of `inputSize` features (dense ones numbered dense_1, ...). */
export function layoutLayers(inputSize: number, shapes: readonly LayerShape[]): DenseLayer[];
export function layoutLayers(inputSize: number, shapes: readonly NetworkShape[]): Layer[];
export function layoutLayers(inputSize: number, shapes: readonly NetworkShape[]): Layer[] {
  const layers: Layer[] = [];
  let inputs = inputSize;
  let offset = 0;
  let dense = 0;
  let dropout = 0;
  for (const shape of shapes) {
    if (shape.kind === "dropout") {
      dropout += 1;
      layers.push({ kind: "dropout", index: dropout, name: `dropout_${dropout}`, units: inputs, rate: shape.rate, span: shape.span ?? NO_SPAN });
      continue;
    }
    const paramCount = denseParamCount(inputs, shape.units);
    dense += 1;
    layers.push({
      kind: "dense",
      index: dense,
      name: `dense_${dense}`,
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
  }
  return layers;
}
