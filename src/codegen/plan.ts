/**
 * The emission plan: per layer and per pass, straight-line unrolled code or register-blocked
 * loops, and whether the whole network fits one fused straight-line function.
 *
 * Why per layer: unrolled scalar code (constant indices, every value in a named local) beats any
 * loop while a layer is small, and is a disaster once a function's bytecode passes V8's
 * --max-optimized-bytecode-size (61,440 bytes): TurboFan then never optimizes it and it runs
 * 30-175x slower than a loop. The thresholds below were chosen by bench/unroll-threshold.mjs;
 * docs/architecture.md has the numbers.
 */
import { denseLayers, inputDropout } from "../ir/layers.js";
import type { DenseLayer, DropoutLayer, ModelIR } from "../ir/types.js";
import { activationCode } from "./activation.js";

export type UnrollMode = "auto" | "full" | "none";
export type PassMode = "unrolled" | "loop";

export interface LayerPlan {
  readonly layer: DenseLayer;
  /** inputs x units: multiply-adds per row in each of forward, weight gradient and input delta. */
  readonly macs: number;
  readonly forward: PassMode;
  readonly backward: PassMode;
  /** The last layer: forward stops at the logits z; the loss (or the output function) applies the activation. */
  readonly isOutput: boolean;
  /** A hidden layer whose activation derivative needs z, so the layered code keeps z as well as a. */
  readonly keepsZ: boolean;
  /**
   * SIMD (the default): forward, weight gradient and input delta run in the emitted WebAssembly SIMD
   * kernels (simd.ts), with the loops as fallback. Only for layers that would otherwise loop, and
   * whose inputs fill whole vectors.
   */
  readonly wasm: boolean;
  /** The dropout on this layer's input while training (rate > 0), or null. */
  readonly dropout: DropoutLayer | null;
}

export interface EmitPlan {
  readonly unroll: UnrollMode;
  /**
   * fused: every pass of every layer unrolled into one function per entry point (forwardBatch,
   * lossAndGradient): each row runs forward, loss and backward in named locals, nothing stored.
   * layered: one function per layer and pass, activations of the batch in scratch arrays.
   */
  readonly strategy: "fused" | "layered";
  readonly layers: readonly LayerPlan[];
}

/**
 * auto, measured by bench/unroll-threshold.mjs (docs/architecture.md has the table): the fused
 * straight-line function beat loops at every size it fits (1.1x at 20x20, 2.4x at 4x4), so a
 * network of up to this many multiply-adds a row in all is fused...
 */
export const AUTO_FUSED_MAX_MACS = 480;
/** ...otherwise a layer's forward pass is unrolled up to this many (1.11x loops at 24x24, 1.06x at 32x32)... */
export const AUTO_FORWARD_MAX_MACS = 576;
/** ...and its backward pass up to this many (1.06x at 16x16; loops win from 20x20 on). */
export const AUTO_BACKWARD_MAX_MACS = 256;

/**
 * Measured bytecode per unrolled multiply-add: forward ~29 B, backward ~65 B.
 * V8 optimizes functions up to 61,440 B; we keep a margin for loads, stores and the loop.
 */
export const BYTECODE_PER_FORWARD_MAC = 29;
export const BYTECODE_PER_BACKWARD_MAC = 65;
export const BYTECODE_BUDGET = 48_000;
/**
 * TypeScript checks a function in time quadratic in its statements: keep each near 1,000. An
 * unrolled backward pass writes ~2 statements per weight (accumulate, store), forward ~2 per unit.
 */
export const STATEMENT_BUDGET = 1_000;

/** Can this layer's forward pass be one unrolled function within V8's and tsc's limits? */
export function forwardFits(macs: number): boolean {
  return macs * BYTECODE_PER_FORWARD_MAC <= BYTECODE_BUDGET;
}

/** Can this layer's backward pass be one unrolled function within V8's and tsc's limits? */
export function backwardFits(macs: number): boolean {
  return macs * BYTECODE_PER_BACKWARD_MAC <= BYTECODE_BUDGET && 2 * macs <= STATEMENT_BUDGET;
}

