/**
 * The typed intermediate representation: what a program means, with every default resolved.
 *
 * Plain readonly data (no classes, no source text except names already validated as identifiers),
 * so codegen and the checker can be tested on hand-written values. Spans are offsets into the
 * source, kept only so the checker can point at the text a setting came from.
 */
import type { Span } from "../syntax/ast.js";

export type ActivationKind =
  | "linear"
  | "sigmoid"
  | "tanh"
  | "relu"
  | "leaky_relu"
  | "gelu"
  | "gelu_tanh"
  | "swish"
  | "softmax";

export type Activation =
  | { readonly kind: Exclude<ActivationKind, "leaky_relu"> }
  | { readonly kind: "leaky_relu"; readonly alpha: number };

export type InitKind = "he_uniform" | "he_normal" | "xavier_uniform" | "xavier_normal";

/** A fully connected layer. Parameters: W (units x inputs, row-major) then b (units). */
export interface DenseLayer {
  readonly kind: "dense";
  /** 1-based position among the dense layers. */
  readonly index: number;
  /** Keras-style name: dense_1, dense_2, ... */
  readonly name: string;
  readonly inputs: number;
  readonly units: number;
  readonly activation: Activation;
  readonly init: InitKind;
  /** W[j][i] (unit j, input i) lives at weightOffset + j * inputs + i. */
  readonly weightOffset: number;
  /** b[j] lives at biasOffset + j. */
  readonly biasOffset: number;
  /** (inputs + 1) * units */
  readonly paramCount: number;
  readonly span: Span;
}

/**
 * Inverted dropout (Keras and PyTorch semantics): while training, each of its `units` inputs is
 * kept with probability 1 - rate and scaled by 1 / (1 - rate); identity in predict and evaluate.
 * No parameters. It passes its input through, so `units` is the size before and after it.
 */
export interface DropoutLayer {
  readonly kind: "dropout";
  /** 1-based position among the dropout layers. */
  readonly index: number;
  /** Keras-style name: dropout_1, dropout_2, ... */
  readonly name: string;
  readonly units: number;
  /** The probability of dropping a unit, in [0, 1). */
  readonly rate: number;
  readonly span: Span;
}

/** A layer of the network, discriminated by `kind`. */
export type Layer = DenseLayer | DropoutLayer;
export type LayerKind = Layer["kind"];

export type LossKind = "mse" | "bce" | "multilabel_bce" | "softmax_ce";
export type Task = "regression" | "binary" | "multilabel" | "multiclass";

export interface Loss {
  readonly kind: LossKind;
  readonly task: Task;
  /** false when inferred from the last activation. */
  readonly explicit: boolean;
}

/** Settings every optimizer has. */
export type OptimizerCommon = {
  readonly lr: number;
  /** Global gradient-norm clipping threshold, or null for none. */
  readonly clip: number | null;
};

/**
 * Each optimizer's own settings, by kind: the one list of optimizer kinds. Its record in
 * ./optimizers.ts says how each setting is written, defaulted, checked and printed.
 * `weight_decay` on sgd, momentum and adam is coupled L2 and is folded into
 * `Regularization.l2` by lowering; only adamw keeps a decoupled `weightDecay`.
 */
export interface OptimizerSettings {
  readonly sgd: Record<never, never>;
  readonly momentum: { readonly beta: number; readonly nesterov: boolean };
  readonly adam: { readonly beta1: number; readonly beta2: number; readonly eps: number };
  readonly adamw: { readonly beta1: number; readonly beta2: number; readonly eps: number; readonly weightDecay: number };
}

export type OptimizerKind = keyof OptimizerSettings;

/** The optimizer of kind K: its kind, the common settings and its own. */
export type OptimizerOf<K extends OptimizerKind> = { readonly kind: K } & OptimizerCommon & OptimizerSettings[K];

export type Optimizer = { readonly [K in OptimizerKind]: OptimizerOf<K> }[OptimizerKind];

export type Decay =
  | { readonly kind: "none" }
  | { readonly kind: "step"; readonly stepSize: number; readonly gamma: number }
  | { readonly kind: "exponential"; readonly gamma: number; readonly decaySteps: number }
  | {
      readonly kind: "cosine";
      /** Length of the single cosine half-period (ignored when restart is set). */
      readonly tMax: number;
      readonly etaMin: number;
      /** SGDR: first cycle length T_0 and growth factor, or null for a single cosine. */
      readonly restart: { readonly t0: number; readonly tMult: number } | null;
    };

export interface Schedule {
  /** Linear warmup over this many updates (0 = none). */
  readonly warmup: number;
  readonly decay: Decay;
}

export interface Regularization {
  /** l1 * sum |W| over weights (never biases). */
  readonly l1: number;
  /** (l2 / 2) * sum W^2 over weights (never biases). */
  readonly l2: number;
}

export interface Training {
  /** Rows per update; "all" is full-batch descent, 1 is stochastic. */
  readonly batch: number | "all";
  readonly epochs: number;
  readonly shuffle: boolean;
  readonly seed: number;
}

export interface ModelIR {
  readonly name: string;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly paramCount: number;
  /** In network order; the dense layers alone are `denseLayers(ir)` (src/ir/layers.ts). */
  readonly layers: readonly Layer[];
  readonly loss: Loss;
  readonly optimizer: Optimizer;
  readonly schedule: Schedule;
  readonly regularization: Regularization;
  readonly training: Training;
  /**
   * Where each setting was written, keyed by a dotted path ("optimizer.lr", "train.batch",
   * "input", "loss", ...). Absent for defaults. Used only by diagnostics.
   */
  readonly origins: Readonly<Record<string, Span>>;
}
