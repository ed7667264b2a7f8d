/**
 * Reference tests: every optimizer x schedule x regularizer (and each optimizer with clipping)
 * runs several trainStep calls of the generated module, compared with an independent
 * implementation written here from the formulas of docs/training.md (its own forward/backward for a
 * 3-4-2 tanh/linear mse network, its own schedule and optimizers): losses, weights and optimizer
 * buffers to 1e-12 relative after every step.
 */
import { describe, expect, test } from "vitest";
import type { Optimizer, Regularization, Schedule } from "../../src/ir/types.js";
import { CASE_OPTIMIZERS, CASE_REGULARIZERS, CASE_SCHEDULES } from "./cases.js";
import { loadModule, makeIR } from "./support.js";

const IN = 3;
const HIDDEN = 4;
const OUT = 2;
const STEPS = 12;

/** Fixed data: 5 rows, made by a small LCG so the test owns every number. */
function data(): { x: number[]; y: number[] } {
  let s = 12345;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const x = Array.from({ length: 5 * IN }, next);
  const y = Array.from({ length: 5 * OUT }, next);
  return { x, y };
}

/** Batches of the steps: rows [0,3), [3,5), [0,5), ... so batch sizes vary. */
function batchOf(step: number): [number, number] {
  return ([[0, 3], [3, 5], [0, 5]] as const)[step % 3] as [number, number];
}

/** J and dJ/dparams, from the definitions: mse mean over rows x outputs + l1 |W| + l2/2 W^2. */
function referenceLossAndGradient(params: number[], x: number[], y: number[], from: number, to: number, reg: Regularization): { loss: number; grad: number[] } {
  const rows = to - from;
  const W1 = 0;
  const b1 = IN * HIDDEN;
  const W2 = b1 + HIDDEN;
  const b2 = W2 + HIDDEN * OUT;
  const grad = new Array<number>(params.length).fill(0);
  let loss = 0;
  for (let r = from; r < to; r++) {
    const h: number[] = [];
    for (let j = 0; j < HIDDEN; j++) {
      let z = params[b1 + j]!;
      for (let i = 0; i < IN; i++) z += params[W1 + j * IN + i]! * x[r * IN + i]!;
      h.push(Math.tanh(z));
    }
    const dh = new Array<number>(HIDDEN).fill(0);
    for (let k = 0; k < OUT; k++) {
      let a = params[b2 + k]!;
      for (let j = 0; j < HIDDEN; j++) a += params[W2 + k * HIDDEN + j]! * h[j]!;
      const e = a - y[r * OUT + k]!;
      loss += (e * e) / (rows * OUT);
      const d = (2 * e) / (rows * OUT);
      grad[b2 + k] += d;
      for (let j = 0; j < HIDDEN; j++) {
        grad[W2 + k * HIDDEN + j] += d * h[j]!;
        dh[j] += d * params[W2 + k * HIDDEN + j]!;
      }
    }
    for (let j = 0; j < HIDDEN; j++) {
      const dz = dh[j]! * (1 - h[j]! * h[j]!);
      grad[b1 + j] += dz;
      for (let i = 0; i < IN; i++) grad[W1 + j * IN + i] += dz * x[r * IN + i]!;
    }
  }
  for (const [from_, to_] of WEIGHT_RANGES) {
    for (let p = from_; p < to_; p++) {
      const w = params[p]!;
      loss += reg.l1 * Math.abs(w) + (reg.l2 / 2) * w * w;
      grad[p] += reg.l1 * Math.sign(w) + reg.l2 * w;
    }
  }
  return { loss, grad };
}

const WEIGHT_RANGES: [number, number][] = [
  [0, IN * HIDDEN],
  [IN * HIDDEN + HIDDEN, IN * HIDDEN + HIDDEN + HIDDEN * OUT],
];
const isWeight = (p: number) => WEIGHT_RANGES.some(([a, b]) => p >= a && p < b);

