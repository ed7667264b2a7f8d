/**
 * The module for an IR, as TypeScript text. Apart from compile.ts because it needs no TypeScript
 * compiler: code that runs modules (mlpc train, sweep trials) loads this without ts-morph.
 */
import { emitModule, type EmitOptions } from "./codegen/module.js";
import type { UnrollMode } from "./codegen/plan.js";
import type { ModelIR } from "./ir/types.js";
import { VERSION } from "./version.js";

export type Dtype = EmitOptions["dtype"];

export interface EmitIROptions {
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

/** Emits the module for an IR (which callers may have adjusted, e.g. a learning rate override). */
export function emitIR(ir: ModelIR, options: EmitIROptions = {}): string {
  return emitModule(ir, {
    unroll: options.unroll ?? "auto",
    dtype: options.dtype ?? "f64",
    simd: options.simd ?? true,
    sourceName: options.sourceName ?? `${ir.name}.mlp`,
    version: VERSION,
  });
}
