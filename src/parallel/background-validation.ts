/**
 * The validation pass of each epoch on a second thread while the next epoch trains: for a run
 * that trains on one thread (a net too small for data-parallel steps to pay) on a machine with a
 * core to spare. The main thread copies the epoch's final parameters and posts them; a worker
 * holding the same generated module and the validation rows evaluates them (the module's
 * Trainer.evaluate: the same forward pass and metrics as the Trainer's own end of epoch, so the
 * same numbers to the bit) and writes J and the accuracy back, in the order the epochs were sent.
 * Both ways go through shared memory (a ring of SLOTS parameter slots and their results, two
 * counters), not messages: a postMessage and the event-loop turn that receives its answer cost the
 * main thread 110-200 us an epoch here (50-90 us to post 4,810 parameters, transferred; 60-120
 * more to receive), against a few us to copy them into a slot and read a counter. The main thread
 * takes finished results when it polls (after each batch) and when it waits for the rest
 * (`settled`, at the end of a run). Neither side wakes the other: the worker looks for new
 * parameters every WORKER_POLL_MS, as a futex wake-up of a sleeping worker cost the main thread
 * 22-32 us an epoch here (Atomics.notify, medians of 200), for an answer that is not needed
 * before the next epoch ends anyway.
 *
 * Nothing may act on an epoch's validation result before the next epoch starts (early stopping,
 * a checkpoint of the epoch): the caller decides that (backgroundValidationPays and its callers).
 * The worker starts without being waited for: parameters posted before it is ready wait in their
 * slots, and more than SLOTS wait on the main thread. If it fails, the results it owes and every
 * later one are evaluated on the calling thread (evaluateHere), on the copies of the weights kept
 * for that.
 */
import { Worker } from "node:worker_threads";

/** The parameters as the generated module keeps them. */
type ParamArray = Float64Array | Float32Array;

/** What a validation pass gives (the module's Evaluation): J and, for a model with accuracy, the accuracy. */
export interface ValidationResult {
  readonly loss: number;
  readonly accuracy?: number;
}

export interface BackgroundValidationOptions {
  /** A URL the worker can import the generated module from (a data: URL of its JavaScript). */
  readonly moduleUrl: string;
  /** The validation rows (rows x inputs) and their targets (rows x outputs), as the Trainer takes them. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** The parameters a pass takes, and their storage (the module's dtype; default f64). */
  readonly paramCount: number;
  readonly dtype?: "f64" | "f32";
  /** The same pass on the calling thread, for the results owed when the worker fails (else they reject). */
  readonly evaluateHere?: (params: ParamArray) => ValidationResult;
}

/** Parameter slots in the ring: epochs posted and not yet evaluated beyond these wait on the main thread. */
const SLOTS = 8;

/** The shared counters (Int32Array): parameter sets posted to the slots, and results written back. */
const POSTED = 0;
const DONE = 1;

/** How long the waiting worker sleeps before it looks at POSTED again (ms): at most this late to start an epoch's pass. */
const WORKER_POLL_MS = 1;

/**
 * Evaluates slot k % SLOTS for k = 0, 1, ... as POSTED passes k, with the module's Trainer; writes
 * J, the accuracy and whether there is one into results[3 slot ...], then bumps DONE. A failure
 * (the module does not load, evaluate throws) is posted as { error }.
 */
const VALIDATION_WORKER_SCRIPT = String.raw`
const { workerData, parentPort } = require("node:worker_threads");
const { url, x, y, control, slots, results, paramCount, dtype, slotCount } = workerData;
const Params = dtype === "f32" ? Float32Array : Float64Array;
const ctrl = new Int32Array(control);
const params = new Params(slots);
const out = new Float64Array(results);
import(url)
  .then((mod) => {
    const trainer = new mod.Trainer();
    for (let k = 0; ; k++) {
      for (let posted = Atomics.load(ctrl, ${POSTED}); posted <= k; posted = Atomics.load(ctrl, ${POSTED})) Atomics.wait(ctrl, ${POSTED}, posted, ${WORKER_POLL_MS});
      const slot = k % slotCount;
      trainer.state.params.set(params.subarray(slot * paramCount, (slot + 1) * paramCount));
      const v = trainer.evaluate(x, y);
      out[3 * slot] = v.loss;
      out[3 * slot + 1] = v.accuracy === undefined ? 0 : v.accuracy;
      out[3 * slot + 2] = v.accuracy === undefined ? 0 : 1;
      Atomics.store(ctrl, ${DONE}, k + 1);
    }
  })
  .catch((e) => parentPort.postMessage({ error: String((e && e.message) || e) }));
`;

