/**
 * The front end in three calls: parse (text -> AST), lower (AST -> IR), check (IR -> diagnostics).
 * Stops after parse errors (a broken tree says little); otherwise lowering and checking both run,
 * so one invocation reports every problem it can see.
 */
import { check } from "./check/check.js";
import type { CheckOptions } from "./check/context.js";
import { lower } from "./ir/lower.js";
import type { ModelIR } from "./ir/types.js";
import { hasErrors, sortDiagnostics, type Diagnostic } from "./syntax/diagnostic.js";
import type { Program } from "./syntax/ast.js";
import { parse } from "./syntax/parse.js";

export interface AnalyzeResult {
  /** null when there is any error. */
  readonly ir: ModelIR | null;
  /** Errors and warnings of every stage, sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface AnalyzeOptions extends CheckOptions {
  /** Model name when the program has no `model` statement (e.g. the file's base name). */
  readonly defaultName?: string;
}

export function analyze(source: string, options: AnalyzeOptions = {}): AnalyzeResult {
  const parsed = parse(source);
  if (parsed.program === null) return { ir: null, diagnostics: parsed.diagnostics };
  return analyzeProgram(parsed.program, options);
}

/** Lower and check a parsed program (the search space's expansion calls this per trial). */
export function analyzeProgram(program: Program, options: AnalyzeOptions = {}): AnalyzeResult {
  const lowered = lower(program, { defaultName: options.defaultName });
  // After a lowering error the IR holds stand-ins (e.g. linear for an unknown activation): the
  // checker's errors are still worth showing, its warnings about the stand-ins are not.
  const checked = check(lowered.ir, options).filter((d) => !hasErrors(lowered.diagnostics) || d.severity === "error");
  const diagnostics = sortDiagnostics([...lowered.diagnostics, ...checked]);
  return { ir: hasErrors(diagnostics) ? null : lowered.ir, diagnostics };
}

/** A file name turned into a valid model name: `iris-v2.mlp` -> `iris_v2`. */
export function modelNameFromFile(file: string): string {
  const base = file.replace(/^.*[\\/]/, "").replace(/\.[^.]*$/, "");
  const name = base.replace(/[^A-Za-z0-9_]/g, "_").slice(0, 64);
  return name === "" ? "model" : /^[0-9]/.test(name) ? `_${name}` : name;
}
