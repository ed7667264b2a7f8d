/**
 * The whole compiler as a library call: analyze (parse -> lower -> check), then emit.
 * Pure: text in, text out. Writing files is the CLI's business.
 */
import { analyze, type AnalyzeOptions } from "./analyze.js";
import { emitJavaScript, emitModule, emitRunnableJavaScript, type EmitOptions } from "./codegen/module.js";
import { planEmission, type UnrollMode } from "./codegen/plan.js";
import { lanesOf } from "./codegen/wasm/kernels.js";
import { printIR } from "./ir/print.js";
import type { ModelIR } from "./ir/types.js";
import type { Diagnostic } from "./syntax/diagnostic.js";
import { VERSION } from "./version.js";

export type { UnrollMode };
export type Dtype = EmitOptions["dtype"];

export interface CompileOptions extends AnalyzeOptions {
  /** Per-layer choice of unrolled or loop code; "auto" decides by size (docs/architecture.md). */
  readonly unroll?: UnrollMode;
  /** Storage of parameters and gradients: Float64Array (default) or Float32Array. */
  readonly dtype?: Dtype;
  /**
   * Big layers in emitted WebAssembly SIMD kernels (f32x4 with dtype f32, f64x2 with f64), with
   * their plain loops in the same module for runtimes without wasm SIMD (detected at load). Default
   * true; false emits the plain code only (`--no-simd`).
   */
  readonly simd?: boolean;
  /** The source's file name, shown in the generated header. */
  readonly sourceName?: string;
}

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

/** Emits the module for an IR (which callers may have adjusted, e.g. a learning rate override). */
export function emitIR(ir: ModelIR, options: Omit<CompileOptions, keyof AnalyzeOptions> = {}): string {
  return emitModule(ir, {
    unroll: options.unroll ?? "auto",
    dtype: options.dtype ?? "f64",
    simd: options.simd ?? true,
    sourceName: options.sourceName ?? `${ir.name}.mlp`,
    version: VERSION,
  });
}

/**
 * The layers that run in the WebAssembly kernels (unless `--no-simd`): those too big to unroll whose
 * inputs fill whole vectors (4 for f32, 2 for f64). Empty when the module is plain TypeScript anyway.
 */
export function simdLayerNames(ir: ModelIR, options: Pick<CompileOptions, "unroll" | "dtype"> = {}): string[] {
  const plan = planEmission(ir, options.unroll ?? "auto", {}, lanesOf(options.dtype ?? "f64"));
  return plan.layers.filter((l) => l.wasm).map((l) => l.layer.name);
}

export { emitJavaScript, emitRunnableJavaScript, lanesOf, printIR };
