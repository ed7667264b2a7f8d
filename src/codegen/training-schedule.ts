/**
 * Emits learningRate(step): the program's schedule, specialised to its constants, each branch
 * headed by the formula it computes. t is the 0-based update index, W the warmup length and
 * s = t - W the step count after warmup.
 */
import type { Decay, ModelIR } from "../ir/types.js";
import { docComment, num } from "./training-text.js";

/** The statement that returns the decayed rate for s = step - warmup (lr0 is a local). */
export function emitDecay(decay: Decay): string {
  switch (decay.kind) {
    case "none":
      return "  // No decay: the base rate.\n  return lr0;";
    case "step":
      return [
        `  // Step decay: lr0 * gamma^floor(s / step_size), gamma = ${decay.gamma}, step_size = ${decay.stepSize}.`,
        `  return lr0 * Math.pow(${num(decay.gamma)}, Math.floor(s / ${num(decay.stepSize)}));`,
      ].join("\n");
    case "exponential":
      return [
        `  // Exponential decay: lr0 * gamma^(s / decay_steps), gamma = ${decay.gamma}, decay_steps = ${decay.decaySteps}.`,
        `  return lr0 * Math.pow(${num(decay.gamma)}, s / ${num(decay.decaySteps)});`,
      ].join("\n");
    case "cosine":
      return decay.restart === null ? emitCosine(decay.tMax, decay.etaMin) : emitSgdr(decay.restart.t0, decay.restart.tMult, decay.etaMin);
  }
}

function emitCosine(tMax: number, etaMin: number): string {
  return [
    `  // Cosine annealing: eta_min + (lr0 - eta_min) * (1 + cos(pi * min(s, t_max) / t_max)) / 2,`,
    `  // t_max = ${tMax}, eta_min = ${etaMin}; held at eta_min after t_max.`,
    `  const etaMin = ${num(etaMin)};`,
    `  return etaMin + ((lr0 - etaMin) * (1 + Math.cos((Math.PI * Math.min(s, ${num(tMax)})) / ${num(tMax)}))) / 2;`,
  ].join("\n");
}

/** SGDR (Loshchilov & Hutter, 2017): cosine cycles of lengths T0, T0*M, T0*M^2, ... */
function emitSgdr(t0: number, tMult: number, etaMin: number): string {
  const head = [
    `  // Cosine with warm restarts (SGDR): cycles of length T_0 = ${t0}, T_0 * M, T_0 * M^2, ... (M = t_mult = ${tMult});`,
    `  // s_i = position in the current cycle, T_i its length:`,
    `  // eta_min + (lr0 - eta_min) * (1 + cos(pi * s_i / T_i)) / 2, eta_min = ${etaMin}.`,
    `  const etaMin = ${num(etaMin)};`,
  ];
  // With M = 1 every cycle has length T0: a remainder, not a walk (which would cost s / T0 per call).
  const locate =
    tMult === 1
      ? [`  const cycle = ${num(t0)};`, `  const inCycle = s % cycle;`]
      : [
          `  let cycle = ${num(t0)};`,
          `  let inCycle = s;`,
          `  while (inCycle >= cycle) {`,
          `    inCycle -= cycle;`,
          `    cycle *= ${num(tMult)};`,
          `  }`,
        ];
  return [...head, ...locate, `  return etaMin + ((lr0 - etaMin) * (1 + Math.cos((Math.PI * inCycle) / cycle))) / 2;`].join("\n");
}

/** learningRate(step) for the program's optimizer lr and schedule. */
export function emitLearningRate(ir: ModelIR): string {
  const { warmup, decay } = ir.schedule;
  // A constant schedule never reads step: `_step` says so (and keeps noUnusedParameters quiet).
  const step = warmup > 0 || decay.kind !== "none" ? "step" : "_step";
  const lines: string[] = [`export function learningRate(${step}: number): number {`, `  const lr0 = ${num(ir.optimizer.lr)};`];
  if (warmup > 0) {
    lines.push(
      `  // Linear warmup over W = ${warmup} updates: lr0 * (t + 1) / W, reaching lr0 at t = W - 1.`,
      `  if (step < ${num(warmup)}) return (lr0 * (step + 1)) / ${num(warmup)};`,
    );
  }
  if (decay.kind !== "none") lines.push(warmup > 0 ? `  const s = step - ${num(warmup)};` : `  const s = step;`);
  lines.push(emitDecay(decay), "}");
  const doc = docComment([
    "The learning rate of update `step` (0-based: the first update uses learningRate(0)).",
    "See docs/training.md for the formulas; the step counter lives in TrainState.",
  ]);
  return `${doc}\n${lines.join("\n")}`;
}
