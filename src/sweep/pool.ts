/**
 * Trials on worker_threads: each worker gets the data once and then one task at a time, the next
 * as soon as it answers, so a slow trial never holds up the others. Results arrive in completion
 * order; the caller orders them (a trial's result does not depend on its worker).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { TrialModules } from "./modules.js";
import type { TrialData, TrialOutcome, TrialTask } from "./trial.js";

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
    const lastKey = new Map<Worker, string>();
    // A worker keeps its compiled module: give it the next trial that shares it, if one is queued.
    const next = (w: Worker): TrialTask | undefined => {
      const key = lastKey.get(w);
      const same = key === undefined ? -1 : queue.findIndex((t) => t.moduleKey === key);
      const task = same >= 0 ? queue.splice(same, 1)[0] : queue.shift();
      if (task !== undefined) lastKey.set(w, task.moduleKey);
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
    for (let i = 0; i < count; i++) {
      const w = new Worker(workerScript(), { workerData: data });
      pool.push(w);
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
      feed(w);
    }
  });
}
