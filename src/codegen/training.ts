/**
 * Training section of the generated module (issue 4): seeded initialization, the learning-rate
 * schedule, the fused optimizer update, trainStep and the Keras-like Trainer. Appended after
 * lossAndGradient; uses only forward and lossAndGradient from the rest of the module.
 *
 * Each part has its own emitter file (training-init, -schedule, -optimizer, -trainer); this one
 * puts them in reading order: random numbers, init, schedule, state, update, trainer.
 */
import type { ModelIR } from "../ir/types.js";
import { emitInitParams, emitSeededRandom } from "./training-init.js";
import { emitApplyUpdate, emitCreateTrainState, emitOptimizerRange, emitTrainStateInterface, emitTrainStep } from "./training-optimizer.js";
import { emitLearningRate } from "./training-schedule.js";
import { arrayType } from "./training-text.js";
import { emitDataHelpers, emitLayerTable, emitTrainerClass, emitTrainerTypes } from "./training-trainer.js";

export interface TrainingEmitOptions {
  readonly dtype: "f64" | "f32";
  /** With --simd and Adam/AdamW: the lines that run the update loop in the adam kernel (simd.ts). */
  readonly adamLoop?: readonly string[] | null;
}

function banner(title: string): string {
  const rule = "// " + "-".repeat(97);
  return `${rule}\n// ${title}\n${rule}`;
}

/** Top-level TypeScript declarations appended to the module after lossAndGradient. */
export function emitTrainingSection(ir: ModelIR, options: TrainingEmitOptions): string {
  const array = arrayType(options.dtype);
  const parts = [
    banner("Training: seeded initialization"),
    emitSeededRandom(),
    emitInitParams(ir, array),
    banner("Training: learning-rate schedule"),
    emitLearningRate(ir),
    banner(`Training: optimizer (${ir.optimizer.kind})`),
    emitTrainStateInterface(ir, array),
    emitCreateTrainState(ir, array),
    emitOptimizerRange(ir, options.adamLoop ?? null),
    emitApplyUpdate(ir),
    emitTrainStep(),
    banner("Training: the Trainer (Keras-like fit / predict / evaluate, checkpoints)"),
    emitLayerTable(ir),
    emitTrainerTypes(ir),
    emitDataHelpers(ir),
    emitTrainerClass(ir, array),
  ];
  return parts.join("\n\n") + "\n";
}
