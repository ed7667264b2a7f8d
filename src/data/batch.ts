/** Checks on the size of the data against the training recipe. */
import { dataError, type DataError } from "./errors.js";

/**
 * A split smaller than one batch would silently train on partial batches only; refuse it and say
 * what to change. `batch` "all" always fits.
 */
export function checkBatchFits(file: string, trainRows: number, batch: number | "all", part = "training split"): DataError | null {
  if (batch === "all" || trainRows >= batch) return null;
  return dataError(
    "too-few-rows",
    file,
    null,
    null,
    `the ${part} has ${trainRows} row${trainRows === 1 ? "" : "s"}, fewer than one batch of ${batch}; lower --batch (or use batch=all) or add data`,
  );
}
