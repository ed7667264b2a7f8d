/** A realistic report (iris-like numbers, hostile strings where users control the text). */
import { classificationMetrics } from "../../src/report/metrics.js";
import type { ReportData } from "../../src/report/html.js";
import type { ModelSummary } from "../../src/report/summary.js";

export const HOSTILE = `<script>alert("x")</script>&'`;

const summary: ModelSummary = {
  name: "iris",
  inputSize: 4,
  layers: [
    { name: "dense_1", type: "Dense", activation: "relu", outputShape: [null, 16], params: 80, formula: "(4 + 1) * 16", init: "he_uniform" },
    { name: "dense_2", type: "Dense", activation: "softmax", outputShape: [null, 3], params: 51, formula: "(16 + 1) * 3", init: "xavier_uniform" },
  ],
  totalParams: 131,
  bytesFloat64: 1048,
  optimizerState: { count: 262, description: "Adam m, v" },
  loss: { kind: "softmax_ce", task: "multiclass", explicit: false },
  optimizer: "adam lr=0.01 beta1=0.9 beta2=0.999 eps=1e-8",
  schedule: "warmup 20, then cosine decay (t_max=500, eta_min=0)",
  regularization: "none",
  training: "batch=16 epochs=60 shuffle=true seed=42",
};

export function sampleReport(options: { className?: string } = {}): ReportData {
  const epochs = 60;
  const loss = Array.from({ length: epochs }, (_, e) => 1.1 * Math.exp(-e / 12) + 0.06);
  const valLoss = loss.map((l, e) => l * 1.08 + 0.01 * Math.sin(e));
  const acc = loss.map((l) => Math.min(1, 1.02 - l * 0.6));
  const valAcc = acc.map((a, e) => Math.min(1, a - 0.02 + 0.01 * Math.cos(e)));
  const steps = Array.from({ length: 480 }, (_, t) => t);
  const lr = steps.map((t) => (t < 20 ? (0.01 * (t + 1)) / 20 : 0.005 * (1 + Math.cos((Math.PI * Math.min(t - 20, 500)) / 500))));
  const names = ["setosa", "versicolor", options.className ?? "virginica"];
  const truth = [...Array(10).fill(0), ...Array(10).fill(1), ...Array(10).fill(2)];
  const predicted = [...Array(10).fill(0), ...Array(9).fill(1), 2, 1, ...Array(9).fill(2)];
  const metrics = classificationMetrics(truth, predicted, names);
  return {
    model: "iris",
    createdAt: "2026-11-28T18:00:00.000Z",
    version: "0.1.0",
    programFile: "examples/iris.mlp",
    program: `model iris\ninput 4 -> dense 16 relu -> dense 3 softmax\nadam lr=0.01 warmup=20 cosine t_max=500\ntrain batch=16 epochs=60 seed=42\n# ${HOSTILE}\n`,
    dataFile: `data/${HOSTILE}.csv`,
    summary,
    settings: [
      ["data", "iris.csv (150 rows, 4 features)"],
      ["label", "label (3 classes)"],
      ["validation", "20% stratified (30 rows)"],
      ["scaling", "standardize (fitted on the training split)"],
    ],
    history: { loss, val_loss: valLoss, accuracy: acc, val_accuracy: valAcc, lr: loss.map((_, e) => lr[Math.min(lr.length - 1, e * 8 + 7)]!) },
    schedule: { steps, lr },
    losses: [
      { split: "train", rows: 120, loss: loss[epochs - 1]!, accuracy: acc[epochs - 1]! },
      { split: "validation", rows: 30, loss: valLoss[epochs - 1]!, accuracy: metrics.accuracy },
    ],
    metrics: { train: metrics, validation: metrics },
    diagnostics: {
      gradientNorms: loss.map((l) => [
        { name: "dense_1", norm: l * 0.4, weightNorm: l * 0.35, biasNorm: l * 0.1 },
        { name: "dense_2", norm: l * 0.9, weightNorm: l * 0.8, biasNorm: l * 0.2 },
      ]),
      deadUnits: [{ name: "dense_1", units: 16, dead: 2, share: 0.125 }],
      sampledRows: 120,
      warnings: [{ kind: "dead-relu", layer: "dense_1", message: `example warning naming ${HOSTILE}` }],
    },
    outcome: { epochs, seconds: 0.42, rowsPerSecond: 17142, note: "Stopped early at epoch 60: best validation loss at epoch 52 (weights restored).", weightsFile: "iris.weights.json" },
  };
}
