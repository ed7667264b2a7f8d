/** The optimizer x schedule x regularizer matrix of the reference tests, as IR values. */
import type { Optimizer, Regularization, Schedule } from "../../src/ir/types.js";

export const CASE_OPTIMIZERS: Readonly<Record<string, Optimizer>> = {
  sgd: { kind: "sgd", lr: 0.1, clip: null },
  momentum: { kind: "momentum", lr: 0.05, beta: 0.9, nesterov: false, clip: null },
  "momentum nesterov": { kind: "momentum", lr: 0.05, beta: 0.8, nesterov: true, clip: null },
  adam: { kind: "adam", lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, clip: null },
  adamw: { kind: "adamw", lr: 0.01, beta1: 0.85, beta2: 0.99, eps: 1e-7, weightDecay: 0.05, clip: null },
};

export const CASE_SCHEDULES: Readonly<Record<string, Schedule>> = {
  none: { warmup: 0, decay: { kind: "none" } },
  warmup: { warmup: 3, decay: { kind: "none" } },
  step: { warmup: 0, decay: { kind: "step", stepSize: 2, gamma: 0.5 } },
  exponential: { warmup: 2, decay: { kind: "exponential", gamma: 0.9, decaySteps: 3 } },
  cosine: { warmup: 1, decay: { kind: "cosine", tMax: 5, etaMin: 1e-3, restart: null } },
  sgdr: { warmup: 0, decay: { kind: "cosine", tMax: 0, etaMin: 1e-4, restart: { t0: 2, tMult: 2 } } },
};

export const CASE_REGULARIZERS: Readonly<Record<string, Regularization>> = {
  none: { l1: 0, l2: 0 },
  l1: { l1: 1e-3, l2: 0 },
  l2: { l1: 0, l2: 1e-2 },
  both: { l1: 1e-3, l2: 1e-2 },
};
