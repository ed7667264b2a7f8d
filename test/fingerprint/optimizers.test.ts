/**
 * Fingerprints of the update rules: the optimizer x schedule x regularizer matrix of
 * test/training/reference.test.ts (and each optimizer with clipping, and with coupled weight
 * decay), written as programs, on its 3-4-2 tanh/linear mse network: twelve trainStep calls on
 * batches of varying size, the learning rate of every step, the final parameters and optimizer
 * buffers. The whole matrix in the default (fused) code; every optimizer x schedule pair, with the
 * regularizers in turn, in the loop code (--unroll none) and in f32 storage. Losses and networks
 * other than this one are covered by examples.test.ts.
 */
import { afterAll, describe, expect, test } from "vitest";
import { mulberry32 } from "../support/datasets.js";
import { ACCEPT_FINGERPRINTS, digestArray, digestNumbers, digestState, FingerprintStore, loadProgram, modeName, type EmitMode } from "./fingerprint.js";

const store = new FingerprintStore(new URL("./optimizers.json", import.meta.url));
afterAll(() => store.save());
const ids: string[] = [];

/** The settings of test/training/cases.ts, as program text. */
const OPTIMIZERS: Readonly<Record<string, string>> = {
  sgd: "optimizer sgd lr=0.1",
  momentum: "optimizer momentum lr=0.05 beta=0.9",
  "momentum nesterov": "optimizer momentum lr=0.05 beta=0.8 nesterov=true",
  adam: "optimizer adam lr=0.01 beta1=0.9 beta2=0.999 eps=1e-8",
  adamw: "optimizer adamw lr=0.01 beta1=0.85 beta2=0.99 eps=1e-7 weight_decay=0.05",
};
const SCHEDULES: Readonly<Record<string, string>> = {
  none: "",
  warmup: "schedule warmup=3",
  step: "schedule decay=step step_size=2 gamma=0.5",
  exponential: "schedule warmup=2 decay=exponential gamma=0.9 decay_steps=3",
  cosine: "schedule warmup=1 decay=cosine t_max=5 eta_min=1e-3",
  sgdr: "schedule decay=cosine restart=2 t_mult=2 eta_min=1e-4",
};
const REGULARIZERS: Readonly<Record<string, string>> = {
  none: "",
  l1: "regularize l1=1e-3",
  l2: "regularize l2=1e-2",
  both: "regularize l1=1e-3 l2=1e-2",
};

const IN = 3;
const OUT = 2;
const STEPS = 12;

function program(optimizer: string, schedule: string, regularize: string): string {
  return [`input ${IN} -> dense 4 tanh -> dense ${OUT} linear`, "loss mse", optimizer, schedule, regularize].filter((l) => l !== "").join("\n");
}

/** Five seeded rows; the steps take rows [0,3), [3,5), [0,5), ... so batch sizes vary. */
const random = mulberry32(12345);
const X = Array.from({ length: 5 * IN }, () => random() * 2 - 1);
const Y = Array.from({ length: 5 * OUT }, () => random() * 2 - 1);
const BATCHES = [
  [0, 3],
  [3, 5],
  [0, 5],
] as const;

async function stepsFingerprint(source: string, mode: EmitMode): Promise<Record<string, unknown>> {
  const m = await loadProgram(source, mode);
  const state = m.createTrainState(m.initParams(7));
  const losses: number[] = [];
  const rates: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    const [from, to] = BATCHES[step % 3]!;
    rates.push(m.learningRate(step));
    losses.push(m.trainStep(state, X.slice(from * IN, to * IN), Y.slice(from * OUT, to * OUT), to - from));
  }
  return {
    loss: losses,
    bits: digestNumbers([...losses, ...rates, state.gradNorm ?? 0]),
    params: digestArray(state.params),
    state: digestState(state),
  };
}

function each(cases: readonly (readonly [string, string, EmitMode])[]): void {
  const rows = cases.map(([name, source, mode]) => {
    const id = `${name} ${modeName(mode)}`;
    ids.push(id);
    return [id, source, mode] as const;
  });
  test.each(rows)("%s", async (id, source, mode) => {
    store.check(id, await stepsFingerprint(source, mode), (a, e, message) => expect(a, message).toEqual(e));
  });
}

const FUSED: EmitMode = { unroll: "auto", dtype: "f64", simd: false };
const LOOPS: EmitMode = { unroll: "none", dtype: "f64", simd: false };
const F32: EmitMode = { unroll: "auto", dtype: "f32", simd: false };
const optimizerNames = Object.keys(OPTIMIZERS);
const scheduleNames = Object.keys(SCHEDULES);
const regularizerNames = Object.keys(REGULARIZERS);

describe("optimizer x schedule x regularizer", () => {
  each(
    optimizerNames.flatMap((o) =>
      scheduleNames.flatMap((s) => regularizerNames.map((r) => [`${o}, schedule ${s}, regularize ${r},`, program(OPTIMIZERS[o]!, SCHEDULES[s]!, REGULARIZERS[r]!), FUSED] as const)),
    ),
  );
});

describe("optimizer x schedule, the regularizers in turn, in loop code and in f32", () => {
  each(
    optimizerNames.flatMap((o, i) =>
      scheduleNames.flatMap((s, j) => {
        const r = regularizerNames[(i + j) % regularizerNames.length]!;
        const source = program(OPTIMIZERS[o]!, SCHEDULES[s]!, REGULARIZERS[r]!);
        return [[`${o}, schedule ${s}, regularize ${r},`, source, LOOPS] as const, [`${o}, schedule ${s}, regularize ${r},`, source, F32] as const];
      }),
    ),
  );
});

describe("clip=0.05 and coupled weight_decay", () => {
  each(
    optimizerNames.flatMap((o) => {
      const clipped = program(`${OPTIMIZERS[o]!} clip=0.05`, SCHEDULES["warmup"]!, REGULARIZERS["both"]!);
      const decayed = o === "adamw" ? [] : [[`${o} weight_decay=0.02,`, program(`${OPTIMIZERS[o]!} weight_decay=0.02`, "", REGULARIZERS["l1"]!), FUSED] as const];
      return [[`${o} clip=0.05,`, clipped, FUSED] as const, [`${o} clip=0.05,`, clipped, LOOPS] as const, ...decayed];
    }),
  );
});

test("every stored fingerprint still has its case", () => {
  if (ACCEPT_FINGERPRINTS) return;
  expect(store.storedIds()).toEqual([...ids].sort());
});
