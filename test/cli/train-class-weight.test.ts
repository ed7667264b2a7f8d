/**
 * `mlpc train --class-weight` on a binary (one-sigmoid bce) model, on an imbalanced CSV written
 * here from a fixed seed (200 rows, 20 positive): balanced is n / (2 n_k) on the training split,
 * it changes what is learned (the rare class gets found), weights of 1 change nothing, and a
 * multilabel model is refused with why.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Io } from "../../src/cli/io.js";
import { run } from "../../src/cli/program.js";
import { prng } from "../support/reference.js";

const dir = mkdtempSync(join(tmpdir(), "mlpc-class-weight-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (file: string): string => join(dir, file);

async function mlpc(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false, color: false, cwd: dir };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

/** Every 10th row is "yes", shifted in feature a; the rest "no". */
function writeImbalanced(): void {
  const rand = prng(7);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const lines = ["a,b,label"];
  for (let r = 0; r < 200; r++) {
    const yes = r % 10 === 0;
    lines.push(`${(gauss() + (yes ? 1 : -0.5)).toFixed(4)},${gauss().toFixed(4)},${yes ? "yes" : "no"}`);
  }
  writeFileSync(join(dir, "imbalanced.csv"), lines.join("\n") + "\n");
  writeFileSync(join(dir, "binary.mlp"), "model binary\ninput 2 -> dense 4 tanh -> dense 1 sigmoid\nloss bce\noptimizer adam lr=0.01\ntrain batch=32 epochs=5 seed=1\n");
  writeFileSync(join(dir, "multi.mlp"), "model multi\ninput 1 -> dense 4 tanh -> dense 2 sigmoid\nloss multilabel_bce\n");
}
writeImbalanced();

interface Result {
  epochLosses: number[];
  yesRecall: number;
}

async function train(extra: string[]): Promise<Result> {
  const r = await mlpc(["train", at("binary.mlp"), "--data", at("imbalanced.csv"), "--label", "label", "--val", "0", "--json", "-o", "w.json", ...extra]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { event: string; loss?: number; metrics?: { train: { classes: { name: string; recall: number }[] } } });
  const result = events.find((e) => e.event === "result")!;
  return {
    epochLosses: events.filter((e) => e.event === "epoch").map((e) => e.loss!),
    yesRecall: result.metrics!.train.classes.find((c) => c.name === "yes")!.recall,
  };
}

describe("mlpc train --class-weight on a one-sigmoid bce model", () => {
  it("balanced weighs the rare class n / (2 n_k) and finds it; weights of 1 train exactly as none", async () => {
    const none = await train([]);
    const ones = await train(["--class-weight", "no=1,yes=1"]);
    expect(ones.epochLosses).toEqual(none.epochLosses);
    const balanced = await train(["--class-weight", "balanced", "--report", "r.html"]);
    expect(balanced.epochLosses).not.toEqual(none.epochLosses);
    // Unweighted, 10% positives are drowned out; weighted 5 : 0.556 they are found.
    expect(none.yesRecall).toBeLessThan(0.3);
    expect(balanced.yesRecall).toBeGreaterThanOrEqual(0.7);
    // 200 / (2 * 180) and 200 / (2 * 20), as the report lists them.
    expect(readFileSync(join(dir, "r.html"), "utf8")).toContain("0.5556, 5");
  });

  it("on two threads, each slice's rows keep their weights: the same run as one thread to rounding", async () => {
    const epochs = async (threads: string): Promise<{ loss: number; accuracy: number }[]> => {
      const r = await mlpc(["train", at("binary.mlp"), "--data", at("imbalanced.csv"), "--label", "label", "--val", "0", "--class-weight", "balanced", "--threads", threads, "--json", "-o", `w${threads}.json`]);
      expect(r.code).toBe(0);
      if (threads === "2") expect(r.stdout).toContain("training on 2 threads");
      return r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { event: string; loss: number; accuracy: number }).filter((e) => e.event === "epoch");
    };
    const one = await epochs("1");
    const two = await epochs("2");
    expect(two).toHaveLength(one.length);
    for (let e = 0; e < one.length; e++) {
      expect(two[e]!.loss).toBeCloseTo(one[e]!.loss, 12);
      expect(two[e]!.accuracy).toBe(one[e]!.accuracy); // the running accuracy from both slices' outputs
    }
  });

  it("a multilabel model is refused with why, and nothing is written", async () => {
    writeFileSync(join(dir, "multi.csv"), "x,p,q\n1,0,1\n2,1,0\n3,1,1\n4,0,0\n");
    const r = await mlpc(["train", at("multi.mlp"), "--data", at("multi.csv"), "--labels", "p,q", "--batch", "all", "--class-weight", "balanced", "-o", "m.json"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("--class-weight needs a classifier of one label (softmax_ce, or bce with one output); multi uses multilabel_bce: a multilabel model gives each row several labels");
    expect(() => readFileSync(join(dir, "m.json"))).toThrow();
  });
});
