/**
 * Runtime: turning the Trainer's inputs (Rows) into flat Float64Arrays, and the small helpers of
 * fitAsync. Embedded verbatim by scripts/embed-runtime.mjs, without this header, the imports and
 * the test exports.
 */
import type { Rows } from "./model.js";

/** predict and evaluate run forwardBatch on this many rows at a time: bounded scratch memory, one call a chunk. */
const PREDICT_CHUNK_ROWS = 256;

/** True for number[][] (rows as arrays), false for a flat array of numbers. */
function isNested(data: Rows): data is ReadonlyArray<ArrayLike<number>> {
  return data.length > 0 && typeof (data as ArrayLike<unknown>)[0] !== "number";
}

/** Any Rows as a flat row-major copy, checking the width of every row. */
function toMatrix(data: Rows, width: number, what: string): { values: Float64Array; rows: number } {
  if (isNested(data)) {
    const rows = data.length;
    const values = new Float64Array(rows * width);
    for (let r = 0; r < rows; r++) {
      const row = data[r]!;
      if (row.length !== width) throw new Error(`${what} row ${r} has ${row.length} values, expected ${width}`);
      for (let k = 0; k < width; k++) values[r * width + k] = row[k]!;
    }
    return { values, rows };
  }
  if (data.length % width !== 0) throw new Error(`${what} has ${data.length} values, not a multiple of ${width} per row`);
  return { values: Float64Array.from(data), rows: data.length / width };
}

function checkRows(m: { values: Float64Array; rows: number }, rows: number, what: string): { values: Float64Array; rows: number } {
  if (m.rows !== rows) throw new Error(`${what} has ${m.rows} rows but x has ${rows}`);
  return m;
}

/** Resolves on a later turn of the event loop (setTimeout 0), so a page can repaint between batches. */
function yieldToEventLoop(): Promise<void> {
  const timers = globalThis as unknown as { setTimeout?: (callback: () => void, ms: number) => unknown };
  return new Promise((resolve) => {
    if (timers.setTimeout === undefined) resolve();
    else timers.setTimeout(resolve, 0);
  });
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}

export { PREDICT_CHUNK_ROWS, isNested, toMatrix, checkRows, yieldToEventLoop, isPromise };
