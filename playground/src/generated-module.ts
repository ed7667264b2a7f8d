/** The generated module's public API as the playground uses it, and loading one from its JavaScript text. */

export interface GeneratedLayer {
  readonly name: string;
  readonly inputs: number;
  readonly units: number;
  readonly activation: string;
  readonly weightOffset: number;
  readonly paramCount: number;
}

export interface EpochLogs {
  readonly loss: number;
  readonly accuracy?: number;
  readonly val_loss?: number;
  readonly val_accuracy?: number;
  readonly lr: number;
}

export interface Trainer {
  readonly state: { readonly params: Float64Array; readonly grad: Float64Array; step: number };
  epoch: number;
  fit(
    x: ArrayLike<number>,
    y: ArrayLike<number>,
    options: { epochs: number; initialEpoch: number; batchSize: number | "all"; validationData?: readonly [ArrayLike<number>, ArrayLike<number>] },
  ): { epoch: number[]; history: Record<string, number[]> };
  evaluate(x: ArrayLike<number>, y: ArrayLike<number>): { loss: number; accuracy?: number };
  toJSON(): unknown;
}

export interface GeneratedModule {
  readonly spec: { readonly inputSize: number; readonly outputSize: number; readonly paramCount: number; readonly layers: readonly GeneratedLayer[] };
  forwardBatch(params: Float64Array, x: ArrayLike<number>, rows: number, out?: Float64Array): Float64Array;
  lossAndGradient(params: Float64Array, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, grad: Float64Array): number;
  learningRate(step: number): number;
  readonly Trainer: new (options?: { seed?: number; params?: ArrayLike<number> }) => Trainer;
}

/** Imports a module from its text through a Blob URL (the page and workers alike). */
export async function loadModule(js: string): Promise<GeneratedModule> {
  const url = URL.createObjectURL(new Blob([js], { type: "text/javascript" }));
  try {
    return (await import(/* @vite-ignore */ url)) as GeneratedModule;
  } finally {
    URL.revokeObjectURL(url);
  }
}
