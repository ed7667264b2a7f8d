/**
 * Test support for the training section: IR literals, the generated module (emitModule, the
 * same code `mlpc compile` writes) loaded as a live ES module.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { layoutLayers, type LayerShape } from "../../src/ir/layout.js";
import type { Decay, Loss, ModelIR, Optimizer, Regularization, Schedule, Training } from "../../src/ir/types.js";
import { emitModule } from "../../src/codegen/module.js";

export interface IrParts {
  readonly name?: string;
  readonly inputSize: number;
  readonly layers: readonly LayerShape[];
  readonly loss: Loss["kind"];
  readonly optimizer: Optimizer;
  readonly schedule?: Schedule;
  readonly regularization?: Regularization;
  readonly training?: Partial<Training>;
}

const TASK: Record<Loss["kind"], Loss["task"]> = { mse: "regression", bce: "binary", multilabel_bce: "multilabel", softmax_ce: "multiclass" };

export function makeIR(parts: IrParts): ModelIR {
  const layers = layoutLayers(parts.inputSize, parts.layers);
  const last = layers[layers.length - 1]!;
  return {
    name: parts.name ?? "model",
    inputSize: parts.inputSize,
    outputSize: last.units,
    paramCount: layers.reduce((n, l) => n + l.paramCount, 0),
    layers,
    loss: { kind: parts.loss, task: TASK[parts.loss], explicit: true },
    optimizer: parts.optimizer,
    schedule: parts.schedule ?? { warmup: 0, decay: { kind: "none" } },
    regularization: parts.regularization ?? { l1: 0, l2: 0 },
    training: { batch: 32, epochs: 100, shuffle: true, seed: 42, ...parts.training },
    origins: {},
  };
}

export const NO_DECAY: Decay = { kind: "none" };

/** What the tests use of a generated module (loosely typed: each module has its own types). */
export interface TrainingModule {
  spec: unknown;
  forward(params: Float64Array, x: ArrayLike<number>, out?: Float64Array): Float64Array;
  lossAndGradient(params: Float64Array, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, grad: Float64Array): number;
  initParams(seed?: number): Float64Array;
  createTrainState(params: Float64Array): TrainState;
  learningRate(step: number): number;
  applyUpdate(state: TrainState): void;
  trainStep(state: TrainState, x: ArrayLike<number>, y: ArrayLike<number>, rows: number): number;
  Trainer: TrainerClass;
  NonFiniteLossError: new (...args: never[]) => Error;
}

export interface TrainState {
  params: Float64Array;
  grad: Float64Array;
  step: number;
  gradNorm?: number;
  m?: Float64Array;
  v?: Float64Array;
  buf?: Float64Array;
}

export type Rows = ReadonlyArray<ArrayLike<number>> | ArrayLike<number>;

export interface EpochLogs {
  loss: number;
  val_loss?: number;
  accuracy?: number;
  val_accuracy?: number;
  lr: number;
}

export interface FitOptions {
  epochs?: number;
  initialEpoch?: number;
  batchSize?: number | "all";
  shuffle?: boolean;
  seed?: number;
  validationSplit?: number;
  validationData?: readonly [Rows, Rows];
  callbacks?: {
    onEpochEnd?: (epoch: number, logs: EpochLogs) => void | boolean | Promise<void | boolean>;
    onBatchEnd?: (batch: number, logs: { batch: number; size: number; loss: number; lr: number; step: number }) => void | boolean | Promise<void | boolean>;
  };
}

export interface History {
  epoch: number[];
  history: Record<string, number[]>;
}

export interface Trainer {
  readonly state: TrainState;
  readonly params: Float64Array;
  readonly seed: number;
  epoch: number;
  batch: number;
  stopTraining: boolean;
  fit(x: Rows, y: Rows, options?: FitOptions): History;
  fitAsync(x: Rows, y: Rows, options?: FitOptions): Promise<History>;
  predict(x: Rows): number[][];
  evaluate(x: Rows, y: Rows): { loss: number; accuracy?: number; labelAccuracy?: number[] };
  toJSON(): Record<string, unknown>;
}

