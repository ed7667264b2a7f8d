/**
 * A sweep worker thread: receives the shared data once (workerData), then trial tasks one at a
 * time with its module as a data: URL; answers each with its outcome or the error that stopped it.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { TrialMessage } from "./pool.js";
import { runTrial, type TrialData } from "./trial.js";

const data = workerData as TrialData;
const port = parentPort;
if (port === null) throw new Error("src/sweep/worker.ts runs as a worker thread");

port.on("message", ({ task, moduleUrl, compileSeconds }: TrialMessage) => {
  runTrial(task, data, moduleUrl, compileSeconds).then(
    (outcome) => port.postMessage({ kind: "done", outcome }),
    (e: unknown) => port.postMessage({ kind: "failed", id: task.id, message: e instanceof Error ? e.message : String(e) }),
  );
});
