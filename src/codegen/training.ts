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
import { int, paramArrayType } from "./text.js";
import { emitDataHelpers, emitLayerTable, emitTrainerTypes } from "./training-trainer.js";

export interface TrainingEmitOptions {
  readonly dtype: "f64" | "f32";
  /** With --simd and Adam/AdamW: the lines that run the update loop in the adam kernel (simd.ts). */
  readonly adamLoop?: readonly string[] | null;
  /** The module has WebAssembly kernels (simd.ts): the Trainer's state then lives in their heap. */
  readonly kernels?: { readonly rows: number };
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

/** trainerArrays, where a Trainer's state arrays live unless its arrays option says: the kernels' heap, where there are kernels. */
function emitTrainerArrays(kernels: TrainingEmitOptions["kernels"]): string {
  const docs =
    kernels === undefined
      ? ["Where a Trainer's state arrays live (its arrays option overrides it): ordinary arrays."]
      : [
          "Where a Trainer's state arrays live (its arrays option overrides it): in the kernels' heap where they",
          `run (residentArrays, for the program's batches of ${int(kernels.rows)} rows), so a step copies no parameters,`,
          "gradients or optimizer buffers in or out; else ordinary arrays.",
        ];
  const ordinary = "(length) => new ParamArray(length)";
  const body = kernels === undefined ? `return ${ordinary};` : `return residentArrays(${int(kernels.rows)}) ?? (${ordinary});`;
  return withDocs(docs, `function trainerArrays(): (length: number) => ParamArray {\n  ${body}\n}`);
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
    emitTrainerArrays(options.kernels),
    emitLayerTable(ir),
    emitTrainerTypes(ir),
    RUNTIME_DATA.trimEnd(),
    emitDataHelpers(ir),
    RUNTIME_CHECKPOINT.trimEnd(),
    RUNTIME_TRAINER.trimEnd(),
  ];
  return parts.join("\n\n") + "\n";
}
