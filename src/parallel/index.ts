/** Parallel execution on worker threads: the plumbing (workers.ts) and data-parallel training steps. */
export { DataParallelStep, EVALUATION_CHUNK_ROWS, evaluationChunkRows, rangeStart, sliceStart, SPIN_MS, type DataParallelOptions, type StepModule, type StepState } from "./data-parallel.js";
export { defaultThreads, MIN_SLICE_MACS, MIN_SLICE_ROWS, threadsRefusal, type ThreadingInputs } from "./threads.js";
export { startWorkers, stopWorkers, type WorkerStart } from "./workers.js";
