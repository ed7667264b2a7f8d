/**
 * Trains the generated module in a worker: the module's own Trainer, one epoch per fit call (so
 * pause and step land between epochs), in slices of about 12 ms, each ending with a progress
 * message: the epochs' numbers and a snapshot (parameters, outputs on the grid).
 */
import { loadModule, type GeneratedModule, type Trainer } from "./generated-module.js";
import type { Dataset, EpochPoint, ModuleCode, Snapshot, TrainerReply, TrainerRequest } from "./protocol.js";

interface Loaded {
  readonly network: number;
  readonly module: GeneratedModule;
  readonly data: FlatData;
  readonly batchSize: number | "all";
  readonly seed: number;
  readonly grid: Float64Array | null;
  trainer: Trainer;
  prefixes: { module: GeneratedModule; paramCount: number }[];
}

interface FlatData {
  readonly trainX: Float64Array;
  readonly trainY: Float64Array;
  readonly testX: Float64Array;
  readonly testY: Float64Array;
  readonly trainRows: number;
  readonly testRows: number;
}

/** Training time between two progress messages (under a frame, so the heatmap can follow every frame). */
const SLICE_MS = 12;
let loaded: Loaded | null = null;
let running = false;
let generation = 0;

function post(reply: TrainerReply, transfer: Transferable[] = []): void {
  self.postMessage(reply, { transfer });
}

/** Requests are handled one after another: a run sent while a load is under way waits for it. */
let queue: Promise<void> = Promise.resolve();

self.onmessage = (event: MessageEvent<TrainerRequest>) => {
  queue = queue
    .then(() => handle(event.data))
    .catch((error: unknown) => {
      running = false;
      post({ kind: "error", message: error instanceof Error ? error.message : String(error) });
    });
};

async function handle(request: TrainerRequest): Promise<void> {
  switch (request.kind) {
    case "load": {
      running = false;
      generation++;
      const module = await loadModule(request.js);
      loaded = {
        network: request.network,
        module,
        data: flatten(request.data, module.spec.outputSize),
        batchSize: request.batchSize,
        seed: request.seed,
        grid: request.grid,
        trainer: new module.Trainer({ seed: request.seed }),
        prefixes: await loadPrefixes(request.prefixes),
      };
      postProgress([startPoint(loaded)], false);
      return;
    }
    case "prefixes":
      if (loaded !== null) loaded.prefixes = await loadPrefixes(request.prefixes);
      return;
    case "run":
      if (loaded === null || running) return;
      running = true;
      loop(generation);
      return;
    case "pause":
      running = false;
      if (loaded !== null) postProgress([], false);
      return;
    case "step":
      if (loaded === null) return;
      running = false;
      postProgress([trainEpoch(loaded)], false);
      return;
    case "reset":
      if (loaded === null) return;
      running = false;
      generation++;
      loaded.trainer = new loaded.module.Trainer({ seed: loaded.seed });
      postProgress([startPoint(loaded)], false);
      return;
    case "checkpoint":
      if (loaded !== null) postProgress([], running, JSON.stringify(loaded.trainer.toJSON()));
      return;
    case "compare":
      if (loaded !== null) compare(loaded, request.epochs, request.batchSizes, generation);
      return;
  }
}

async function loadPrefixes(codes: readonly ModuleCode[]): Promise<Loaded["prefixes"]> {
  return Promise.all(codes.map(async (c) => ({ module: await loadModule(c.js), paramCount: c.paramCount })));
}

/** Targets arrive as rows of the output width; everything becomes flat row-major arrays once. */
function flatten(data: Dataset, outputs: number): FlatData {
  const targets = (ys: number[]): Float64Array => Float64Array.from(ys.flatMap((v) => oneRow(v, data.classes, outputs)));
  return {
    trainX: Float64Array.from(data.trainX.flat()),
    trainY: targets(data.trainY),
    testX: Float64Array.from(data.testX.flat()),
    testY: targets(data.testY),
    trainRows: data.trainX.length,
    testRows: data.testX.length,
  };
}

/** A class id as one-hot (several outputs) or as itself (one output: 0/1 or a regression value). */
function oneRow(value: number, classes: number | null, outputs: number): number[] {
  if (classes === null || outputs === 1) return [value];
  return Array.from({ length: outputs }, (_, k) => (k === value ? 1 : 0));
}

function loop(gen: number): void {
  if (!running || gen !== generation || loaded === null) return;
  const start = performance.now();
  const stepBefore = loaded.trainer.state.step;
  const points: EpochPoint[] = [];
  try {
    do points.push(trainEpoch(loaded));
    while (performance.now() - start < SLICE_MS);
  } catch (error) {
    running = false;
    postProgress(points, false);
    throw error;
  }
  const seconds = (performance.now() - start) / 1000;
  postProgress(points, true, null, (loaded.trainer.state.step - stepBefore) / seconds);
  // Rest as long as the slice took: the page's own thread gets its share of a busy machine.
  setTimeout(() => loop(gen), Math.min(SLICE_MS, seconds * 1000));
}

