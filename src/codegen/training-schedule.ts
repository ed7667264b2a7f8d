/**
 * Emits learningRate(step): the program's schedule, specialised to its constants, each branch
 * headed by the formula it computes. t is the 0-based update index, W the warmup length and
 * s = t - W the step count after warmup.
 */
import type { Decay, ModelIR } from "../ir/types.js";
import { printFunction } from "./declaration.js";
import { type CodeLines, num } from "./text.js";

/** The statements that return the decayed rate for s = step - warmup (lr0 is a local). */
export function emitDecay(out: CodeLines, decay: Decay): void {
  switch (decay.kind) {
    case "none":
      out.comment("No decay: the base rate.");
      out.line("return lr0;");
      return;
    case "step":
      out.comment(`Step decay: lr0 * gamma^floor(s / step_size), gamma = ${decay.gamma}, step_size = ${decay.stepSize}.`);
      out.line(`return lr0 * Math.pow(${num(decay.gamma)}, Math.floor(s / ${num(decay.stepSize)}));`);
      return;
    case "exponential":
      out.comment(`Exponential decay: lr0 * gamma^(s / decay_steps), gamma = ${decay.gamma}, decay_steps = ${decay.decaySteps}.`);
      out.line(`return lr0 * Math.pow(${num(decay.gamma)}, s / ${num(decay.decaySteps)});`);
      return;
    case "cosine":
      if (decay.restart === null) emitCosine(out, decay.tMax, decay.etaMin);
      else emitSgdr(out, decay.restart.t0, decay.restart.tMult, decay.etaMin);
      return;
  }
}

function emitCosine(out: CodeLines, tMax: number, etaMin: number): void {
  out.comment("Cosine annealing: eta_min + (lr0 - eta_min) * (1 + cos(pi * min(s, t_max) / t_max)) / 2,");
  out.comment(`t_max = ${tMax}, eta_min = ${etaMin}; held at eta_min after t_max.`);
  out.line(`const etaMin = ${num(etaMin)};`);
  out.line(`return etaMin + ((lr0 - etaMin) * (1 + Math.cos((Math.PI * Math.min(s, ${num(tMax)})) / ${num(tMax)}))) / 2;`);
}

/** SGDR (Loshchilov & Hutter, 2017): cosine cycles of lengths T0, T0*M, T0*M^2, ... */
function emitSgdr(out: CodeLines, t0: number, tMult: number, etaMin: number): void {
  out.comment(`Cosine with warm restarts (SGDR): cycles of length T_0 = ${t0}, T_0 * M, T_0 * M^2, ... (M = t_mult = ${tMult});`);
  out.comment("s_i = position in the current cycle, T_i its length:");
  out.comment(`eta_min + (lr0 - eta_min) * (1 + cos(pi * s_i / T_i)) / 2, eta_min = ${etaMin}.`);
  out.line(`const etaMin = ${num(etaMin)};`);
  // With M = 1 every cycle has length T0: a remainder, not a walk (which would cost s / T0 per call).
  if (tMult === 1) {
    out.line(`const cycle = ${num(t0)};`);
    out.line("const inCycle = s % cycle;");
  } else {
    out.line(`let cycle = ${num(t0)};`);
    out.line("let inCycle = s;");
    out.block("while (inCycle >= cycle)", () => {
      out.line("inCycle -= cycle;");
      out.line(`cycle *= ${num(tMult)};`);
    });
  }
  out.line("return etaMin + ((lr0 - etaMin) * (1 + Math.cos((Math.PI * inCycle) / cycle))) / 2;");
}

/** learningRate(step) for the program's optimizer lr and schedule. */
export function emitLearningRate(ir: ModelIR): string {
  const { warmup, decay } = ir.schedule;
  // A constant schedule never reads step: `_step` says so (and keeps noUnusedParameters quiet).
  const step = warmup > 0 || decay.kind !== "none" ? "step" : "_step";
  return printFunction({
    name: "learningRate",
    exported: true,
    parameters: [{ name: step, type: "number" }],
    returnType: "number",
    docs: [
      "The learning rate of update `step` (0-based: the first update uses learningRate(0)).",
      "See docs/training.md for the formulas; the step counter lives in TrainState.",
    ],
    body: (out) => {
      out.line(`const lr0 = ${num(ir.optimizer.lr)};`);
      if (warmup > 0) {
        out.comment(`Linear warmup over W = ${warmup} updates: lr0 * (t + 1) / W, reaching lr0 at t = W - 1.`);
        out.line(`if (step < ${num(warmup)}) return (lr0 * (step + 1)) / ${num(warmup)};`);
      }
      if (decay.kind !== "none") out.line(warmup > 0 ? `const s = step - ${num(warmup)};` : "const s = step;");
      emitDecay(out, decay);
    },
  });
}
