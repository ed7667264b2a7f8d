/**
 * Test support for the ONNX export: small networks for each activation and task, seeded
 * parameters and rows, decoding an exported model, and running one in onnxruntime-web (the
 * CPU kernels compiled to wasm, in Node) next to mlpc's generated forwardBatch.
 */
import * as ort from "onnxruntime-web";
import onnxProto from "onnx-proto";
import { applyStandardizer, type Standardizer } from "../../src/data/scale.js";
import type { OnnxScaling } from "../../src/export/onnx.js";
import type { Activation, ModelIR } from "../../src/ir/types.js";
import { compileAndLoad } from "../codegen/load.js";
import { mulberry32 } from "../support/datasets.js";
import { buildIR } from "../support/ir.js";
import { denseLayers } from "../../src/ir/layers.js";

// One thread: no worker pool on a shared two-core machine, and the same answer every run.
ort.env.wasm.numThreads = 1;

export type TaskName = "binary" | "multiclass" | "multilabel" | "regression";
export const TASKS: readonly TaskName[] = ["binary", "multiclass", "multilabel", "regression"];

export const ACTIVATIONS: readonly Activation[] = [
  { kind: "linear" },
  { kind: "sigmoid" },
  { kind: "tanh" },
  { kind: "relu" },
  { kind: "leaky_relu", alpha: 0.01 },
  { kind: "leaky_relu", alpha: 0.25 },
  { kind: "gelu" },
  { kind: "gelu_tanh" },
  { kind: "swish" },
];

export function activationLabel(a: Activation): string {
  return a.kind === "leaky_relu" ? `leaky_relu(${a.alpha})` : a.kind;
}

const INPUTS = 4;

/** input 4 -> dense 6 ACT -> dense 5 ACT -> the task's output (regression: dense 2 ACT). */
export function netFor(activation: Activation, task: TaskName): ModelIR {
  const output: readonly [number, Activation] =
    task === "binary" ? [1, { kind: "sigmoid" }] : task === "multiclass" ? [3, { kind: "softmax" }] : task === "multilabel" ? [3, { kind: "sigmoid" }] : [2, activation];
  return buildIR({ name: `onnx_${task}`, inputs: INPUTS, layers: [[6, activation], [5, activation], output] });
}

/** Weights scaled as 1/sqrt(inputs), so every layer's values stay of order one. */
export function randomParams(ir: ModelIR, seed: number): Float64Array {
  const random = mulberry32(seed);
  const params = new Float64Array(ir.paramCount);
  for (const layer of denseLayers(ir)) {
    const scale = 2 / Math.sqrt(layer.inputs);
    for (let i = 0; i < layer.paramCount; i++) params[layer.weightOffset + i] = (2 * random() - 1) * scale;
  }
  return params;
}

export function randomScaling(features: number, seed: number): Standardizer {
  const random = mulberry32(seed);
  const mean = Array.from({ length: features }, () => 10 * random() - 5);
  const std = Array.from({ length: features }, () => 0.5 + 2 * random());
  return { kind: "standardize", features: Array.from({ length: features }, (_, i) => `x${i}`), mean, std };
}

/** Raw rows around the scaling's mean (or around 0), about three stds wide. */
export function randomRows(rows: number, scaling: OnnxScaling | null, features: number, seed: number): Float64Array {
  const random = mulberry32(seed);
  const x = new Float64Array(rows * features);
  for (let i = 0; i < x.length; i++) {
    const c = i % features;
    x[i] = (scaling?.mean[c] ?? 0) + (6 * random() - 3) * (scaling?.std[c] ?? 1);
  }
  return x;
}

const roundF32 = (values: ArrayLike<number>): Float64Array => Float64Array.from(Float32Array.from(values));

/**
 * mlpc's answer for what a model of `dtype` holds: for f32 the parameters, scaling and rows
 * rounded to float32 first (what the ONNX file and its input carry), the arithmetic in doubles.
 */
export async function mlpcForward(ir: ModelIR, params: Float64Array, scaling: Standardizer | null, x: Float64Array, dtype: "f32" | "f64"): Promise<Float64Array> {
  const { module } = await compileAndLoad(ir);
  const round = dtype === "f32" ? roundF32 : (v: ArrayLike<number>) => Float64Array.from(v);
  const rows = x.length / ir.inputSize;
  let input = round(x);
  if (scaling !== null) input = applyStandardizer({ ...scaling, mean: [...round(scaling.mean)], std: [...round(scaling.std)] }, input);
  return module.forwardBatch(round(params), input, rows);
}

export async function runOnnx(bytes: Uint8Array, ir: ModelIR, x: Float64Array, dtype: "f32" | "f64", outputName: string): Promise<Float64Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const rows = x.length / ir.inputSize;
    const data = dtype === "f32" ? Float32Array.from(x) : Float64Array.from(x);
    const input = new ort.Tensor(dtype === "f32" ? "float32" : "float64", data, [rows, ir.inputSize]);
    const result = await session.run({ input });
    const output = result[outputName]!;
    if (output.dims.join("x") !== `${rows}x${ir.outputSize}`) throw new Error(`output dims ${output.dims.join("x")}`);
    return Float64Array.from(output.data as Float32Array | Float64Array);
  } finally {
    await session.release();
  }
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths ${a.length} and ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= max)) max = d; // NaN wins
  }
  return max;
}

