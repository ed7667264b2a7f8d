/**
 * Convergence through the public Trainer API, with the recipes of examples/*.mlp, on the real
 * data: a fixed seeded held-out split (20 % test), features standardized from the training split.
 */
import { describe, expect, test } from "vitest";
import { classAccuracy, labelAccuracy, readDataset, rSquared, splitDataset } from "../support/datasets.js";
import { example, SPLIT } from "./examples.js";
import { loadModule } from "./support.js";

describe("convergence on the real datasets (held-out accuracy)", () => {
  test("xor: 100 %", async () => {
    const m = await loadModule(example("xor"));
    const { rows } = readDataset("xor");
    const x = rows.map((r) => r.slice(0, 2));
    const y = rows.map((r) => r.slice(2));
    const trainer = new m.Trainer();
    const history = trainer.fit(x, y);
    console.log("xor", history.history["loss"]!.at(-1), trainer.evaluate(x, y));
    expect(trainer.evaluate(x, y).accuracy).toBe(1);
  });

  test.each([
    ["iris", 0.95],
    ["wine", 0.95],
    ["breast_cancer", 0.95],
  ] as const)("%s: >= %s", async (name, target) => {
    const t0 = performance.now();
    const m = await loadModule(example(name));
    const s = splitDataset(readDataset(name), { targets: 1, ...SPLIT });
    const trainer = new m.Trainer();
    trainer.fit(s.xTrain, s.yTrain);
    const predictions = trainer.predict(s.xTest);
    const accuracy = name === "breast_cancer" ? labelAccuracy(predictions, s.yTest)[0]! : classAccuracy(predictions, s.yTest);
    console.log(name, accuracy, trainer.evaluate(s.xTest, s.yTest), `${Math.round(performance.now() - t0)} ms`);
    expect(accuracy).toBeGreaterThanOrEqual(target);
  });

  test("multilabel: every label >= 90 %", async () => {
    const t0 = performance.now();
    const m = await loadModule(example("multilabel"));
    const s = splitDataset(readDataset("multilabel"), { targets: 3, ...SPLIT, standardize: false });
    const trainer = new m.Trainer();
    trainer.fit(s.xTrain, s.yTrain);
    const perLabel = labelAccuracy(trainer.predict(s.xTest), s.yTest);
    console.log("multilabel", perLabel, `${Math.round(performance.now() - t0)} ms`);
    for (const a of perLabel) expect(a).toBeGreaterThanOrEqual(0.9);
  });

  test("regression: R^2 >= 0.95", async () => {
    const t0 = performance.now();
    const m = await loadModule(example("regression"));
    const s = splitDataset(readDataset("regression"), { targets: 1, ...SPLIT, standardize: false });
    const trainer = new m.Trainer();
    trainer.fit(s.xTrain, s.yTrain);
    const r2 = rSquared(trainer.predict(s.xTest), s.yTest);
    console.log("regression", r2, `${Math.round(performance.now() - t0)} ms`);
    expect(r2).toBeGreaterThanOrEqual(0.95);
  });
});
