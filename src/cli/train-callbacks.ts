/**
 * What `mlpc train` does at the end of an epoch besides reporting progress: the epoch's logs into
 * the run history and early stopping on the monitored loss.
 */
import type { LayerGradientNorm } from "../report/training-diagnostics.js";
import type { EpochLogs } from "./runtime.js";
import type { EarlyStoppingState, RunHistory } from "./saved.js";

export function emptyHistory(): RunHistory {
  return { loss: [], accuracy: [], val_loss: [], val_accuracy: [], lr: [], gradientNorms: [] };
}

/** Appends an epoch's logs (and the layers' gradient norms after it) to the history. */
export function recordEpoch(history: RunHistory, logs: EpochLogs, gradientNorms: LayerGradientNorm[]): void {
  history.loss.push(logs.loss);
  history.lr.push(logs.lr);
  if (logs.accuracy !== undefined) history.accuracy.push(logs.accuracy);
  if (logs.val_loss !== undefined) history.val_loss.push(logs.val_loss);
  if (logs.val_accuracy !== undefined) history.val_accuracy.push(logs.val_accuracy);
  history.gradientNorms.push(gradientNorms);
}

export interface EarlyStoppingStep {
  readonly early: EarlyStoppingState;
  /** This epoch's weights are the best so far (and were kept). */
  readonly improved: boolean;
  /** Why training stops now, or null to go on. */
  readonly stopNote: string | null;
}

/**
 * Early stopping after epoch `epoch` (0-based): monitors the validation loss, or the training loss
 * without validation; keeps a copy of the best weights; stops after `patience` epochs without a
 * better loss.
 */
export function earlyStoppingStep(early: EarlyStoppingState | null, logs: EpochLogs, epoch: number, params: ArrayLike<number>, patience: number): EarlyStoppingStep {
  const monitored = logs.val_loss ?? logs.loss;
  if (early === null || monitored < early.best) {
    return { early: { best: monitored, bestEpoch: epoch, wait: 0, bestParams: Array.from(params) }, improved: true, stopNote: null };
  }
  const next = { ...early, wait: early.wait + 1 };
  const stopNote =
    next.wait >= patience
      ? `Stopped early after epoch ${epoch + 1}: no better ${logs.val_loss === undefined ? "training" : "validation"} loss for ${patience} epochs; kept the weights of epoch ${next.bestEpoch + 1} (loss ${next.best.toPrecision(4)}).`
      : null;
  return { early: next, improved: false, stopNote };
}
