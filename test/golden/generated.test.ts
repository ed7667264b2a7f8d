/**
 * generated/ holds `mlpc compile` output for every example: the module (NAME.ts) and the IR as
 * text (NAME.ir.txt), plus mnist.simd.ts (`--simd --dtype f32`: the WebAssembly kernels). A stale
 * or missing file fails CI; `npm run accept` rewrites them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expectGolden } from "../support/golden.js";
import { describe, expect, it } from "vitest";
import { compile, printIR } from "../../src/compile.js";
import { modelNameFromFile } from "../../src/index.js";

const root = join(import.meta.dirname, "../..");
const files = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".mlp")).sort();

describe("generated/", () => {
  for (const file of files) {
    const name = file.replace(/\.mlp$/, "");
    it(name, async () => {
      const source = readFileSync(join(root, "examples", file), "utf8");
      const result = compile(source, { defaultName: modelNameFromFile(file), sourceName: file });
      expect(result.diagnostics).toEqual([]);
      await expectGolden(result.typescript, join(root, "generated", `${name}.ts`));
      await expectGolden(printIR(result.ir!), join(root, "generated", `${name}.ir.txt`));
    });
  }

  it("mnist.simd (mlpc compile --simd --dtype f32)", async () => {
    const source = readFileSync(join(root, "examples/mnist.mlp"), "utf8");
    const result = compile(source, { defaultName: "mnist", sourceName: "mnist.mlp", simd: true, dtype: "f32" });
    expect(result.typescript).toContain("kernels.dense(");
    await expectGolden(result.typescript, join(root, "generated", "mnist.simd.ts"));
  });

  it("compiling twice gives byte-identical output", () => {
    const source = readFileSync(join(root, "examples/digits.mlp"), "utf8");
    expect(compile(source).typescript).toBe(compile(source).typescript);
  });

  it("every file in generated/ belongs to an example", () => {
    const expected = new Set([...files.flatMap((f) => [f.replace(/\.mlp$/, ".ts"), f.replace(/\.mlp$/, ".ir.txt")]), "mnist.simd.ts", "torch"]);
    expect(readdirSync(join(root, "generated")).filter((f) => !f.startsWith(".")).sort()).toEqual([...expected].sort());
  });
});
