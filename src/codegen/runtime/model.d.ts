/**
 * What the runtime files use from the rest of the generated module, as declarations only: the
 * emitter writes the real ones for each model (sizes, kernels, loss, optimizer). This file is never
 * embedded; scripts/embed-runtime.mjs strips the imports of it. The types here are the part of the
 * generated types the runtime relies on (the emitted ones may have more members).
 */
import type { FitRun } from "./trainer.js";

/** The parameter storage of this model: Float64Array, or Float32Array with --dtype f32 (type and constructor). */
export type ParamArray = Float64Array;
export declare const ParamArray: Float64ArrayConstructor;

/** The program's facts (the generated `spec`, `as const` there). */
export declare const spec: {
  readonly name: string;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly paramCount: number;
  readonly loss: string;
  readonly optimizer: { readonly kind: string };
  readonly training: { readonly batch: number | "all"; readonly epochs: number; readonly shuffle: boolean; readonly seed: number };
};

export declare function forwardBatch(params: ParamArray, x: ArrayLike<number>, rows: number, out?: Float64Array): Float64Array;
export declare function lossAndGradient(params: ParamArray, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, grad: ParamArray): number;
export declare function initParams(seed?: number): ParamArray;
/** J and the gradient of one training batch into state.grad (with dropout, masks drawn from (seed, state.step)). */
export declare function batchGradient(state: TrainState, x: Float64Array, y: Float64Array, rows: number, seed: number, out?: Float64Array, rowWeight?: Float64Array): number;
/** The outputs (rows x outputs, as forwardBatch) of the rows of the last lossAndGradient call, from the logits it kept. */
export declare function lastBatchOutputs(rows: number, out: Float64Array): void;
export declare function learningRate(step: number): number;

export interface TrainState {
  readonly params: ParamArray;
  readonly grad: ParamArray;
  step: number;
  paramsFinite: boolean | null;
}
/** Where a Trainer's state arrays live when its arrays option does not say. */
export declare function trainerArrays(): (length: number) => ParamArray;
export declare function createTrainState(params: ParamArray, allocate?: (length: number) => ParamArray): TrainState;
export declare function applyUpdate(state: TrainState): void;
export declare function optimizerBuffers(state: TrainState): Record<string, ParamArray>;

/** Rows of numbers (the emitted type documents the model's target forms). */
export type Rows = ReadonlyArray<ArrayLike<number>> | ArrayLike<number>;

export interface EpochLogs {
  loss: number;
  val_loss?: number;
  lr: number;
}
export interface Evaluation {
  loss: number;
}
export interface FitOptions {
  epochs?: number;
  initialEpoch?: number;
  batchSize?: number | "all";
  shuffle?: boolean;
  seed?: number;
  validationSplit?: number;
  validationData?: readonly [Rows, Rows];
  classWeight?: ArrayLike<number> | { readonly [id: number]: number };
  callbacks?: import("./trainer.js").FitCallbacks;
  gradient?: (state: TrainState, x: Float64Array, y: Float64Array, rows: number, seed: number, out?: Float64Array) => number;
  trainStep?: (state: TrainState, x: Float64Array, y: Float64Array, rows: number, seed: number, out?: Float64Array, rowWeight?: Float64Array) => number;
  validationLoss?: (params: ParamArray, x: Float64Array, y: Float64Array, rows: number, out: Float64Array) => number;
  gatherRows?: (x: Float64Array, order: Uint32Array) => void;
  paramsBefore?: ParamArray;
}

export declare const TRAINING_LAYERS: readonly {
  readonly name: string;
  readonly inputs: number;
  readonly units: number;
  readonly activation: string;
  readonly weights: readonly [number, number];
  readonly biases: readonly [number, number];
}[];
/** The History keys of this model, in order. */
export declare const HISTORY_KEYS: readonly (keyof EpochLogs)[];

export declare function toInputs(data: Rows): { values: Float64Array; rows: number };
export declare function toTargets(data: Rows, rows: number): Float64Array;
/** The class ids a classWeight names (2 for a binary model's one output). */
export declare const CLASS_COUNT: number;
/** Class weights for one batch: scales its target rows (returns undefined) or fills rowWeight (returns it); throws for a loss that cannot take them. */
export declare function weighBatch(y: Float64Array, rows: number, weights: Float64Array, rowWeight: Float64Array): Float64Array | undefined;
/** countCorrect's counters: 1 (argmax, or one threshold output), the outputs (several thresholds), 0 without accuracy (mse). */
export declare const ACCURACY_COUNTERS: number;
/** Adds to `correct` the correct predictions of a batch: its outputs in out, row r's targets at y row order[start + r]. */
export declare function countBatchCorrect(out: Float64Array, y: Float64Array, order: Uint32Array, start: number, rows: number, correct: Float64Array): void;
/** J of rows (data loss + regularization), forward only; `out` receives rows x outputs. */
export declare function lossOf(params: ParamArray, x: Float64Array, y: Float64Array, rows: number, out: Float64Array): number;
/** J and the metrics of `rows` rows, forward only (J by lossOfRows, lossOf by default); `out` receives rows x outputs. */
export declare function evaluateRows(params: ParamArray, x: Float64Array, y: Float64Array, rows: number, out: Float64Array, lossOfRows?: typeof lossOf): Evaluation;
/** The end-of-epoch metrics into logs: the running training accuracy from its counts, the validation metrics. */
export declare function addEpochMetrics(logs: EpochLogs, params: ParamArray, run: FitRun, correct: Float64Array, correctRows: number): void;