export interface TrainerClass {
  new (options?: { params?: ArrayLike<number>; seed?: number }): Trainer;
  fromJSON(json: unknown, options?: { paramsOnly?: boolean }): Trainer;
}

/** The whole generated module's TypeScript source for `ir`, exactly as `mlpc compile` emits it. */
export function moduleSource(ir: ModelIR, dtype: "f64" | "f32" = "f64", unroll: "auto" | "full" | "none" = "auto"): string {
  return emitModule(ir, { unroll, dtype, sourceName: "test.mlp", version: "0.0.0-test" });
}

/**
 * Generated TypeScript -> a temp .ts file -> the live module. Vitest strips the types on import
 * (3x faster than ts.transpileModule on these large, comment-rich files); the type-check tests
 * check the types themselves.
 */
export async function importTypeScript<T>(source: string): Promise<T> {
  const dir = join(tmpdir(), `mlpc-training-tests-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${createHash("sha256").update(source).digest("hex").slice(0, 24)}.ts`);
  if (!existsSync(file)) writeFileSync(file, source);
  return (await import(/* @vite-ignore */ pathToFileURL(file).href)) as T;
}

export async function loadModule(ir: ModelIR, dtype: "f64" | "f32" = "f64", unroll: "auto" | "full" | "none" = "auto"): Promise<TrainingModule> {
  return importTypeScript<TrainingModule>(moduleSource(ir, dtype, unroll));
}

/**
 * A stand-in for the rest of the module (issue 3's contract, plain loops), written before
 * module.ts existed. No longer used by the training tests; kept because test/cli/stand-in.ts
 * imports it (remove both together): spec, forward and lossAndGradient for any
 * dense network, mse / bce / multilabel_bce / softmax_ce, L1/L2 on weights.
 */
