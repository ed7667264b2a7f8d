/**
 * Writing the weights file and the checkpoint: the JSON, and for big models the binary sidecar
 * beside it (saved-binary.ts), written first so the JSON never points at numbers not yet on disk.
 * Small models keep the plain JSON shape of format version 1.
 */
import { writeFileAtomic, writeFileAtomicSync } from "../data/atomic.js";
import { optimizerState } from "../ir/optimizers.js";
import type { ModelIR } from "../ir/types.js";
import { VERSION } from "../version.js";
import type { GeneratedTrainer } from "./runtime.js";
import { sidecarPath, storeFor, type NumberStore } from "./saved-binary.js";
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type EarlyStoppingState, type RunHistory, type RunSettings } from "./saved.js";

/** What one save writes: the JSON text and, for a big model, the sidecar's bytes. */
export interface SavedFile {
  readonly path: string;
  readonly json: string;
  readonly sidecar: { readonly path: string; readonly chunks: readonly Uint8Array[] } | null;
}

/** Numbers a weights file holds inline: params and, when small enough, the optimizer buffers (as version 1 always did). */
function trainerNumbers(ir: ModelIR): number {
  return ir.paramCount * (1 + optimizerState(ir.optimizer).length);
}

/** Whether this model's weights file and checkpoint carry a binary sidecar (so it is an output too). */
export function sidecarOf(ir: ModelIR, path: string, withBestParams = false): string | null {
  return storeFor(path, trainerNumbers(ir) + (withBestParams ? ir.paramCount : 0)).binaryName === null ? null : sidecarPath(path);
}

/** The trainer's toJSON, its arrays put in `store`; a sidecar weights file drops the optimizer buffers (prediction needs none). */
function trainerValue(trainer: GeneratedTrainer, store: NumberStore, keepBuffers: boolean): Record<string, unknown> {
  const view = trainer.toArrays();
  const params = store.put(view.params, "trainer.params");
  const buffers: Record<string, unknown> = {};
  if (keepBuffers) for (const name of Object.keys(view.buffers)) buffers[name] = store.put(view.buffers[name]!, `trainer.buffers.${name}`);
  return { ...view, params, buffers };
}

function savedFile(path: string, value: unknown, store: NumberStore): SavedFile {
  const chunks = store.sidecar();
  return { path, json: JSON.stringify(value) + "\n", sidecar: chunks === null ? null : { path: sidecarPath(path), chunks } };
}

export interface WeightsContent {
  readonly ir: ModelIR;
  readonly createdAt: string;
  readonly features: readonly string[];
  readonly target: RunSettings["target"];
  readonly scaling: unknown;
  /** How raw columns become the inputs (the preprocessing plan), saved for predict, evaluate and export. */
  readonly preprocessing?: unknown;
  readonly trainer: GeneratedTrainer;
}

export function weightsFile(path: string, w: WeightsContent): SavedFile {
  const store = storeFor(path, trainerNumbers(w.ir));
  const value = {
    format: "mlpc-weights",
    version: 1,
    mlpc: VERSION,
    model: w.ir.name,
    createdAt: w.createdAt,
    features: w.features,
    target: w.target,
    scaling: w.scaling,
    ...(w.preprocessing === undefined ? {} : { preprocessing: w.preprocessing }),
    trainer: trainerValue(w.trainer, store, store.binaryName === null),
  };
  return savedFile(path, value, store);
}

export interface CheckpointContent {
  readonly ir: ModelIR;
  readonly settings: RunSettings;
  readonly trainer: GeneratedTrainer;
  readonly history: RunHistory;
  readonly early: EarlyStoppingState | null;
  readonly elapsedSeconds: number;
}

/** Everything `--resume` needs to continue the run exactly. */
export function checkpointFile(path: string, c: CheckpointContent): SavedFile {
  const store = storeFor(path, trainerNumbers(c.ir) + (c.early === null ? 0 : c.ir.paramCount));
  const value = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    mlpc: VERSION,
    model: c.ir.name,
    savedAt: new Date().toISOString(),
    settings: c.settings,
    trainer: trainerValue(c.trainer, store, true),
    history: c.history,
    early: c.early === null ? null : { ...c.early, bestParams: store.put(c.early.bestParams, "early.bestParams") },
    elapsedSeconds: c.elapsedSeconds,
  };
  return savedFile(path, value, store);
}

export async function writeSaved(f: SavedFile): Promise<void> {
  if (f.sidecar !== null) await writeFileAtomic(f.sidecar.path, f.sidecar.chunks);
  await writeFileAtomic(f.path, f.json);
}

export function writeSavedSync(f: SavedFile): void {
  if (f.sidecar !== null) writeFileAtomicSync(f.sidecar.path, f.sidecar.chunks);
  writeFileAtomicSync(f.path, f.json);
}
