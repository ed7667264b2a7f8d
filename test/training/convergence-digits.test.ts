/** Digits on its own file (the slowest convergence run), same recipe as convergence.test.ts. */
import { expect, test } from "vitest";
import { classAccuracy, readDataset, splitDataset } from "../support/datasets.js";
import { example, SPLIT } from "./examples.js";
import { loadModule } from "./support.js";

test("digits: >= 95 % held out", async () => {
  const t0 = performance.now();
  const m = await loadModule(example("digits"));
  const s = splitDataset(readDataset("digits"), { targets: 1, ...SPLIT });
  const trainer = new m.Trainer();
  trainer.fit(s.xTrain, s.yTrain);
  const accuracy = classAccuracy(trainer.predict(s.xTest), s.yTest);
  console.log("digits", accuracy, `${Math.round(performance.now() - t0)} ms`);
  expect(accuracy).toBeGreaterThanOrEqual(0.95);
});
