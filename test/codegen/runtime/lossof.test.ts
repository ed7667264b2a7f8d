/**
 * Forward-only evaluation: Trainer.evaluate (lossOf, the per-epoch validation loss) gives the
 * loss lossAndGradient returns bit for bit, and the accuracy of forwardBatch's outputs, for every
 * loss, both code shapes, --simd, regularization, and more rows than one chunk.
 */
import { describe, expect, test } from "vitest";
import { compileAndLoad } from "../load.js";
import { makeIR } from "../../training/support.js";
import { CASE_OPTIMIZERS } from "../../training/cases.js";
import type { LossKind } from "../../../src/ir/types.js";
import { SeededRandom } from "../../../src/codegen/runtime/random.js";

interface Evaluating {
  spec: { paramCount: number; inputSize: number; outputSize: number };
  lossAndGradient(params: Float64Array, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, grad: Float64Array): number;
  forwardBatch(params: Float64Array, x: ArrayLike<number>, rows: number): Float64Array;
  Trainer: new (options?: { seed?: number }) => { params: Float64Array; evaluate(x: ArrayLike<number>, y: ArrayLike<number>): { loss: number; accuracy?: number } };
}

const OUTPUT = { mse: [{ kind: "tanh" }, 2], bce: [{ kind: "sigmoid" }, 1], multilabel_bce: [{ kind: "sigmoid" }, 3], softmax_ce: [{ kind: "softmax" }, 4] } as const;

function data(rows: number, inputs: number, outputs: number, loss: LossKind): { x: Float64Array; y: Float64Array } {
  const random = new SeededRandom(3, 9);
  const x = Float64Array.from({ length: rows * inputs }, () => 4 * random.float() - 2);
  const y = new Float64Array(rows * outputs);
  for (let r = 0; r < rows; r++) {
    if (loss === "softmax_ce") y[r * outputs + Math.floor(random.float() * outputs)] = 1;
    else for (let j = 0; j < outputs; j++) y[r * outputs + j] = loss === "mse" ? random.float() : random.float() < 0.5 ? 0 : 1;
  }
  return { x, y };
}

const cases: [LossKind, "full" | "none", boolean, boolean][] = [];
for (const loss of ["mse", "bce", "multilabel_bce", "softmax_ce"] as const) {
  for (const unroll of ["full", "none"] as const) for (const regularized of [false, true]) cases.push([loss, unroll, false, regularized]);
  cases.push([loss, "none", true, true]);
}

describe("evaluate is forward only and bit-identical to lossAndGradient", () => {
  test.each(cases)("%s unroll=%s simd=%s regularized=%s", async (loss, unroll, simd, regularized) => {
    const [activation, units] = OUTPUT[loss];
    const ir = makeIR({
      inputSize: 8,
      layers: [{ units: 8, activation: { kind: "gelu" } }, { units, activation }],
      loss,
      optimizer: CASE_OPTIMIZERS["adam"]!,
      regularization: regularized ? { l1: 1e-3, l2: 1e-2 } : { l1: 0, l2: 0 },
    });
    const { source, module } = await compileAndLoad(ir, { unroll, simd });
    if (simd) expect(source).toContain("stageInput(x, from, chunk);"); // lossOf runs the wasm kernels
    const m = module as unknown as Evaluating;
    const rows = 600; // more than one 256-row chunk
    const { x, y } = data(rows, 8, units, loss);
    const trainer = new m.Trainer({ seed: 5 });
    const expected = m.lossAndGradient(trainer.params, x, y, rows, new Float64Array(m.spec.paramCount));
    const evaluation = trainer.evaluate(x, y);
    expect(Object.is(evaluation.loss, expected)).toBe(true);
    if (loss === "softmax_ce") {
      const out = m.forwardBatch(trainer.params, x, rows);
      let correct = 0;
      for (let r = 0; r < rows; r++) {
        const row = Array.from(out.subarray(r * units, (r + 1) * units));
        if (row.indexOf(Math.max(...row)) === Array.from(y.subarray(r * units, (r + 1) * units)).indexOf(1)) correct++;
      }
      expect(evaluation.accuracy).toBe(correct / rows);
    }
  });
});
