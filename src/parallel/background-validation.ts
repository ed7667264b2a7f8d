/**
 * The validation pass of each epoch on a second thread while the next epoch trains: for a run
 * that trains on one thread (a net too small for data-parallel steps to pay) on a machine with a
 * core to spare. The main thread copies the epoch's final parameters and posts them; a worker
 * holding the same generated module and the validation rows evaluates them (the module's
 * Trainer.evaluate: the same forward pass and metrics as the Trainer's own end of epoch, so the
 * same numbers to the bit) and posts J and the accuracy back, in the order the epochs were sent.
 *
 * Nothing may act on an epoch's validation result before the next epoch starts (early stopping,
 * a checkpoint of the epoch): the caller decides that (backgroundValidationPays and its callers).
 * The worker starts without being waited for: parameters posted before it is ready queue on its
 * port. If it fails, the results it owes and every later one are evaluated on the calling thread
 * (evaluateHere), on the copies of the weights kept for that.
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
  /** The same pass on the calling thread, for the results owed when the worker fails (else they reject). */
  readonly evaluateHere?: (params: ParamArray) => ValidationResult;
}

/**
 * Evaluates each posted parameter array with the module's Trainer and posts back { loss, accuracy }
 * (or { error }) with the array, whose buffer goes back to the main thread's pool.
 */
const VALIDATION_WORKER_SCRIPT = String.raw`
const { workerData, parentPort } = require("node:worker_threads");
const { url, x, y } = workerData;
let trainer = null;
const loaded = import(url).then((mod) => { trainer = new mod.Trainer(); });
// Listening at once: parameters posted while the module loads wait on the port, in order.
parentPort.on("message", (params) => {
  loaded
    .then(() => {
      trainer.state.params.set(params);
      const v = trainer.evaluate(x, y);
      parentPort.postMessage({ loss: v.loss, accuracy: v.accuracy, params }, [params.buffer]);
    })
    .catch((e) => parentPort.postMessage({ error: String((e && e.message) || e), params }, [params.buffer]));
});
`;

/** A result owed: the parameters it was asked for (kept, for the fallback) and its promise's ends. */
interface Owed {
  readonly kept: ParamArray;
  readonly resolve: (r: ValidationResult) => void;
  readonly reject: (e: Error) => void;
}

export class BackgroundValidation {
  private readonly worker: Worker;
  private readonly owed: Owed[] = [];
  /**
   * Parameter arrays to reuse: each epoch copies its weights into two (one sent, one kept), and
   * the worker sends its one back, so a run allocates none after its first epochs (allocating
   * two arrays an epoch cost 0.2-0.3 ms of digits' 8 ms epoch on this VM, in copies and the
   * collections they set off).
   */
  private readonly pool: ParamArray[] = [];
  private failure: Error | null = null;

  private constructor(private readonly options: BackgroundValidationOptions) {
    this.worker = new Worker(VALIDATION_WORKER_SCRIPT, { eval: true, workerData: { url: options.moduleUrl, x: options.x, y: options.y } });
    this.worker.on("message", (message: { loss: number; accuracy?: number; params: ParamArray } | { error: string; params: ParamArray }) => {
      const next = this.owed.shift();
      this.pool.push(message.params);
      if (next === undefined) return;
      if ("error" in message) this.settleHere(next, new Error(message.error));
      else next.resolve(message.accuracy === undefined ? { loss: message.loss } : { loss: message.loss, accuracy: message.accuracy });
      this.pool.push(next.kept);
    });
    this.worker.on("error", (e) => this.fail(e));
    this.worker.on("exit", (code) => this.fail(new Error(`the validation thread exited with code ${code}`)));
  }

  /** Starts the worker (it loads the module while the caller goes on). */
  static start(options: BackgroundValidationOptions): BackgroundValidation {
    return new BackgroundValidation(options);
  }

  /**
   * The validation metrics of `params` as they are now (copied at once). If the worker fails, the
   * results it owes come from options.evaluateHere on those copies, or reject without it.
   */
  evaluate(params: ParamArray): Promise<ValidationResult> {
    const kept = this.copy(params);
    return new Promise((resolve, reject) => {
      const owed = { kept, resolve, reject };
      if (this.failure !== null) return this.settleHere(owed, this.failure);
      this.owed.push(owed);
      const sent = this.copy(params);
      this.worker.postMessage(sent, [sent.buffer as ArrayBuffer]); // ours: made by slice()
    });
  }

  /** Stops the worker; results still owed are settled as on a failure. */
  async close(): Promise<void> {
    this.fail(new Error("the validation thread was closed"));
    await this.worker.terminate();
  }

  private copy(params: ParamArray): ParamArray {
    const reused = this.pool.pop();
    if (reused === undefined || reused.length !== params.length || reused.constructor !== params.constructor) return params.slice();
    reused.set(params);
    return reused;
  }

  private settleHere(owed: Owed, failure: Error): void {
    const here = this.options.evaluateHere;
    if (here === undefined) owed.reject(failure);
    else owed.resolve(here(owed.kept));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const owed of this.owed.splice(0)) this.settleHere(owed, this.failure);
  }
}
