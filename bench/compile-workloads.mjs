// Compiles bench/workloads/*.mlp with the built compiler (dist/) into importable .mjs modules.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { WORKLOAD_DIR } from "./workloads.mjs";

const DIST = new URL("../dist/compile.js", import.meta.url);

/** Writes `${dir}/${program}.${dtype}[.simd].mjs` and returns its path and the TypeScript's size. */
export async function compileWorkload(program, dtype, dir, simd = false) {
  const { compile, emitJavaScript } = await import(DIST.href);
  const source = readFileSync(join(WORKLOAD_DIR, `${program}.mlp`), "utf8");
  const result = compile(source, { unroll: "auto", dtype, simd, sourceName: `${program}.mlp` });
  if (result.typescript === null) {
    throw new Error(`${program}.mlp: ${result.diagnostics.map((d) => d.message ?? String(d)).join("; ")}`);
  }
  const { js } = emitJavaScript(result.typescript);
  mkdirSync(dir, { recursive: true });
  const file = modulePath(dir, program, dtype, simd);
  writeFileSync(file, js);
  return { file, url: pathToFileURL(file).href, tsBytes: Buffer.byteLength(result.typescript), jsBytes: Buffer.byteLength(js) };
}

export function modulePath(dir, program, dtype, simd = false) {
  return join(dir, `${program}.${dtype}${simd ? ".simd" : ""}.mjs`);
}
