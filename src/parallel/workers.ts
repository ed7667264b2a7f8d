/**
 * Worker-thread plumbing shared by the parallel engines: start N workers from a self-contained
 * script (run with `eval`, so it works the same from dist/ and from the sources under a test
 * runner), wait until each says it is ready, and stop them. The script reads its `workerData` and
 * posts "ready" once set up; anything it posts before that as { error } fails the start.
 */
import { Worker } from "node:worker_threads";

export interface WorkerStart {
  /** JavaScript run in each worker as a CommonJS script (require and dynamic import are available). */
  readonly script: string;
  /** workerData of worker `index` (0-based). */
  readonly data: (index: number) => unknown;
}

/** Starts `count` workers and resolves when all are ready; rejects (and stops them all) if one fails. */
export async function startWorkers(count: number, start: WorkerStart): Promise<Worker[]> {
  const workers: Worker[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const worker = new Worker(start.script, { eval: true, workerData: start.data(i) });
    workers.push(worker);
    ready.push(
      new Promise<void>((resolve, reject) => {
        const onMessage = (message: unknown): void => {
          if (message === "ready") {
            worker.off("error", reject);
            resolve();
          } else if (typeof message === "object" && message !== null && "error" in message) {
            reject(new Error(String((message as { error: unknown }).error)));
          }
        };
        worker.once("message", onMessage);
        worker.once("error", reject);
        worker.once("exit", (code) => reject(new Error(`a worker thread exited with code ${code} before it was ready`)));
      }),
    );
  }
  try {
    await Promise.all(ready);
  } catch (e) {
    await stopWorkers(workers);
    throw e;
  }
  // Idle workers must not keep the process alive.
  for (const w of workers) w.unref();
  return workers;
}

/** Terminates the workers (a worker blocked in Atomics.wait is terminated all the same). */
export async function stopWorkers(workers: readonly Worker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.terminate()));
}
