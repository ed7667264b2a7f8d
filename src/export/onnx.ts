/**
 * ONNX export: a trained network as an ONNX model (one graph: input scaling, then per dense layer
 * a Gemm and its activation), encoded with onnx-proto's static protobufjs classes for ONNX.
 *
 * The graph computes what the generated `forward` computes: x' = (x - mean) / std as mlpc's
 * standardizer does (a Sub and a Div, not a multiply by 1/std, so f64 models round alike), then
 * z = x W^T + b with W stored units x inputs as mlpc lays it out (Gemm transB=1), and each
 * activation written with the operator that matches mlpc's formula. docs/onnx.md has the layout.
 * Deterministic: the same IR, parameters and options give the same bytes.
 */
import onnxProto, { type onnx } from "onnx-proto";
import type { Activation, DenseLayer, ModelIR } from "../ir/types.js";
import { SQRT_2_OVER_PI } from "../codegen/activation.js";
import { formatProgram } from "../ir/print.js";
import { denseLayers } from "../ir/layers.js";

// onnx-proto is CommonJS (module.exports is its root), so its classes come from the default import.
const { AttributeProto, ModelProto, TensorProto } = onnxProto.onnx;

/** Standardization as the weights file stores it (a `Standardizer` fits): x' = (x - mean) / std. */
export interface OnnxScaling {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

export interface OnnxOptions {
  /** Default 17. Supported: MIN_OPSET..MAX_OPSET. From 20 on, gelu uses the Gelu operator. */
  readonly opset?: number;
  /** Tensor element type: FLOAT (default) or DOUBLE. */
  readonly dtype?: "f32" | "f64";
  /** Written as the model's producer_version (e.g. the mlpc version). */
  readonly producerVersion?: string;
}

/** An export the options or the inputs do not allow; the message is one line for the CLI. */
export class OnnxExportError extends Error {
  override readonly name = "OnnxExportError";
}

/** Softmax before opset 13 flattened to 2-D instead of working on one axis: 13 is the floor. */
export const MIN_OPSET = 13;
export const MAX_OPSET = 21;
export const DEFAULT_OPSET = 17;
/** The first opset with the Gelu operator. */
const GELU_OPSET = 20;

export const ONNX_INPUT_NAME = "input";

/** The output's name: probabilities for the classification tasks, values for regression. */
export function onnxOutputName(ir: ModelIR): "probabilities" | "values" {
  return ir.loss.task === "regression" ? "values" : "probabilities";
}

/**
 * The IR version a model of this opset declares: the oldest that knows the opset, but never below
 * 8 (opsets 13 to 18 all fit IR 8, which older checkers, e.g. onnx 1.12, accept).
 */
export function irVersionFor(opset: number): number {
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

export function exportOnnx(ir: ModelIR, params: ArrayLike<number>, scaling: OnnxScaling | null, options: OnnxOptions = {}): Uint8Array {
  const opset = options.opset ?? DEFAULT_OPSET;
  const dtype = options.dtype ?? "f32";
  checkOptions(opset, dtype);
  checkParams(ir, params, dtype);
  if (scaling !== null) checkScaling(ir, scaling, dtype);

  const graph = new GraphBuilder(dtype);
  let x = ONNX_INPUT_NAME;
  if (scaling !== null) {
    const centred = graph.binary("Sub", "scaling/sub", x, graph.constant("scaling.mean", [ir.inputSize], scaling.mean), "scaling.centred");
    x = graph.binary("Div", "scaling/div", centred, graph.constant("scaling.std", [ir.inputSize], scaling.std), "scaling.output");
  }
  const output = onnxOutputName(ir);
  denseLayers(ir).forEach((layer, k) => {
    const last = k === denseLayers(ir).length - 1;
    x = denseLayer(graph, layer, params, x, last ? output : `${layer.name}.output`, opset);
  });

  const element = ELEMENT_TYPE[dtype];
  const model: onnx.IModelProto = {
    irVersion: irVersionFor(opset),
    opsetImport: [{ domain: "", version: opset }],
    producerName: "mlpc",
    producerVersion: options.producerVersion ?? "",
    docString: formatProgram(ir),
    graph: {
      name: ir.name,
      node: graph.nodes,
      initializer: graph.initializers,
      input: [valueInfo(ONNX_INPUT_NAME, element, ir.inputSize)],
      output: [valueInfo(output, element, ir.outputSize)],
    },
  };
  return new Uint8Array(ModelProto.encode(model).finish());
}

function checkOptions(opset: number, dtype: string): void {
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new OnnxExportError(`ONNX opset ${opset} is not supported (this mlpc writes opsets ${MIN_OPSET} to ${MAX_OPSET}; default ${DEFAULT_OPSET})`);
  }
  if (dtype !== "f32" && dtype !== "f64") throw new OnnxExportError(`ONNX dtype ${JSON.stringify(dtype)} is not supported (use f32 or f64)`);
}

const F32_MAX = 3.4028234663852886e38;

function checkNumbers(values: ArrayLike<number>, dtype: "f32" | "f64", what: (i: number) => string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new OnnxExportError(`${what(i)} is ${v}, not a finite number`);
    if (dtype === "f32" && Math.abs(v) > F32_MAX) throw new OnnxExportError(`${what(i)} is ${v}, too large for float32 (export with dtype f64)`);
  }
}

