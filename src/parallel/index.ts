/** Parallel execution on worker threads: the plumbing (workers.ts), data-parallel training steps and the validation pass on a second core. */
export { BackgroundValidation, type BackgroundValidationOptions, type ValidationResult } from "./background-validation.js";
export { DataParallelStep, EVALUATION_CHUNK_ROWS, evaluationChunkRows, rangeStart, sliceStart, SPIN_MS, type DataParallelOptions, type StepModule, type StepState } from "./data-parallel.js";
export { backgroundValidationPays, defaultThreads, MIN_BACKGROUND_VALIDATION_MACS, MIN_SLICE_MACS, MIN_SLICE_ROWS, threadsRefusal, type ThreadingInputs } from "./threads.js";
export { startWorkers, stopWorkers, type WorkerStart } from "./workers.js";
