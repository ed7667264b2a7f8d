/**
 * Metrics of a trained model on labelled rows, as scikit-learn defines them: accuracy, per-class
 * precision / recall / F1 (0 when undefined, as sklearn's zero_division=0), the confusion matrix
 * (rows = true class, columns = predicted), per-label accuracy for multilabel, MSE / MAE / R^2 for
 * regression. Pure functions of typed arrays; no model code here.
 */

export interface ClassScores {
  readonly name: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Rows whose true class this is. */
  readonly support: number;
}

export interface Averages {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface ClassificationMetrics {
  readonly kind: "classification";
  readonly rows: number;
  readonly accuracy: number;
  readonly classes: readonly ClassScores[];
  /** Unweighted mean over classes. */
  readonly macro: Averages;
  /** Mean weighted by support. */
  readonly weighted: Averages;
  /** confusion[t][p]: rows of true class t predicted as p. */
  readonly confusion: readonly (readonly number[])[];
}

export interface LabelScores extends ClassScores {
  readonly accuracy: number;
}

export interface MultilabelMetrics {
  readonly kind: "multilabel";
  readonly rows: number;
  /** precision/recall/F1 of the positive value of each label; support = rows where it is 1. */
  readonly labels: readonly LabelScores[];
  /** Mean of the per-label accuracies (Keras' binary accuracy). */
  readonly meanAccuracy: number;
  /** Share of rows with every label right (sklearn's accuracy_score on multilabel). */
  readonly exactMatch: number;
}

export interface OutputErrors {
  readonly name: string;
  readonly mse: number;
  readonly mae: number;
  readonly r2: number;
}

export interface RegressionMetrics {
  readonly kind: "regression";
  readonly rows: number;
  readonly outputs: readonly OutputErrors[];
  /** Mean over rows and outputs. */
  readonly mse: number;
  readonly mae: number;
  /** Mean of the per-output R^2 (sklearn's multioutput="uniform_average"). */
  readonly r2: number;
}

export type TaskMetrics = ClassificationMetrics | MultilabelMetrics | RegressionMetrics;

/**
 * Predicted class per row from model outputs (rows x width): the largest output (first on ties)
 * or, for one sigmoid output, 1 when p >= 0.5.
 */
export function predictedClasses(outputs: ArrayLike<number>, rows: number, width: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    if (width === 1) {
      out[r] = outputs[r]! >= 0.5 ? 1 : 0;
      continue;
    }
    let best = 0;
    for (let j = 1; j < width; j++) if (outputs[r * width + j]! > outputs[r * width + best]!) best = j;
    out[r] = best;
  }
  return out;
}

export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, classCount: number): number[][] {
  const m = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  for (let i = 0; i < truth.length; i++) m[truth[i]!]![predicted[i]!]! += 1;
  return m;
}

/** precision, recall and F1 from counts; 0 where a ratio is 0/0. */
export function scores(truePositives: number, predictedPositives: number, actualPositives: number): Averages {
  const precision = ratio(truePositives, predictedPositives);
  const recall = ratio(truePositives, actualPositives);
  return { precision, recall, f1: ratio(2 * precision * recall, precision + recall) };
}

export function classificationMetrics(truth: ArrayLike<number>, predicted: ArrayLike<number>, classNames: readonly string[]): ClassificationMetrics {
  const k = classNames.length;
  const confusion = confusionMatrix(truth, predicted, k);
  let correct = 0;
  const classes = classNames.map((name, c) => {
    const tp = confusion[c]![c]!;
    correct += tp;
    const support = sum(confusion[c]!);
    const predictedCount = confusion.reduce((s, row) => s + row[c]!, 0);
    return { name, ...scores(tp, predictedCount, support), support };
  });
  const rows = truth.length;
  return {
    kind: "classification",
    rows,
    accuracy: ratio(correct, rows),
    classes,
    macro: average(classes, () => 1),
    weighted: average(classes, (c) => c.support),
    confusion,
  };
}

