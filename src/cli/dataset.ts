/**
 * From a CSV file to the arrays the trainer takes: read (streaming, validated), split (stratified
 * for classes), scale (fitted on the training split). Errors come back as CliErrors with the
 * data module's file/row/column message.
 */
import { resolve } from "node:path";
import { checkBatchFits } from "../data/batch.js";
import type { TargetSpec } from "../data/columns.js";
import { readCsvFile, type Dataset } from "../data/csv.js";
import { formatDataError, type DataError } from "../data/errors.js";
import { applyStandardizer, fitStandardizer, nonFiniteStatistic, type Standardizer } from "../data/scale.js";
import { gatherRows, oneHot, splitRows } from "../data/split.js";
import type { ModelIR } from "../ir/types.js";
import { CliError, EXIT_PROGRAM_ERROR, type Io } from "./io.js";
import type { SavedTarget } from "./saved.js";

export function dataFailure(e: DataError): CliError {
  return new CliError(`mlpc: ${formatDataError(e)}`, EXIT_PROGRAM_ERROR);
}

export async function readDataset(io: Io, file: string, options: { target: TargetSpec; inputSize: number; features?: readonly string[] | null }): Promise<Dataset> {
  const r = await readCsvFile(resolve(io.cwd, file), { target: options.target, inputSize: options.inputSize, features: options.features ?? null }, file);
  if (!r.ok) throw dataFailure(r.error);
  return r.value;
}

/** Targets as the rows x outputs matrix lossAndGradient and fit take (one-hot for softmax). */
export function targetMatrix(d: Dataset, ir: ModelIR): Float64Array {
  const t = d.targets;
  switch (t.kind) {
    case "class":
      return ir.outputSize === 1 ? Float64Array.from(t.ids) : oneHot(t.ids, ir.outputSize);
    case "multilabel":
    case "regression":
      return t.y;
    case "none":
      return new Float64Array(0);
  }
}

export function savedTarget(d: Dataset): SavedTarget {
  const t = d.targets;
  switch (t.kind) {
    case "class":
      return { kind: "class", column: t.column, classCount: t.classCount, classNames: t.classNames };
    case "multilabel":
    case "regression":
      return { kind: t.kind, columns: t.columns };
    case "none":
      throw new Error("a training set has targets");
  }
}

export interface Part {
  readonly rows: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Class ids (classification), else null. */
  readonly ids: Int32Array | null;
}

export interface Prepared {
  readonly dataset: Dataset;
  readonly train: Part;
  readonly validation: Part;
  readonly scaling: Standardizer | null;
}

/** Splits, scales, and checks the training split holds at least one batch. */
export function prepare(d: Dataset, ir: ModelIR, options: { validation: number; seed: number; standardize: boolean; batch: number | "all" }): Prepared {
  const ids = d.targets.kind === "class" ? d.targets.ids : null;
  const split = splitRows(d.rows, options.validation, options.seed, ids);
  const y = targetMatrix(d, ir);
  const width = d.featureNames.length;
  const scaling = options.standardize ? fitStandardizer(d.x, d.featureNames, split.train) : null;
  const broken = scaling === null ? null : nonFiniteStatistic(scaling);
  if (broken !== null) throw new CliError(`mlpc: ${d.file}, column ${JSON.stringify(broken)}: cannot standardize: the mean or spread of the column is not a finite number`, EXIT_PROGRAM_ERROR);
  const part = (indices: Int32Array): Part => {
    const x = gatherRows(d.x, width, indices);
    return {
      rows: indices.length,
      x: scaling === null ? x : applyStandardizer(scaling, x),
      y: gatherRows(y, ir.outputSize, indices),
      ids: ids === null ? null : Int32Array.from(indices, (i) => ids[i]!),
    };
  };
  const tooSmall = checkBatchFits(d.file, split.train.length, options.batch);
  if (tooSmall !== null) throw dataFailure(tooSmall);
  return { dataset: d, train: part(split.train), validation: part(split.validation), scaling };
}

/** FNV-1a over the bytes of the data, so a resumed run can tell it is given the same file. */
export function checksum(...arrays: readonly ArrayLike<number>[]): string {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const f = a instanceof Float64Array ? a : Float64Array.from(a);
    const bytes = new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}
