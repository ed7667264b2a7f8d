/**
 * Fingerprints of the bundled examples: each examples/NAME.mlp, compiled in every emission mode
 * (unroll auto/full/none x f64/f32 x --simd or not), trained by its Trainer for a few epochs on its
 * dataset (seeded synthetic rows where examples/data has none), with validation data. Plus the
 * Trainer's own paths on one program: batch sizes, no shuffle, a validation split, a seed, and a
 * checkpoint resumed mid-epoch; and a network with every activation, and each initializer.
 * See fingerprint.ts for what is pinned and how to accept.
 */
import { existsSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, test } from "vitest";
import { DATASET_DIR, mulberry32, readDataset, splitDataset } from "../support/datasets.js";
import { SPLIT } from "../training/examples.js";
import type { FitOptions, Trainer, TrainingModule } from "../training/support.js";
import { ACCEPT_FINGERPRINTS, digestArray, digestNumbers, digestState, EMIT_MODES, FingerprintStore, loadProgram, modeName, type EmitMode, type Fingerprint } from "./fingerprint.js";

const EXAMPLES = ["breast_cancer", "digits", "iris", "mnist", "multilabel", "regression", "seed", "wine", "xor"] as const;
/** Epochs per example: a few updates each, more for the 4-row xor; one for the 784-input mnist. */
const EPOCHS: Readonly<Record<string, number>> = { xor: 25, mnist: 1 };
/** Rows of the synthetic data of programs without a CSV (default 80). */
const SYNTHETIC_ROWS: Readonly<Record<string, number>> = { mnist: 320, seed: 200, activations: 60 };

interface Data {
  readonly x: number[][];
  readonly y: number[][];
  readonly xVal: number[][];
  readonly yVal: number[][];
}

/** Programs beyond the examples: every activation in one network, and each initializer. */
const PROGRAMS: Readonly<Record<string, string>> = {
  activations: [
    "input 5 -> dense 6 sigmoid -> dense 6 tanh -> dense 5 relu -> dense 5 leaky_relu(alpha=0.2) -> dense 4 gelu",
    "  -> dense 4 gelu_tanh -> dense 4 swish -> dense 4 linear -> dense 3 softmax",
    "optimizer adam lr=0.01",
    "train batch=8 seed=3",
  ].join("\n"),
  dropout: "input 6 -> dropout 0.1 -> dense 10 relu -> dropout 0.3 -> dense 6 tanh -> dropout 0.5 -> dense 3 softmax\ntrain batch=8 seed=5",
  ...Object.fromEntries(
    ["he_uniform", "he_normal", "xavier_uniform", "xavier_normal"].map((init) => [`init ${init}`, `input 8 -> dense 8 relu -> dense 2 sigmoid\ninit ${init}\ntrain batch=16`]),
  ),
};

function source(name: string): string {
  return PROGRAMS[name] ?? readFileSync(new URL(`../../examples/${name}.mlp`, import.meta.url), "utf8");
}

/**
 * Seeded rows for a network of `inputs` -> `outputs` (class ids for softmax, 0/1 labels for
 * sigmoid): only the numbers matter here, not whether they can be learned.
 */
function syntheticData(rows: number, inputs: number, outputs: number, kind: "class" | "labels", seed: number): Data {
  const random = mulberry32(seed);
  const x = Array.from({ length: rows }, () => Array.from({ length: inputs }, () => random()));
  const y = Array.from({ length: rows }, () => (kind === "class" ? [Math.floor(random() * outputs)] : Array.from({ length: outputs }, () => (random() < 0.5 ? 0 : 1))));
  const n = Math.round(rows * 0.8);
  return { x: x.slice(0, n), y: y.slice(0, n), xVal: x.slice(n), yVal: y.slice(n) };
}

function exampleData(name: string, inputs: number, outputs: number, softmax: boolean): Data {
  if (!existsSync(`${DATASET_DIR}${name}.csv`)) return syntheticData(SYNTHETIC_ROWS[name] ?? 80, inputs, outputs, softmax ? "class" : "labels", 7);
  const table = readDataset(name);
  if (name === "xor") {
    const x = table.rows.map((r) => r.slice(0, inputs));
    const y = table.rows.map((r) => r.slice(inputs));
    return { x, y, xVal: x, yVal: y };
  }
  const s = splitDataset(table, { ...SPLIT, targets: table.header.length - inputs });
  return { x: s.xTrain, y: s.yTrain, xVal: s.xTest, yVal: s.yTest };
}

/** Trains `trainer` with `options`, recording every batch's loss; the fingerprint of the run. */
function fitFingerprint(trainer: Trainer, data: Data, options: FitOptions): Fingerprint {
  const batches: number[] = [];
  const history = trainer.fit(data.x, data.y, { ...options, callbacks: { onBatchEnd: (_, logs) => void batches.push(logs.loss, logs.lr) } });
  return finalFingerprint(trainer, data, history.history, batches);
}