export interface DecodedNode {
  opType: string;
  name: string;
  input: string[];
  output: string[];
  attribute?: { name: string; type: number; i?: number; f?: number; s?: Uint8Array }[];
}

export interface DecodedModel {
  irVersion: number;
  producerName: string;
  producerVersion?: string;
  docString?: string;
  opsetImport: { domain?: string; version: number }[];
  graph: {
    name: string;
    node: DecodedNode[];
    initializer: { name: string; dims?: number[]; dataType: number; rawData: Uint8Array }[];
    input: { name: string; type: { tensorType: { elemType: number; shape: { dim: { dimParam?: string; dimValue?: number }[] } } } }[];
    output: { name: string; type: { tensorType: { elemType: number; shape: { dim: { dimParam?: string; dimValue?: number }[] } } } }[];
  };
}

/** A model as plain data (int64s as numbers, absent fields absent), in onnx-proto's camelCase names. */
export function decodeModel(bytes: Uint8Array): DecodedModel {
  const { ModelProto } = onnxProto.onnx;
  return ModelProto.toObject(ModelProto.decode(bytes), { longs: Number, defaults: false }) as DecodedModel;
}

/**
 * A small double-precision interpreter for the operators the exporter writes, over a decoded
 * model: for graphs onnxruntime cannot load (double Erf). Tensors are flat arrays with a shape;
 * broadcasting is only what the exporter uses (a [C] or rank-0 operand against [N, C]).
 */
export function evaluateModel(model: DecodedModel, x: Float64Array, rows: number, erf: (v: number) => number): Float64Array {
  interface Tensor {
    readonly data: Float64Array;
    readonly dims: readonly number[];
  }
  const values = new Map<string, Tensor>();
  const features = model.graph.input[0]!.type.tensorType.shape.dim[1]!.dimValue!;
  values.set(model.graph.input[0]!.name, { data: x, dims: [rows, features] });
  for (const t of model.graph.initializer) {
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    const width = t.dataType === 11 ? 8 : 4;
    const data = Float64Array.from({ length: t.rawData.byteLength / width }, (_, i) => (width === 8 ? view.getFloat64(8 * i, true) : view.getFloat32(4 * i, true)));
    values.set(t.name, { data, dims: t.dims ?? [] });
  }
  const get = (name: string): Tensor => {
    const t = values.get(name);
    if (t === undefined) throw new Error(`no value ${name}`);
    return t;
  };
  const unary = (t: Tensor, f: (v: number) => number): Tensor => ({ data: t.data.map(f), dims: t.dims });
  const binary = (a: Tensor, b: Tensor, f: (u: number, v: number) => number): Tensor => {
    const big = a.data.length >= b.data.length ? a : b;
    const at = (t: Tensor, i: number): number => t.data[t.data.length === big.data.length ? i : t.data.length === 1 ? 0 : i % t.data.length]!;
    return { data: big.data.map((_, i) => f(at(a, i), at(b, i))), dims: big.dims };
  };
  const attribute = (node: DecodedNode, name: string) => node.attribute?.find((a) => a.name === name);
  for (const node of model.graph.node) {
    const [a, b, c] = node.input.map(get);
    let out: Tensor;
    switch (node.opType) {
      case "Add": out = binary(a!, b!, (u, v) => u + v); break;
      case "Sub": out = binary(a!, b!, (u, v) => u - v); break;
      case "Mul": out = binary(a!, b!, (u, v) => u * v); break;
      case "Div": out = binary(a!, b!, (u, v) => u / v); break;
      case "PRelu": out = binary(a!, b!, (u, v) => (u < 0 ? v * u : u)); break;
      case "Neg": out = unary(a!, (v) => -v); break;
      case "Exp": out = unary(a!, Math.exp); break;
      case "Erf": out = unary(a!, erf); break;
      case "Tanh": out = unary(a!, Math.tanh); break;
      case "Relu": out = unary(a!, (v) => (v > 0 ? v : 0)); break;
      case "Sigmoid": out = unary(a!, (v) => 1 / (1 + Math.exp(-v))); break;
      case "LeakyRelu": {
        const alpha = attribute(node, "alpha")!.f!;
        out = unary(a!, (v) => (v < 0 ? alpha * v : v));
        break;
      }
      case "Gemm": {
        if (attribute(node, "transB")?.i !== 1) throw new Error("Gemm without transB");
        const [n, k] = a!.dims as [number, number];
        const units = b!.dims[0]!;
        const data = new Float64Array(n * units);
        for (let r = 0; r < n; r++) {
          for (let j = 0; j < units; j++) {
            let s = c!.data[j]!;
            for (let i = 0; i < k; i++) s += a!.data[r * k + i]! * b!.data[j * k + i]!;
            data[r * units + j] = s;
          }
        }
        out = { data, dims: [n, units] };
        break;
      }
      case "Softmax": {
        const [n, width] = a!.dims as [number, number];
        const data = new Float64Array(n * width);
        for (let r = 0; r < n; r++) {
          const row = a!.data.subarray(r * width, (r + 1) * width);
          const m = Math.max(...row);
          const e = row.map((v) => Math.exp(v - m));
          const sum = e.reduce((s, v) => s + v, 0);
          e.forEach((v, j) => (data[r * width + j] = v / sum));
        }
        out = { data, dims: [n, width] };
        break;
      }
      default:
        throw new Error(`the interpreter has no ${node.opType}`);
    }
    values.set(node.output[0]!, out);
  }
  return get(model.graph.output[0]!.name).data;
}
