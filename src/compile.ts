/**
 * The whole compiler as a library call: analyze (parse -> lower -> check), then emit.
 * Pure: text in, text out. Writing files is the CLI's business.
 */
import { analyze, type AnalyzeOptions } from "./analyze.js";
import { emitJavaScript, emitRunnableJavaScript } from "./codegen/javascript.js";
import { planEmission, type UnrollMode } from "./codegen/plan.js";
import { lanesOf } from "./codegen/wasm/kernels.js";
import { printIR } from "./ir/print.js";
import type { ModelIR } from "./ir/types.js";
import type { Diagnostic } from "./syntax/diagnostic.js";
import { emitIR, type Dtype, type EmitIROptions } from "./emit.js";

export type { Dtype, EmitIROptions, UnrollMode };

export interface CompileOptions extends AnalyzeOptions, EmitIROptions {}

export interface CompileResult {
  readonly ir: ModelIR | null;
  readonly diagnostics: readonly Diagnostic[];
  /** The generated TypeScript module; null when there were errors. */
  readonly typescript: string | null;
}

export function compile(source: string, options: CompileOptions = {}): CompileResult {
  const { ir, diagnostics } = analyze(source, options);
  if (ir === null) return { ir, diagnostics, typescript: null };
  return { ir, diagnostics, typescript: emitIR(ir, options) };
}

/**
 * The layers that run in the WebAssembly kernels (unless `--no-simd`): those too big to unroll whose
 * inputs fill whole vectors (4 for f32, 2 for f64). Empty when the module is plain TypeScript anyway.
 */
export function simdLayerNames(ir: ModelIR, options: Pick<CompileOptions, "unroll" | "dtype"> = {}): string[] {
  const plan = planEmission(ir, options.unroll ?? "auto", {}, lanesOf(options.dtype ?? "f64"));
  return plan.layers.filter((l) => l.wasm).map((l) => l.layer.name);
}

export { emitIR, emitJavaScript, emitRunnableJavaScript, lanesOf, printIR };
