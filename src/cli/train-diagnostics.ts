/**
 * Training diagnostics of `mlpc train`: per-layer gradient norms on a fixed sample of training
 * rows after each epoch, and dead ReLU units at the final weights.
 */
import { permutation } from "../data/split.js";
import type { ModelIR } from "../ir/types.js";
import { deadReluUnits, diagnosticWarnings, layerGradientNorms, type LayerGradientNorm, type LayerShape, type TrainingDiagnostics } from "../report/training-diagnostics.js";
import type { Part } from "./dataset.js";
import type { GeneratedModule, GeneratedTrainer } from "./runtime.js";
import type { RunHistory } from "./saved.js";
import { denseLayers } from "../ir/layers.js";

/** Rows of the training split used for gradient norms after each epoch and for dead-unit counts. */
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

/** Measures each layer's gradient norm on the diagnostic sample at the trainer's current weights. */
export function gradientNormProbe(ir: ModelIR, mod: GeneratedModule, trainer: GeneratedTrainer, train: Part, seed: number): () => LayerGradientNorm[] {
  const shapes = layerShapes(ir);
  const sample = diagnosticSample(train, ir, seed);
  const grad = new Float64Array(ir.paramCount);
  return () => {
    mod.lossAndGradient(trainer.params, sample.x, sample.y, sample.rows, grad);
    return layerGradientNorms(grad, shapes);
  };
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