function checkParams(ir: ModelIR, params: ArrayLike<number>, dtype: "f32" | "f64"): void {
  if (denseLayers(ir).length === 0) throw new OnnxExportError(`model ${ir.name} has no layers`);
  if (params.length !== ir.paramCount) {
    throw new OnnxExportError(`model ${ir.name} has ${ir.paramCount} parameters but ${params.length} were given`);
  }
  checkNumbers(params, dtype, (i) => `parameter ${i}`);
}

function checkScaling(ir: ModelIR, scaling: OnnxScaling, dtype: "f32" | "f64"): void {
  if (scaling.mean.length !== ir.inputSize || scaling.std.length !== ir.inputSize) {
    throw new OnnxExportError(`the scaling has ${scaling.mean.length} means and ${scaling.std.length} stds but model ${ir.name} has ${ir.inputSize} inputs`);
  }
  checkNumbers(scaling.mean, dtype, (i) => `scaling mean ${i}`);
  checkNumbers(scaling.std, dtype, (i) => `scaling std ${i}`);
  // float32 rounding can take a tiny std to 0; the division would then give Infinity.
  scaling.std.forEach((s, i) => {
    if (!((dtype === "f32" ? Math.fround(s) : s) > 0)) throw new OnnxExportError(`scaling std ${i} is ${s}, not a positive number${dtype === "f32" ? " in float32" : ""}`);
  });
}

/** One Gemm (transB=1: W is units x inputs, row-major, as mlpc stores it) and the activation. */
function denseLayer(graph: GraphBuilder, layer: DenseLayer, params: ArrayLike<number>, x: string, output: string, opset: number): string {
  const { name, inputs, units } = layer;
  const weight = graph.constant(`${name}.weight`, [units, inputs], slice(params, layer.weightOffset, inputs * units));
  const bias = graph.constant(`${name}.bias`, [units], slice(params, layer.biasOffset, units));
  const linear = layer.activation.kind === "linear";
  const z = graph.node("Gemm", `${name}/gemm`, [x, weight, bias], linear ? output : `${name}.z`, [intAttribute("transB", 1)]);
  return linear ? z : activation(graph, layer.activation, name, z, output, opset);
}

function slice(params: ArrayLike<number>, offset: number, length: number): number[] {
  const out = new Array<number>(length);
  for (let i = 0; i < length; i++) out[i] = params[offset + i]!;
  return out;
}

/** Each activation as mlpc's forward writes it (src/codegen/activation.ts), operation for operation. */
function activation(graph: GraphBuilder, a: Activation, layer: string, z: string, output: string, opset: number): string {
  const at = (step: string): string => `${layer}/${step}`;
  switch (a.kind) {
    case "linear":
      return z;
    case "sigmoid":
      return graph.node("Sigmoid", at("sigmoid"), [z], output);
    case "tanh":
      return graph.node("Tanh", at("tanh"), [z], output);
    case "relu":
      return graph.node("Relu", at("relu"), [z], output);
    case "leaky_relu":
      // LeakyRelu's alpha is a float attribute; a double model whose alpha float32 would round
      // takes the slope as a DOUBLE tensor through PRelu instead (the same function).
      if (graph.dtype === "f64" && Math.fround(a.alpha) !== a.alpha) {
        return graph.node("PRelu", at("prelu"), [z, graph.constant(`${layer}.alpha`, [1], [a.alpha])], output);
      }
      return graph.node("LeakyRelu", at("leaky_relu"), [z], output, [floatAttribute("alpha", a.alpha)]);
    case "softmax":
      return graph.node("Softmax", at("softmax"), [z], output, [intAttribute("axis", -1)]);
    case "swish": {
      if (graph.dtype === "f32") {
        const s = graph.node("Sigmoid", at("sigmoid"), [z], `${layer}.sigmoid`);
        return graph.node("Mul", at("mul"), [z, s], output);
      }
      // onnxruntime fuses Sigmoid and Mul into a QuickGelu it has for float only, so a double
      // model says z / (1 + e^-z), as the generated swish does.
      const negated = graph.node("Neg", at("neg"), [z], `${layer}.neg_z`);
      const e = graph.node("Exp", at("exp"), [negated], `${layer}.exp`);
      const denominator = graph.binary("Add", at("add_one"), graph.scalar("one", 1), e, `${layer}.one_plus`);
      return graph.binary("Div", at("div"), z, denominator, output);
    }
    case "gelu": {
      if (useGeluOperator(graph, opset)) return graph.node("Gelu", at("gelu"), [z], output);
      // 0.5 z (1 + erf(z / sqrt 2)), with z * SQRT1_2 for the division as mlpc writes it.
      const u = graph.binary("Mul", at("mul_sqrt1_2"), z, graph.scalar("sqrt1_2", Math.SQRT1_2), `${layer}.u`);
      const e = graph.node("Erf", at("erf"), [u], `${layer}.erf`);
      return halfZTimesOnePlus(graph, layer, z, e, output);
    }
    case "gelu_tanh": {
      if (useGeluOperator(graph, opset)) return graph.node("Gelu", at("gelu"), [z], output, [stringAttribute("approximate", "tanh")]);
      // 0.5 z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3))), the cube as ((0.044715 z) z) z.
      const c1 = graph.binary("Mul", at("mul_c"), z, graph.scalar("gelu_tanh_c", GELU_TANH_C), `${layer}.cz`);
      const c2 = graph.binary("Mul", at("mul_cz"), c1, z, `${layer}.cz2`);
      const c3 = graph.binary("Mul", at("mul_cz2"), c2, z, `${layer}.cz3`);
      const inner = graph.binary("Add", at("add_z"), z, c3, `${layer}.inner`);
      const u = graph.binary("Mul", at("mul_sqrt_2_over_pi"), graph.scalar("sqrt_2_over_pi", SQRT_2_OVER_PI), inner, `${layer}.u`);
      const t = graph.node("Tanh", at("tanh"), [u], `${layer}.tanh`);
      return halfZTimesOnePlus(graph, layer, z, t, output);
    }
  }
}

