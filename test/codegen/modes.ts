/**
 * Every example compiled in every mode (unroll auto/full/none x f64/f32 x plain/--simd), for the
 * tests that scan or type-check all generated code; and where a module's network part ends.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compile } from "../../src/compile.js";
import { modelNameFromFile } from "../../src/index.js";

const root = join(import.meta.dirname, "../..");

let cached: Readonly<Record<string, string>> | null = null;

/** `name-unroll-dtype[-simd].ts` -> the module's text. */
export function everyModule(): Readonly<Record<string, string>> {
  if (cached !== null) return cached;
  const sources: Record<string, string> = {};
  for (const file of readdirSync(join(root, "examples")).filter((f) => f.endsWith(".mlp")).sort()) {
    const source = readFileSync(join(root, "examples", file), "utf8");
    const name = modelNameFromFile(file);
    for (const unroll of ["auto", "full", "none"] as const) {
      for (const dtype of ["f64", "f32"] as const) {
        for (const simd of [false, true]) {
          const result = compile(source, { defaultName: name, sourceName: file, unroll, dtype, simd });
          if (result.typescript === null) throw new Error(`${file}: ${JSON.stringify(result.diagnostics)}`);
          sources[`${name}-${unroll}-${dtype}${simd ? "-simd" : ""}.ts`] = result.typescript;
        }
      }
    }
  }
  cached = sources;
  return sources;
}

/**
 * Where the training section starts (its first banner): before it, the network (spec, helpers,
 * forward, loss, backward); from it on, initialization, schedule, optimizer and the Trainer.
 */
export function trainingStart(source: string): number {
  const at = source.indexOf("\n// Training: ");
  if (at < 0) throw new Error("the module has no training section");
  return source.lastIndexOf("\n", at - 1) + 1;
}

/** The network part of a module: everything before the training section. */
export function networkPart(source: string): string {
  return source.slice(0, trainingStart(source));
}

/** The code of a text without its comments (`//` to the end of a line, doc-comment lines). */
export function codeOnly(text: string): string {
  return text
    .split("\n")
    .filter((line) => !/^\s*(\/\/|\/\*\*|\*)/.test(line))
    .map((line) => line.replace(/\s\/\/ .*$/, ""))
    .join("\n");
}
