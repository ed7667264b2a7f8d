/**
 * Trials on worker_threads: each worker gets the data once and then one task at a time, the next
 * as soon as it answers, so a slow trial never holds up the others. Results arrive in completion
 * order; the caller orders them (a trial's result does not depend on its worker).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { Worker } from "node:worker_threads";
import { TrialModules } from "./modules.js";
import { MODULE_CACHE_SIZE, type TrialData, type TrialOutcome, type TrialTask } from "./trial.js";

export interface PoolCallbacks {
  readonly onDone: (outcome: TrialOutcome) => void;
  readonly onFailed: (id: number, message: string) => void;
  /** Asked before each task is handed out: true stops handing out (in-flight trials finish). */
  readonly shouldStop: () => boolean;
  /** Aborting stops at once: the workers are terminated and their in-flight trials dropped. */
  readonly signal?: AbortSignal;
}

type Answer = { kind: "done"; outcome: TrialOutcome } | { kind: "failed"; id: number; message: string };

/** The worker script: beside this file in dist/; from the sources (tests), the built copy. */
export function workerScript(): URL {
  const here = new URL("./worker.js", import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL("../../dist/sweep/worker.js", import.meta.url);
}

/** What a worker is sent for one trial: the task, its module, and what making the module cost. */
export interface TrialMessage {
  readonly task: TrialTask;
  readonly moduleUrl: string;
  readonly compileSeconds: number;
}

/**
 * Makes the workers' V8 optimize hot code on their own thread. A trial runs a module it has just
 * imported, so its speed is how soon its hot loops are optimized; with concurrent recompilation
 * that work waits for a core while every core runs a worker, and the trial runs unoptimized code
 * meanwhile: measured on 2 cores, 2 workers spent ~2.4x the CPU time of synchronous
 * optimization. V8 reads the flag when an isolate starts, so it is set until the workers are
 * online and then restored (the calling thread is started already, and keeps its own setting).
 */
function synchronousOptimization(): () => void {
  if (!concurrentRecompilation) return () => undefined;
  setFlagsFromString("--no-concurrent-recompilation");
  return () => setFlagsFromString("--concurrent-recompilation");
}

/** Whether this process runs with concurrent recompilation (the default; node --no-concurrent-recompilation turns it off). */
const concurrentRecompilation = !process.execArgv.includes("--no-concurrent-recompilation");

/** Runs every task; resolves when all are answered or the pool was stopped. */
export function runPool(tasks: readonly TrialTask[], data: TrialData, workers: number, callbacks: PoolCallbacks, modules: TrialModules = new TrialModules()): Promise<{ stopped: boolean }> {
  const queue = [...tasks];
  const count = Math.max(1, Math.min(workers, queue.length));
  if (queue.length === 0) return Promise.resolve({ stopped: false });
  return new Promise((resolve, reject) => {
    const pool: Worker[] = [];
    let busy = 0;
    let finished = false;
    const stopAll = (): void => {
      finished = true;
      for (const w of pool) void w.terminate();
    };
    // Importing a module costs each worker its load and JIT warm-up, so a module should live in
    // one worker: a worker takes the next trial of a module it holds, else one of a module no
    // other worker holds, else any.
    const held = new Map<Worker, string[]>();
    const holds = (w: Worker, key: string): boolean => held.get(w)?.includes(key) === true;
    const next = (w: Worker): TrialTask | undefined => {
      const mine = held.get(w) ?? [];
      let at = -1;
      for (let k = mine.length - 1; k >= 0 && at < 0; k--) at = queue.findIndex((t) => t.moduleKey === mine[k]);
      if (at < 0) at = queue.findIndex((t) => !pool.some((other) => other !== w && holds(other, t.moduleKey)));
      const task = queue.splice(Math.max(0, at), 1)[0];
      if (task !== undefined && !mine.includes(task.moduleKey)) held.set(w, [...mine, task.moduleKey].slice(-MODULE_CACHE_SIZE));
      return task;
    };
    const feed = (w: Worker): void => {
      if (finished) return;
      const task = callbacks.shouldStop() ? undefined : next(w);
      if (task === undefined) {
        if (busy === 0) {
          stopAll();
          resolve({ stopped: queue.length > 0 });
        }
        return;
      }
      busy++;
      const made = modules.urlOf(task);
      const message: TrialMessage = { task, moduleUrl: made.url, compileSeconds: made.seconds };
      w.postMessage(message);
      // While the workers train, make the module the next trial will want, so no worker waits for it.
      setImmediate(() => {
        if (!finished && queue.length > 0) modules.prepare(queue.find((t) => !modules.has(t)) ?? queue[0]!);
      });
    };
    const signal = callbacks.signal;
    if (signal !== undefined) {
      const onAbort = (): void => {
        if (finished) return;
        stopAll();
        resolve({ stopped: true });
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
    }
    const restoreJit = synchronousOptimization();
    let online = 0;
    for (let i = 0; i < count; i++) {
      const w = new Worker(workerScript(), { workerData: data });
      pool.push(w);
      w.once("online", () => {
        if (++online === count) restoreJit();
      });
      w.on("message", (answer: Answer) => {
        busy--;
        if (answer.kind === "done") callbacks.onDone(answer.outcome);
        else callbacks.onFailed(answer.id, answer.message);
        feed(w);
      });
      w.on("error", (e) => {
        if (finished) return;
        stopAll();
        reject(e);
      });
    }
    // Every worker starts up (on its own thread) while the main thread makes the first modules.
    for (const w of pool) feed(w);
  });
}
