/**
 * Training section of the generated module (issue 3/6): initParams, createTrainState,
 * learningRate, trainStep, Trainer. Placeholder until that work lands.
 */
import type { ModelIR } from "../ir/types.js";

export interface TrainingEmitOptions {
  readonly dtype: "f64" | "f32";
}

/** Top-level TypeScript declarations appended to the module after lossAndGradient. */
export function emitTrainingSection(_ir: ModelIR, _options: TrainingEmitOptions): string {
  return "";
}
