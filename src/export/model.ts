/**
 * What an export needs besides the program: the trained parameters and what the training data
 * looked like (feature names, the target, the input scaling), checked against the IR before any
 * code is written, so a weights file of another program is refused instead of silently misread.
 */
import { activationName } from "../codegen/activation.js";
import type { PreprocessingPlan } from "../data/preprocess.js";
import type { Standardizer } from "../data/scale.js";
import { fail, ok, type Result } from "../data/errors.js";
import type { ModelIR } from "../ir/types.js";
import { denseLayers } from "../ir/layers.js";

/** The label columns as training saw them (the shape of the weights file's `target`). */
export type ExportTarget =
  | { readonly kind: "class"; readonly classCount: number; readonly classNames: readonly string[] | null }
  | { readonly kind: "multilabel" | "regression"; readonly columns: readonly string[] };

export interface TrainedModel {
  readonly ir: ModelIR;
  /** The parameter layout of the IR (per layer W row-major, then b). */
  readonly params: ArrayLike<number>;
  /** Input columns in the model's order. */
  readonly features: readonly string[];
  readonly target: ExportTarget;
  /** The standardization fitted at training time; applied to raw inputs before the network. */
  readonly scaling: Standardizer | null;
  /**
   * A plan the scaling cannot say (one-hot columns, imputation, minmax): the module then takes a
   * raw row by column name, strings for categories, and encodes it as training did.
   */
  readonly preprocessing?: PreprocessingPlan | null;
}

/** The layers as a trainer checkpoint records them. */
export interface SavedLayer {
  readonly inputs: number;
  readonly units: number;
  readonly activation: string;
}

/** `4 -> 16 relu -> 3 softmax`, the same text the generated Trainer compares checkpoints by. */
export function describeLayers(layers: readonly SavedLayer[]): string {
  if (layers.length === 0) return "(no layers)";
  return [String(layers[0]!.inputs), ...layers.map((l) => `${l.units} ${l.activation}`)].join(" -> ");
}

function isSavedLayer(v: unknown): v is SavedLayer {
  const l = v as Record<string, unknown> | null;
  return typeof l === "object" && l !== null && typeof l.inputs === "number" && typeof l.units === "number" && typeof l.activation === "string";
}

/**
 * Checks saved layers, parameters, features and target against the program; the message says
 * what differs. `params` must be exactly `ir.paramCount` finite numbers.
 */
export function checkTrainedModel(ir: ModelIR, saved: { readonly layers: unknown; readonly params: unknown; readonly features: readonly string[]; readonly target: ExportTarget }): Result<readonly number[], string> {
  const expected = describeLayers(denseLayers(ir).map((l) => ({ inputs: l.inputs, units: l.units, activation: activationName(l.activation) })));
  const found = Array.isArray(saved.layers) && saved.layers.every(isSavedLayer) ? describeLayers(saved.layers) : "(no layers)";
  if (found !== expected) return fail(`the weights are for another network: ${found}, but ${ir.name} is ${expected}`);
  const params = saved.params;
  const list = Array.isArray(params) || params instanceof Float64Array ? (params as ArrayLike<unknown>) : null;
  if (list === null || list.length !== ir.paramCount) {
    return fail(`expected ${ir.paramCount} parameters, found ${list === null ? "none" : list.length}`);
  }
  for (let i = 0; i < list.length; i++) {
    const p = list[i];
    if (typeof p !== "number" || !Number.isFinite(p)) return fail("the parameters must all be finite numbers");
  }
  if (saved.features.length !== ir.inputSize) return fail(`the weights have ${saved.features.length} features, but ${ir.name} takes ${ir.inputSize} inputs`);
  const width = outputNames(saved.target).length;
  const fits = saved.target.kind === "class" && ir.outputSize === 1 ? width === 2 : width === ir.outputSize;
  if (!fits) return fail(`the weights name ${width} outputs, but ${ir.name} has ${ir.outputSize}`);
  return ok(list as readonly number[]);
}

/** Class names (ids as text when the CSV used ids), label columns, or target columns. */
export function outputNames(target: ExportTarget): readonly string[] {
  if (target.kind !== "class") return target.columns;
  return target.classNames ?? Array.from({ length: target.classCount }, (_, k) => String(k));
}