function trainEpoch(l: Loaded): EpochPoint {
  const { data, trainer } = l;
  const validation = data.testRows > 0 ? ([data.testX, data.testY] as const) : undefined;
  const h = trainer.fit(data.trainX, data.trainY, {
    epochs: trainer.epoch + 1,
    initialEpoch: trainer.epoch,
    batchSize: l.batchSize,
    ...(validation === undefined ? {} : { validationData: validation }),
  });
  const last = (key: string): number | null => h.history[key]?.at(-1) ?? null;
  return {
    epoch: trainer.epoch,
    step: trainer.state.step,
    loss: last("loss") ?? NaN,
    accuracy: last("accuracy"),
    testLoss: last("val_loss"),
    testAccuracy: last("val_accuracy"),
    lr: last("lr") ?? NaN,
    gradNorms: gradientNorms(l),
    deadShare: deadShares(l),
  };
}

/** Epoch 0: the initial weights evaluated on the train and test rows (no gradient yet). */
function startPoint(l: Loaded): EpochPoint {
  const { data, trainer } = l;
  const train = trainer.evaluate(data.trainX, data.trainY);
  const test = data.testRows > 0 ? trainer.evaluate(data.testX, data.testY) : null;
  return {
    epoch: 0,
    step: 0,
    loss: train.loss,
    accuracy: train.accuracy ?? null,
    testLoss: test?.loss ?? null,
    testAccuracy: test?.accuracy ?? null,
    lr: l.module.learningRate(0),
    gradNorms: l.module.spec.layers.map(() => NaN),
    deadShare: deadShares(l),
  };
}

function gradientNorms(l: Loaded): number[] {
  const grad = l.trainer.state.grad;
  return l.module.spec.layers.map((layer) => {
    let sum = 0;
    for (let p = layer.weightOffset; p < layer.weightOffset + layer.paramCount; p++) sum += grad[p]! * grad[p]!;
    return Math.sqrt(sum);
  });
}

/** For each relu layer, the share of its units that output 0 on every training row. */
function deadShares(l: Loaded): (number | null)[] {
  return l.module.spec.layers.map((layer, k) => {
    const prefix = l.prefixes[k];
    if (layer.activation !== "relu" || prefix === undefined) return null;
    const out = prefix.module.forwardBatch(l.trainer.state.params.subarray(0, prefix.paramCount), l.data.trainX, l.data.trainRows);
    let dead = 0;
    for (let j = 0; j < layer.units; j++) {
      let alive = false;
      for (let r = 0; r < l.data.trainRows && !alive; r++) alive = out[r * layer.units + j]! > 0;
      if (!alive) dead++;
    }
    return dead / layer.units;
  });
}

function snapshot(l: Loaded, updatesPerSecond: number, checkpoint: string | null): Snapshot {
  const params = l.trainer.state.params;
  const grid = l.grid;
  const rows = grid === null ? 0 : grid.length / 2;
  return {
    epoch: l.trainer.epoch,
    params: Float64Array.from(params),
    gridOut: grid === null ? null : l.module.forwardBatch(params, grid, rows),
    gridHidden: grid === null ? [] : l.prefixes.map((p) => p.module.forwardBatch(params.subarray(0, p.paramCount), grid, rows)),
    updatesPerSecond,
    checkpoint,
  };
}

function postProgress(points: EpochPoint[], isRunning: boolean, checkpoint: string | null = null, updatesPerSecond = 0): void {
  if (loaded === null) return;
  const s = snapshot(loaded, updatesPerSecond, checkpoint);
  // The arrays are fresh: hand them over instead of copying them.
  const transfer = [s.params, ...(s.gridOut === null ? [] : [s.gridOut]), ...s.gridHidden].map((a) => a.buffer);
  post({ kind: "progress", network: loaded.network, points, snapshot: s, running: isRunning }, transfer);
}

/** The same network from the same initial weights, trained with each batch size, round robin by epoch. */
function compare(l: Loaded, epochs: number, batchSizes: readonly (number | "all")[], gen: number): void {
  const runs = batchSizes.map((batchSize) => ({ batchSize, trainer: new l.module.Trainer({ seed: l.seed }), losses: [] as number[] }));
  const tick = (): void => {
    if (gen !== generation) return;
    const start = performance.now();
    while (performance.now() - start < SLICE_MS && runs.some((r) => r.losses.length < epochs)) {
      for (const r of runs) {
        if (r.losses.length >= epochs) continue;
        const h = r.trainer.fit(l.data.trainX, l.data.trainY, { epochs: r.trainer.epoch + 1, initialEpoch: r.trainer.epoch, batchSize: r.batchSize });
        r.losses.push(h.history["loss"]?.at(-1) ?? NaN);
      }
    }
    const done = runs.every((r) => r.losses.length >= epochs);
    post({ kind: "compare", curves: runs.map((r) => ({ batchSize: r.batchSize, losses: r.losses })), done });
    if (!done) setTimeout(tick, 0);
  };
  tick();
}
