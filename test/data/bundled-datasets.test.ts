/**
 * examples/data holds copies of ../shared/datasets so the CLI and tests never read outside the
 * project. Where the shared folder exists (the development machine), the copies must match it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DATASET_DIR } from "../support/datasets.js";

const SHARED = fileURLToPath(new URL("../../../shared/datasets/", import.meta.url));
/** The messy example's files are mlpc's own (scripts/make-customers.py), not copies. */
const OWN = new Set(["customers.csv", "customers_holdout.csv"]);
const bundled = readdirSync(DATASET_DIR).filter((f) => f.endsWith(".csv") && !OWN.has(f)).sort();

describe("bundled datasets", () => {
  it("the seven datasets are bundled", () => {
    expect(bundled).toEqual(["breast_cancer.csv", "digits.csv", "iris.csv", "multilabel.csv", "regression.csv", "wine.csv", "xor.csv"]);
  });

  it.runIf(existsSync(SHARED))("each copy is byte-identical to ../shared/datasets", () => {
    for (const f of bundled) expect(readFileSync(DATASET_DIR + f).equals(readFileSync(SHARED + f)), f).toBe(true);
  });
});