/** A result owed: a copy of the parameters it was asked for (posted to a slot when one is free, and kept for the fallback) and its promise's ends. */
interface Owed {
  readonly kept: ParamArray;
  readonly resolve: (r: ValidationResult) => void;
  readonly reject: (e: Error) => void;
}

export class BackgroundValidation {
  private readonly worker: Worker;
  private readonly control = new Int32Array(new SharedArrayBuffer(8));
  private readonly slots: ParamArray;
  private readonly results = new Float64Array(new SharedArrayBuffer(3 * SLOTS * 8));
  /** Results owed, oldest first; the first (posted - collected) of them are in slots. */
  private readonly owed: Owed[] = [];
  private posted = 0;
  private collected = 0;
  /** Copies to reuse (allocating arrays each epoch cost copies and the collections they set off). */
  private readonly pool: ParamArray[] = [];
  private failure: Error | null = null;

  private constructor(private readonly options: BackgroundValidationOptions) {
    const P = options.paramCount;
    this.slots = options.dtype === "f32" ? new Float32Array(new SharedArrayBuffer(SLOTS * P * 4)) : new Float64Array(new SharedArrayBuffer(SLOTS * P * 8));
    const workerData = { url: options.moduleUrl, x: options.x, y: options.y, control: this.control.buffer, slots: this.slots.buffer, results: this.results.buffer, paramCount: P, dtype: options.dtype ?? "f64", slotCount: SLOTS };
    this.worker = new Worker(VALIDATION_WORKER_SCRIPT, { eval: true, workerData });
    this.worker.on("message", (message: { error: string }) => this.fail(new Error(message.error)));
    this.worker.on("error", (e) => this.fail(e));
    this.worker.on("exit", (code) => this.fail(new Error(`the validation thread exited with code ${code}`)));
  }

  /** Starts the worker (it loads the module while the caller goes on). */
  static start(options: BackgroundValidationOptions): BackgroundValidation {
    return new BackgroundValidation(options);
  }

  /**
   * The validation metrics of `params` as they are now (copied at once). The promise settles when
   * the caller polls (or waits in `settled`) after the worker is done. If the worker fails, the
   * results it owes come from options.evaluateHere on those copies, or reject without it.
   */
  evaluate(params: ParamArray): Promise<ValidationResult> {
    if (params.length !== this.options.paramCount) throw new RangeError(`the validation thread takes ${this.options.paramCount} parameters, not ${params.length}`);
    const kept = this.copy(params);
    return new Promise((resolve, reject) => {
      const owed = { kept, resolve, reject };
      if (this.failure !== null) return this.settleHere(owed, this.failure);
      this.owed.push(owed);
      this.poll();
    });
  }

  /** Takes the finished results (their promises resolve) and posts waiting parameters to free slots: a few loads, when nothing is new. */
  poll(): void {
    const done = Atomics.load(this.control, DONE);
    while (this.collected < done && this.owed.length > 0) {
      const owed = this.owed.shift()!;
      const at = 3 * (this.collected % SLOTS);
      const r = this.results;
      owed.resolve(r[at + 2] === 1 ? { loss: r[at]!, accuracy: r[at + 1]! } : { loss: r[at]! });
      this.pool.push(owed.kept);
      this.collected++;
    }
    const P = this.options.paramCount;
    const before = this.posted;
    while (this.posted < this.collected + Math.min(SLOTS, this.owed.length)) {
      this.slots.set(this.owed[this.posted - this.collected]!.kept, (this.posted % SLOTS) * P);
      this.posted++;
    }
    if (this.posted > before) Atomics.store(this.control, POSTED, this.posted);
  }

  /** Resolves when every result asked for so far has settled (waiting for the worker without blocking). */
  async settled(): Promise<void> {
    for (this.poll(); this.owed.length > 0 && this.failure === null; this.poll()) {
      // Woken by nothing (the worker does not notify DONE): a short sleep between polls, as the rest is at most a pass or two.
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** Stops the worker; results still owed are settled as on a failure. */
  async close(): Promise<void> {
    this.fail(new Error("the validation thread was closed"));
    await this.worker.terminate();
  }

  private copy(params: ParamArray): ParamArray {
    const reused = this.pool.pop();
    if (reused === undefined || reused.constructor !== params.constructor) return params.slice();
    reused.set(params);
    return reused;
  }

  private settleHere(owed: Owed, failure: Error): void {
    const here = this.options.evaluateHere;
    if (here === undefined) owed.reject(failure);
    else owed.resolve(here(owed.kept));
  }

  private fail(e: Error): void {
    if (this.failure !== null) return;
    this.failure = e;
    for (const owed of this.owed.splice(0)) this.settleHere(owed, e);
  }
}
