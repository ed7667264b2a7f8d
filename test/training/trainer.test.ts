/**
 * The Trainer's contract: checkpoints resume bit-exactly (between epochs and inside one),
 * fromJSON rejects what does not fit, determinism, NaN stops, Keras semantics of fit options
 * (validationSplit = last rows before shuffling, batch modes, class ids), fitAsync == fit.
 */
import { describe, expect, test } from "vitest";
import type { Optimizer } from "../../src/ir/types.js";
import { readDataset, splitDataset } from "../support/datasets.js";
import { CASE_OPTIMIZERS } from "./cases.js";
import { loadModule, makeIR, type FitOptions, type TrainingModule } from "./support.js";

const iris = splitDataset(readDataset("iris"), { targets: 1, testFraction: 0.2, seed: 11, standardize: true });

function irisIR(optimizer: Optimizer, extra: { hidden?: number; batch?: number | "all"; name?: string } = {}) {
  return makeIR({
    name: extra.name ?? "iris_test",
    inputSize: 4,
    layers: [
      { units: extra.hidden ?? 6, activation: { kind: "tanh" } },
      { units: 3, activation: { kind: "softmax" } },
    ],
    loss: "softmax_ce",
    optimizer,
    schedule: { warmup: 5, decay: { kind: "cosine", tMax: 0, etaMin: 1e-4, restart: { t0: 20, tMult: 2 } } },
    regularization: { l1: 1e-4, l2: 1e-3 },
    training: { batch: extra.batch ?? 16, epochs: 6, seed: 3 },
  });
}

const irisModule = (optimizer: Optimizer = CASE_OPTIMIZERS["adam"]!) => loadModule(irisIR(optimizer));

const bits = (a: ArrayLike<number>) => Array.from(a);

