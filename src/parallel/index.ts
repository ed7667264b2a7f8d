/** Parallel execution on worker threads: the plumbing (workers.ts) and data-parallel gradients. */
export { DataParallelGradient, sliceStart, SPIN_MS, type DataParallelOptions, type GradientModule, type GradientState } from "./data-parallel.js";
export { defaultThreads, MIN_SLICE_MACS, MIN_SLICE_ROWS, threadsRefusal, type ThreadingInputs } from "./threads.js";
export { startWorkers, stopWorkers, type WorkerStart } from "./workers.js";