function finalFingerprint(trainer: Trainer, data: Data, history: Record<string, number[]>, batches: readonly number[]): Fingerprint {
  const keys = Object.keys(history).sort();
  const predictions = trainer.predict(data.xVal).flat();
  const evaluation = trainer.evaluate(data.xVal, data.yVal);
  return {
    epochs: history["loss"]!.length,
    loss: history["loss"],
    historyBits: digestNumbers(keys.flatMap((k) => history[k]!)),
    historyKeys: keys,
    batches: batches.length / 2,
    batchBits: digestNumbers(batches),
    params: digestArray(trainer.params),
    state: digestState(trainer.state),
    predictions: digestNumbers(predictions),
    evaluate: evaluation,
    evaluateBits: digestNumbers(Object.values(evaluation).flat()),
  };
}

async function exampleRun(name: string, mode: EmitMode): Promise<{ module: TrainingModule; data: Data }> {
  const module = await loadProgram(source(name), { defaultName: name.replace(/\W/g, "_"), ...mode });
  const spec = module.spec as { inputSize: number; outputSize: number; loss: string };
  return { module, data: exampleData(name, spec.inputSize, spec.outputSize, spec.loss === "softmax_ce") };
}

/**
 * Defines the fingerprint tests of the examples in the modes of one dtype (two test files, so that
 * two workers share them), the Trainer's options with f64; `file` holds their fingerprints.
 */
export function defineExampleFingerprints(dtype: "f64" | "f32", file: URL): void {
  const store = new FingerprintStore(file);
  afterAll(() => store.save());
  /** The ids of the cases below, gathered as they are defined. */
  const ids: string[] = [];
  const caseId = (id: string): string => (ids.push(id), id);
  const modes = EMIT_MODES.filter((m) => m.dtype === dtype);

  describe.each([...EXAMPLES, ...Object.keys(PROGRAMS)])("%s", (name) => {
    const programModes = name.startsWith("init ") ? modes.slice(0, 1) : modes;
    test.each(programModes.map((mode) => [caseId(`${name} ${modeName(mode)}`), mode] as const))("%s", async (id, mode) => {
      const { module, data } = await exampleRun(name, mode);
      const trainer = new module.Trainer();
      const initial = digestArray(trainer.params);
      const fingerprint = fitFingerprint(trainer, data, { epochs: EPOCHS[name] ?? 2, validationData: [data.xVal, data.yVal] });
      store.check(id, { initial, ...fingerprint }, (a, e, m) => expect(a, m).toEqual(e));
    });
  });

  describe(`the Trainer's options on examples/iris.mlp (${dtype})`, () => {
    const variants: Readonly<Record<string, FitOptions>> = {
      "batch=all": { epochs: 3, batchSize: "all" },
      "batch=1": { epochs: 1, batchSize: 1 },
      "batch=7 no shuffle": { epochs: 2, batchSize: 7, shuffle: false },
      "validationSplit=0.25": { epochs: 2, validationSplit: 0.25 },
      "shuffle seed=9, initialEpoch=1": { epochs: 3, seed: 9, initialEpoch: 1 },
    };
    test.each(Object.keys(variants).map((v) => [caseId(`iris fit ${v} ${dtype}`), v] as const))("%s", async (id, variant) => {
      const { module, data } = await exampleRun("iris", modes[0]!);
      store.check(id, fitFingerprint(new module.Trainer({ seed: 5 }), data, variants[variant]!), (a, e, m) => expect(a, m).toEqual(e));
    });

    test(caseId(`iris checkpoint resumed ${dtype}`), async () => {
      const id = `iris checkpoint resumed ${dtype}`;
      const { module, data } = await exampleRun("iris", { unroll: "none", dtype, simd: false });
      const first = new module.Trainer();
      const batches: number[] = [];
      const record = (_: number, logs: { loss: number; lr: number }) => void batches.push(logs.loss, logs.lr);
      first.fit(data.x, data.y, { epochs: 3, callbacks: { onBatchEnd: (b, logs) => (record(b, logs), batches.length === 2 * 11) } });
      const resumed = module.Trainer.fromJSON(JSON.parse(JSON.stringify(first)));
      const history = resumed.fit(data.x, data.y, { epochs: 3, initialEpoch: resumed.epoch, callbacks: { onBatchEnd: record } });
      store.check(id, finalFingerprint(resumed, data, history.history, batches), (a, e, m) => expect(a, m).toEqual(e));
    });
  });

  test("every stored fingerprint still has its case", () => {
    if (ACCEPT_FINGERPRINTS) return;
    expect(store.storedIds()).toEqual([...ids].sort());
  });
}
