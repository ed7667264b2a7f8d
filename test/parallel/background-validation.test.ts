/**
 * The validation pass on a second thread: a worker holding the generated module gives, for each
 * posted parameter array, the metrics the module's own Trainer.evaluate gives on the main thread,
 * to the bit, in the order they were posted; when it cannot, every result owed rejects (the CLI
 * then validates on its own thread). And when a run on one thread hands the pass to it.
 */
import { afterAll, describe, expect, it } from "vitest";
import { emitRunnableJavaScript } from "../../src/codegen/javascript.js";
import { emitModule } from "../../src/codegen/module.js";
import { BackgroundValidation, backgroundValidationPays, MIN_BACKGROUND_VALIDATION_MACS } from "../../src/parallel/index.js";
import { buildIR } from "../support/ir.js";
import { prng } from "../support/reference.js";
import { DEFAULT_EMIT, importJavaScript } from "../codegen/load.js";
import type { TrainingModule } from "../training/support.js";

const ROWS = 120;

function data(seed: number, outputs: number): { x: Float64Array; y: Float64Array } {
  const next = prng(seed);
  const x = Float64Array.from({ length: ROWS * 64 }, () => next() * 2 - 1);
  const y = new Float64Array(ROWS * outputs);
  if (outputs === 1) for (let r = 0; r < ROWS; r++) y[r] = next() * 2 - 1;
  else for (let r = 0; r < ROWS; r++) y[r * outputs + Math.floor(next() * outputs)] = 1;
  return { x, y };
}

const url = (js: string): string => `data:text/javascript;base64,${Buffer.from(js).toString("base64")}`;
const started: BackgroundValidation[] = [];
afterAll(async () => {
  for (const v of started) await v.close();
});

describe("BackgroundValidation", () => {
  // The f64x2 kernels (64 inputs), a classifier with accuracy; and f32 storage, a regression without it.
  const cases = [
    { name: "softmax classifier, f64", ir: buildIR({ inputs: 64, layers: [[48, "relu"], [10, "softmax"]], regularization: { l2: 1e-3 } }), emit: { ...DEFAULT_EMIT, simd: true }, outputs: 10 },
    { name: "regression, f32", ir: buildIR({ inputs: 64, layers: [[16, "tanh"], [1, "linear"]], loss: "mse" }), emit: { ...DEFAULT_EMIT, simd: true, dtype: "f32" as const }, outputs: 1 },
  ];
  for (const c of cases) {
    it(`${c.name}: each posted epoch's metrics are the main thread's evaluate, bit for bit, in order`, async () => {
      const js = emitRunnableJavaScript(emitModule(c.ir, c.emit));
      const mod = await importJavaScript<TrainingModule>(js);
      const { x, y } = data(5, c.outputs);
      const validation = BackgroundValidation.start({ moduleUrl: url(js), x, y, paramCount: c.ir.paramCount, ...(c.emit.dtype === "f32" ? { dtype: "f32" as const } : {}) });
      started.push(validation);
      // Twelve parameter sets posted before any answer (the worker is still loading the module):
      // more than its slots, so some wait on this thread for a free one.
      const trainers = Array.from({ length: 12 }, (_, seed) => new mod.Trainer({ seed: seed + 1 }));
      const answers = trainers.map((t) => validation.evaluate(t.params));
      // Posting copied them: changing the trainer's weights now does not change its answer.
      const expected = trainers.map((t) => t.evaluate(x, y));
      for (const t of trainers) t.params.fill(0);
      await validation.settled();
      const got = await Promise.all(answers);
      expect(got).toEqual(expected.map((e) => ({ loss: e.loss, ...(e.accuracy === undefined ? {} : { accuracy: e.accuracy }) })));
      expect(new Set(got.map((g) => g.loss)).size).toBe(12);
      if (c.outputs === 1) expect(got[0]).not.toHaveProperty("accuracy");
    });
  }

  it("when the module cannot load: rejects every result it owes and every later one, or gives them from evaluateHere; after close, rejects", async () => {
    const { x, y } = data(1, 10);
    const broken = BackgroundValidation.start({ moduleUrl: url("throw new Error('no module here');"), x, y, paramCount: 4 });
    started.push(broken);
    await expect(broken.evaluate(new Float64Array(4))).rejects.toThrow(/no module here/);
    // With evaluateHere, the results owed come from it, on the weights as they were when posted.
    const seen: number[] = [];
    const rescued = BackgroundValidation.start({ moduleUrl: url("throw new Error('no module here');"), x, y, paramCount: 2, evaluateHere: (p) => (seen.push(p[0]!), { loss: p[0]! * 2 }) });
    started.push(rescued);
    const params = Float64Array.from([0.25, 1]);
    const first = rescued.evaluate(params);
    params[0] = 0.5;
    const second = rescued.evaluate(params);
    params[0] = 9;
    expect(await Promise.all([first, second])).toEqual([{ loss: 0.5 }, { loss: 1 }]);
    expect(seen).toEqual([0.25, 0.5]);
    // A later one too, once the failure is known.
    expect(await rescued.evaluate(Float64Array.from([3, 0]))).toEqual({ loss: 6 });
    const js = emitRunnableJavaScript(emitModule(buildIR({ inputs: 64, layers: [[10, "softmax"]] }), { ...DEFAULT_EMIT, simd: true }));
    const closed = BackgroundValidation.start({ moduleUrl: url(js), x, y, paramCount: 650 });
    await closed.close();
    await expect(closed.evaluate(new Float64Array(650))).rejects.toThrow(/closed/);
  });
});

describe("backgroundValidationPays", () => {
  it("a pass of at least MIN_BACKGROUND_VALIDATION_MACS on a machine with a core to spare", () => {
    // digits' 64-64-10 on its 359 validation rows: 1.7M multiply-adds.
    expect(backgroundValidationPays({ macsPerRow: 64 * 64 + 64 * 10, validationRows: 359, cores: 2 })).toBe(true);
    expect(backgroundValidationPays({ macsPerRow: 64 * 64 + 64 * 10, validationRows: 359, cores: 1 })).toBe(false);
    // iris' 4-8-3 on 30 rows: far below.
    expect(backgroundValidationPays({ macsPerRow: 4 * 8 + 8 * 3, validationRows: 30, cores: 2 })).toBe(false);
    expect(backgroundValidationPays({ macsPerRow: MIN_BACKGROUND_VALIDATION_MACS, validationRows: 1, cores: 2 })).toBe(true);
    expect(backgroundValidationPays({ macsPerRow: MIN_BACKGROUND_VALIDATION_MACS - 1, validationRows: 1, cores: 2 })).toBe(false);
    expect(backgroundValidationPays({ macsPerRow: MIN_BACKGROUND_VALIDATION_MACS, validationRows: 0, cores: 2 })).toBe(false);
  });
});
