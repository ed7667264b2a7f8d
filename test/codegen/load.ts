/**
 * Loads generated modules in tests: transpile the TypeScript (ts.transpileModule), write the
 * JavaScript to a temp directory and import it; and type-check many modules in one in-memory
 * TypeScript program (the lib files parsed once and cached).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { emitModule, type EmitOptions } from "../../src/codegen/module.js";
import type { ModelIR } from "../../src/ir/types.js";

/** What every generated module exports (the part codegen owns). */
export interface GeneratedModule {
  readonly spec: { readonly paramCount: number; readonly inputSize: number; readonly outputSize: number };
  forward(params: Float64Array | Float32Array, x: ArrayLike<number>, out?: Float64Array): Float64Array;
  forwardBatch(params: Float64Array | Float32Array, x: ArrayLike<number>, rows: number, out?: Float64Array): Float64Array;
  lossAndGradient(params: Float64Array | Float32Array, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, grad: Float64Array | Float32Array): number;
}

let dir: string | null = null;
let counter = 0;

function tempDir(): string {
  if (dir === null) {
    dir = mkdtempSync(join(tmpdir(), "mlpc-codegen-"));
    process.once("exit", () => rmSync(dir!, { recursive: true, force: true }));
  }
  return dir;
}

export function transpile(source: string): string {
  return ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
}

/** Imports JavaScript source as an ES module from a fresh temp file. */
export async function importJavaScript<T>(js: string, extension = ".mjs"): Promise<T> {
  const file = join(tempDir(), `module-${process.pid}-${counter++}${extension}`);
  writeFileSync(file, js);
  return (await import(/* @vite-ignore */ pathToFileURL(file).href)) as T;
}

export async function loadGenerated(source: string): Promise<GeneratedModule> {
  return importJavaScript<GeneratedModule>(transpile(source));
}

export const DEFAULT_EMIT: EmitOptions = { unroll: "auto", dtype: "f64", sourceName: "test.mlp", version: "0.0.0-test" };

const compiled = new Map<string, Promise<{ source: string; module: GeneratedModule }>>();

/** Emits and imports a module; the same IR and options give the same (cached) module. */
export function compileAndLoad(ir: ModelIR, options: Partial<EmitOptions> = {}): Promise<{ source: string; module: GeneratedModule }> {
  const key = JSON.stringify([ir, options]);
  let loaded = compiled.get(key);
  if (loaded === undefined) {
    const source = emitModule(ir, { ...DEFAULT_EMIT, ...options });
    loaded = loadGenerated(source).then((module) => ({ source, module }));
    compiled.set(key, loaded);
  }
  return loaded;
}

const libCache = new Map<string, ts.SourceFile>();

/** The flags of the strictest projects the generated module must drop into (on top of `strict`). */
export const STRICTEST_FLAGS: ts.CompilerOptions = {
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noImplicitOverride: true,
  noPropertyAccessFromIndexSignature: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
};

/** One diagnostic of a type-check: the file, the offset in it, the code and the message. */
export interface TypeDiagnostic {
  readonly file: string;
  readonly start: number;
  readonly code: number;
  readonly message: string;
}

/**
 * Type-checks modules with `strict` and no ambient types (as a user's browser project would see
 * them: ES2022 lib only), each as its own file of one program. Returns the diagnostics as text.
 */
export function typeCheck(sources: Readonly<Record<string, string>>, flags: ts.CompilerOptions = {}): string[] {
  return typeDiagnostics(sources, flags).map((d) => `${d.file}: ${d.message}`);
}

/** typeCheck's diagnostics with their places, for tests that sort them by where they are. */
export function typeDiagnostics(sources: Readonly<Record<string, string>>, flags: ts.CompilerOptions = {}): TypeDiagnostic[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts"],
    types: [],
    noUnusedLocals: false,
    isolatedDeclarations: true,
    declaration: true,
    ...flags,
  };
  const host = ts.createCompilerHost(options);
  const readLib = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError) => {
    const name = fileName.replace(/^.*\//, "");
    if (Object.hasOwn(sources, name)) return ts.createSourceFile(fileName, sources[name]!, languageVersion, true);
    const cached = libCache.get(fileName);
    if (cached !== undefined) return cached;
    const file = readLib(fileName, languageVersion, onError);
    if (file !== undefined) libCache.set(fileName, file);
    return file;
  };
  const program = ts.createProgram(
    Object.keys(sources).map((n) => `/virtual/${n}`),
    options,
    host,
  );
  const diagnostics = [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics(), ...program.getDeclarationDiagnostics()];
  return diagnostics.map((d) => ({
    file: d.file?.fileName ?? "",
    start: d.start ?? 0,
    code: d.code,
    message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
  }));
}
