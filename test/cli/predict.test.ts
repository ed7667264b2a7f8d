/** `mlpc predict`: CSV out, weights validated against the program, scaling and class names reused. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { csvField, predictionsCsv } from "../../src/cli/predict.js";
import { runCommand } from "./train-support.js";

const root = join(import.meta.dirname, "../..");
const example = (name: string): string => join(root, "examples", name);
const data = (name: string): string => join(root, "examples/data", name);
const dir = mkdtempSync(join(tmpdir(), "mlpc-predict-"));
const write = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

beforeAll(async () => {
  // Class names instead of ids, to check they come back in the predictions.
  const names = ["setosa", "versicolor", "virginica"];
  const iris = readFileSync(data("iris.csv"), "utf8").replace(/,(\d)$/gm, (_, id: string) => `,${names[Number(id)]}`);
  write("iris-named.csv", iris);
  const r = await runCommand(["train", example("iris.mlp"), "--data", "iris-named.csv", "--standardize", "--epochs", "40", "--quiet"], { cwd: dir });
  expect(r.code).toBe(0);
}, 60_000);

describe("mlpc predict", () => {
  it("writes class names and probabilities for every row to stdout", async () => {
    const r = await runCommand(["predict", example("iris.mlp"), "--weights", "iris.weights.json", "--data", "iris-named.csv"], { cwd: dir });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("class,p_setosa,p_versicolor,p_virginica");
    expect(lines).toHaveLength(151);
    expect(lines[1]).toMatch(/^setosa,[\d.e-]+,[\d.e-]+,[\d.e-]+$/);
    const p = lines[1]!.split(",").slice(1).map(Number);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const right = lines.slice(1).filter((l, i) => l.split(",")[0] === ["setosa", "versicolor", "virginica"][Math.floor(i / 50)]).length;
    expect(right / 150).toBeGreaterThan(0.9);
  });

  it("takes the feature columns by name, in any order, without the label, and writes --out", async () => {
    const [header, ...rows] = readFileSync(data("iris.csv"), "utf8").trim().split("\n");
    const cols = header!.split(",");
    const reorder = (line: string): string => {
      const v = line.split(",");
      return [v[3], v[0], v[2], v[1]].join(",");
    };
    write("new.csv", [reorder(cols.map((c) => (c.includes(" ") ? c : c)).join(",")), ...rows.slice(0, 5).map(reorder)].join("\n") + "\n");
    const r = await runCommand(["predict", example("iris.mlp"), "--weights", "iris.weights.json", "--data", "new.csv", "-o", "out.csv"], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("wrote 5 predictions to out.csv\n");
    expect(readFileSync(join(dir, "out.csv"), "utf8").split("\n").slice(1, 6).every((l) => l.startsWith("setosa,"))).toBe(true);
  });

  it("refuses weights of another model, a checkpoint, broken JSON, and data missing a feature", async () => {
    const other = await runCommand(["predict", example("wine.mlp"), "--weights", "iris.weights.json", "--data", data("wine.csv")], { cwd: dir });
    expect(other.code).toBe(1);
    expect(other.stderr).toBe("mlpc: iris.weights.json: the weights are for another network: 4 -> 16 relu -> 3 softmax, but wine is 13 -> 16 swish -> 3 softmax\n");

    const wider = write("wide.mlp", "model iris\ninput 4 -> dense 8 relu -> dense 3 softmax\n");
    const shapes = await runCommand(["predict", wider, "--weights", "iris.weights.json", "--data", data("iris.csv")], { cwd: dir });
    expect(shapes.code).toBe(1);
    expect(shapes.stderr).toBe("mlpc: iris.weights.json: the weights are for another network: 4 -> 16 relu -> 3 softmax, but iris is 4 -> 8 relu -> 3 softmax\n");

    write("broken.json", '{"format":"mlpc-weights","version":1,"features":[NaN]}');
    const broken = await runCommand(["predict", example("iris.mlp"), "--weights", "broken.json", "--data", data("iris.csv")], { cwd: dir });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^mlpc: broken\.json: not valid JSON \(/);

    const weights = JSON.parse(readFileSync(join(dir, "iris.weights.json"), "utf8"));
    write("v2.json", JSON.stringify({ ...weights, version: 2 }));
    const v2 = await runCommand(["predict", example("iris.mlp"), "--weights", "v2.json", "--data", data("iris.csv")], { cwd: dir });
    expect(v2.stderr).toBe("mlpc: v2.json: weights file format version 2 is not supported (this mlpc reads version 1)\n");

    write("three.csv", "sepal length (cm),sepal width (cm),petal length (cm)\n1,2,3\n");
    const missing = await runCommand(["predict", example("iris.mlp"), "--weights", "iris.weights.json", "--data", "three.csv"], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('mlpc: three.csv, row 1: there is no column named "petal width (cm)"; did you mean "sepal width (cm)"? (columns: "sepal length (cm)", "sepal width (cm)", "petal length (cm)")\n');
  }, 60_000);
});

describe("prediction CSV", () => {
  const ir = (outputSize: number) => ({ outputSize }) as never;
  it("binary: the class and the probability of class 1", () => {
    expect(predictionsCsv(ir(1), { kind: "class", column: "y", classCount: 2, classNames: ["no", "yes"] }, [0.25, 0.75], 2)).toBe("class,p_yes\nno,0.25\nyes,0.75\n");
  });
  it("multilabel: 0/1 per label, then probabilities", () => {
    expect(predictionsCsv(ir(2), { kind: "multilabel", columns: ["a", "b"] }, [0.9, 0.1], 1)).toBe("a,b,p_a,p_b\n1,0,0.9,0.1\n");
  });
  it("regression: one column per target; names quoted when needed", () => {
    expect(predictionsCsv(ir(1), { kind: "regression", columns: ['price, "net"'] }, [1.5], 1)).toBe('"price, ""net"""\n1.5\n');
    expect(csvField(" x")).toBe('" x"');
  });
});
