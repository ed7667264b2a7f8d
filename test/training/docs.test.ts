/** The worked example of docs/training.md ("A step by hand"), run through the generated code. */
import { describe, expect, test } from "vitest";
import type { Optimizer } from "../../src/ir/types.js";
import { loadModule, makeIR } from "./support.js";

async function firstStep(optimizer: Optimizer): Promise<[number, number, number]> {
  const m = await loadModule(makeIR({ inputSize: 1, layers: [{ units: 1, activation: { kind: "linear" } }], loss: "mse", optimizer }));
  const state = m.createTrainState(new Float64Array([0.5, 0]));
  const loss = m.trainStep(state, [2], [3], 1);
  return [loss, state.params[0]!, state.params[1]!];
}

describe("docs/training.md: a step by hand (w = 0.5, b = 0, x = 2, y = 3, lr = 0.1)", () => {
  const adam = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, clip: null };
  test.each([
    ["sgd", { kind: "sgd", lr: 0.1, clip: null }, 1.3, 0.4],
    ["momentum", { kind: "momentum", lr: 0.1, beta: 0.9, nesterov: false, clip: null }, 1.3, 0.4],
    ["nesterov", { kind: "momentum", lr: 0.1, beta: 0.9, nesterov: true, clip: null }, 2.02, 0.76],
    ["adam", { kind: "adam", ...adam }, 0.6 - 1.25e-10, 0.1 - 2.5e-10],
    ["adamw", { kind: "adamw", ...adam, weightDecay: 0.01 }, 0.5995 - 1.25e-10, 0.1 - 2.5e-10],
    ["sgd clip=1", { kind: "sgd", lr: 0.1, clip: 1 }, 0.5 + 0.8 / (Math.sqrt(80) + 1e-6), 0.4 / (Math.sqrt(80) + 1e-6)],
  ] as [string, Optimizer, number, number][])("%s", async (_name, optimizer, w, b) => {
    const [loss, w1, b1] = await firstStep(optimizer);
    expect(loss).toBe(4);
    expect(w1).toBeCloseTo(w, 14);
    expect(b1).toBeCloseTo(b, 14);
  });

  test("the SGDR example: lr0 = 1, T0 = 2, M = 2", async () => {
    const m = await loadModule(
      makeIR({
        inputSize: 1,
        layers: [{ units: 1, activation: { kind: "linear" } }],
        loss: "mse",
        optimizer: { kind: "sgd", lr: 1, clip: null },
        schedule: { warmup: 0, decay: { kind: "cosine", tMax: 0, etaMin: 0, restart: { t0: 2, tMult: 2 } } },
      }),
    );
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((t) => Math.round(m.learningRate(t) * 1000) / 1000)).toEqual([1, 0.5, 1, 0.854, 0.5, 0.146, 1, 0.962]);
  });
});
