/**
 * The runtime as embedded: runtime-embedded.ts is what scripts/embed-runtime.mjs makes of the
 * runtime files now (committed, so a fresh clone and a browser bundle need no build step to read
 * files), the embedder refuses what it cannot strip, and the runtime passes tsc under the
 * strictest settings with the ES2022 lib only (src/codegen/runtime/tsconfig.json).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import ts from "typescript";
import { embeddedModule, stripRuntimeSource } from "../../../scripts/embed-runtime.mjs";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const strip = stripRuntimeSource as (name: string, text: string) => string;

describe("embedding the runtime", () => {
  test("src/codegen/runtime-embedded.ts is up to date (npm run build rewrites it)", () => {
    expect(readFileSync(`${root}src/codegen/runtime-embedded.ts`, "utf8")).toBe((embeddedModule as () => string)());
  });

  test("strips the header, sibling imports and test export lists, nothing else", () => {
    const source = ['/**', ' * repo note', ' */', 'import type { Rows } from "./model.js";', "import {", "  a,", '} from "./data.js";', "", "/** Kept. */", "function f(): number {", "  return 1;", "}", "", "export { f };", ""].join("\n");
    expect(strip("x.ts", source)).toBe("/** Kept. */\nfunction f(): number {\n  return 1;\n}\n");
  });

  test("fails loudly on what it cannot strip", () => {
    const head = "/**\n * h\n */\n";
    expect(() => strip("x.ts", `${head}declare const spec: number;\n`)).toThrow("embed-runtime: x.ts:4: a declaration (declarations belong in model.d.ts) cannot be embedded");
    expect(() => strip("x.ts", `${head}import { readFileSync } from "node:fs";\n`)).toThrow(/x\.ts:4: an import of something other than a sibling runtime file/);
    expect(() => strip("x.ts", `${head}const m = import("./a.js");\n`)).toThrow(/dynamic import/);
    expect(() => strip("x.ts", "const a = 1;\n")).toThrow(/starts with its header comment/);
  });

  test("the runtime type-checks under its tsconfig (strictest flags, lib ES2022, no DOM or Node types)", () => {
    const configPath = `${root}src/codegen/runtime/tsconfig.json`;
    const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
    expect(parsed).toBeDefined();
    const o = parsed!.options;
    expect([o.strict, o.noUncheckedIndexedAccess, o.exactOptionalPropertyTypes, o.noImplicitOverride, o.noPropertyAccessFromIndexSignature, o.noUnusedLocals, o.noUnusedParameters]).toEqual([true, true, true, true, true, true, true]);
    expect(o.lib).toEqual(["lib.es2022.d.ts"]);
    expect(o.types).toEqual([]);
    const program = ts.createProgram(parsed!.fileNames, o);
    const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(errors).toEqual([]);
    expect(parsed!.fileNames.map((f) => f.replace(/^.*\//, "")).sort()).toEqual(["checkpoint.ts", "data.ts", "model.d.ts", "random.ts", "trainer.ts"]);
  });
});