describe("checkpoints: toJSON -> JSON text -> fromJSON -> continue == uninterrupted, bit-exact", () => {
  test.each(Object.keys(CASE_OPTIMIZERS))("%s, between epochs", async (name) => {
    const m = await irisModule({ ...CASE_OPTIMIZERS[name]!, clip: name === "sgd" ? 0.5 : null });
    const options: FitOptions = { epochs: 6, validationSplit: 0.2, shuffle: true };
    const whole = new m.Trainer({ seed: 5 });
    const wholeHistory = whole.fit(iris.xTrain, iris.yTrain, options);

    const first = new m.Trainer({ seed: 5 });
    first.fit(iris.xTrain, iris.yTrain, { ...options, epochs: 2 });
    const text = JSON.stringify(first);
    const resumed = m.Trainer.fromJSON(JSON.parse(text));
    expect(resumed.epoch).toBe(2);
    const rest = resumed.fit(iris.xTrain, iris.yTrain, { ...options, initialEpoch: resumed.epoch });

    expect(bits(resumed.params)).toEqual(bits(whole.params));
    expect(resumed.state.step).toBe(whole.state.step);
    expect(rest.epoch).toEqual([2, 3, 4, 5]);
    expect(rest.history["loss"]).toEqual(wholeHistory.history["loss"]!.slice(2));
    expect(rest.history["val_loss"]).toEqual(wholeHistory.history["val_loss"]!.slice(2));
    expect(JSON.stringify(resumed)).toEqual(JSON.stringify(whole));
  });

  test("inside an epoch: stopped from onBatchEnd, resumed at the next batch", async () => {
    const m = await irisModule(CASE_OPTIMIZERS["adamw"]!);
    const whole = new m.Trainer();
    const wholeHistory = whole.fit(iris.xTrain, iris.yTrain, { epochs: 4, batchSize: 10 });

    const first = new m.Trainer();
    first.fit(iris.xTrain, iris.yTrain, {
      epochs: 4,
      batchSize: 10,
      callbacks: { onBatchEnd: (batch) => (first.epoch === 1 && batch === 4 ? false : undefined) },
    });
    expect([first.epoch, first.batch]).toEqual([1, 5]);
    const checkpoint = JSON.parse(JSON.stringify(first.toJSON()));
    expect(checkpoint.partialEpoch).not.toBeNull();

    const resumed = m.Trainer.fromJSON(JSON.stringify(checkpoint));
    const rest = resumed.fit(iris.xTrain, iris.yTrain, { epochs: 4, batchSize: 10, initialEpoch: resumed.epoch });
    expect(rest.epoch).toEqual([1, 2, 3]);
    expect(rest.history["loss"]).toEqual(wholeHistory.history["loss"]!.slice(1)); // epoch 1's mean includes its first 5 batches
    expect(rest.history["accuracy"]).toEqual(wholeHistory.history["accuracy"]!.slice(1)); // and so do its running accuracy's counts
    expect(bits(resumed.params)).toEqual(bits(whole.params));

    // A checkpoint from before the running accuracy has no counts: epoch 1's accuracy counts the 70 rows after the resume.
    delete checkpoint.partialEpoch.correct;
    delete checkpoint.partialEpoch.correctRows;
    const old = m.Trainer.fromJSON(checkpoint).fit(iris.xTrain, iris.yTrain, { epochs: 4, batchSize: 10, initialEpoch: 1 });
    const correct = old.history["accuracy"]![0]! * 70;
    expect(Math.abs(correct - Math.round(correct))).toBeLessThan(1e-9);
    expect(old.history["accuracy"]!.slice(1)).toEqual(wholeHistory.history["accuracy"]!.slice(2));
  });

  test("stopTraining = true from onEpochEnd stops after that epoch", async () => {
    const m = await irisModule();
    const t = new m.Trainer();
    const h = t.fit(iris.xTrain, iris.yTrain, {
      epochs: 10,
      callbacks: {
        onEpochEnd: (epoch) => {
          if (epoch === 2) t.stopTraining = true;
        },
      },
    });
    expect(h.epoch).toEqual([0, 1, 2]);
    expect([t.epoch, t.batch]).toEqual([3, 0]);
  });

  test("resuming inside an epoch with another batch size is refused", async () => {
    const m = await irisModule();
    const t = new m.Trainer();
    t.fit(iris.xTrain, iris.yTrain, { epochs: 2, batchSize: 10, callbacks: { onBatchEnd: (b) => (b === 2 ? false : undefined) } });
    expect(() => t.fit(iris.xTrain, iris.yTrain, { epochs: 2, batchSize: 20, initialEpoch: 0 })).toThrow(/cannot resume epoch 1 at batch 4: .*batches of 10.*batches of 20/);
  });
});

