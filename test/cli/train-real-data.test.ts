/**
 * The messy example end to end: trains (semicolons, an id column, two text columns, empty fields),
 * evaluates on its held-out file, and exports a module whose predict takes a raw row with strings
 * and agrees with `mlpc predict` to the last bit. Plus the width message and the bad-input list.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { Io } from "../../src/cli/io.js";
import { run } from "../../src/cli/program.js";
import { parseWeights } from "../../src/cli/saved.js";
import { inputWidth } from "../../src/data/preprocess.js";

const root = new URL("../../", import.meta.url).pathname;
const example = (f: string): string => join(root, "examples", f);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function mlpc(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTTY: false, color: false, cwd };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

const TRAIN = ["train", example("customers.mlp"), "--data", example("data/customers.csv"), "--label", "churned", "--ignore", "id", "--impute", "median", "--scale", "standard", "--epochs", "15", "--quiet"];

describe("the messy example", () => {
  const dir = mkdtempSync(join(tmpdir(), "mlpc-real-"));
  dirs.push(dir);

  it("trains, evaluates on the held-out file, exports a module that predicts from a raw row with strings", async () => {
    const trained = await mlpc([...TRAIN, "--test", "0.2", "-o", "c.weights.json"], dir);
    expect(trained.stderr).toBe("");
    expect(trained.code).toBe(0);
    const weights = parseWeights(readFileSync(join(dir, "c.weights.json"), "utf8"), "c.weights.json");
    expect(weights.preprocessing && inputWidth(weights.preprocessing)).toBe(9);
    expect(weights.features.slice(2, 5)).toEqual(["city=lyon", "city=nantes", "city=paris"]);
    expect(weights.target.kind === "class" && weights.target.classNames).toEqual(["no", "yes"]);

    const evaluated = await mlpc(["evaluate", example("customers.mlp"), "--weights", "c.weights.json", "--data", example("data/customers_holdout.csv"), "--json"], dir);
    expect(evaluated.code).toBe(0);
    const e = JSON.parse(evaluated.stdout) as { rows: number; accuracy: number; roc: { auc: number }; metrics: { confusion: number[][]; classes: { name: string }[] } };
    expect(e.rows).toBe(100);
    expect(e.metrics.classes.map((c) => c.name)).toEqual(["no", "yes"]);
    expect(e.metrics.confusion.flat().reduce((a, b) => a + b, 0)).toBe(100);
    expect(e.accuracy).toBeGreaterThan(0.8);
    expect(e.roc.auc).toBeGreaterThan(0.5);

    const predicted = await mlpc(["predict", example("customers.mlp"), "--weights", "c.weights.json", "--data", example("data/customers_holdout.csv")], dir);
    expect(predicted.code).toBe(0);
    const lines = predicted.stdout.trim().split("\n");
    expect(lines[0]).toBe("class,p_no,p_yes");

    const exported = await mlpc(["export", example("customers.mlp"), "--weights", "c.weights.json", "--to", "js", "-o", "c.predict.mjs"], dir);
    expect(exported.code).toBe(0);
    const m = (await import(pathToFileURL(join(dir, "c.predict.mjs")).href)) as { predict(row: Record<string, string | number | null>): { label: string; probabilities: number[] } };
    const csv = readFileSync(example("data/customers_holdout.csv"), "utf8").trim().split("\n");
    const header = csv[0]!.split(";");
    for (let r = 1; r < csv.length; r++) {
      const row = Object.fromEntries(csv[r]!.split(";").map((v, i) => [header[i]!, v]));
      const p = m.predict(row);
      const [label, ...probabilities] = lines[r]!.split(",");
      expect([p.label, ...p.probabilities.map(String)], `row ${r + 1}`).toEqual([label, ...probabilities]);
    }
    expect(() => m.predict({ age: "30", income: "1", city: "rome", plan: "pro", visits: "1", tenure: "1" })).toThrow('predict: unknown category "rome" for "city": known are lyon, nantes, paris');

    // NA, ?, null, NaN in place of the empty fields: read as missing, the same predictions, by mlpc predict and the module.
    const holes = ["NA", "?", "null", "NaN"];
    let marks = 0;
    const markedLines = csv.map((line, r) => (r === 0 ? line : line.split(";").map((v) => (v === "" ? holes[marks++ % holes.length]! : v)).join(";")));
    expect(marks).toBeGreaterThanOrEqual(2);
    writeFileSync(join(dir, "marked.csv"), markedLines.join("\n") + "\n");
    const markedPredicted = await mlpc(["predict", example("customers.mlp"), "--weights", "c.weights.json", "--data", join(dir, "marked.csv")], dir);
    expect(markedPredicted.stdout).toBe(predicted.stdout);
    for (let r = 1; r < csv.length; r++) {
      const row = Object.fromEntries(markedLines[r]!.split(";").map((v, i) => [header[i]!, v]));
      expect(m.predict(row).probabilities.map(String), `row ${r + 1}`).toEqual(lines[r]!.split(",").slice(1));
    }
    const blank = { age: "54", income: "", city: "", plan: "basic", visits: "7", tenure: "0.5" };
    for (const hole of ["null", " NaN ", "na", "NULL"]) expect(m.predict({ ...blank, income: hole, city: hole })).toEqual(m.predict(blank));
    // The file's other columns (id, the label) may be keys; a misspelt one is an error naming it, not a missing value.
    expect(m.predict({ ...blank, id: "C9", churned: "no" })).toEqual(m.predict(blank));
    expect(() => m.predict({ ...blank, incme: "100" })).toThrow('predict: there is no column "incme" (columns: age, income, city, plan, visits, tenure, id, churned)');
    expect(() => m.predict({ ...blank, Income: "100" })).toThrow('there is no column "Income"; did you mean "income"?');

    const onnx = await mlpc(["export", example("customers.mlp"), "--weights", "c.weights.json", "--to", "onnx", "-o", "c.onnx"], dir);
    expect(onnx.code).toBe(2);
    expect(onnx.stderr).toContain("--to onnx carries the scaling of numeric columns only; this model's preprocessing also has one-hot city, one-hot plan, imputation (--impute median)");
    expect(existsSync(join(dir, "c.onnx"))).toBe(false);
  }, 120_000);

  it("the width message says how it was counted and the line to write", async () => {
    const program = join(dir, "narrow.mlp");
    writeFileSync(program, readFileSync(example("customers.mlp"), "utf8").replace("input 9", "input 7"));
    const r = await mlpc([...TRAIN.slice(0, 1), program, ...TRAIN.slice(2), "-o", "n.weights.json"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `mlpc: ${example("data/customers.csv")}: the data encodes to 9 inputs (9 = 4 numeric + 5 one-hot from city(3), plan(2)), but ${program} takes input 7\n` +
        `  write in ${program}:6: input 9 -> dense 16 relu -> dense 2 softmax\n`,
    );
    expect(existsSync(join(dir, "n.weights.json"))).toBe(false);
  }, 60_000);

  it("bad input names the file and the column, exits non-zero and writes nothing", async () => {
    const data = example("data/customers.csv");
    const cases: [string[], string][] = [
      [["--features", "age,town"], `mlpc: ${data}, row 1: there is no column named "town"`],
      [["--ignore", "id,churned"], `mlpc: ${data}, row 1, column "churned": --ignore names the target column`],
      [["--delimiter", ","], `mlpc: ${data}, row 1: the delimiter "," splits nothing: the header is one column, but ";" would split it`],
    ];
    for (const [flags, message] of cases) {
      const args = [...TRAIN.filter((a) => a !== "--ignore" && a !== "id"), ...flags, "-o", "bad.weights.json"];
      const r = await mlpc(args, dir);
      expect(r.code, flags.join(" ")).toBe(1);
      expect(r.stderr.startsWith(message), r.stderr).toBe(true);
    }
    const noImpute = await mlpc([...TRAIN.filter((a) => a !== "--impute" && a !== "median"), "-o", "bad.weights.json"], dir);
    expect(noImpute.code).toBe(1);
    expect(noImpute.stderr).toMatch(/row \d+, column "\w+": missing value \(an empty field, NA, \?, NaN or null\); fill it with --impute mean\|median\|most_frequent/);
    expect(existsSync(join(dir, "bad.weights.json"))).toBe(false);
  }, 60_000);
});
