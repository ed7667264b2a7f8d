/**
 * Training section of the generated module: seeded initialization, the learning-rate schedule,
 * the fused optimizer update, trainStep and the Keras-like Trainer. Appended after
 * lossAndGradient; uses forwardBatch, lossAndGradient and lossOf from the rest of the module.
 *
 * What is the same for every model is the runtime (src/codegen/runtime/*.ts), pasted as text
 * from runtime-embedded.ts; the emitter files (training-init, -schedule, -optimizer, -trainer)
 * write what varies. This file puts both in reading order: random numbers, init, schedule,
 * state, update, trainer.
 */
import type { ModelIR } from "../ir/types.js";
import { RUNTIME_CHECKPOINT, RUNTIME_DATA, RUNTIME_TRAINER } from "./runtime-embedded.js";
import { emitInitParams, emitSeededRandom } from "./training-init.js";
import { emitApplyUpdate, emitBatchGradient, emitCreateTrainState, emitGradientCombine, emitOptimizerRange, emitTrainStateInterface, emitTrainStep } from "./training-optimizer.js";
import { emitLearningRate } from "./training-schedule.js";
import { withDocs } from "./declaration.js";
import { paramArrayType } from "./text.js";
import { emitDataHelpers, emitLayerTable, emitTrainerTypes } from "./training-trainer.js";

export interface TrainingEmitOptions {
  readonly dtype: "f64" | "f32";
  /** With --simd and Adam/AdamW: the lines that run the update loop in the adam kernel (simd.ts). */
  readonly adamLoop?: readonly string[] | null;
}

function banner(title: string): string {
  const rule = "// " + "-".repeat(97);
  return `${rule}\n// ${title}\n${rule}`;
}

/** ParamArray, the runtime's name for the parameter storage: a type and its constructor. */
function emitParamArray(array: string): string {
  return withDocs(
    [`The parameter storage (${array}${array === "Float32Array" ? ", --dtype f32" : ""}): the type and constructor the Trainer uses.`],
    `type ParamArray = ${array};\nconst ParamArray: ${array}Constructor = ${array};`,
  );
}

/** Top-level TypeScript declarations appended to the module after lossAndGradient. */
export function emitTrainingSection(ir: ModelIR, options: TrainingEmitOptions): string {
  const array = paramArrayType(options.dtype);
  const parts = [
    banner("Training: seeded initialization"),
    emitSeededRandom().trimEnd(),
    emitInitParams(ir, array),
    banner("Training: learning-rate schedule"),
    emitLearningRate(ir),
    banner(`Training: optimizer (${ir.optimizer.kind})`),
    emitTrainStateInterface(ir, array),
    emitCreateTrainState(ir, array),
    ...[emitGradientCombine(ir, array, options.dtype)].filter((part) => part !== ""),
    emitOptimizerRange(ir, options.adamLoop ?? null, options.dtype),
    emitApplyUpdate(ir, (options.adamLoop ?? null) !== null),
    emitTrainStep(ir),
    emitBatchGradient(ir),
    banner("Training: the Trainer (Keras-like fit / predict / evaluate, checkpoints)"),
    emitParamArray(array),
    emitLayerTable(ir),
    emitTrainerTypes(ir),
    RUNTIME_DATA.trimEnd(),
    emitDataHelpers(ir),
    RUNTIME_CHECKPOINT.trimEnd(),
    RUNTIME_TRAINER.trimEnd(),
  ];
  return parts.join("\n\n") + "\n";
}
