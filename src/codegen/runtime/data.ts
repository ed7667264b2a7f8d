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

/**
 * Any Rows as flat row-major numbers, checking the width of every row: a Float64Array as it is
 * (the Trainer only reads it, and fitAsync's caller must not change it while it runs), anything
 * else copied. Copying 40 MB of rows into a fresh array cost 80-100 ms here, most of it the first
 * touch of the new memory, at each fit, evaluate and predict.
 */
function toMatrix(data: Rows, width: number, what: string): { values: Float64Array; rows: number } {
  if (isNested(data)) {
    const rows = data.length;
    const values = new Float64Array(rows * width);
    for (let r = 0; r < rows; r++) {
      const row = data[r]!;
      if (row === null || typeof row !== "object" || typeof row.length !== "number") throw new Error(`${what} row ${r} is not an array of numbers`);
      if (row.length !== width) throw new Error(`${what} row ${r} has ${row.length} values, expected ${width}`);
      for (let k = 0; k < width; k++) values[r * width + k] = finiteValue(row[k], what, r, k);
    }
    return { values, rows };
  }
  if (data.length % width !== 0) throw new Error(`${what} has ${data.length} values, not a multiple of ${width} per row`);
  const rows = data.length / width;
  if (data instanceof Float64Array && allFinite(data)) return { values: data, rows };
  const values = new Float64Array(data.length);
  if (data instanceof Float32Array) {
    // A typed array holds numbers: one copy, then one finiteness pass.
    values.set(data);
    if (allFinite(values)) return { values, rows };
  }
  for (let i = 0; i < data.length; i++) values[i] = finiteValue(data[i], what, Math.floor(i / width), i % width);
  return { values, rows };
}

/**
 * True when every value is finite: v * 0 is 0 for finite v and NaN otherwise, so one sum tells.
 * Four independent sums: this runs after every update (and on every typed array fit is given),
 * and one chain of adds waits on each add.
 */
function allFinite(values: Float64Array | Float32Array): boolean {
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  let z3 = 0;
  const n = values.length;
  let p = 0;
  for (; p + 4 <= n; p += 4) {
    z0 += values[p]! * 0;
    z1 += values[p + 1]! * 0;
    z2 += values[p + 2]! * 0;
    z3 += values[p + 3]! * 0;
  }
  for (; p < n; p++) z0 += values[p]! * 0;
  return z0 + z1 + z2 + z3 === 0;
}

// V8 gives a function type feedback only after a few calls, and the first call of allFinite is on
// the whole training set: its loop got compiled mid-call with no feedback for the code after it,
// and the compiled loop then bailed out at that code on later calls (measured: 301 deoptimizations
// in 305 calls; 198 against 62 us for 101,770 parameters, 9.2 against 2.5 ms for 5M values). A few
// calls on a small array at load give every branch its feedback first.
for (let i = 0; i < 16; i++) allFinite(new Float64Array(7));

/**
 * One value of a row, which must be a finite number: NaN, infinities, undefined and holes would
 * otherwise surface much later as a NaN prediction or a "diverged" training run.
 */
function finiteValue(v: unknown, what: string, row: number, column: number): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${what} row ${row}, column ${column}: ${v === undefined ? "missing value (undefined or a hole)" : String(v)} is not a finite number`);
  return v;
}

/**
 * Targets must suit the loss: probabilities in [0, 1] for bce, multilabel_bce and softmax_ce
 * (a target of 5 would train towards a meaningless optimum and count as "accurate"), any finite
 * number for mse (finiteness is checked by toMatrix).
 */
function checkTargetRange(y: Float64Array, width: number, loss: string): void {
  if (loss !== "bce" && loss !== "multilabel_bce" && loss !== "softmax_ce") return;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!(v >= 0 && v <= 1)) throw new Error(`y row ${Math.floor(i / width)}, column ${i % width}: ${v} is not a valid ${loss} target (expected a value from 0 to 1)`);
  }
}

function checkRows(m: { values: Float64Array; rows: number }, rows: number, what: string): { values: Float64Array; rows: number } {
  if (m.rows !== rows) throw new Error(`${what} has ${m.rows} rows but x has ${rows}`);
  return m;
}

/**
 * Resolves on a later turn of the event loop, so a page can repaint and Node can handle
 * signals between batches: setImmediate where there is one (Node, Bun: after pending I/O and
 * signals, without a timer's minimum delay of 1 ms, or 4 ms nested in browsers), else setTimeout 0.
 */
function yieldToEventLoop(): Promise<void> {
  const timers = globalThis as unknown as { setImmediate?: (callback: () => void) => unknown; setTimeout?: (callback: () => void, ms: number) => unknown };
  return new Promise((resolve) => {
    if (timers.setImmediate !== undefined) timers.setImmediate(resolve);
    else if (timers.setTimeout === undefined) resolve();
    else timers.setTimeout(resolve, 0);
  });
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}

export { PREDICT_CHUNK_ROWS, allFinite, isNested, toMatrix, checkRows, checkTargetRange, finiteValue, yieldToEventLoop, isPromise };
