/**
 * Every transformation through train -> weights file -> predict and export: for each data option
 * the saved plan says what was fitted, `mlpc predict` on a second file (columns reordered, an extra
 * column) prints the original labels, and the exported module fed the same raw rows gives the same
 * classes and probabilities to the last bit.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { Io } from "../../src/cli/io.js";
import { run } from "../../src/cli/program.js";
import { checksum } from "../../src/cli/dataset.js";
import { parseWeights, planOf } from "../../src/cli/saved.js";
import type { PreprocessingPlan } from "../../src/data/preprocess.js";

const dir = mkdtempSync(join(tmpdir(), "mlpc-roundtrip-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function mlpc(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false, color: false, cwd: dir };
  return { code: await run(args, io), stdout, stderr };
}

/** 60 rows: x numeric with holes, code a numeric category, colour text; label 1..3 by a rule. */
function trainingCsv(): string {
  const lines = ["x,code,colour,label"];
  for (let r = 0; r < 60; r++) {
    const x = r % 11 === 5 ? "" : String((r * 7) % 13);
    const colour = ["red", "green", "blue"][r % 3]!;
    lines.push(`${x},${[10, 20][r % 2]},${colour},${1 + ((r * 5) % 3)}`);
  }
  return lines.join("\n") + "\n";
}

const LATER = "colour|note|code|x\nblue|a|20|3\nred|b|10|\ngreen|c|20|12.5\npurple|d|10|1\n";
const PROGRAM = (inputs: number): string => `model rt\ninput ${inputs} -> dense 6 tanh -> dense 3 softmax\nloss softmax_ce\noptimizer adam lr=0.05\ntrain batch=16 epochs=3 seed=2\n`;

interface Case {
  readonly flags: string[];
  readonly inputs: number;
  readonly check: (plan: PreprocessingPlan) => void;
  /** Rows of LATER the module and predict take (unknown categories need ignore). */
  readonly rows: number;
}

const cases: Record<string, Case> = {
  "impute mean, scale minmax, colour one-hot": {
    flags: ["--impute", "mean", "--scale", "minmax"],
    inputs: 5,
    rows: 3,
    check: (p) => {
      expect(p.columns.map((c) => c.kind)).toEqual(["numeric", "numeric", "categorical"]);
      const x = p.columns[0]!;
      expect(x.kind === "numeric" && [x.offset, x.scale]).toEqual([0, 12]);
    },
  },
  "impute median, standard, --categorical code, --unknown ignore": {
    flags: ["--impute", "median", "--scale", "standard", "--categorical", "code", "--unknown", "ignore"],
    inputs: 6,
    rows: 4,
    check: (p) => {
      const code = p.columns[1]!;
      // The fill is the training split's most frequent level, which depends on the seeded split.
      expect(code.kind === "categorical" && [code.levels, ["10", "20"].includes(code.fill!)]).toEqual([["10", "20"], true]);
      expect(p.unknown).toBe("ignore");
    },
  },
  "most_frequent, no scaling, --features": {
    flags: ["--impute", "most_frequent", "--features", "colour,x"],
    inputs: 4,
    rows: 3,
    check: (p) => {
      expect(p.columns.map((c) => [c.column, c.kind])).toEqual([["colour", "categorical"], ["x", "numeric"]]);
      expect(p.columns.every((c) => c.fill !== null)).toBe(true);
    },
  },
  "--drop-missing, --ignore code, --standardize": {
    flags: ["--drop-missing", "--ignore", "code", "--standardize"],
    inputs: 4,
    rows: 1,
    check: (p) => expect([p.scale, p.impute, p.columns.map((c) => c.column)]).toEqual(["standard", null, ["x", "colour"]]),
  },
};

