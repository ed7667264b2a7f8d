/**
 * How many threads `mlpc train` uses when --threads is not given: data parallelism pays only when
 * a thread's slice of a batch is big enough that computing it outweighs the fixed cost of a
 * parallel step (copying the parameters and the batch to shared memory, waking the workers,
 * waiting for the slowest, combining the gradients, the update). bench/threads-threshold.mjs measures
 * that crossover; docs/performance.md has the figures and the load they were measured under.
 */

/**
 * Multiply-adds a thread's slice must hold per layer pass (rows per slice x multiply-adds per row)
 * before a second thread pays; below it the net stays on one thread (waking a worker and waiting
 * for it costs about as much as a small slice saves).
 */
export const MIN_SLICE_MACS = 1_000_000;

/**
 * Rows a thread's slice must hold. The main thread's work outside its slice (the parameters copied
 * to shared memory, the slices' gradients combined, the update) grows with the parameter count,
 * as does a slice's compute per row, so their ratio is set by rows per slice whatever the layer
 * sizes: at 16 rows a slice that outside part was 49-64 % of the main thread's CPU time for the
 * nets from 64-64-10 to 784-128-10 (bench/threads-threshold.mjs, under load), and two threads
 * did not pay.
 */
export const MIN_SLICE_ROWS = 32;

/** The facts about a network and its batches the decision needs. */
export interface ThreadingInputs {
  /** Multiply-adds per row, summed over the dense layers. */
  readonly macsPerRow: number;
  /** Rows per update. */
  readonly batchRows: number;
  /** Threads the machine offers (os.availableParallelism()). */
  readonly cores: number;
  /** Dropout masks are drawn row by row from one stream per update: slices would draw others. */
  readonly hasDropout: boolean;
}

/** The default thread count: as many as the cores where each slice still holds MIN_SLICE_MACS and MIN_SLICE_ROWS, else 1. */
export function defaultThreads(inputs: ThreadingInputs): number {
  if (inputs.hasDropout) return 1;
  const byWork = Math.floor((inputs.batchRows * inputs.macsPerRow) / MIN_SLICE_MACS);
  const byRows = Math.floor(inputs.batchRows / MIN_SLICE_ROWS);
  return Math.max(1, Math.min(inputs.cores, byWork, byRows));
}

/** Why a requested thread count cannot run as asked, or null. */
export function threadsRefusal(threads: number, inputs: Pick<ThreadingInputs, "hasDropout">): string | null {
  if (threads > 1 && inputs.hasDropout) return "a model with dropout trains on one thread (its masks are drawn row by row from one stream per update)";
  return null;
}

/**
 * Multiply-adds an epoch's validation pass must hold before a run on one thread moves it to a
 * second core, where it runs while the next epoch trains (background-validation.ts): below it the
 * pass costs about what copying the parameters out, posting them and taking the answer do, and
 * the worker would hold a copy of the module and the validation rows for nothing.
 */
export const MIN_BACKGROUND_VALIDATION_MACS = 1_000_000;

/** Whether a run on one thread validates on a second core: a core to spare, and a pass of at least MIN_BACKGROUND_VALIDATION_MACS. */
export function backgroundValidationPays(inputs: Pick<ThreadingInputs, "macsPerRow" | "cores"> & { readonly validationRows: number }): boolean {
  return inputs.cores >= 2 && inputs.validationRows > 0 && inputs.validationRows * inputs.macsPerRow >= MIN_BACKGROUND_VALIDATION_MACS;
}