/**
 * Gelu from opset 20 on, for float only: the standard defines Gelu by a function whose constants
 * (sqrt(2/pi), 0.044715, ...) are float literals cast to the input type, so a DOUBLE Gelu is off
 * by about 1e-8; double models keep the formula written out.
 */
function useGeluOperator(graph: GraphBuilder, opset: number): boolean {
  return opset >= GELU_OPSET && graph.dtype === "f32";
}

/** The tanh approximation's cubic coefficient (Hendrycks and Gimpel), as the generated geluTanh. */
const GELU_TANH_C = 0.044715;

/** (0.5 z) (1 + e): the common tail of both gelu forms. */
function halfZTimesOnePlus(graph: GraphBuilder, layer: string, z: string, e: string, output: string): string {
  const half = graph.binary("Mul", `${layer}/mul_half`, graph.scalar("half", 0.5), z, `${layer}.half_z`);
  const onePlus = graph.binary("Add", `${layer}/add_one`, graph.scalar("one", 1), e, `${layer}.one_plus`);
  return graph.binary("Mul", `${layer}/mul`, half, onePlus, output);
}

const ELEMENT_TYPE = { f32: TensorProto.DataType.FLOAT, f64: TensorProto.DataType.DOUBLE } as const;

function intAttribute(name: string, i: number): onnx.IAttributeProto {
  return { name, type: AttributeProto.AttributeType.INT, i };
}

function floatAttribute(name: string, f: number): onnx.IAttributeProto {
  return { name, type: AttributeProto.AttributeType.FLOAT, f };
}

function stringAttribute(name: string, s: string): onnx.IAttributeProto {
  return { name, type: AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(s) };
}

function valueInfo(name: string, elemType: onnx.TensorProto.DataType, features: number): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: [{ dimParam: "N" }, { dimValue: features }] } } } };
}

/** Nodes and initializers in the order they are made, constants named after what they hold. */
class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private readonly scalars = new Set<string>();

  constructor(readonly dtype: "f32" | "f64") {}

  node(opType: string, name: string, inputs: readonly string[], output: string, attribute: readonly onnx.IAttributeProto[] = []): string {
    this.nodes.push({ opType, name, input: [...inputs], output: [output], attribute: [...attribute] });
    return output;
  }

  binary(opType: "Add" | "Sub" | "Mul" | "Div", name: string, a: string, b: string, output: string): string {
    return this.node(opType, name, [a, b], output);
  }

  /** An initializer holding `values` little-endian in raw_data (exact for doubles). */
  constant(name: string, dims: readonly number[], values: ArrayLike<number>): string {
    const f32 = this.dtype === "f32";
    const width = f32 ? 4 : 8;
    const bytes = new Uint8Array(values.length * width);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < values.length; i++) {
      if (f32) view.setFloat32(i * width, values[i]!, true);
      else view.setFloat64(i * width, values[i]!, true);
    }
    this.initializers.push({ name, dims: [...dims], dataType: ELEMENT_TYPE[this.dtype], rawData: bytes });
    return name;
  }

  /** A rank-0 constant, made once and shared, broadcast by the elementwise operators. */
  scalar(name: string, value: number): string {
    const full = `const.${name}`;
    if (!this.scalars.has(full)) {
      this.scalars.add(full);
      this.constant(full, [], [value]);
    }
    return full;
  }
}
