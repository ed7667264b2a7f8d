/**
 * Training diagnostics of `mlpc train`: per-layer gradient norms of each epoch, from the gradients
 * its steps computed (no extra pass over the data), and dead ReLU units at the final weights.
 */
import { permutation } from "../data/split.js";
import type { ModelIR } from "../ir/types.js";
import { deadReluUnits, diagnosticWarnings, layerGradientNorms, type LayerGradientNorm, type LayerShape, type TrainingDiagnostics } from "../report/training-diagnostics.js";
import type { Part } from "./dataset.js";
import type { GeneratedModule, GeneratedTrainer } from "./runtime.js";
import type { RunHistory } from "./saved.js";
import { denseLayers } from "../ir/layers.js";

/** Training rows behind each epoch's gradient norms (at least), and the sample of the dead-unit counts. */
const DIAGNOSTIC_ROWS = 1024;

interface Sample {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly rows: number;
}

function layerShapes(ir: ModelIR): LayerShape[] {
  return denseLayers(ir).map((l) => ({ name: l.name, activation: l.activation.kind, inputs: l.inputs, units: l.units, weightOffset: l.weightOffset, biasOffset: l.biasOffset }));
}

/** A fixed sample of training rows for diagnostics (the same every epoch, so norms compare). */
function diagnosticSample(train: Part, ir: ModelIR, seed: number): Sample {
  if (train.rows <= DIAGNOSTIC_ROWS) return { x: train.x, y: train.y, rows: train.rows };
  const pick = permutation(train.rows, seed ^ 0x5eed).subarray(0, DIAGNOSTIC_ROWS);
  const x = new Float64Array(DIAGNOSTIC_ROWS * ir.inputSize);
  const y = new Float64Array(DIAGNOSTIC_ROWS * ir.outputSize);
  pick.forEach((r, i) => {
    x.set(train.x.subarray(r * ir.inputSize, (r + 1) * ir.inputSize), i * ir.inputSize);
    y.set(train.y.subarray(r * ir.outputSize, (r + 1) * ir.outputSize), i * ir.outputSize);
  });
  return { x, y, rows: DIAGNOSTIC_ROWS };
}

/** What the epoch callbacks feed: each batch's gradient after its step, and the norms at the end of the epoch. */
export interface GradientNormRecorder {
  /** After batch `batch` (0-based, `rows` rows) of an epoch, while trainer.state.grad still holds its gradient. */
  afterBatch(batch: number, rows: number): void;
  /** The epoch's per-layer norms; starts the next epoch. */
  epochNorms(): LayerGradientNorm[];
}

/**
 * Each layer's gradient norm of an epoch: of the rows-weighted mean of the gradients the steps
 * computed (state.grad, before each update) over the epoch's last batches holding at least
 * DIAGNOSTIC_ROWS rows (all of an epoch with fewer): the gradient of the mean training loss on
 * those rows, each batch's share taken at the weights it was trained with. It replaces a forward
 * and backward pass over a sample after each epoch (as much work as a sixth of a 6,400-row epoch)
 * with one multiply-add a parameter for each of those batches.
 */
export function gradientNormRecorder(ir: ModelIR, trainer: GeneratedTrainer, trainRows: number, batchSize: number): GradientNormRecorder {
  const shapes = layerShapes(ir);
  const batches = Math.ceil(trainRows / batchSize);
  const lastRows = trainRows - (batches - 1) * batchSize;
  const firstBatch = Math.max(0, batches - 1 - Math.ceil(Math.max(0, DIAGNOSTIC_ROWS - lastRows) / batchSize));
  const sum = new Float64Array(ir.paramCount);
  let rowsIn = 0;
  return {
    afterBatch(batch, rows) {
      if (batch < firstBatch) return;
      addScaled(sum, trainer.state.grad, rows);
      rowsIn += rows;
    },
    epochNorms() {
      const scale = 1 / rowsIn;
      for (let p = 0; p < sum.length; p++) sum[p] = sum[p]! * scale;
      const norms = layerGradientNorms(sum, shapes);
      sum.fill(0);
      rowsIn = 0;
      return norms;
    },
  };
}

/**
 * sum[p] += grad[p] * rows for every p, eight at a time: the recorder's whole cost, after up to
 * 1024 rows' worth of an epoch's batches. Unrolled, the loop takes 2.9 us for digits' 4,810
 * parameters against 5.0 rolled (medians of 50, on the 2-core VM of docs/performance.md); the
 * same sums in the same order either way.
 */
function addScaled(sum: Float64Array, grad: Float64Array, rows: number): void {
  const n = sum.length;
  const whole = n - (n % 8);
  let p = 0;
  for (; p < whole; p += 8) {
    sum[p] += grad[p]! * rows;
    sum[p + 1] += grad[p + 1]! * rows;
    sum[p + 2] += grad[p + 2]! * rows;
    sum[p + 3] += grad[p + 3]! * rows;
    sum[p + 4] += grad[p + 4]! * rows;
    sum[p + 5] += grad[p + 5]! * rows;
    sum[p + 6] += grad[p + 6]! * rows;
    sum[p + 7] += grad[p + 7]! * rows;
  }
  for (; p < n; p++) sum[p] += grad[p]! * rows;
}

/** The run's diagnostics: the recorded gradient norms, and dead units at the trainer's (final) weights. */
export function diagnose(ir: ModelIR, mod: GeneratedModule, trainer: GeneratedTrainer, train: Part, seed: number, history: RunHistory): TrainingDiagnostics {
  const shapes = layerShapes(ir);
  const sample = diagnosticSample(train, ir, seed);
  const grad = new Float64Array(ir.paramCount);
  const xRow = new Float64Array(ir.inputSize);
  const yRow = new Float64Array(ir.outputSize);
  const dead = deadReluUnits(shapes, sample.rows, (r) => {
    xRow.set(sample.x.subarray(r * ir.inputSize, (r + 1) * ir.inputSize));
    yRow.set(sample.y.subarray(r * ir.outputSize, (r + 1) * ir.outputSize));
    mod.lossAndGradient(trainer.params, xRow, yRow, 1, grad);
    return grad;
  });
  const norms = history.gradientNorms;
  return { gradientNorms: norms, deadUnits: dead, sampledRows: sample.rows, warnings: diagnosticWarnings(norms, dead) };
}
