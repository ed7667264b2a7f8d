/**
 * Every bundled example trains from the command line, as its header comment says, to the held-out
 * figures of the training convergence tests (test/training/convergence*.test.ts): default 20 %
 * stratified validation split, the program's own seed, --standardize.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

const root = join(import.meta.dirname, "../..");

interface Result {
  readonly metrics: { readonly validation: { readonly accuracy?: number; readonly labels?: readonly { readonly accuracy: number }[]; readonly r2?: number } };
}

const runs = new Map<string, Promise<Result>>();

/** One run per command line: the --no-simd test reuses the digits run of the test before it (a test each stays short). */
function trainExample(name: string, target: readonly string[], extra: readonly string[] = []): Promise<Result> {
  const key = JSON.stringify([name, target, extra]);
  let run = runs.get(key);
  if (run === undefined) {
    run = runExample(name, target, extra);
    runs.set(key, run);
  }
  return run;
}

/** Examples that train on another example's data. */
const DATA: Readonly<Record<string, string>> = { digits_dropout: "digits" };

async function runExample(name: string, target: readonly string[], extra: readonly string[]): Promise<Result> {
  const cwd = mkdtempSync(join(tmpdir(), "mlpc-examples-"));
  const r = await runCli(["train", join(root, "examples", `${name}.mlp`), "--data", join(root, "examples/data", `${DATA[name] ?? name}.csv`), ...target, "--standardize", "--json", ...extra], { cwd });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Result;
}

describe("mlpc train reaches the convergence figures on every bundled example", () => {
  it.each([
    ["iris", 0.95],
    ["wine", 0.95],
    ["breast_cancer", 0.95],
    ["digits", 0.95],
    ["digits_dropout", 0.95],
  ])("%s: validation accuracy >= %d", async (name, min) => {
    const r = await trainExample(name, ["--label", "label"]);
    expect(r.metrics.validation.accuracy).toBeGreaterThanOrEqual(min);
  });

  it("digits --no-simd (plain loops): the same validation accuracy as the default f64x2 kernels, to rounding", async () => {
    const simd = await trainExample("digits", ["--label", "label"]);
    const plain = await trainExample("digits", ["--label", "label"], ["--no-simd"]);
    expect(plain.metrics.validation.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(Math.abs(simd.metrics.validation.accuracy! - plain.metrics.validation.accuracy!)).toBeLessThanOrEqual(1 / 300);
  });

  it("multilabel: every label >= 90 % on validation", async () => {
    const r = await trainExample("multilabel", ["--labels", "y0,y1,y2"]);
    const labels = r.metrics.validation.labels!;
    expect(labels).toHaveLength(3);
    for (const l of labels) expect(l.accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it("regression: validation R^2 >= 0.95", async () => {
    const r = await trainExample("regression", ["--target", "y"]);
    expect(r.metrics.validation.r2).toBeGreaterThanOrEqual(0.95);
  });
});