/** The schedule of docs/training.md, t = 0-based update index. */
export function referenceLearningRate(lr0: number, schedule: Schedule, t: number): number {
  const W = schedule.warmup;
  if (t < W) return (lr0 * (t + 1)) / W;
  const s = t - W;
  const d = schedule.decay;
  switch (d.kind) {
    case "none":
      return lr0;
    case "step":
      return lr0 * d.gamma ** Math.floor(s / d.stepSize);
    case "exponential":
      return lr0 * d.gamma ** (s / d.decaySteps);
    case "cosine": {
      if (d.restart === null) return d.etaMin + ((lr0 - d.etaMin) * (1 + Math.cos((Math.PI * Math.min(s, d.tMax)) / d.tMax))) / 2;
      // SGDR: walk the cycles T0, T0*M, T0*M^2, ...
      let Ti = d.restart.t0;
      let si = s;
      while (si >= Ti) {
        si -= Ti;
        Ti *= d.restart.tMult;
      }
      return d.etaMin + ((lr0 - d.etaMin) * (1 + Math.cos((Math.PI * si) / Ti))) / 2;
    }
  }
}

interface ReferenceState {
  w: number[];
  m: number[];
  v: number[];
  buf: number[];
  t: number;
}

/** One update of the formulas on the reference state. */
function referenceUpdate(state: ReferenceState, g0: number[], opt: Optimizer, schedule: Schedule): void {
  const t = state.t;
  const n = t + 1;
  const lr = referenceLearningRate(opt.lr, schedule, t);
  let g = g0;
  if (opt.clip !== null) {
    const norm = Math.sqrt(g.reduce((s, gi) => s + gi * gi, 0));
    const c = Math.min(1, opt.clip / (norm + 1e-6));
    g = g.map((gi) => gi * c);
  }
  for (let p = 0; p < state.w.length; p++) {
    const gp = g[p]!;
    switch (opt.kind) {
      case "sgd":
        state.w[p] = state.w[p]! - lr * gp;
        break;
      case "momentum":
        state.buf[p] = n === 1 ? gp : opt.beta * state.buf[p]! + gp;
        state.w[p] = state.w[p]! - lr * (opt.nesterov ? gp + opt.beta * state.buf[p]! : state.buf[p]!);
        break;
      case "adam":
      case "adamw": {
        if (opt.kind === "adamw" && isWeight(p)) state.w[p] = state.w[p]! * (1 - lr * opt.weightDecay);
        state.m[p] = opt.beta1 * state.m[p]! + (1 - opt.beta1) * gp;
        state.v[p] = opt.beta2 * state.v[p]! + (1 - opt.beta2) * gp * gp;
        const mHat = state.m[p]! / (1 - opt.beta1 ** n);
        const vHat = state.v[p]! / (1 - opt.beta2 ** n);
        state.w[p] = state.w[p]! - (lr * mHat) / (Math.sqrt(vHat) + opt.eps);
        break;
      }
    }
  }
  state.t = n;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const tolerance = 1e-12 * Math.max(Math.abs(a), Math.abs(e)) + 1e-300;
    if (!(Math.abs(a - e) <= tolerance)) expect.fail(`${what}[${i}]: ${a} vs reference ${e} (relative ${Math.abs(a - e) / Math.abs(e)})`);
  }
}

async function compareWithReference(opt: Optimizer, schedule: Schedule, reg: Regularization, unroll: "auto" | "full" | "none" = "auto"): Promise<void> {
  const ir = makeIR({
    inputSize: IN,
    layers: [
      { units: HIDDEN, activation: { kind: "tanh" } },
      { units: OUT, activation: { kind: "linear" } },
    ],
    loss: "mse",
    optimizer: opt,
    schedule,
    regularization: reg,
  });
  const m = await loadModule(ir, "f64", unroll);
  const { x, y } = data();
  const state = m.createTrainState(m.initParams(7));
  const ref: ReferenceState = { w: Array.from(state.params), m: [], v: [], buf: [], t: 0 };
  ref.m = ref.w.map(() => 0);
  ref.v = ref.w.map(() => 0);
  ref.buf = ref.w.map(() => 0);
  for (let step = 0; step < STEPS; step++) {
    const [from, to] = batchOf(step);
    expect(m.learningRate(step)).toBeCloseTo(referenceLearningRate(opt.lr, schedule, step), 15);
    const loss = m.trainStep(state, x.slice(from * IN, to * IN), y.slice(from * OUT, to * OUT), to - from);
    const expected = referenceLossAndGradient(ref.w, x, y, from, to, reg);
    expectClose([loss], [expected.loss], `loss at step ${step}`);
    referenceUpdate(ref, expected.grad, opt, schedule);
    expect(state.step).toBe(step + 1);
    expectClose(state.params, ref.w, `params after step ${step}`);
    if (state.m !== undefined) expectClose(state.m, ref.m, `m after step ${step}`);
    if (state.v !== undefined) expectClose(state.v, ref.v, `v after step ${step}`);
    if (state.buf !== undefined) expectClose(state.buf, ref.buf, `buf after step ${step}`);
  }
}

