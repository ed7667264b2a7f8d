/**
 * generated/ holds `mlpc compile` output for every example: the module (NAME.ts) and the IR as
 * text (NAME.ir.txt), plus mnist.f32.ts (`--dtype f32`: the f32x4 kernels) and mnist.plain.ts
 * (`--no-simd`: plain TypeScript only). A stale
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

  it("mnist.f32 (mlpc compile --dtype f32)", async () => {
    const source = readFileSync(join(root, "examples/mnist.mlp"), "utf8");
    const result = compile(source, { defaultName: "mnist", sourceName: "mnist.mlp", dtype: "f32" });
    expect(result.typescript).toContain("kernels.dense(");
    await expectGolden(result.typescript, join(root, "generated", "mnist.f32.ts"));
  });

  it("mnist.plain (mlpc compile --no-simd)", async () => {
    const source = readFileSync(join(root, "examples/mnist.mlp"), "utf8");
    const result = compile(source, { defaultName: "mnist", sourceName: "mnist.mlp", simd: false });
    expect(result.typescript).not.toContain("kernels");
    await expectGolden(result.typescript, join(root, "generated", "mnist.plain.ts"));
  });

  it("compiling twice gives byte-identical output", () => {
    const source = readFileSync(join(root, "examples/digits.mlp"), "utf8");
    expect(compile(source).typescript).toBe(compile(source).typescript);
  });

  it("every file in generated/ belongs to an example", () => {
    const expected = new Set([...files.flatMap((f) => [f.replace(/\.mlp$/, ".ts"), f.replace(/\.mlp$/, ".ir.txt")]), "mnist.f32.ts", "mnist.plain.ts", "torch"]);
    expect(readdirSync(join(root, "generated")).filter((f) => !f.startsWith(".")).sort()).toEqual([...expected].sort());
  });
});