describe("train -> predict -> export round trips", () => {
  writeFileSync(join(dir, "train.csv"), trainingCsv());
  writeFileSync(join(dir, "later.csv"), LATER);
  let n = 0;
  for (const [name, c] of Object.entries(cases)) {
    it(name, async () => {
      const id = `m${n++}`;
      writeFileSync(join(dir, `${id}.mlp`), PROGRAM(c.inputs));
      const trained = await mlpc(["train", join(dir, `${id}.mlp`), "--data", "train.csv", "--quiet", "-o", `${id}.weights.json`, ...c.flags]);
      expect(trained.stderr).toBe("");
      const weights = parseWeights(readFileSync(join(dir, `${id}.weights.json`), "utf8"), id);
      c.check(planOf(weights));
      expect(weights.target.kind === "class" && weights.target.classNames).toEqual(["1", "2", "3"]);

      const later = LATER.split("\n").slice(0, 1 + c.rows).join("\n") + "\n";
      writeFileSync(join(dir, `${id}.later.csv`), later);
      const predicted = await mlpc(["predict", join(dir, `${id}.mlp`), "--weights", `${id}.weights.json`, "--data", `${id}.later.csv`]);
      expect(predicted.stderr).toBe("");
      const lines = predicted.stdout.trim().split("\n");
      expect(lines[0]).toBe("class,p_1,p_2,p_3");

      expect((await mlpc(["export", join(dir, `${id}.mlp`), "--weights", `${id}.weights.json`, "-o", `${id}.mjs`])).code).toBe(0);
      const m = (await import(pathToFileURL(join(dir, `${id}.mjs`)).href)) as { predict(row: Record<string, string>): { label: string; probabilities: number[] }; featureNames: readonly string[] };
      const header = later.split("\n")[0]!.split("|");
      later.trim().split("\n").slice(1).forEach((line, r) => {
        // "note" is no column of the training file: a key the module refuses (mlpc predict reads a file's columns by name).
        const row = Object.fromEntries(line.split("|").map((v, i) => [header[i]!, v]).filter(([name]) => name !== "note"));
        expect(() => m.predict({ ...row, note: "a" })).toThrow('there is no column "note"');
        const p = m.predict(row);
        expect([p.label, ...p.probabilities.map(String)], `row ${r}`).toEqual(lines[r + 1]!.split(","));
      });
    }, 60_000);
  }

  it("an unknown category at predict time names row and column, unless --unknown ignore", async () => {
    writeFileSync(join(dir, "u.mlp"), PROGRAM(5));
    expect((await mlpc(["train", join(dir, "u.mlp"), "--data", "train.csv", "--quiet", "--impute", "mean", "-o", "u.weights.json"])).code).toBe(0);
    const r = await mlpc(["predict", join(dir, "u.mlp"), "--weights", "u.weights.json", "--data", "later.csv"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('mlpc: later.csv, row 5, column "colour": unknown category "purple": the training rows had "blue", "green", "red" (--unknown ignore encodes unseen ones as all zeros)\n');
    const ignored = await mlpc(["predict", join(dir, "u.mlp"), "--weights", "u.weights.json", "--data", "later.csv", "--unknown", "ignore"]);
    expect(ignored.code).toBe(0);
    expect(ignored.stdout.trim().split("\n")).toHaveLength(5);
  }, 60_000);

  it("a weights file from before plans (no preprocessing field) still predicts, with its features and scaling", async () => {
    const iris = new URL("../../examples/", import.meta.url).pathname;
    const args = ["--weights", "new.weights.json", "--data", join(iris, "data/iris.csv")];
    expect((await mlpc(["train", join(iris, "iris.mlp"), "--data", join(iris, "data/iris.csv"), "--standardize", "--epochs", "3", "--quiet", "-o", "new.weights.json"])).code).toBe(0);
    const now = await mlpc(["predict", join(iris, "iris.mlp"), ...args]);
    const saved = JSON.parse(readFileSync(join(dir, "new.weights.json"), "utf8")) as Record<string, unknown>;
    expect(saved.scaling).not.toBeNull();
    delete saved.preprocessing;
    writeFileSync(join(dir, "new.weights.json"), JSON.stringify(saved));
    const old = await mlpc(["predict", join(iris, "iris.mlp"), ...args]);
    expect(old.stderr).toBe("");
    expect(old.stdout).toBe(now.stdout);
  }, 60_000);

  it("an all-numeric minmax model exports the numbers-in module (and ONNX) with its scaling, agreeing with predict", async () => {
    const ex = new URL("../../examples/", import.meta.url).pathname;
    const csv = join(ex, "data/iris.csv");
    expect((await mlpc(["train", join(ex, "iris.mlp"), "--data", csv, "--scale", "minmax", "--epochs", "3", "--quiet", "-o", "mm.weights.json"])).code).toBe(0);
    const predicted = (await mlpc(["predict", join(ex, "iris.mlp"), "--weights", "mm.weights.json", "--data", csv])).stdout.trim().split("\n");
    expect((await mlpc(["export", join(ex, "iris.mlp"), "--weights", "mm.weights.json", "-o", "mm.mjs"])).code).toBe(0);
    expect((await mlpc(["export", join(ex, "iris.mlp"), "--weights", "mm.weights.json", "-o", "mm.onnx"])).code).toBe(0);
    const m = (await import(pathToFileURL(join(dir, "mm.mjs")).href)) as { predict(row: number[]): { label: string; probabilities: number[] } };
    const rows = readFileSync(csv, "utf8").trim().split("\n").slice(1);
    rows.forEach((line, r) => {
      const p = m.predict(line.split(",").slice(0, 4).map(Number));
      expect([p.label, ...p.probabilities.map(String)], `row ${r}`).toEqual(predicted[r + 1]!.split(","));
    });
  }, 60_000);

  it("a checkpoint from before data options (old settings, old data checksum) still resumes", async () => {
    const ex = new URL("../../examples/", import.meta.url).pathname;
    const csv = join(ex, "data/iris.csv");
    const args = ["train", join(ex, "iris.mlp"), "--data", csv, "--standardize", "--quiet"];
    expect((await mlpc([...args, "--epochs", "2", "--checkpoint", "old.ckpt.json", "-o", "old.weights.json"])).code).toBe(0);
    const ckpt = JSON.parse(readFileSync(join(dir, "old.ckpt.json"), "utf8")) as { settings: Record<string, unknown> };
    delete ckpt.settings.dataOptions;
    delete ckpt.settings.test;
    // The old sum: the feature matrix row by row, then the class ids (FNV-1a over the bytes).
    const rows = readFileSync(csv, "utf8").trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
    ckpt.settings.dataChecksum = checksum(Float64Array.from(rows.flatMap((r) => r.slice(0, 4))), Int32Array.from(rows, (r) => r[4]!));
    writeFileSync(join(dir, "old.ckpt.json"), JSON.stringify(ckpt));
    const resumed = await mlpc([...args, "--epochs", "3", "--resume", "old.ckpt.json", "-o", "old.weights.json"]);
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
  }, 60_000);
});
