/**
 * The generated module, loaded in memory: the IR is emitted exactly as `mlpc compile` emits it
 * (emitIR), its types stripped (emitLoadableJavaScript), and the JavaScript imported from a data: URL. Training and
 * prediction run this code, so there is no second implementation of the model in the CLI.
 */
import type { ModelIR } from "../ir/types.js";

/** The generated Trainer, as far as the CLI uses it (the module's own .d.ts has the full types). */
export interface GeneratedTrainer {
  readonly params: Float64Array;
  readonly state: { step: number; readonly params: Float64Array; readonly grad: Float64Array };
  readonly seed: number;
  epoch: number;
  batch: number;
  stopTraining: boolean;
  fitAsync(x: ArrayLike<number>, y: ArrayLike<number>, options: FitOptions): Promise<unknown>;
  predict(x: ArrayLike<number>): number[][];
  evaluate(x: ArrayLike<number>, y: ArrayLike<number>): { loss: number; accuracy?: number; labelAccuracy?: number[] };
  toJSON(): TrainerJSON;
  /** toJSON's content with the live arrays (no copies). */
  toArrays(): Omit<TrainerJSON, "params" | "buffers"> & { readonly params: Float64Array; readonly buffers: Record<string, Float64Array> };
}

export interface EpochLogs {
  loss: number;
  accuracy?: number;
  val_loss?: number;
  val_accuracy?: number;
  lr: number;
}

export interface BatchLogs {
  batch: number;
  size: number;
  loss: number;
  lr: number;
  step: number;
}

export interface FitOptions {
  epochs?: number;
  initialEpoch?: number;
  batchSize?: number | "all";
  shuffle?: boolean;
  seed?: number;
  validationData?: readonly [ArrayLike<number>, ArrayLike<number>];
  classWeight?: ArrayLike<number>;
  callbacks?: {
    onEpochEnd?: (epoch: number, logs: EpochLogs) => void | boolean | Promise<void | boolean>;
    onBatchEnd?: (batch: number, logs: BatchLogs) => void | boolean | Promise<void | boolean>;
  };
  trainStep?: (state: TrainStateView, x: Float64Array, y: Float64Array, rows: number, seed: number, out?: Float64Array, rowWeight?: Float64Array) => number;
  validationLoss?: (params: Float64Array, x: Float64Array, y: Float64Array, rows: number, out: Float64Array) => number;
  gatherRows?: (x: Float64Array, order: Uint32Array) => void;
  paramsBefore?: Float64Array;
}

/** The generated module's TrainState as the CLI sees it. */
export interface TrainStateView {
  readonly params: Float64Array;
  readonly grad: Float64Array;
  step: number;
  /** Whether every parameter was finite after the last update (the module's update checks them as it writes them); null when not known. */
  paramsFinite: boolean | null;
}

/** toJSON's output; opaque to the CLI except for the fields named here. */
export interface TrainerJSON {
  readonly format: string;
  readonly version: number;
  readonly model: string;
  readonly layers: readonly { name: string; inputs: number; units: number; activation: string }[];
  readonly seed: number;
  readonly step: number;
  readonly epoch: number;
  readonly batch: number;
  readonly params: readonly number[];
  readonly [key: string]: unknown;
}

export interface GeneratedModule {
  readonly forward: (params: ArrayLike<number>, x: ArrayLike<number>, out?: Float64Array) => ArrayLike<number>;
  readonly lossAndGradient: (params: Float64Array, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, grad: Float64Array, rowWeight?: ArrayLike<number>) => number;
  readonly lastBatchOutputs: (rows: number, out: Float64Array) => void;
  readonly lossOf: (params: Float64Array, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, out: Float64Array) => number;
  readonly learningRate: (step: number) => number;
  readonly createTrainState: (params: Float64Array, allocate?: (length: number) => Float64Array) => TrainStateView;
  readonly updateRange: (state: TrainStateView, from: number, to: number, gradNorm?: number) => number;
  readonly Trainer: {
    new (options?: { params?: ArrayLike<number>; seed?: number; arrays?: (length: number) => Float64Array }): GeneratedTrainer;
    fromJSON(json: unknown, options?: { paramsOnly?: boolean; arrays?: (length: number) => Float64Array }): GeneratedTrainer;
  };
  readonly NonFiniteLossError: new (...args: never[]) => Error & { epoch: number; batch: number; step: number; layer: string | null; loss: number; what: "loss" | "params" };
}

/**
 * The module for `ir` as a data: URL of its JavaScript (by default the big layers in the f64x2
 * WebAssembly kernels; simd: false for plain code): importable here and in worker threads.
 */
export async function generatedModuleUrl(ir: ModelIR, sourceName: string, options: { simd?: boolean } = {}): Promise<string> {
  // Loaded on first use: the compiler back end is only needed by commands that train or predict.
  const { emitIR } = await import("../emit.js");
  const { emitLoadableJavaScript, javaScriptUrl } = await import("../codegen/loadable.js");
  return javaScriptUrl(emitLoadableJavaScript(emitIR(ir, { sourceName, simd: options.simd !== false })));
}

/** Emits, transpiles and imports the module for `ir` (see generatedModuleUrl). */
export async function loadGeneratedModule(ir: ModelIR, sourceName: string, options: { simd?: boolean } = {}): Promise<GeneratedModule> {
  return importGeneratedModule(await generatedModuleUrl(ir, sourceName, options));
}

export async function importGeneratedModule(url: string): Promise<GeneratedModule> {
  return (await import(/* @vite-ignore */ url)) as GeneratedModule;
}
