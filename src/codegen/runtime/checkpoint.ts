/**
 * Runtime: the checkpoint format of Trainer.toJSON / Trainer.fromJSON and its validation.
 * Embedded verbatim by scripts/embed-runtime.mjs, without this header and the test exports.
 */

/** Bumped whenever the checkpoint layout changes; fromJSON rejects other versions. */
const CHECKPOINT_VERSION = 1;
const CHECKPOINT_FORMAT = "mlpc-trainer";

/** A checkpoint: toJSON's output, fromJSON's input (plain JSON data). */
export interface TrainerJSON {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  model: string;
  optimizer: string;
  layers: { name: string; inputs: number; units: number; activation: string }[];
  seed: number;
  step: number;
  epoch: number;
  batch: number;
  /**
   * Running loss sum and rows of an interrupted epoch (batch > 0), the layout it was run with, and
   * its running accuracy counts (correct: the counters, correctRows: the rows they counted; absent
   * in checkpoints written before the running accuracy).
   */
  partialEpoch: { lossSum: number; rows: number; trainRows: number; batchSize: number; correct?: number[]; correctRows?: number } | null;
  params: number[];
  buffers: Record<string, number[]>;
}

/** toJSON's content with the live arrays instead of copies (for writers that store the numbers in binary). */
export type TrainerArrays<A> = Omit<TrainerJSON, "params" | "buffers"> & { params: A; buffers: Record<string, A> };

/** The files `mlpc train` writes: a weights file and a training checkpoint, each with the trainer checkpoint under `trainer`. */
const CLI_FORMATS: readonly string[] = ["mlpc-weights", "mlpc-train-checkpoint"];

/**
 * The trainer checkpoint in `json`: a checkpoint object or its JSON text, or a file `mlpc train`
 * wrote (weights or training checkpoint), whose `trainer` part is taken. Checks format and version;
 * the rest is checked field by field by fromJSON.
 */
function readCheckpoint(json: unknown): Partial<TrainerJSON> {
  let data: unknown = typeof json === "string" ? JSON.parse(json) : json;
  if (isRecord(data) && typeof data["format"] === "string" && CLI_FORMATS.includes(data["format"])) {
    if (!isRecord(data["trainer"])) throw new Error(`this ${data["format"]} file has no trainer checkpoint (no "trainer" object)`);
    data = data["trainer"];
  }
  if (!isRecord(data) || data["format"] !== CHECKPOINT_FORMAT) {
    throw new Error(`not an mlpc trainer checkpoint (format is not ${CHECKPOINT_FORMAT}) nor a weights file of mlpc train (format mlpc-weights)`);
  }
  if (data["version"] !== CHECKPOINT_VERSION) {
    throw new Error(`checkpoint format version ${String(data["version"])} is not supported (this module reads version ${CHECKPOINT_VERSION})`);
  }
  return data as Partial<TrainerJSON>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** "4 -> 16 relu -> 3 softmax": a layer list as text, to compare and to show. */
function describeLayers(layers: readonly { inputs: number; units: number; activation: string }[]): string {
  if (layers.length === 0) return "(no layers)";
  return [String(layers[0]!.inputs), ...layers.map((l) => `${l.units} ${l.activation}`)].join(" -> ");
}

/** The layer list of a checkpoint as describeLayers text, or "(no layers)" when it is not a list of objects. */
function describeCheckpointLayers(layers: unknown): string {
  return Array.isArray(layers) && layers.every((l: unknown) => typeof l === "object" && l !== null) ? describeLayers(layers as TrainerJSON["layers"]) : "(no layers)";
}

/**
 * `length` finite numbers, or an error naming the field: a JSON array, or a Float64Array or
 * Float32Array (what a reader of mlpc's binary sidecar files hands over).
 */
function checkpointNumbers(value: unknown, length: number, what: string): ArrayLike<number> {
  const list = Array.isArray(value) || value instanceof Float64Array || value instanceof Float32Array ? (value as ArrayLike<unknown>) : null;
  let ok = list !== null && list.length === length;
  for (let i = 0; ok && i < length; i++) {
    const v = list![i];
    if (typeof v !== "number" || !Number.isFinite(v)) ok = false;
  }
  if (!ok) throw new Error(`checkpoint ${what}: expected ${length} finite numbers`);
  return list as ArrayLike<number>;
}

function checkpointInteger(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw new Error(`checkpoint ${what}: expected a whole number >= 0`);
  return value;
}

export { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, readCheckpoint, describeLayers, describeCheckpointLayers, checkpointNumbers, checkpointInteger };
