/**
 * `mlpc export --to ts|js`: the exported module predicts bit for bit what `mlpc predict` prints
 * (f64) for every task, close to it with --dtype f32, validates its input, type-checks under the
 * strictest flags, imports nothing, stays small, and is deterministic. Bad command lines write
 * nothing and say which file is wrong.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { importJavaScript, transpile } from "../codegen/load.js";
import { CASES, cli, data, example, numericRows, predictions, strictErrors, trainCase } from "./support.js";

interface Exported {
  readonly featureNames: readonly string[];
  readonly classNames: readonly string[];
  readonly targetNames?: readonly string[];
  predict(row: unknown): { label?: string; index?: number; labels?: string[]; probabilities?: number[]; values?: number[] };
  predictBatch(rows: readonly unknown[]): ReturnType<Exported["predict"]>[];
}

const dir = mkdtempSync(join(tmpdir(), "mlpc-export-"));
const weights: Record<string, string> = {};

beforeAll(async () => {
  for (const name of Object.keys(CASES)) weights[name] = await trainCase(name, dir);
}, 120_000);

async function exportCase(name: string, format: "ts" | "js", extra: readonly string[] = []): Promise<{ path: string; text: string; module: Exported }> {
  const c = CASES[name]!;
  const path = join(dir, `${name}${extra.join("")}.predict.${format}`);
  const r = await cli(["export", example(c.program), "--weights", weights[name]!, "--to", format, "-o", path, ...extra], dir);
  expect(r.stderr).toMatch(/^wrote /);
  expect(r.code).toBe(0);
  const text = readFileSync(path, "utf8");
  const module = await importJavaScript<Exported>(format === "ts" ? transpile(text) : text);
  return { path, text, module };
}

/** Characters of the weights' base64 (the lines of the PARAMS array, without quotes or commas). */
function weightsLength(text: string): number {
  const lines = /const PARAMS = decode\(\d+, \[([\s\S]*?)\]\.join\(""\)\);/.exec(text)?.[1] ?? "";
  return (lines.match(/"[A-Za-z0-9+/=]*"/g) ?? []).reduce((n, quoted) => n + quoted.length - 2, 0);
}

async function predictCsv(name: string): Promise<{ header: string[]; rows: string[][] }> {
  const c = CASES[name]!;
  const r = await cli(["predict", example(c.program), "--weights", weights[name]!, "--data", data(c.csv)], dir);
  expect(r.code).toBe(0);
  return predictions(r.stdout);
}

/** The exported predictions in the columns `mlpc predict` prints, as the same text. */
function asCsvFields(name: string, p: ReturnType<Exported["predict"]>, classNames: readonly string[]): string[] {
  if (name === "regression") return p.values!.map(String);
  if (name === "multilabel") return [...classNames.map((c) => (p.labels!.includes(c) ? "1" : "0")), ...p.probabilities!.map(String)];
  if (name === "binary") return [p.label!, String(p.probabilities![1])];
  return [p.label!, ...p.probabilities!.map(String)];
}

