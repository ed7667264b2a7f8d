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
import type { DenseLayer, ModelIR } from "../ir/types.js";
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
 * auto: a layer's forward pass is unrolled up to this many multiply-adds (inputs x units)...
 * (measured: bench/unroll-threshold.mjs, docs/architecture.md)
 */
export const AUTO_FORWARD_MAX_MACS = 256;
/** ...and its backward pass up to this many (backward unrolling costs ~2.2x the bytecode). */
export const AUTO_BACKWARD_MAX_MACS = 256;

/**
 * Measured bytecode per unrolled multiply-add (issue 2/6): forward ~29 B, backward ~65 B.
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

/**
 * The plan. `full` unrolls every pass that fits one function under the V8 and TypeScript limits
 * (past them unrolled code is never optimized, so a bigger pass still gets a loop); `none` loops
 * everywhere; `auto` unrolls passes up to the measured thresholds.
 */
export function planEmission(ir: ModelIR, unroll: UnrollMode): EmitPlan {
  const last = ir.layers.length - 1;
  const layers = ir.layers.map((layer, k): LayerPlan => {
    const macs = layer.inputs * layer.units;
    const forwardUnrolled = unroll === "full" ? forwardFits(macs) : unroll === "auto" ? macs <= AUTO_FORWARD_MAX_MACS : false;
    const backwardUnrolled = unroll === "full" ? backwardFits(macs) : unroll === "auto" ? macs <= AUTO_BACKWARD_MAX_MACS : false;
    const isOutput = k === last;
    return {
      layer,
      macs,
      forward: forwardUnrolled ? "unrolled" : "loop",
      backward: backwardUnrolled ? "unrolled" : "loop",
      isOutput,
      keepsZ: !isOutput && activationCode(layer.activation).needsZ,
    };
  });
  const totalMacs = layers.reduce((s, l) => s + l.macs, 0);
  const allUnrolled = layers.every((l) => l.forward === "unrolled" && l.backward === "unrolled");
  return { unroll, strategy: allUnrolled && fusedFits(totalMacs) ? "fused" : "layered", layers };
}

/** One line per layer for the module header, e.g. `dense_1 6x7: forward unrolled, backward loop`. */
export function describePlan(plan: EmitPlan): string[] {
  const lines = plan.layers.map(
    (l) => `${l.layer.name} ${l.layer.inputs}x${l.layer.units} (${l.macs} multiply-adds a row): forward ${l.forward}, backward ${l.backward}`,
  );
  lines.push(
    plan.strategy === "fused"
      ? "All passes fit one function: each row runs forward, loss and backward in named locals."
      : "Layer by layer: one function per layer and pass; a batch's activations live in scratch arrays.",
  );
  return lines;
}
