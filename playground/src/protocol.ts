/** The messages between the page and its two workers (compiler and trainer): plain data only. */

export interface DiagnosticView {
  readonly code: string;
  readonly severity: "error" | "warning";
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly start: number;
  readonly end: number;
}

export interface LayerView {
  readonly name: string;
  readonly units: number;
  readonly activation: string;
  readonly paramCount: number;
  /** Where the layer is written in the program (offsets). */
  readonly start: number;
  readonly end: number;
}

export interface ModelView {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly paramCount: number;
  readonly loss: string;
  readonly layers: readonly LayerView[];
  readonly batch: number | "all";
  readonly epochs: number;
  readonly seed: number;
}

/** A module transpiled to JavaScript, with the prefix of the parameters it reads. */
export interface ModuleCode {
  readonly js: string;
  readonly paramCount: number;
}

export type CompilerRequest =
  | { readonly kind: "compile"; readonly id: number; readonly source: string }
  /** An inference-only module (mlpc export) of the program with these trained parameters. */
  | {
      readonly kind: "export";
      readonly id: number;
      readonly source: string;
      readonly params: readonly number[];
      readonly features: readonly string[];
      readonly classes: number | null;
      readonly scaling: { readonly mean: readonly number[]; readonly std: readonly number[] } | null;
    };

export type CompilerReply =
  | {
      readonly kind: "analysis";
      readonly id: number;
      readonly diagnostics: readonly DiagnosticView[];
      /** renderDiagnostics' text: the CLI's codes, messages, places and carets. */
      readonly diagnosticsText: string;
      readonly summary: string | null;
      readonly model: ModelView | null;
      readonly ms: number;
    }
  | { readonly kind: "code"; readonly id: number; readonly typescript: string; readonly ms: number; readonly startupMs: number }
  /** The module as JavaScript (emitRunnableJavaScript), ready to load. */
  | { readonly kind: "module"; readonly id: number; readonly main: ModuleCode; readonly ms: number }
  | {
      readonly kind: "probes";
      readonly id: number;
      /** One module per hidden layer k: the network cut after layer k (its forwardBatch gives that layer's activations). */
      readonly prefixes: readonly ModuleCode[];
      /** `input 1 -> dense 1 ACT; loss mse` per activation of the program: samples of f and f'. */
      readonly activations: readonly { readonly activation: string; readonly js: string | null }[];
    }
  | { readonly kind: "exported"; readonly id: number; readonly typescript: string }
  | { readonly kind: "failed"; readonly id: number; readonly message: string };

export interface Dataset {
  readonly features: number;
  /** Class count, or null for regression. */
  readonly classes: number | null;
  readonly trainX: number[][];
  readonly trainY: number[];
  readonly testX: number[][];
  readonly testY: number[];
  readonly featureNames: readonly string[];
  /** The standardization the page applied to the features (CSV files), so an export takes raw values. */
  readonly scaling?: { readonly mean: readonly number[]; readonly std: readonly number[] };
}

export type TrainerRequest =
  | {
      readonly kind: "load";
      /** Echoed in every progress message, so the page can drop those of an older network. */
      readonly network: number;
      readonly js: string;
      readonly prefixes: readonly ModuleCode[];
      readonly data: Dataset;
      readonly batchSize: number | "all";
      readonly seed: number;
      /** Grid points (flat, rows x 2) for the boundary and the hidden units, when the data has 2 features. */
      readonly grid: Float64Array | null;
    }
  | { readonly kind: "prefixes"; readonly prefixes: readonly ModuleCode[] }
  | { readonly kind: "run" }
  | { readonly kind: "pause" }
  | { readonly kind: "step" }
  | { readonly kind: "reset" }
  | { readonly kind: "checkpoint" }
  | { readonly kind: "compare"; readonly epochs: number; readonly batchSizes: readonly (number | "all")[] };

/** One epoch's numbers, for the curves. */
export interface EpochPoint {
  readonly epoch: number;
  readonly step: number;
  readonly loss: number;
  readonly accuracy: number | null;
  readonly testLoss: number | null;
  readonly testAccuracy: number | null;
  /** learningRate of the epoch's last update. */
  readonly lr: number;
  /** L2 norm of the last gradient of the epoch, per layer. */
  readonly gradNorms: readonly number[];
  /** Per layer: the share of units that are 0 on every training row (relu layers), else null. */
  readonly deadShare: readonly (number | null)[];
}

/** The model as it is now: parameters and its outputs on the grid. */
export interface Snapshot {
  readonly epoch: number;
  readonly params: Float64Array;
  /** Outputs on the grid (rows x outputSize), when the data has 2 features. */
  readonly gridOut: Float64Array | null;
  /** Per hidden layer, its activations on the grid (rows x units). */
  readonly gridHidden: readonly Float64Array[];
  /** Updates per second over the last slice of training. */
  readonly updatesPerSecond: number;
  /** The checkpoint (Trainer toJSON), sent when asked for. */
  readonly checkpoint: string | null;
}

export type TrainerReply =
  | { readonly kind: "progress"; readonly network: number; readonly points: readonly EpochPoint[]; readonly snapshot: Snapshot; readonly running: boolean }
  | { readonly kind: "compare"; readonly curves: readonly { readonly batchSize: number | "all"; readonly losses: readonly number[] }[]; readonly done: boolean }
  | { readonly kind: "error"; readonly message: string };
