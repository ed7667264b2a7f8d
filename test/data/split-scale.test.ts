import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic, writeFileAtomicSync } from "../../src/data/atomic.js";
import { checkBatchFits } from "../../src/data/batch.js";
import { formatDataError } from "../../src/data/errors.js";
import { applyStandardizer, fitStandardizer, standardizerFromJSON } from "../../src/data/scale.js";
import { gatherRows, mulberry32, oneHot, permutation, splitRows } from "../../src/data/split.js";

describe("seeded shuffling", () => {
  it("is deterministic for a seed and different across seeds", () => {
    expect([...permutation(10, 42)]).toEqual([...permutation(10, 42)]);
    expect([...permutation(10, 42)]).not.toEqual([...permutation(10, 43)]);
    expect([...permutation(10, 42)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("mulberry32 gives the reference values", () => {
    // First outputs of the published mulberry32 for seed 1 (times 2^32).
    const r = mulberry32(1);
    expect(Math.round(r() * 4294967296)).toBe(2693262067);
  });
});

describe("train/validation split", () => {
  it("stratifies: each class keeps its share in validation", () => {
    const ids = Int32Array.from({ length: 150 }, (_, i) => Math.floor(i / 50)); // sorted, like iris
    const { train, validation } = splitRows(150, 0.2, 7, ids);
    expect(train.length).toBe(120);
    expect(validation.length).toBe(30);
    const counts = [0, 0, 0];
    for (const r of validation) counts[ids[r]!]!++;
    expect(counts).toEqual([10, 10, 10]);
    expect(new Set([...train, ...validation]).size).toBe(150);
  });

  it("without classes holds out round(rows * fraction), in file order", () => {
    const { train, validation } = splitRows(10, 0.3, 1);
    expect(validation.length).toBe(3);
    expect([...train]).toEqual([...train].sort((a, b) => a - b));
  });

  it("keeps at least one row on each side and none without a fraction", () => {
    expect(splitRows(3, 0.01, 1).validation.length).toBe(1);
    expect(splitRows(5, 0, 1).validation.length).toBe(0);
  });

  it("gathers rows and one-hot encodes", () => {
    expect([...gatherRows(Float64Array.from([1, 2, 3, 4, 5, 6]), 2, Int32Array.from([2, 0]))]).toEqual([5, 6, 1, 2]);
    expect([...oneHot(Int32Array.from([2, 0]), 3)]).toEqual([0, 0, 1, 1, 0, 0]);
  });
});

describe("standardization", () => {
  it("fits mean and population std on the given rows only, constant columns get std 1", () => {
    const x = Float64Array.from([1, 5, 3, 5, 100, 5]); // rows (1,5) (3,5) (100,5)
    const s = fitStandardizer(x, ["a", "b"], Int32Array.from([0, 1]));
    expect(s.mean).toEqual([2, 5]);
    expect(s.std).toEqual([1, 1]);
    expect([...applyStandardizer(s, x)]).toEqual([-1, 0, 1, 0, 98, 0]);
  });

  it("round-trips through JSON and refuses broken files", () => {
    const s = fitStandardizer(Float64Array.from([0, 2, 4]), ["a"]);
    const back = standardizerFromJSON(JSON.parse(JSON.stringify(s)));
    expect(back.ok && back.value).toEqual(s);
    expect(standardizerFromJSON({ ...s, std: [0] })).toEqual({ ok: false, error: "scaling.std must be 1 positive finite numbers" });
    expect(standardizerFromJSON({ ...s, mean: [null] })).toEqual({ ok: false, error: "scaling.mean must be 1 finite numbers" });
    expect(standardizerFromJSON({ kind: "minmax" })).toEqual({ ok: false, error: 'unknown scaling kind "minmax"' });
  });
});

describe("batch size against the data", () => {
  it("refuses a split smaller than one batch", () => {
    const e = checkBatchFits("iris.csv", 8, 32);
    expect(e && formatDataError(e)).toBe("iris.csv: the training split has 8 rows, fewer than one batch of 32; lower --batch (or use batch=all) or add data");
    expect(checkBatchFits("iris.csv", 8, "all")).toBeNull();
    expect(checkBatchFits("iris.csv", 32, 32)).toBeNull();
  });
});

describe("atomic writes", () => {
  it("replaces the file and leaves no temporary file behind", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlpc-atomic-"));
    const file = join(dir, "w.json");
    writeFileSync(file, "old");
    await writeFileAtomic(file, "new");
    expect(readFileSync(file, "utf8")).toBe("new");
    writeFileAtomicSync(file, "newer");
    expect(readFileSync(file, "utf8")).toBe("newer");
    expect(readdirSync(dir)).toEqual(["w.json"]);
  });

  it("leaves the old file intact when the write fails", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlpc-atomic-"));
    const file = join(dir, "w.json");
    writeFileSync(file, "old");
    await expect(writeFileAtomic(join(dir, "missing-folder", "w.json"), "x")).rejects.toThrow();
    expect(readFileSync(file, "utf8")).toBe("old");
    expect(readdirSync(dir)).toEqual(["w.json"]);
  });
});