describe("trainStep matches the formulas of docs/training.md (optimizer x schedule x regularizer)", () => {
  const cases: [string, string, string][] = [];
  for (const o of Object.keys(CASE_OPTIMIZERS)) for (const s of Object.keys(CASE_SCHEDULES)) for (const r of Object.keys(CASE_REGULARIZERS)) cases.push([o, s, r]);
  test.each(cases)("%s, schedule %s, regularize %s", async (o, s, r) => {
    await compareWithReference(CASE_OPTIMIZERS[o]!, CASE_SCHEDULES[s]!, CASE_REGULARIZERS[r]!);
  });
});

describe("global gradient-norm clipping (clip=NORM) before the update", () => {
  test.each(Object.keys(CASE_OPTIMIZERS))("%s with clip=0.05", async (o) => {
    await compareWithReference({ ...CASE_OPTIMIZERS[o]!, clip: 0.05 }, CASE_SCHEDULES["warmup"]!, CASE_REGULARIZERS["both"]!);
  });
  test("a large clip leaves the gradient as it is (bit-identical to no clipping)", async () => {
    const base = CASE_OPTIMIZERS["adam"]!;
    const run = async (clip: number | null) => {
      const ir = makeIR({ inputSize: IN, layers: [{ units: HIDDEN, activation: { kind: "tanh" } }, { units: OUT, activation: { kind: "linear" } }], loss: "mse", optimizer: { ...base, clip } });
      const m = await loadModule(ir);
      const state = m.createTrainState(m.initParams(3));
      const { x, y } = data();
      for (let i = 0; i < 5; i++) m.trainStep(state, x, y, 5);
      return { params: Array.from(state.params), norm: state.gradNorm };
    };
    const clipped = await run(1e6);
    expect(clipped.params).toEqual((await run(null)).params);
    expect(clipped.norm).toBeGreaterThan(0);
  });
});

describe("moments are updated even when the learning rate is 0", () => {
  test.each(["momentum", "adam", "adamw"])("%s after a cosine reaches eta_min = 0", async (o) => {
    const schedule: Schedule = { warmup: 0, decay: { kind: "cosine", tMax: 1, etaMin: 0, restart: null } };
    const ir = makeIR({ inputSize: IN, layers: [{ units: HIDDEN, activation: { kind: "tanh" } }, { units: OUT, activation: { kind: "linear" } }], loss: "mse", optimizer: CASE_OPTIMIZERS[o]! , schedule });
    const m = await loadModule(ir);
    expect(m.learningRate(1)).toBe(0);
    const state = m.createTrainState(m.initParams(1));
    const { x, y } = data();
    m.trainStep(state, x, y, 5);
    const params = Array.from(state.params);
    const buffer = Array.from((state.m ?? state.buf)!);
    m.trainStep(state, x, y, 5); // lr = 0
    expect(Array.from(state.params)).toEqual(params);
    expect(Array.from((state.m ?? state.buf)!)).not.toEqual(buffer);
    await compareWithReference(CASE_OPTIMIZERS[o]!, schedule, CASE_REGULARIZERS["none"]!);
  });
});

describe("the same numbers whichever code shape lossAndGradient has (--unroll)", () => {
  test.each(["full", "none"] as const)("unroll=%s: adamw, sgdr, l1 + l2, clip", async (unroll) => {
    await compareWithReference({ ...CASE_OPTIMIZERS["adamw"]!, clip: 0.05 }, CASE_SCHEDULES["sgdr"]!, CASE_REGULARIZERS["both"]!, unroll);
  });
});