describe("mlpc export --to ts|js", () => {
  for (const name of Object.keys(CASES)) {
    it(`${name}: ts and js predict bit for bit what mlpc predict prints`, async () => {
      const expected = await predictCsv(name);
      const rows = numericRows(data(CASES[name]!.csv), 0).length;
      for (const format of ["ts", "js"] as const) {
        const { module } = await exportCase(name, format);
        const x = numericRows(data(CASES[name]!.csv), module.featureNames.length);
        expect(x).toHaveLength(rows);
        const got = module.predictBatch(x).map((p) => asCsvFields(name, p, module.classNames));
        expect(got).toEqual(expected.rows);
        // An object keyed by feature name is the same row.
        const keyed = Object.fromEntries(module.featureNames.map((f, i) => [f, x[0]![i]]));
        expect(module.predict(keyed)).toEqual(module.predict(x[0]));
      }
    }, 60_000);
  }

  it("names classes as the training CSV did and exports featureNames and classNames", async () => {
    const { module } = await exportCase("multiclass", "js");
    expect(module.featureNames).toEqual(["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"]);
    expect(module.classNames).toEqual(["0", "1", "2"]);
    const p = module.predict([5.1, 3.5, 1.4, 0.2]);
    expect(p).toMatchObject({ label: "0", index: 0 });
    expect(p.probabilities!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const { module: regression } = await exportCase("regression", "js");
    expect(regression.targetNames).toEqual(["y"]);
    expect(regression.classNames).toEqual([]);
  });

  it("--dtype f32 halves the weights and stays close", async () => {
    for (const name of ["multiclass", "gelu"]) {
      const f64 = await exportCase(name, "ts");
      const f32 = await exportCase(name, "ts", ["--dtype", "f32"]);
      expect(weightsLength(f32.text) / weightsLength(f64.text)).toBeCloseTo(0.5, 2);
      const x = numericRows(data(CASES[name]!.csv), f64.module.featureNames.length).slice(0, 50);
      const a = f64.module.predictBatch(x);
      const b = f32.module.predictBatch(x);
      for (let r = 0; r < x.length; r++) {
        for (let j = 0; j < a[r]!.probabilities!.length; j++) expect(Math.abs(a[r]!.probabilities![j]! - b[r]!.probabilities![j]!)).toBeLessThan(1e-4);
      }
    }
  }, 60_000);

  it("validates rows: width, missing, non-finite and unknown features", async () => {
    const { module } = await exportCase("multiclass", "js");
    expect(() => module.predict([1, 2, 3])).toThrow("predict: expected 4 numbers (sepal length (cm), sepal width (cm), petal length (cm), petal width (cm)), got 3");
    expect(() => module.predict([1, 2, 3, Number.NaN])).toThrow('predict: "petal width (cm)" must be a finite number, got NaN');
    expect(() => module.predict([1, 2, 3, "4"])).toThrow('"petal width (cm)" must be a finite number, got 4');
    expect(() => module.predict([1, 2, Infinity, 4])).toThrow("must be a finite number, got Infinity");
    expect(() => module.predict({ "sepal length (cm)": 1, "sepal width (cm)": 2, "petal length (cm)": 3 })).toThrow('predict: missing feature "petal width (cm)"');
    expect(() => module.predict({ "sepal length (cm)": 1, "sepal width (cm)": 2, "petal length (cm)": 3, "petal width (cm)": 4, colour: 1 })).toThrow('predict: unknown feature "colour"');
    expect(() => module.predict(null)).toThrow("predict: expected an array or an object, got null");
    expect(() => module.predictBatch([[1, 2, 3, 4], [1]])).toThrow("predictBatch: row 1: expected 4 numbers");
    expect(() => module.predict(new Float64Array([1, 2, 3, 4]))).not.toThrow();
  });

  it("--to js: a .js file Node would not take as a module gets a note; the .mjs it suggests runs in Node", async () => {
    const project = mkdtempSync(join(tmpdir(), "mlpc-export-scope-"));
    const c = CASES["multiclass"]!;
    const exportTo = (out: string) => cli(["export", example(c.program), "--weights", weights["multiclass"]!, "-o", out], project);
    const loads = (file: string) =>
      spawnSync(process.execPath, ["--input-type=module", "-e", `const m = await import(${JSON.stringify(join(project, file))}); console.log(m.classNames.length)`], { encoding: "utf8" });
    const pkg = join(project, "package.json");
    writeFileSync(pkg, '{ "type": "commonjs" }\n');
    const commonJs = await exportTo(join(project, "model.js"));
    expect(commonJs.code).toBe(0);
    expect(commonJs.stderr).toContain(`note: model.js is an ES module, and ${pkg} says "type": "commonjs", so Node will not load it: name it .mjs or set "type": "module" there`);
    expect(loads("model.js").status).not.toBe(0); // the note is right: Node refuses it
    writeFileSync(pkg, "{}\n");
    expect((await exportTo(join(project, "model.js"))).stderr).toContain(`note: model.js is an ES module under ${pkg}, which sets no "type", so Node loads it only after it fails as CommonJS`);
    const mjs = await exportTo(join(project, "model.mjs"));
    expect(mjs.stderr).not.toContain("note:");
    expect(loads("model.mjs").stdout.trim()).toBe("3");
    writeFileSync(pkg, '{ "type": "module" }\n');
    const esm = await exportTo(join(project, "model.js"));
    expect(esm.stderr).not.toContain("note:");
    const loaded = loads("model.js");
    expect(loaded.stdout.trim()).toBe("3");
    expect(loaded.stderr).toBe("");
  });

  it("is strict-clean TypeScript, imports nothing, and is deterministic", async () => {
    for (const name of Object.keys(CASES)) {
      const first = await exportCase(name, "ts");
      expect(strictErrors(first.text), name).toEqual([]);
      expect(first.text).not.toMatch(/^\s*import\b|\brequire\(|\bimport\(/m);
      expect(first.text).not.toMatch(/Trainer|lossAndGradient|optimizer/);
      const again = await exportCase(name, "ts");
      expect(again.text).toBe(first.text);
    }
    const js = await exportCase("multiclass", "js");
    const dts = readFileSync(js.path.replace(/\.js$/, ".d.ts"), "utf8");
    expect(dts).toContain("export declare function predict(row: Row): Prediction;");
    expect(dts).toContain("export declare function predictBatch(rows: readonly Row[]): Prediction[];");
  }, 60_000);

  it("stays small: iris under 8 KB, at most ~3.5 KB beyond the weights; sizes of iris and digits", async () => {
    const sizes: string[] = [];
    for (const [name, label] of [["multiclass", "iris"], ["gelu", "digits"]] as const) {
      for (const [format, extra] of [["ts", []], ["js", []], ["ts", ["--dtype", "f32"]], ["js", ["--dtype", "f32"]]] as const) {
        const { path, text } = await exportCase(name, format, extra);
        const base64 = weightsLength(text);
        sizes.push(`${label} ${format}${extra.length > 0 ? " f32" : ""}: ${statSync(path).size} bytes (weights ${base64})`);
        if (label === "iris") expect(statSync(path).size).toBeLessThan(8192);
        // Beyond the base64 itself (its quotes and commas count as code here).
        if (label === "iris" && format === "js") expect(text.length - base64).toBeLessThan(3850);
      }
    }
    console.log(`export sizes:\n  ${sizes.join("\n  ")}`);
  }, 60_000);
});

describe("mlpc export: bad input writes nothing and names the file", () => {
  const fresh = (): string[] => readdirSync(dir).filter((f) => f.startsWith("bad"));

  it("refuses weights of another program", async () => {
    const r = await cli(["export", example("wine.mlp"), "--weights", weights.multiclass!, "-o", "bad.ts"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`mlpc: ${weights.multiclass}: the weights are for another network: 4 -> 16 relu -> 3 softmax, but wine is 13 -> 16 swish -> 3 softmax\n`);
    const json = JSON.parse(readFileSync(weights.multiclass!, "utf8")) as { trainer: { params: number[] } };
    json.trainer.params.pop();
    writeFileSync(join(dir, "short.weights.json"), JSON.stringify(json));
    const short = await cli(["export", example("iris.mlp"), "--weights", "short.weights.json", "-o", "bad.ts"], dir);
    expect(short.stderr).toBe("mlpc: short.weights.json: field trainer.params: expected 131 finite numbers, got a list of 130\n");
    expect(fresh()).toEqual([]);
  });

  it("refuses unreadable or broken weights, an unknown --to, and an output over an input", async () => {
    writeFileSync(join(dir, "broken.json"), "{ not json");
    const broken = await cli(["export", example("iris.mlp"), "--weights", "broken.json", "-o", "bad.ts"], dir);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^mlpc: broken\.json: not valid JSON \(.*\)\n$/);
    const missing = await cli(["export", example("iris.mlp"), "--weights", "nope.json", "-o", "bad.ts"], dir);
    expect(missing.stderr).toBe("mlpc: cannot read the weights nope.json: no such file\n");
    const to = await cli(["export", example("iris.mlp"), "--weights", weights.multiclass!, "--to", "wasm", "-o", "bad.ts"], dir);
    expect(to.code).toBe(2);
    expect(to.stderr).toContain("argument 'wasm' is invalid. Allowed choices are ts, js, onnx, torch.");
    const noTo = await cli(["export", example("iris.mlp"), "--weights", weights.multiclass!, "--to"], dir);
    expect(noTo.code).toBe(2);
    expect(noTo.stderr).toContain("option '--to <format>' argument missing");
    const mismatch = await cli(["export", example("iris.mlp"), "--weights", weights.multiclass!, "--to", "ts", "-o", "bad.js"], dir);
    expect(mismatch.stderr).toBe("mlpc: -o bad.js: the extension says js, but --to is ts\n");
    const before = readFileSync(weights.multiclass!, "utf8");
    const over = await cli(["export", example("iris.mlp"), "--weights", weights.multiclass!, "--to", "js", "-o", weights.multiclass!.replace(/json$/, "js")], dir);
    expect(over.code).toBe(0); // a different file: fine
    const same = await cli(["export", example("iris.mlp"), "--weights", "multiclass.weights.json", "--to", "ts", "-o", "multiclass.weights.json"], dir);
    expect(same.code).toBe(2);
    expect(same.stderr).toBe("mlpc: refusing to overwrite the weights multiclass.weights.json with the export (choose another -o)\n");
    expect(readFileSync(weights.multiclass!, "utf8")).toBe(before);
    expect(fresh()).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(existsSync(join(dir, "iris.predict.ts"))).toBe(false);
  });
});
