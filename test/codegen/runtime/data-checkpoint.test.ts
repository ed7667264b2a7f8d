/**
 * The runtime's data.ts and checkpoint.ts imported as ordinary modules: row conversion and its
 * errors, and what readCheckpoint accepts (a checkpoint, its text, a weights file or training
 * checkpoint of mlpc train) and refuses.
 */
import { describe, expect, test } from "vitest";
import { checkpointInteger, checkpointNumbers, describeCheckpointLayers, readCheckpoint } from "../../../src/codegen/runtime/checkpoint.js";
import { checkRows, isNested, toMatrix } from "../../../src/codegen/runtime/data.js";

describe("runtime data.ts", () => {
  test("toMatrix flattens rows or checks a flat array, naming the bad row", () => {
    expect(Array.from(toMatrix([[1, 2], [3, 4]], 2, "x").values)).toEqual([1, 2, 3, 4]);
    expect(toMatrix([1, 2, 3, 4, 5, 6], 3, "x").rows).toBe(2);
    expect(() => toMatrix([[1, 2], [3]], 2, "x")).toThrow("x row 1 has 1 values, expected 2");
    expect(() => toMatrix([1, 2, 3], 2, "y")).toThrow("y has 3 values, not a multiple of 2 per row");
    expect(() => checkRows({ values: new Float64Array(2), rows: 2 }, 3, "y")).toThrow("y has 2 rows but x has 3");
    expect(isNested([[1]])).toBe(true);
    expect(isNested(new Float64Array(2))).toBe(false);
  });
});

describe("runtime checkpoint.ts", () => {
  const checkpoint = { format: "mlpc-trainer", version: 1, params: [1, 2] };

  test("takes a checkpoint, its JSON text, or the trainer part of a file mlpc train wrote", () => {
    expect(readCheckpoint(checkpoint)).toBe(checkpoint);
    expect(readCheckpoint(JSON.stringify(checkpoint))).toEqual(checkpoint);
    const weights = { format: "mlpc-weights", version: 1, scaling: { mean: [0], std: [1] }, trainer: checkpoint };
    expect(readCheckpoint(weights)).toBe(checkpoint);
    expect(readCheckpoint(JSON.stringify(weights))).toEqual(checkpoint);
    expect(readCheckpoint({ format: "mlpc-train-checkpoint", version: 1, trainer: checkpoint })).toBe(checkpoint);
  });

  test("refuses anything else with a message", () => {
    expect(() => readCheckpoint({ format: "mlpc-weights", version: 1 })).toThrow('this mlpc-weights file has no trainer checkpoint (no "trainer" object)');
    expect(() => readCheckpoint({ format: "other" })).toThrow(/not an mlpc trainer checkpoint .* nor a weights file of mlpc train/);
    expect(() => readCheckpoint([1, 2])).toThrow(/not an mlpc trainer checkpoint/);
    expect(() => readCheckpoint(null)).toThrow(/not an mlpc trainer checkpoint/);
    expect(() => readCheckpoint({ ...checkpoint, version: 2 })).toThrow("checkpoint format version 2 is not supported (this module reads version 1)");
    expect(() => readCheckpoint({ format: "mlpc-weights", trainer: { ...checkpoint, version: 3 } })).toThrow(/version 3 is not supported/);
  });

  test("field checks", () => {
    expect(describeCheckpointLayers([{ inputs: 4, units: 3, activation: "softmax" }])).toBe("4 -> 3 softmax");
    expect(describeCheckpointLayers("x")).toBe("(no layers)");
    expect(() => checkpointNumbers([1, Number.NaN], 2, "params")).toThrow("checkpoint params: expected 2 finite numbers");
    expect(checkpointNumbers([1, 2], 2, "params")).toEqual([1, 2]);
    expect(() => checkpointInteger(-1, "step")).toThrow("checkpoint step: expected a whole number >= 0");
  });
});
