/**
 * The generated module: one self-contained TypeScript file (no imports, no globals, no eval) with
 * `spec`, the network (forward, loss, backward: `forward`, `forwardBatch`, `lossAndGradient`),
 * then the training section (training.ts). Every declaration is printed as text by this
 * package's own printers (declaration.ts, text.ts): the output is byte-identical for the same IR
 * and options.
 *
 * Shape (see plan.ts): either fused (fused.ts: small networks, forward, loss and backward of a
 * row in one straight-line function) or layered (layered.ts: one function per layer and pass).
 */
import { formatProgram } from "../ir/print.js";
import type { ModelIR } from "../ir/types.js";
import { helperSource, helpersCalledBy } from "./activation.js";
import { docComment, printModule } from "./declaration.js";
import { fusedDeclarations } from "./fused.js";
import { layeredDeclarations } from "./layered.js";
import { assertLossFitsOutput } from "./loss.js";
import { forwardFunction, regularizeFunction, type Context } from "./network.js";
import { describePlan, planEmission, type PlanTuning, type UnrollMode } from "./plan.js";
import { emitWasmAdamLoop, SIMD_CHUNK_ROWS, type SimdContext } from "./simd.js";
import { printValue, specValue } from "./spec.js";
import { identifier, paramArrayType, safeFileName } from "./text.js";
import { emitTrainingSection } from "./training.js";
import { lanesOf } from "./wasm/kernels.js";
import { denseLayers } from "../ir/layers.js";

export interface EmitOptions {
  /** Per-layer unrolled or loop code: "auto" decides by measured size thresholds. */
  readonly unroll: UnrollMode;
  /** Storage of parameters and gradients: Float64Array or Float32Array (arithmetic is f64 either way). */
  readonly dtype: "f64" | "f32";
  /** The source file's name, for the header (sanitized: it never reaches code). */
  readonly sourceName: string;
  /** The mlpc version, for the header. */
  readonly version: string;
  /** Threshold overrides for the unroll measurement (bench/unroll-threshold.mjs); not for users. */
  readonly tuning?: PlanTuning;
  /**
   * Big layers in emitted WebAssembly SIMD kernels (simd.ts): f32x4 for f32, f64x2 for f64, with
   * their plain loops as the fallback where wasm SIMD is missing. The compiler's default (compile.ts);
   * false here, the emitter's own default, writes plain code only.
   */
  readonly simd?: boolean;
}

export type { UnrollMode } from "./plan.js";
export { layerNote } from "./network.js";
/** Exposed for tests and the benchmark: the plan emitModule would use. */
export { planEmission } from "./plan.js";

export function emitModule(ir: ModelIR, options: EmitOptions): string {
  validateIR(ir);
  const plan = planEmission(ir, options.unroll, options.tuning, options.simd === true ? lanesOf(options.dtype) : null);
  const P = paramArrayType(options.dtype);
  const simd = plan.layers.some((l) => l.wasm);
  const S = simd ? P : "Float64Array";
  const sx: SimdContext | null = simd ? { ir, lane: options.dtype, S, P, layers: plan.layers } : null;
  const cx: Context = { ir, plan, P, output: denseLayers(ir)[denseLayers(ir).length - 1]!, S, sx };
  const adamLoop = sx === null ? null : emitWasmAdamLoop(sx, ir.optimizer.kind === "adamw", ir.optimizer.clip !== null);
  const network = plan.strategy === "fused" ? [forwardFunction(cx), ...fusedDeclarations(cx)] : layeredDeclarations(cx);
  return printModule([
    headerComment(cx, options),
    `${docComment(["The program's facts: shapes, parameter offsets and settings."])}\nexport const spec = ${printValue(specValue(ir, options.dtype))} as const;`,
    // The helpers (erf, gelu, applyGelu, ...) the network's code calls.
    ...helpersCalledBy(network.join("\n")).map(helperSource),
    ...network,
    regularizeFunction(cx),
    regularizeFunction(cx, false),
    emitTrainingSection(ir, { dtype: options.dtype, adamLoop, ...(sx === null ? {} : { kernels: { rows: ir.training.batch === "all" ? SIMD_CHUNK_ROWS : ir.training.batch } }) }),
  ]);
}

/** The checker guarantees all of this; the emitter refuses to write wrong code if it is bypassed. */
function validateIR(ir: ModelIR): void {
  if (denseLayers(ir).length === 0) throw new Error("mlpc codegen: a model needs at least one layer");
  let expectedInputs = ir.inputSize;
  let offset = 0;
  for (const l of denseLayers(ir)) {
    for (const v of [l.inputs, l.units]) if (!Number.isSafeInteger(v) || v < 1) throw new Error(`mlpc codegen: bad size ${v} in ${l.name}`);
    if (l.inputs !== expectedInputs) throw new Error(`mlpc codegen: ${l.name} has ${l.inputs} inputs, expected ${expectedInputs}`);
    if (l.weightOffset !== offset || l.biasOffset !== offset + l.inputs * l.units || l.paramCount !== (l.inputs + 1) * l.units) {
      throw new Error(`mlpc codegen: ${l.name} is not laid out as layoutLayers does`);
    }
    offset += l.paramCount;
    expectedInputs = l.units;
  }
  if (offset !== ir.paramCount || expectedInputs !== ir.outputSize) throw new Error("mlpc codegen: paramCount or outputSize disagrees with the layers");
  assertLossFitsOutput(ir.loss.kind, denseLayers(ir)[denseLayers(ir).length - 1]!, denseLayers(ir));
  for (const v of [ir.regularization.l1, ir.regularization.l2]) if (!(v >= 0) || !Number.isFinite(v)) throw new Error("mlpc codegen: bad regularization");
}

/** The header: what the module is, the program, the parameter layout and the code shape. */
function headerComment(cx: Context, options: EmitOptions): string {
  const { ir } = cx;
  const counts = denseLayers(ir).map((l) => `(${l.inputs}+1)*${l.units}`).join(" + ");
  return docComment([
    `${identifier(ir.name)}: a multi-layer perceptron compiled by mlpc ${safeVersion(options.version)} from ${safeFileName(options.sourceName)}.`,
    "Generated code: do not edit; change the program and recompile. No imports, no globals.",
    "",
    "The program (canonical form):",
    ...formatProgram(ir)
      .trimEnd()
      .split("\n")
      .map((l) => `  ${l}`),
    "",
    `Parameters: ${counts} = ${ir.paramCount}, in one ${cx.P}, layer by layer:`,
    "W (units x inputs, row-major: W[j][i] at weightOffset + j*inputs + i), then b.",
    "",
    `Code shape (--unroll=${options.unroll}):`,
    ...describePlan(cx.plan).map((l) => `  ${l}`),
  ]);
}

function safeVersion(version: string): string {
  if (!/^[0-9A-Za-z.+-]{1,40}$/.test(version)) throw new Error(`mlpc codegen: bad version ${JSON.stringify(version)}`);
  return version;
}