/** truth and probabilities are rows x labels; a label is predicted 1 when p >= 0.5. */
export function multilabelMetrics(truth: ArrayLike<number>, probabilities: ArrayLike<number>, rows: number, names: readonly string[]): MultilabelMetrics {
  const width = names.length;
  const right = new Array<number>(width).fill(0);
  const tp = new Array<number>(width).fill(0);
  const predictedPos = new Array<number>(width).fill(0);
  const actualPos = new Array<number>(width).fill(0);
  let exact = 0;
  for (let r = 0; r < rows; r++) {
    let all = true;
    for (let j = 0; j < width; j++) {
      const t = truth[r * width + j]! >= 0.5;
      const p = probabilities[r * width + j]! >= 0.5;
      if (t === p) right[j]! += 1;
      else all = false;
      if (p) predictedPos[j]! += 1;
      if (t) actualPos[j]! += 1;
      if (t && p) tp[j]! += 1;
    }
    if (all) exact++;
  }
  const labels = names.map((name, j) => ({ name, accuracy: ratio(right[j]!, rows), ...scores(tp[j]!, predictedPos[j]!, actualPos[j]!), support: actualPos[j]! }));
  return { kind: "multilabel", rows, labels, meanAccuracy: ratio(sum(labels.map((l) => l.accuracy)), width), exactMatch: ratio(exact, rows) };
}

/**
 * truth and predictions are rows x outputs. R^2 = 1 - SS_res / SS_tot; for a constant target
 * (SS_tot = 0) it is 1 when the fit is perfect and 0 otherwise, as scikit-learn's force_finite.
 */
export function regressionMetrics(truth: ArrayLike<number>, predictions: ArrayLike<number>, rows: number, names: readonly string[]): RegressionMetrics {
  const width = names.length;
  const outputs = names.map((name, j) => {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += truth[r * width + j]!;
    mean /= rows;
    let ssRes = 0;
    let ssTot = 0;
    let abs = 0;
    for (let r = 0; r < rows; r++) {
      const t = truth[r * width + j]!;
      const e = predictions[r * width + j]! - t;
      ssRes += e * e;
      abs += Math.abs(e);
      ssTot += (t - mean) * (t - mean);
    }
    const r2 = ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
    return { name, mse: ssRes / rows, mae: abs / rows, r2 };
  });
  const mean = (f: (o: OutputErrors) => number): number => sum(outputs.map(f)) / width;
  return { kind: "regression", rows, outputs, mse: mean((o) => o.mse), mae: mean((o) => o.mae), r2: mean((o) => o.r2) };
}

function average(classes: readonly ClassScores[], weight: (c: ClassScores) => number): Averages {
  const total = sum(classes.map(weight));
  const mean = (f: (c: ClassScores) => number): number => ratio(sum(classes.map((c) => f(c) * weight(c))), total);
  return { precision: mean((c) => c.precision), recall: mean((c) => c.recall), f1: mean((c) => c.f1) };
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

export interface RocCurve {
  /** False and true positive rates at every distinct threshold, from (0, 0) to (1, 1). */
  readonly fpr: readonly number[];
  readonly tpr: readonly number[];
  /** Area under the curve (trapezoids; ties count half, as sklearn's roc_auc_score). */
  readonly auc: number;
}

/** ROC of scores for the positive class (truth 1) against the rest; null without both classes. */
export function rocCurve(truth: ArrayLike<number>, scores: ArrayLike<number>): RocCurve | null {
  const n = truth.length;
  let positives = 0;
  for (let i = 0; i < n; i++) if (truth[i] === 1) positives++;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  let auc = 0;
  for (let i = 0; i < n; ) {
    const s = scores[order[i]!]!;
    // One point per distinct score, so tied rows form one diagonal step (half credit).
    for (; i < n && scores[order[i]!] === s; i++) {
      if (truth[order[i]!] === 1) tp++;
      else fp++;
    }
    const x = fp / negatives;
    const y = tp / positives;
    auc += ((x - fpr[fpr.length - 1]!) * (y + tpr[tpr.length - 1]!)) / 2;
    fpr.push(x);
    tpr.push(y);
  }
  return { fpr, tpr, auc };
}
