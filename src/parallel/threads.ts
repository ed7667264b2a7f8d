/**
 * How many threads `mlpc train` uses when --threads is not given: data parallelism pays only when
 * a thread's slice of a batch is big enough that computing it outweighs the fixed cost of a
 * parallel step (copying the parameters and the batch to shared memory, waking the workers,
 * waiting for the slowest, summing the gradients). bench/threads-threshold.mjs measured that
 * crossover on this repository's 2-core machine; docs/performance.md has the table.
 */

/**
 * Multiply-adds a thread's slice must hold per layer pass (rows per slice x multiply-adds per row)
 * before a second thread pays; below it the net stays on one thread.
 */
export const MIN_SLICE_MACS = 1_000_000;

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

/** The default thread count: as many as the cores where each slice still holds MIN_SLICE_MACS, else 1. */
export function defaultThreads(inputs: ThreadingInputs): number {
  if (inputs.hasDropout) return 1;
  const byWork = Math.floor((inputs.batchRows * inputs.macsPerRow) / MIN_SLICE_MACS);
  return Math.max(1, Math.min(inputs.cores, byWork, inputs.batchRows));
}

/** Why a requested thread count cannot run as asked, or null. */
export function threadsRefusal(threads: number, inputs: Pick<ThreadingInputs, "hasDropout">): string | null {
  if (threads > 1 && inputs.hasDropout) return "a model with dropout trains on one thread (its masks are drawn row by row from one stream per update)";
  return null;
}