describe("fromJSON rejects what does not fit", () => {
  test("another format version, another shape, another optimizer, bad numbers", async () => {
    const m = await irisModule();
    const json = new m.Trainer().toJSON();
    expect(json["format"]).toBe("mlpc-trainer");
    expect(json["version"]).toBe(1);
    expect(json["model"]).toBe("iris_test");
    expect(() => m.Trainer.fromJSON({ ...json, version: 2 })).toThrow(/checkpoint format version 2 is not supported \(this module reads version 1\)/);
    expect(() => m.Trainer.fromJSON({ ...json, format: "other" })).toThrow(/not an mlpc trainer checkpoint/);
    expect(() => m.Trainer.fromJSON("[1, 2]")).toThrow(/not an mlpc trainer checkpoint/);

    const wider = await loadModule(irisIR(CASE_OPTIMIZERS["adam"]!, { hidden: 7 }));
    const other = new wider.Trainer().toJSON();
    expect(() => m.Trainer.fromJSON(other)).toThrow("checkpoint layers do not match this model: checkpoint 4 -> 7 tanh -> 3 softmax, model iris_test 4 -> 6 tanh -> 3 softmax");

    const sgd = await irisModule(CASE_OPTIMIZERS["sgd"]!);
    expect(() => sgd.Trainer.fromJSON(json)).toThrow(/checkpoint optimizer adam does not match this model's sgd/);
    expect(bits(sgd.Trainer.fromJSON(json, { paramsOnly: true }).params)).toEqual(json["params"]);

    expect(() => m.Trainer.fromJSON({ ...json, params: (json["params"] as number[]).slice(1) })).toThrow(/checkpoint params: expected 51 finite numbers/);
    expect(() => m.Trainer.fromJSON({ ...json, buffers: {} })).toThrow(/checkpoint buffers.m: expected 51 finite numbers/);
  });
});

describe("determinism", () => {
  test("same seed -> identical final loss and weights twice; another seed differs", async () => {
    const m = await irisModule();
    const run = (seed: number) => {
      const t = new m.Trainer({ seed });
      const h = t.fit(iris.xTrain, iris.yTrain, { epochs: 5 });
      return { loss: h.history["loss"]!.at(-1)!, params: bits(t.params) };
    };
    const a = run(17);
    const b = run(17);
    expect(b.loss).toBe(a.loss);
    expect(b.params).toEqual(a.params);
    expect(run(18).loss).not.toBe(a.loss);
  });

  test("fit seed changes only the shuffle; shuffle: false trains in row order", async () => {
    const m = await irisModule(CASE_OPTIMIZERS["sgd"]!);
    const fitWith = (options: FitOptions) => {
      const t = new m.Trainer({ seed: 1 });
      t.fit(iris.xTrain, iris.yTrain, { epochs: 2, ...options });
      return bits(t.params);
    };
    expect(fitWith({ seed: 9 })).not.toEqual(fitWith({ seed: 10 }));
    expect(fitWith({ seed: 9 })).toEqual(fitWith({ seed: 9 }));
    // Without shuffling, fit == trainStep over consecutive slices of the rows.
    const manual = m.createTrainState(m.initParams(1));
    const x = iris.xTrain.flat();
    const ids = iris.yTrain.map((r) => r[0]!);
    const oneHot = ids.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));
    const n = iris.xTrain.length;
    for (let epoch = 0; epoch < 2; epoch++) {
      for (let start = 0; start < n; start += 16) {
        const end = Math.min(n, start + 16);
        m.trainStep(manual, x.slice(start * 4, end * 4), oneHot.slice(start * 3, end * 3), end - start);
      }
    }
    expect(fitWith({ shuffle: false })).toEqual(bits(manual.params));
  });

  test("fitAsync gives the same bits as fit, and lets timers run meanwhile", async () => {
    const m = await irisModule();
    const sync = new m.Trainer();
    sync.fit(iris.xTrain, iris.yTrain, { epochs: 3, batchSize: 1 });
    const async_ = new m.Trainer();
    let timerRan = false;
    setTimeout(() => (timerRan = true), 0);
    const batches: number[] = [];
    await async_.fitAsync(iris.xTrain, iris.yTrain, {
      epochs: 3,
      batchSize: 1,
      callbacks: { onBatchEnd: async (b) => void batches.push(b) },
    });
    expect(timerRan).toBe(true);
    expect(batches.length).toBe(3 * iris.xTrain.length);
    expect(bits(async_.params)).toEqual(bits(sync.params));
  });
});

