/**
 * The losses, one record each: the words that name it, the output activation it reads (its
 * gradient at the logits is fused with that activation), and the task it makes of the model.
 * Lowering and the checker read these records; the emitted loss is its codegen twin
 * (src/codegen/loss.ts), keyed by the same kind.
 *
 * Adding a loss: its kind in LossKind (types.ts), its record here, its code there.
 */
import type { Activation, ActivationKind, LossKind, Task } from "./types.js";

export interface LossRecord {
  /** Other words that name it in programs (its kind is always one). */
  readonly aliases: readonly string[];
  /** The output activation it needs, or null: any elementwise one (softmax needs softmax_ce). */
  readonly output: ActivationKind | null;
  /** The task of a model with this loss and `outputs` output units. */
  task(outputs: number): Task;
}

/** The key order is the order messages list them. */
export const LOSS_RECORDS: { readonly [K in LossKind]: LossRecord } = {
  mse: { aliases: ["mean_squared_error"], output: null, task: () => "regression" },
  bce: { aliases: ["binary_crossentropy"], output: "sigmoid", task: (outputs) => (outputs > 1 ? "multilabel" : "binary") },
  multilabel_bce: { aliases: [], output: "sigmoid", task: () => "multilabel" },
  softmax_ce: { aliases: ["ce", "cross_entropy", "categorical_crossentropy"], output: "softmax", task: () => "multiclass" },
};

/** The kinds, in the table's order. */
export const LOSS_KINDS = Object.keys(LOSS_RECORDS) as readonly LossKind[];

/** Every word that names a loss, each kind followed by its aliases. */
export const LOSSES: Readonly<Record<string, LossKind>> = Object.fromEntries(
  LOSS_KINDS.flatMap((kind) => [kind, ...LOSS_RECORDS[kind].aliases].map((word) => [word, kind])),
);

/** The loss a word names, if any (own words only: not "constructor" and kin). */
export function lossOfWord(word: string): LossKind | undefined {
  return Object.hasOwn(LOSSES, word) ? LOSSES[word] : undefined;
}

/** Default loss follows the last activation: sigmoid -> bce, softmax -> softmax_ce, else mse. */
export function inferLoss(activation: Activation | undefined, outputSize: number): LossKind {
  if (activation?.kind === "sigmoid") return outputSize > 1 ? "multilabel_bce" : "bce";
  if (activation?.kind === "softmax") return "softmax_ce";
  return "mse";
}

export function taskOf(loss: LossKind, outputSize: number): Task {
  return LOSS_RECORDS[loss].task(outputSize);
}
