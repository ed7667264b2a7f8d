/**
 * mlpc as a new user gets it: `npm pack`, installed into a fresh project with runtime
 * dependencies only (no devDependencies: no typescript, no peggy), then every command run from
 * there through npx, the exported module imported, and the library imported by name. Uses the
 * built dist/ (`npm test` builds first) and the local npm cache (--prefer-offline).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const work = mkdtempSync(join(tmpdir(), "mlpc-pack-"));
const app = join(work, "app");
const installed = join(app, "node_modules", "mlpc");
const NPM_FLAGS = ["--no-audit", "--no-fund", "--loglevel=error"];

afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(command: string, args: readonly string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000, env: { ...process.env, NO_COLOR: "1" } });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(" ")} failed:\n${err.stdout ?? ""}${err.stderr ?? err.message}`, { cause: e });
  }
}

/** The installed bin, as npx runs it (npx itself is exercised once: it costs a second a call). */
const mlpc = (...args: string[]): string => run(join(app, "node_modules", ".bin", "mlpc"), args, app);

describe("the packed package, installed into a fresh project", () => {
  it("installs with runtime dependencies only and every command works from there", () => {
    const packed = JSON.parse(run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work, ...NPM_FLAGS], root)) as { filename: string; size: number; files: { path: string }[] }[];
    const tarball = join(work, packed[0]!.filename);
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).toContain("dist/cli/main.js");
    expect(files).toContain("dist/syntax/parser.js");
    expect(files).toContain("examples/data/iris.csv");
    expect(files.filter((f) => /^(src|test|bench|generated|node_modules)\//.test(f))).toEqual([]);
    expect(packed[0]!.size).toBeLessThan(1_000_000);

    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    run("npm", ["install", "--omit=dev", "--prefer-offline", ...NPM_FLAGS, tarball], app);
    expect(existsSync(join(app, "node_modules", "typescript"))).toBe(false);

    const iris = join(installed, "examples", "iris.mlp");
    const data = join(installed, "examples", "data", "iris.csv");
    expect(run("npx", ["--no", "mlpc", "check", iris], app)).toContain("Total params: 131");
    mlpc("compile", iris, "-o", "iris.js");
    expect(statSync(join(app, "iris.d.ts")).size).toBeGreaterThan(0);
    mlpc("train", iris, "--data", data, "--standardize", "--epochs", "20", "--quiet", "-o", "iris.weights.json");
    const predictions = mlpc("predict", iris, "--weights", "iris.weights.json", "--data", data).trim().split("\n");
    expect(predictions[0]).toBe("class,p_0,p_1,p_2");
    mlpc("export", iris, "--weights", "iris.weights.json", "--to", "ts", "-o", "iris.predict.ts");
    mlpc("export", iris, "--weights", "iris.weights.json", "--to", "js", "-o", "iris.predict.js");
    expect(readFileSync(join(app, "iris.predict.ts"), "utf8")).toContain("export function predict(row: Row): Prediction");
    if (existsSync(join(installed, "dist", "export", "onnx.js"))) {
      mlpc("export", iris, "--weights", "iris.weights.json", "--to", "onnx", "-o", "iris.onnx");
      expect(statSync(join(app, "iris.onnx")).size).toBeGreaterThan(500);
    }

    // The exported module agrees with mlpc predict on the first row; the library imports by name.
    const first = readFileSync(data, "utf8").split("\n")[1]!.split(",").slice(0, 4).map(Number);
    const script = `
      const exported = await import("./iris.predict.js");
      const { compile } = await import("mlpc");
      const result = compile("input 4 -> dense 8 relu -> dense 3 softmax");
      console.log(JSON.stringify({ p: exported.predict(${JSON.stringify(first)}), ts: result.typescript !== null && result.typescript.includes("export function forward") }));`;
    const out = JSON.parse(run("node", ["--input-type=module", "-e", script], app)) as { p: { label: string; probabilities: number[] }; ts: boolean };
    expect([out.p.label, ...out.p.probabilities.map(String)].join(",")).toBe(predictions[1]);
    expect(out.ts).toBe(true);
  }, 240_000);
});