describe("non-finite loss", () => {
  test("NaN, undefined or a hole in x is refused naming row and column, not reported as divergence", async () => {
    const m = await irisModule(CASE_OPTIMIZERS["sgd"]!);
    for (const bad of [Number.NaN, undefined, Infinity]) {
      const x: (number | undefined)[][] = iris.xTrain.map((r) => [...r]);
      x[37]![2] = bad;
      const t = new m.Trainer();
      expect(() => t.fit(x as number[][], iris.yTrain, { epochs: 1 })).toThrow(/^x row 37, column 2: .* is not a finite number$/);
      expect(() => t.predict(x as number[][])).toThrow(/^x row 37, column 2: /);
    }
    // Flat input, a typed array or a plain one, names the same row and column.
    for (const flat of [Float64Array.from(iris.xTrain.flat()), Float32Array.from(iris.xTrain.flat()), iris.xTrain.flat()]) {
      flat[37 * 4 + 2] = Number.NaN;
      expect(() => new m.Trainer().predict(flat)).toThrow(/^x row 37, column 2: NaN is not a finite number$/);
    }
    const holes = iris.xTrain.map((r) => [...r]);
    delete holes[3]![1];
    expect(() => new m.Trainer().predict(holes)).toThrow(/^x row 3, column 1: missing value/);
  });

  test("stops with an error naming epoch and batch, before the update", async () => {
    const m = await irisModule(CASE_OPTIMIZERS["sgd"]!);
    const t = new m.Trainer();
    let before: number[] = [];
    let error: unknown;
    // Weights so large that batch 5's forward pass overflows.
    const blowUp = (batch: number): void => {
      if (batch === 3) t.params.fill(1e200);
      before = bits(t.params);
    };
    try {
      t.fit(iris.xTrain, iris.yTrain, { epochs: 3, batchSize: 8, shuffle: false, callbacks: { onBatchEnd: blowUp } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(m.NonFiniteLossError);
    const e = error as Error & { epoch: number; batch: number; step: number; layer: string | null };
    expect([e.epoch, e.batch, e.step]).toEqual([0, 4, 4]);
    expect(e.message).toMatch(/loss is Infinity at epoch 1, batch 5 \(update 5\)\. Try a lower learning rate or gradient clipping/);
    expect(bits(t.params)).toEqual(before); // the bad batch changed nothing
    expect(t.state.step).toBe(4);
  });

  test("an update that makes parameters non-finite is undone: the module's update says so, and a step of one's own is checked too", async () => {
    // lr = 1e308: Adam's step size lr / (1 - beta1) overflows, so the first update writes infinities; its loss was finite.
    const m = await irisModule({ ...CASE_OPTIMIZERS["adam"]!, lr: 1e308 } as Optimizer);
    const ownStep = (state: { params: Float64Array; step: number; paramsFinite: boolean | null }): number => {
      state.params[7] = Number.NaN; // says nothing (paramsFinite stays null): the Trainer scans the parameters
      state.step += 1;
      return 1;
    };
    for (const trainStep of [undefined, ownStep]) {
      const t = new m.Trainer();
      const before = bits(t.params);
      let error: unknown;
      try {
        t.fit(iris.xTrain, iris.yTrain, { epochs: 1, batchSize: 8, shuffle: false, ...(trainStep === undefined ? {} : { trainStep }) } as FitOptions);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(m.NonFiniteLossError);
      expect((error as { what: string }).what).toBe("params");
      expect((error as Error).message).toMatch(/^training diverged: update 1 \(epoch 1, batch 1\) made parameters of dense_\d non-finite; kept the parameters before it/);
      expect(bits(t.params)).toEqual(before);
      expect(t.state.step).toBe(0);
    }
  });

  test("with paramsBefore, a step that keeps the parameters before its update there is undone from it (the Trainer copies nothing)", async () => {
    const m = await irisModule(CASE_OPTIMIZERS["adam"]!);
    const t = new m.Trainer();
    const kept = new Float64Array(t.params.length);
    const before = Float64Array.from(t.params);
    const ownStep = (state: { params: Float64Array; step: number; paramsFinite: boolean | null }): number => {
      kept.set(state.params);
      kept[0] = 42; // marks where the Trainer restored from
      state.params[7] = Number.NaN;
      state.step += 1;
      state.paramsFinite = false;
      return 1;
    };
    expect(() => t.fit(iris.xTrain, iris.yTrain, { epochs: 1, batchSize: 8, trainStep: ownStep, paramsBefore: kept } as FitOptions)).toThrow(m.NonFiniteLossError);
    expect(t.params[0]).toBe(42);
    expect(Array.from(t.params.subarray(1))).toEqual(Array.from(before.subarray(1)));
    expect(t.state.step).toBe(0);
  });

  test("with gatherRows, the step gathers each batch's inputs: it is told the training inputs and the batch's row indices, and its x is left unfilled", async () => {
    const m = await irisModule(CASE_OPTIMIZERS["adam"]!);
    const t = new m.Trainer();
    const x = Float64Array.from(iris.xTrain.flat());
    const told: { x: Float64Array; order: number[] }[] = [];
    const seen: { xb: number[]; yb: number[] }[] = [];
    const ownStep = (state: { step: number }, xb: Float64Array, yb: Float64Array, rows: number): number => {
      seen.push({ xb: Array.from(xb.subarray(0, rows * 4)), yb: Array.from(yb.subarray(0, rows * 3)) });
      state.step += 1;
      return 1;
    };
    const gatherRows = (inputs: Float64Array, order: Uint32Array): void => void told.push({ x: inputs, order: Array.from(order) });
    t.fit(x, iris.yTrain, { epochs: 1, batchSize: 50, shuffle: true, trainStep: ownStep, gatherRows } as FitOptions);
    const rows = iris.yTrain.length;
    expect(told.map((c) => c.order.length)).toEqual([50, 50, rows - 100]);
    expect(told.every((c) => c.x.buffer === x.buffer)).toBe(true);
    // A permutation of the rows, shuffled; each batch's targets gathered in that order, its inputs not at all.
    const order = told.flatMap((c) => c.order);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: rows }, (_, i) => i));
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
    const y = iris.yTrain.map(([id]) => [0, 1, 2].map((k) => (k === id ? 1 : 0)));
    for (const [b, batch] of seen.entries()) {
      expect(batch.xb.every((v) => v === 0)).toBe(true);
      expect(batch.yb).toEqual(told[b]!.order.flatMap((i) => y[i]!));
    }
  });
});

describe("the batch gather", () => {
  test("the Trainer's gather puts each batch's rows whole into x, in one shuffled order, whether it touches the rows first (small batches) or copies them with set (large)", async () => {
    const IN = 64; // wide enough for the set path; batches of 32 rows (2,048 values) are touched, 200 (12,800) are not, their last of 10 is
    const m = await loadModule(
      makeIR({ name: "gather_test", inputSize: IN, layers: [{ units: 3, activation: { kind: "softmax" } }], loss: "softmax_ce", optimizer: CASE_OPTIMIZERS["sgd"]!, training: { batch: 32, epochs: 1, seed: 3 } }),
    );
    const n = 610;
    const x = Float64Array.from({ length: n * IN }, (_, v) => Math.floor(v / IN) * 1000 + (v % IN)); // row i holds i*1000 + k
    const y = Array.from({ length: n }, (_, i) => [i % 3]);
    const orderOf = (batchSize: number): number[][] => {
      const batches: number[][] = [];
      const ownStep = (state: { step: number }, xb: Float64Array, _yb: Float64Array, rows: number): number => {
        const ids: number[] = [];
        for (let r = 0; r < rows; r++) {
          const id = Math.floor(xb[r * IN]! / 1000);
          expect(Array.from(xb.subarray(r * IN, (r + 1) * IN))).toEqual(Array.from({ length: IN }, (_, k) => id * 1000 + k));
          ids.push(id);
        }
        batches.push(ids);
        state.step += 1;
        return 1;
      };
      new m.Trainer().fit(x, y, { epochs: 2, batchSize, shuffle: true, trainStep: ownStep } as FitOptions);
      return batches;
    };
    const small = orderOf(32);
    const large = orderOf(200);
    expect(large.map((b) => b.length)).toEqual([200, 200, 200, 10, 200, 200, 200, 10]);
    const epochs = (batches: number[][], perEpoch: number) => [batches.slice(0, perEpoch).flat(), batches.slice(perEpoch).flat()];
    const [s1, s2] = epochs(small, Math.ceil(n / 32));
    const [l1, l2] = epochs(large, 4);
    expect(s1).toEqual(l1); // the order is the epoch's shuffle, whatever the batch size
    expect(s2).toEqual(l2);
    expect([...s1].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(s2).not.toEqual(s1);
  });
});

describe("fit options (Keras semantics)", () => {
  test("validationSplit holds out the last rows before shuffling (== validationData)", async () => {
    const m = await irisModule();
    const n = iris.xTrain.length; // 120 -> 96 train, 24 validation
    const split = new m.Trainer();
    const h1 = split.fit(iris.xTrain, iris.yTrain, { epochs: 3, validationSplit: 0.2 });
    const explicit = new m.Trainer();
    const h2 = explicit.fit(iris.xTrain.slice(0, 96), iris.yTrain.slice(0, 96), {
      epochs: 3,
      validationData: [iris.xTrain.slice(96), iris.yTrain.slice(96)],
    });
    expect(n).toBe(120);
    expect(h1).toEqual(h2);
    expect(Object.keys(h1.history).sort()).toEqual(["accuracy", "loss", "lr", "val_accuracy", "val_loss"]);
    const last = explicit.evaluate(iris.xTrain.slice(96), iris.yTrain.slice(96));
    expect(h2.history["val_loss"]!.at(-1)).toBe(last.loss);
    expect(h2.history["val_accuracy"]!.at(-1)).toBe(last.accuracy);
  });

  test("accuracy is the running accuracy over the epoch's batches, each counted before its update (Keras)", async () => {
    const m = await irisModule();
    const options: FitOptions = { epochs: 3, batchSize: 16, validationSplit: 0.2 };
    const own = new m.Trainer().fit(iris.xTrain, iris.yTrain, options);
    // The same run with a gradient that leaves out alone: the Trainer then forwards each batch itself; counted here as well.
    const counted: number[] = [];
    let correct = 0;
    let rows = 0;
    const argmax = (v: ArrayLike<number>, at: number) => [0, 1, 2].reduce((best, j) => (v[at + j]! > v[at + best]! ? j : best), 0);
    const replay = new m.Trainer();
    const history = replay.fit(iris.xTrain, iris.yTrain, {
      ...options,
      gradient: (state, x, y, n) => {
        const out = m.forwardBatch(state.params, x, n);
        for (let r = 0; r < n; r++) if (argmax(out, r * 3) === argmax(y, r * 3)) correct++;
        rows += n;
        return m.lossAndGradient(state.params, x, y, n, state.grad);
      },
      callbacks: {
        onEpochEnd: () => {
          counted.push(correct / rows);
          correct = rows = 0;
        },
      },
    });
    expect(history.history["accuracy"]).toEqual(counted);
    expect(own).toEqual(history); // the module's own path: the logits lossAndGradient kept
    // A gradient that writes the outputs is taken at its word: every row "predicted" as class 0.
    const class0 = iris.yTrain.slice(0, 96).filter((y) => y[0] === 0).length / 96;
    const claimed = new m.Trainer().fit(iris.xTrain, iris.yTrain, {
      ...options,
      gradient: (state, x, y, n, _seed, out) => {
        for (let r = 0; r < n; r++) out!.set([1, 0, 0], r * 3);
        return m.lossAndGradient(state.params, x, y, n, state.grad);
      },
    });
    expect(claimed.history["accuracy"]).toEqual([class0, class0, class0]);
  });

  test("batch modes: 1, N (last batch smaller), all; lr log = rate of the last update", async () => {
    const m = await irisModule();
    const n = iris.xTrain.length;
    const sizes = async (batchSize: number | "all") => {
      const t = new m.Trainer();
      const seen: number[] = [];
      const h = t.fit(iris.xTrain, iris.yTrain, { epochs: 2, batchSize, callbacks: { onBatchEnd: (_b, logs) => void seen.push(logs.size) } });
      expect(h.history["lr"]!.at(-1)).toBe(m.learningRate(t.state.step - 1));
      return { seen, step: t.state.step };
    };
    expect((await sizes(1)).step).toBe(2 * n);
    const all = await sizes("all");
    expect(all).toEqual({ seen: [n, n], step: 2 });
    const fifty = await sizes(50);
    expect(fifty.seen).toEqual([50, 50, 20, 50, 50, 20]);
    expect(fifty.step).toBe(6);
    expect((await sizes(1000)).seen).toEqual([n, n]);
  });

  test("x and y as number[][], flat arrays, Float64Array; y as class ids or one-hot: same bits", async () => {
    const m = await irisModule();
    const ids = iris.yTrain.map((r) => r[0]!);
    const oneHot = ids.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)));
    const run = (x: unknown, y: unknown) => {
      const t = new m.Trainer();
      t.fit(x as number[][], y as number[][], { epochs: 2 });
      return bits(t.params);
    };
    const reference = run(iris.xTrain, iris.yTrain);
    expect(run(iris.xTrain, ids)).toEqual(reference);
    expect(run(iris.xTrain, oneHot)).toEqual(reference);
    expect(run(Float64Array.from(iris.xTrain.flat()), Float64Array.from(oneHot.flat()))).toEqual(reference);
    expect(run(iris.xTrain.flat(), Float64Array.from(ids))).toEqual(reference);
  });

  test("bad data is refused with a message", async () => {
    const m = await irisModule();
    const t = new m.Trainer();
    expect(() => t.fit([[1, 2, 3]], [0])).toThrow("x row 0 has 3 values, expected 4");
    expect(() => t.fit([[1, 2, 3, 4]], [3])).toThrow("y row 0: class id 3 is not an integer in 0..2");
    expect(() => t.fit([[1, 2, 3, 4]], [0, 1])).toThrow("y has 2 values: expected 1 class ids or 1 x 3 values for 1 rows of x");
    expect(() => t.fit([[1, 2, 3, 4]], [[0], [1]])).toThrow("y has 2 rows but x has 1");
    expect(() => t.fit([1, 2, 3, 4, 5], [0])).toThrow("x has 5 values, not a multiple of 4 per row");
    expect(() => t.fit(iris.xTrain, iris.yTrain, { batchSize: 0 })).toThrow(/batchSize must be a whole number >= 1 or "all"/);
    expect(() => t.fit(iris.xTrain, iris.yTrain, { validationSplit: 1 })).toThrow(/validationSplit must be in \[0, 1\)/);
  });

  test("defaults come from the program's train line", async () => {
    const m = await loadModule(irisIR(CASE_OPTIMIZERS["adam"]!, { batch: 40 }));
    const t = new m.Trainer(); // seed 3, epochs 6, batch 40
    const h = t.fit(iris.xTrain, iris.yTrain);
    expect(t.seed).toBe(3);
    expect(h.epoch).toEqual([0, 1, 2, 3, 4, 5]);
    expect(t.state.step).toBe(6 * 3);
    expect(bits(new m.Trainer().params)).toEqual(bits(m.initParams(3)));
  });

  test("predict and evaluate", async () => {
    const m: TrainingModule = await irisModule();
    const t = new m.Trainer();
    t.fit(iris.xTrain, iris.yTrain, { epochs: 20 });
    const p = t.predict(iris.xTest);
    expect(p.length).toBe(iris.xTest.length);
    for (const row of p) {
      expect(row.length).toBe(3);
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    }
    const e = t.evaluate(iris.xTest, iris.yTest);
    expect(e.accuracy).toBeGreaterThan(0.8);
    expect(e.loss).toBeGreaterThan(0);
    expect(bits(t.predict([iris.xTest[0]!])[0]!)).toEqual(bits(m.forward(t.params, iris.xTest[0]!)));
  });

  test("multilabel: evaluate reports each label's accuracy", async () => {
    const ir = makeIR({
      inputSize: 2,
      layers: [{ units: 2, activation: { kind: "sigmoid" } }],
      loss: "multilabel_bce",
      optimizer: CASE_OPTIMIZERS["adam"]!,
    });
    const m = await loadModule(ir);
    const t = new m.Trainer({ params: [0, 0, 0, 0, 0, 0] });
    const e = t.evaluate([[1, 1], [2, 2]], [[1, 0], [1, 1]]); // all outputs 0.5 -> predicted 1
    expect(e.labelAccuracy).toEqual([1, 0.5]);
    expect(e.accuracy).toBe(0.75);
    expect(e.loss).toBeCloseTo(Math.log(2), 15);
  });
});
