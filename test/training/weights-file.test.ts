/**
 * Trainer.fromJSON reads the weights file `mlpc train` writes (its trainer part; the scaling is
 * the caller's business, docs/training.md) and refuses other files with a message.
 */
import { describe, expect, test } from "vitest";
import { CASE_OPTIMIZERS } from "./cases.js";
import { loadModule, makeIR } from "./support.js";

describe("Trainer.fromJSON and the files of mlpc train", () => {
  test("takes the trainer part of a weights file and of a training checkpoint", async () => {
    const ir = makeIR({ inputSize: 3, layers: [{ units: 4, activation: { kind: "relu" } }, { units: 2, activation: { kind: "softmax" } }], loss: "softmax_ce", optimizer: CASE_OPTIMIZERS["adam"]! });
    const m = await loadModule(ir);
    const trained = new m.Trainer({ seed: 3 });
    trained.fit([[0, 1, 2], [1, 0, 2], [2, 1, 0], [0, 0, 1]], [0, 1, 1, 0], { epochs: 3, batchSize: 2 });
    const trainer = trained.toJSON();
    const weights = { format: "mlpc-weights", version: 1, mlpc: "0.1.0", model: "model", features: ["a", "b", "c"], target: { kind: "class", column: "label", classCount: 2, classNames: null }, scaling: { kind: "standardize", features: ["a", "b", "c"], mean: [1, 1, 1], std: [2, 2, 2] }, trainer };
    const loaded = m.Trainer.fromJSON(JSON.stringify(weights));
    expect(Array.from(loaded.params)).toEqual(Array.from(trained.params));
    expect(loaded.toJSON()).toEqual(trainer);
    expect(m.Trainer.fromJSON({ format: "mlpc-train-checkpoint", version: 1, trainer }).toJSON()).toEqual(trainer);
    expect(() => m.Trainer.fromJSON({ ...weights, trainer: undefined })).toThrow('this mlpc-weights file has no trainer checkpoint (no "trainer" object)');
    expect(() => m.Trainer.fromJSON({ format: "mlpc-report" })).toThrow(/not an mlpc trainer checkpoint \(format is not mlpc-trainer\) nor a weights file of mlpc train/);
  });
});
