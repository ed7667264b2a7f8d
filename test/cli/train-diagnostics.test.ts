/**
 * The per-epoch gradient norms of `mlpc train` come from the steps' own gradients: the rows-weighted
 * mean of state.grad over the epoch's last batches holding at least 1024 rows (every batch of a
 * smaller epoch), reset for each epoch.
 */
import { describe, expect, test } from "vitest";
import { gradientNormRecorder } from "../../src/cli/train-diagnostics.js";
import type { GeneratedTrainer } from "../../src/cli/runtime.js";
import { layerGradientNorms } from "../../src/report/training-diagnostics.js";
import { denseLayers } from "../../src/ir/layers.js";
import { buildIR } from "../support/ir.js";

// 2 -> dense 2 relu -> dense 1 sigmoid: 9 parameters, weights [0, 4) and [6, 8).
const ir = buildIR({ inputs: 2, layers: [[2, "relu"], [1, "sigmoid"]] });
const shapes = denseLayers(ir).map((l) => ({ name: l.name, activation: l.activation.kind, inputs: l.inputs, units: l.units, weightOffset: l.weightOffset, biasOffset: l.biasOffset }));

/** A trainer whose gradient the test sets before each afterBatch, as a step would. */
function fakeTrainer(): { trainer: GeneratedTrainer; grad: Float64Array } {
  const grad = new Float64Array(ir.paramCount);
  return { trainer: { state: { step: 0, params: new Float64Array(ir.paramCount), grad } } as unknown as GeneratedTrainer, grad };
}

/** Runs one epoch of batches whose gradient is gradientOf(b) everywhere; returns the recorded norms. */
function epoch(recorder: ReturnType<typeof gradientNormRecorder>, grad: Float64Array, trainRows: number, batchSize: number, gradientOf: (b: number) => number) {
  for (let b = 0, start = 0; start < trainRows; b++, start += batchSize) {
    grad.fill(gradientOf(b));
    recorder.afterBatch(b, Math.min(batchSize, trainRows - start));
  }
  return recorder.epochNorms();
}

describe("gradient norms from the steps' gradients", () => {
  test("an epoch under 1024 rows: every batch, weighted by its rows (the last one is smaller)", () => {
    const { trainer, grad } = fakeTrainer();
    const recorder = gradientNormRecorder(ir, trainer, 100, 32); // batches of 32, 32, 32, 4
    const norms = epoch(recorder, grad, 100, 32, (b) => b + 1);
    const mean = (32 * 1 + 32 * 2 + 32 * 3 + 4 * 4) / 100;
    expect(norms).toEqual(layerGradientNorms(new Float64Array(ir.paramCount).fill(mean), shapes));
  });

  test("a bigger epoch: only its last batches holding at least 1024 rows; each epoch starts afresh", () => {
    const { trainer, grad } = fakeTrainer();
    const recorder = gradientNormRecorder(ir, trainer, 5000, 500); // 10 batches: the last 3 hold 1500 rows, the last 2 only 1000
    const first = epoch(recorder, grad, 5000, 500, (b) => (b < 7 ? 1e6 : b));
    expect(first).toEqual(layerGradientNorms(new Float64Array(ir.paramCount).fill((7 + 8 + 9) / 3), shapes));
    const second = epoch(recorder, grad, 5000, 500, () => 0.5);
    expect(second).toEqual(layerGradientNorms(new Float64Array(ir.paramCount).fill(0.5), shapes));
  });

  test("each parameter its own rows-weighted mean (gradients that differ from one parameter to the next)", () => {
    const { trainer, grad } = fakeTrainer();
    const recorder = gradientNormRecorder(ir, trainer, 70, 32); // batches of 32, 32, 6
    const gradientOf = (b: number, p: number): number => Math.sin(1 + 7 * b + 3 * p) * (p + 1);
    for (const [b, rows] of [[0, 32], [1, 32], [2, 6]] as const) {
      for (let p = 0; p < grad.length; p++) grad[p] = gradientOf(b, p);
      recorder.afterBatch(b, rows);
    }
    const mean = Float64Array.from({ length: ir.paramCount }, (_, p) => (32 * gradientOf(0, p) + 32 * gradientOf(1, p) + 6 * gradientOf(2, p)) / 70);
    const norms = recorder.epochNorms();
    const expected = layerGradientNorms(mean, shapes);
    expect(norms.map((l) => l.name)).toEqual(expected.map((l) => l.name));
    for (const [i, layer] of norms.entries()) {
      for (const key of ["norm", "weightNorm", "biasNorm"] as const) expect(layer[key]).toBeCloseTo(expected[i]![key], 14);
    }
  });
});
