/**
 * Every word of the language, in one place: statements, layer types, activations, losses,
 * optimizers, initializers and the options each statement takes, with defaults. Losses and
 * optimizers have a record each (./losses.ts, ./optimizers.ts); their words are re-exported here.
 * Lowering reads these tables; docs/language.md documents them; a test keeps the two in step.
 */
import type { ActivationKind, InitKind } from "./types.js";

export { LOSSES } from "./losses.js";
export { OPTIMIZERS, OPTIMIZER_WORDS } from "./optimizers.js";

export const STATEMENT_WORDS = ["model", "input", "dense", "loss", "optimizer", "schedule", "regularize", "train", "init"] as const;

export const LAYER_WORDS = ["dense", "dropout"] as const;

export const ACTIVATIONS: Readonly<Record<string, ActivationKind>> = {
  linear: "linear",
  identity: "linear",
  sigmoid: "sigmoid",
  tanh: "tanh",
  relu: "relu",
  leaky_relu: "leaky_relu",
  gelu: "gelu",
  gelu_tanh: "gelu_tanh",
  swish: "swish",
  silu: "swish",
  softmax: "softmax",
};

export const LEAKY_RELU_DEFAULT_ALPHA = 0.01;

export const INITS: readonly InitKind[] = ["he_uniform", "he_normal", "xavier_uniform", "xavier_normal"];
export const INIT_ALIASES: Readonly<Record<string, InitKind>> = {
  glorot_uniform: "xavier_uniform",
  glorot_normal: "xavier_normal",
  kaiming_uniform: "he_uniform",
  kaiming_normal: "he_normal",
};

export const DECAYS = ["none", "step", "exponential", "cosine"] as const;
export type DecayWord = (typeof DECAYS)[number];

export const SCHEDULE_OPTIONS = ["warmup", "decay", "step_size", "gamma", "decay_steps", "t_max", "eta_min", "restart", "t_mult"] as const;

/** Which schedule options belong to which decay (warmup and decay belong to all). */
export const DECAY_OPTIONS: Readonly<Record<DecayWord, readonly string[]>> = {
  none: [],
  step: ["step_size", "gamma"],
  exponential: ["gamma", "decay_steps"],
  cosine: ["t_max", "eta_min", "restart", "t_mult"],
};

export const SCHEDULE_DEFAULTS = { warmup: 0, stepGamma: 0.1, decaySteps: 1, etaMin: 0, tMult: 1 } as const;

export const REGULARIZE_OPTIONS = ["l1", "l2"] as const;

export const TRAIN_OPTIONS = ["batch", "batch_size", "epochs", "shuffle", "seed"] as const;
export const TRAIN_DEFAULTS = { batch: 32, epochs: 100, shuffle: true, seed: 42 } as const;

/** Whole-program limit on parameters (float64: 400 MB). */
export const MAX_PARAMS = 50_000_000;

/** Deepest network accepted: each layer becomes functions of its own in the generated module. */
export const MAX_LAYERS = 1000;

/** Longest model name: it labels summaries, reports and the generated module's spec. */
export const MAX_NAME_LENGTH = 64;