export function standInNetwork(ir: ModelIR): string {
  const layers = ir.layers.map((l) => ({
    inputs: l.inputs,
    units: l.units,
    act: l.activation.kind,
    alpha: l.activation.kind === "leaky_relu" ? l.activation.alpha : 0,
    w: l.weightOffset,
    b: l.biasOffset,
  }));
  const maxUnits = Math.max(ir.inputSize, ...ir.layers.map((l) => l.units));
  return `
export const spec = { name: ${JSON.stringify(ir.name)}, inputSize: ${ir.inputSize}, outputSize: ${ir.outputSize}, paramCount: ${ir.paramCount}, loss: ${JSON.stringify(ir.loss.kind)} } as const;
const NET = ${JSON.stringify(layers)};
const L1 = ${ir.regularization.l1};
const L2 = ${ir.regularization.l2};
const LOSS: string = ${JSON.stringify(ir.loss.kind)};
const zs: Float64Array[] = NET.map((l) => new Float64Array(l.units));
const as: Float64Array[] = NET.map((l) => new Float64Array(l.units));
const ds: Float64Array[] = NET.map((l) => new Float64Array(l.units));
const xin = new Float64Array(${maxUnits});

function erfApprox(x: number): number {
  // Abramowitz-Stegun 7.1.26 (stand-in only).
  const s = x < 0 ? -1 : 1;
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return s * y;
}
function act(kind: string, alpha: number, z: number): number {
  switch (kind) {
    case "sigmoid": return 1 / (1 + Math.exp(-z));
    case "tanh": return Math.tanh(z);
    case "relu": return z > 0 ? z : 0;
    case "leaky_relu": return z > 0 ? z : alpha * z;
    case "gelu": return 0.5 * z * (1 + erfApprox(z / Math.SQRT2));
    case "gelu_tanh": return 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z)));
    case "swish": return z / (1 + Math.exp(-z));
    default: return z;
  }
}
function dact(kind: string, alpha: number, z: number, a: number): number {
  switch (kind) {
    case "sigmoid": return a * (1 - a);
    case "tanh": return 1 - a * a;
    case "relu": return z > 0 ? 1 : 0;
    case "leaky_relu": return z > 0 ? 1 : alpha;
    case "gelu": return 0.5 * (1 + erfApprox(z / Math.SQRT2)) + z * Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    case "gelu_tanh": { const h = 1e-6; return (act(kind, alpha, z + h) - act(kind, alpha, z - h)) / (2 * h); }
    case "swish": { const s = 1 / (1 + Math.exp(-z)); return s + z * s * (1 - s); }
    default: return 1;
  }
}
function run(params: ArrayLike<number>, x: ArrayLike<number>, offset: number): void {
  for (let k = 0; k < NET[0]!.inputs; k++) xin[k] = x[offset + k]!;
  let input: ArrayLike<number> = xin;
  NET.forEach((l, i) => {
    const z = zs[i]!;
    const a = as[i]!;
    for (let j = 0; j < l.units; j++) {
      let s = params[l.b + j]!;
      for (let k = 0; k < l.inputs; k++) s += params[l.w + j * l.inputs + k]! * input[k]!;
      z[j] = s;
    }
    if (l.act === "softmax") {
      let max = -Infinity;
      for (let j = 0; j < l.units; j++) max = Math.max(max, z[j]!);
      let sum = 0;
      for (let j = 0; j < l.units; j++) sum += (a[j] = Math.exp(z[j]! - max));
      for (let j = 0; j < l.units; j++) a[j] = a[j]! / sum;
    } else {
      for (let j = 0; j < l.units; j++) a[j] = act(l.act, l.alpha, z[j]!);
    }
    input = a;
  });
}
export function forward(params: Float64Array, x: ArrayLike<number>, out?: Float64Array): Float64Array {
  run(params, x, 0);
  const a = as[NET.length - 1]!;
  const result = out ?? new Float64Array(a.length);
  result.set(a);
  return result;
}
export function lossAndGradient(params: Float64Array, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, grad: Float64Array): number {
  grad.fill(0);
  const last = NET.length - 1;
  const O = NET[last]!.units;
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    run(params, x, r * NET[0]!.inputs);
    const z = zs[last]!;
    const a = as[last]!;
    const d = ds[last]!;
    for (let j = 0; j < O; j++) {
      const t = y[r * O + j]!;
      if (LOSS === "mse") {
        loss += (a[j]! - t) * (a[j]! - t) / (rows * O);
        d[j] = (2 * (a[j]! - t) / (rows * O)) * dact(NET[last]!.act, NET[last]!.alpha, z[j]!, a[j]!);
      } else if (LOSS === "softmax_ce") {
        let max = -Infinity;
        for (let k = 0; k < O; k++) max = Math.max(max, z[k]!);
        let sum = 0;
        for (let k = 0; k < O; k++) sum += Math.exp(z[k]! - max);
        loss += -t * (z[j]! - max - Math.log(sum)) / rows;
        d[j] = (a[j]! - t) / rows;
      } else {
        const zj = z[j]!;
        loss += (Math.max(zj, 0) - zj * t + Math.log(1 + Math.exp(-Math.abs(zj)))) / (rows * O);
        d[j] = (a[j]! - t) / (rows * O);
      }
    }
    for (let i = last; i >= 0; i--) {
      const l = NET[i]!;
      const d = ds[i]!;
      const input: ArrayLike<number> = i === 0 ? xin : as[i - 1]!;
      for (let j = 0; j < l.units; j++) {
        grad[l.b + j] += d[j]!;
        for (let k = 0; k < l.inputs; k++) grad[l.w + j * l.inputs + k] += d[j]! * input[k]!;
      }
      if (i > 0) {
        const below = NET[i - 1]!;
        const db = ds[i - 1]!;
        for (let k = 0; k < l.inputs; k++) {
          let s = 0;
          for (let j = 0; j < l.units; j++) s += params[l.w + j * l.inputs + k]! * d[j]!;
          db[k] = s * dact(below.act, below.alpha, zs[i - 1]![k]!, as[i - 1]![k]!);
        }
      }
    }
  }
  for (const l of NET) {
    for (let p = l.w; p < l.b; p++) {
      const w = params[p]!;
      loss += L1 * Math.abs(w) + (L2 / 2) * w * w;
      grad[p] += L1 * Math.sign(w) + L2 * w;
    }
  }
  return loss;
}
`;
}
