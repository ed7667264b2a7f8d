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
  forwardBatch(params: Float64Array, x: ArrayLike<number>, rows: number, out?: Float64Array): Float64Array;
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
  gradient?: (state: TrainState, x: Float64Array, y: Float64Array, rows: number, seed: number, out?: Float64Array) => number;
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
  new (options?: { params?: ArrayLike<number>; seed?: number; arrays?: (length: number) => Float64Array }): Trainer;
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
