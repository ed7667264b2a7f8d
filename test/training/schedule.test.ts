/** learningRate(step) against values computed by hand from the formulas in docs/training.md. */
import { describe, expect, test } from "vitest";
import type { Schedule } from "../../src/ir/types.js";
import { loadModule, makeIR } from "./support.js";

async function rates(lr: number, schedule: Schedule, steps: number): Promise<number[]> {
  const ir = makeIR({
    inputSize: 1,
    layers: [{ units: 1, activation: { kind: "linear" } }],
    loss: "mse",
    optimizer: { kind: "sgd", lr, clip: null },
    schedule,
  });
  const m = await loadModule(ir);
  return Array.from({ length: steps }, (_, t) => m.learningRate(t));
}

function expectRates(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, t) => expect(a, `step ${t}`).toBeCloseTo(expected[t]!, 15));
}

const c = (x: number) => Math.cos(x);

describe("learningRate", () => {
  test("constant", async () => {
    expectRates(await rates(0.01, { warmup: 0, decay: { kind: "none" } }, 3), [0.01, 0.01, 0.01]);
  });

  test("linear warmup: lr0 (t + 1) / W, then lr0", async () => {
    expectRates(await rates(0.1, { warmup: 4, decay: { kind: "none" } }, 6), [0.025, 0.05, 0.075, 0.1, 0.1, 0.1]);
  });

  test("step decay: lr0 gamma^floor(s / step_size)", async () => {
    expectRates(await rates(1, { warmup: 0, decay: { kind: "step", stepSize: 3, gamma: 0.5 } }, 8), [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25]);
  });

  test("warmup then step decay counts s from the end of warmup", async () => {
    expectRates(await rates(1, { warmup: 2, decay: { kind: "step", stepSize: 2, gamma: 0.1 } }, 7), [0.5, 1, 1, 1, 0.1, 0.1, 0.01]);
  });

  test("exponential decay: lr0 gamma^(s / decay_steps)", async () => {
    expectRates(await rates(1, { warmup: 0, decay: { kind: "exponential", gamma: 0.5, decaySteps: 2 } }, 5), [1, Math.SQRT1_2, 0.5, 0.5 * Math.SQRT1_2, 0.25]);
  });

  test("cosine: eta_min + (lr0 - eta_min)(1 + cos(pi min(s, t_max) / t_max)) / 2, held after t_max", async () => {
    expectRates(await rates(1, { warmup: 0, decay: { kind: "cosine", tMax: 4, etaMin: 0, restart: null } }, 7), [
      1,
      (1 + c(Math.PI / 4)) / 2, // 0.853553...
      0.5,
      (1 + c((3 * Math.PI) / 4)) / 2, // 0.146446...
      0,
      0,
      0,
    ]);
    expectRates(await rates(0.1, { warmup: 1, decay: { kind: "cosine", tMax: 2, etaMin: 0.02, restart: null } }, 5), [0.1, 0.1, 0.06, 0.02, 0.02]);
  });

  test("SGDR with t_mult = 2: cycles 2, 4, 8", async () => {
    expectRates(await rates(1, { warmup: 0, decay: { kind: "cosine", tMax: 0, etaMin: 0, restart: { t0: 2, tMult: 2 } } }, 8), [
      1,
      0.5, // cycle 1 (T = 2): s_i = 0, 1
      1, // restart: cycle 2 (T = 4)
      (1 + c(Math.PI / 4)) / 2,
      0.5,
      (1 + c((3 * Math.PI) / 4)) / 2,
      1, // restart: cycle 3 (T = 8)
      (1 + c(Math.PI / 8)) / 2,
    ]);
  });

  test("SGDR with t_mult = 1: equal cycles, eta_min and warmup", async () => {
    expectRates(await rates(0.2, { warmup: 1, decay: { kind: "cosine", tMax: 0, etaMin: 0.1, restart: { t0: 3, tMult: 1 } } }, 8), [
      0.2, // warmup (t + 1) / 1
      0.2,
      0.1 + 0.1 * 0.75, // cos(pi/3) = 1/2
      0.1 + 0.1 * 0.25,
      0.2, // restart
      0.175,
      0.125,
      0.2,
    ]);
  });

  test("SGDR with t_mult = 3 far out: s = 1 + 3 + 9 + 5", async () => {
    const r = await rates(1, { warmup: 0, decay: { kind: "cosine", tMax: 0, etaMin: 0, restart: { t0: 1, tMult: 3 } } }, 19);
    expect(r[18]).toBeCloseTo((1 + c((Math.PI * 5) / 27)) / 2, 15);
    expect(r[13]).toBe(1); // start of the 27-long cycle
  });
});