/** Does the whole network fit one fused function (forward + loss + backward per row)? */
export function fusedFits(totalMacs: number): boolean {
  return totalMacs * (BYTECODE_PER_FORWARD_MAC + BYTECODE_PER_BACKWARD_MAC) <= BYTECODE_BUDGET && 2 * totalMacs <= STATEMENT_BUDGET;
}

/** Overrides for measurement (bench/unroll-threshold.mjs); the compiler itself never sets them. */
export interface PlanTuning {
  readonly fusedMaxMacs?: number;
  readonly forwardMaxMacs?: number;
  readonly backwardMaxMacs?: number;
  /** false: never fuse, even when every pass is unrolled. */
  readonly fuse?: boolean;
}

/**
 * The plan. `full` unrolls every pass that fits one function under the V8 and TypeScript limits
 * (past them unrolled code is never optimized, so a bigger pass still gets a loop); `none` loops
 * everywhere; `auto` unrolls passes up to the measured thresholds.
 */
export function planEmission(ir: ModelIR, unroll: UnrollMode, tuning: PlanTuning = {}, simdLanes: number | null = null): EmitPlan {
  const last = denseLayers(ir).length - 1;
  const totalMacs = denseLayers(ir).reduce((s, l) => s + l.inputs * l.units, 0);
  // auto fuses a small enough network outright: every pass unrolled, whatever the layer sizes.
  const fuseAll = unroll === "auto" && tuning.fuse !== false && totalMacs <= (tuning.fusedMaxMacs ?? AUTO_FUSED_MAX_MACS) && fusedFits(totalMacs);
  const forwardMax = fuseAll ? Infinity : (tuning.forwardMaxMacs ?? AUTO_FORWARD_MAX_MACS);
  const backwardMax = fuseAll ? Infinity : (tuning.backwardMaxMacs ?? AUTO_BACKWARD_MAX_MACS);
  const layers = denseLayers(ir).map((layer, k): LayerPlan => {
    const macs = layer.inputs * layer.units;
    // Even a tuned threshold never unrolls past what one function can hold (forwardFits, backwardFits).
    const forwardUnrolled = unroll === "full" ? forwardFits(macs) : unroll === "auto" ? macs <= forwardMax && forwardFits(macs) : false;
    const backwardUnrolled = unroll === "full" ? backwardFits(macs) : unroll === "auto" ? macs <= backwardMax && backwardFits(macs) : false;
    const isOutput = k === last;
    const forward: PassMode = forwardUnrolled ? "unrolled" : "loop";
    return {
      layer,
      macs,
      forward,
      backward: backwardUnrolled ? "unrolled" : "loop",
      isOutput,
      keepsZ: !isOutput && activationCode(layer.activation).needsZ,
      // The kernels read whole vectors along the inputs (no tail code): inputs % lanes must be 0.
      wasm: simdLanes !== null && !fuseAll && forward === "loop" && layer.inputs % simdLanes === 0,
      dropout: inputDropout(ir, layer),
    };
  });
  const allUnrolled = layers.every((l) => l.forward === "unrolled" && l.backward === "unrolled");
  const fused = allUnrolled && fusedFits(totalMacs) && tuning.fuse !== false;
  return { unroll, strategy: fused ? "fused" : "layered", layers };
}

/** One line per layer for the module header, e.g. `dense_1 6x7: forward unrolled, backward loop`. */
export function describePlan(plan: EmitPlan): string[] {
  const lines = plan.layers.map(
    (l) =>
      `${l.layer.name} ${l.layer.inputs}x${l.layer.units} (${l.macs} multiply-adds a row): ` +
      (l.wasm ? "forward and backward in the WebAssembly SIMD kernels (register-blocked loops where wasm SIMD is missing)" : `forward ${l.forward}, backward ${l.backward}`),
  );
  lines.push(
    plan.strategy === "fused"
      ? "All passes fit one function: each row runs forward, loss and backward in named locals."
      : "Layer by layer: one function per layer and pass; a batch's activations live in scratch arrays.",
  );
  return lines;
}
