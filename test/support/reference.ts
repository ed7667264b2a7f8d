/**
 * A tiny, independent MLP interpreter for tests: plain number[][] matrices, one sample at a time,
 * textbook backpropagation. It shares nothing with the emitter (not its activation code, not its
 * erf, not its loss code) so that agreement means something. Slow and obvious on purpose.
 */
import type { Activation, LossKind } from "../../src/ir/types.js";

export interface RefLayer {
  readonly units: number;
  readonly activation: Activation;
}

export interface RefNet {
  readonly inputs: number;
  readonly layers: readonly RefLayer[];
  readonly loss: LossKind;
  readonly l1?: number;
  readonly l2?: number;
}

interface Weights {
  /** W[j][i] */
  readonly W: number[][];
  readonly b: number[];
}

/** Splits a flat parameter vector by the documented layout: per layer W (units x inputs, row-major), then b. */
export function unpack(net: RefNet, params: ArrayLike<number>): Weights[] {
  const out: Weights[] = [];
  let p = 0;
  let inputs = net.inputs;
  for (const layer of net.layers) {
    const W: number[][] = [];
    for (let j = 0; j < layer.units; j++) {
      const row: number[] = [];
      for (let i = 0; i < inputs; i++) row.push(params[p++]!);
      W.push(row);
    }
    const b: number[] = [];
    for (let j = 0; j < layer.units; j++) b.push(params[p++]!);
    out.push({ W, b });
    inputs = layer.units;
  }
  if (p !== params.length) throw new Error(`reference: expected ${p} parameters, got ${params.length}`);
  return out;
}

export function paramCount(net: RefNet): number {
  let n = 0;
  let inputs = net.inputs;
  for (const l of net.layers) {
    n += (inputs + 1) * l.units;
    inputs = l.units;
  }
  return n;
}

/**
 * erf by its everywhere-positive series erf(x) = 2/sqrt(pi) e^(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)),
 * summed until the terms vanish: no cancellation, ~1e-15 relative for the |x| < 6 used in tests.
 */
export function refErf(x: number): number {
  if (x < 0) return -refErf(-x);
  if (x > 6) return 1;
  let term = x;
  let sum = x;
  for (let n = 1; n < 500; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** f(z) */
function apply(a: Activation, z: number): number {
  switch (a.kind) {
    case "linear":
      return z;
    case "sigmoid":
      return sigmoid(z);
    case "tanh":
      return Math.tanh(z);
    case "relu":
      return Math.max(0, z);
    case "leaky_relu":
      return z > 0 ? z : a.alpha * z;
    case "gelu":
      return 0.5 * z * (1 + refErf(z / Math.SQRT2));
    case "gelu_tanh":
      return 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z ** 3)));
    case "swish":
      return z * sigmoid(z);
    case "softmax":
      throw new Error("softmax is a vector function");
  }
}

/** f'(z), written from the formulas directly. */
function slope(a: Activation, z: number): number {
  switch (a.kind) {
    case "linear":
      return 1;
    case "sigmoid":
      return sigmoid(z) * (1 - sigmoid(z));
    case "tanh":
      return 1 - Math.tanh(z) ** 2;
    case "relu":
      return z > 0 ? 1 : 0;
    case "leaky_relu":
      return z > 0 ? 1 : a.alpha;
    case "gelu": {
      const cdf = 0.5 * (1 + refErf(z / Math.SQRT2));
      const pdf = Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
      return cdf + z * pdf;
    }
    case "gelu_tanh": {
      const c = Math.sqrt(2 / Math.PI);
      const t = Math.tanh(c * (z + 0.044715 * z ** 3));
      return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * c * (1 + 3 * 0.044715 * z * z);
    }
    case "swish":
      return sigmoid(z) + z * sigmoid(z) * (1 - sigmoid(z));
    case "softmax":
      throw new Error("softmax is a vector function");
  }
}

function softmax(z: readonly number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((x, y) => x + y, 0);
  return e.map((v) => v / s);
}

export interface RefTrace {
  /** zs[k][j], as[k][j] for layer k (0-based); as[-1] would be x. */
  readonly zs: number[][];
  readonly as: number[][];
  /** The network's output after the last activation. */
  readonly output: number[];
}

export function refForward(net: RefNet, params: ArrayLike<number>, x: readonly number[]): RefTrace {
  const weights = unpack(net, params);
  const zs: number[][] = [];
  const as: number[][] = [];
  let input = x;
  net.layers.forEach((layer, k) => {
    const { W, b } = weights[k]!;
    const z = W.map((row, j) => row.reduce((s, w, i) => s + w * input[i]!, b[j]!));
    const a = layer.activation.kind === "softmax" ? softmax(z) : z.map((v) => apply(layer.activation, v));
    zs.push(z);
    as.push(a);
    input = a;
  });
  return { zs, as, output: as[as.length - 1]! };
}

/** Mean data loss + regularization, and its gradient, by per-sample backpropagation. */
export function refLossAndGradient(net: RefNet, params: ArrayLike<number>, X: readonly number[][], Y: readonly number[][]): { loss: number; grad: number[] } {
  const weights = unpack(net, params);
  const L = net.layers.length;
  const outUnits = net.layers[L - 1]!.units;
  const rows = X.length;
  const gW = weights.map((w) => w.W.map((row) => row.map(() => 0)));
  const gb = weights.map((w) => w.b.map(() => 0));
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const x = X[r]!;
    const y = Y[r]!;
    const { zs, as } = refForward(net, params, x);
    const z = zs[L - 1]!;
    const a = as[L - 1]!;
    // dJ_row/dz at the output, before the batch mean
    let delta: number[];
    switch (net.loss) {
      case "mse": {
        loss += a.reduce((s, v, j) => s + (v - y[j]!) ** 2, 0) / outUnits;
        delta = a.map((v, j) => ((2 * (v - y[j]!)) / outUnits) * slope(net.layers[L - 1]!.activation, z[j]!));
        break;
      }
      case "bce":
      case "multilabel_bce": {
        // -y log p - (1 - y) log(1 - p), written with log-sigmoid for stability
        const logSig = (v: number): number => (v >= 0 ? -Math.log1p(Math.exp(-v)) : v - Math.log1p(Math.exp(v)));
        loss += z.reduce((s, v, j) => s - y[j]! * logSig(v) - (1 - y[j]!) * logSig(-v), 0) / outUnits;
        delta = z.map((v, j) => (sigmoid(v) - y[j]!) / outUnits);
        break;
      }
      case "softmax_ce": {
        const m = Math.max(...z);
        const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
        loss += -y.reduce((s, t, j) => s + t * (z[j]! - lse), 0);
        const ySum = y.reduce((s, t) => s + t, 0);
        delta = z.map((v, j) => Math.exp(v - lse) * ySum - y[j]!);
        break;
      }
    }
    for (let k = L - 1; k >= 0; k--) {
      const input = k === 0 ? x : as[k - 1]!;
      for (let j = 0; j < delta.length; j++) {
        gb[k]![j]! += delta[j]!;
        for (let i = 0; i < input.length; i++) gW[k]![j]![i]! += delta[j]! * input[i]!;
      }
      if (k > 0) {
        const { W } = weights[k]!;
        const prev = net.layers[k - 1]!.activation;
        delta = input.map((_, i) => W.reduce((s, row, j) => s + row[i]! * delta[j]!, 0) * slope(prev, zs[k - 1]![i]!));
      }
    }
  }
  const grad: number[] = [];
  const l1 = net.l1 ?? 0;
  const l2 = net.l2 ?? 0;
  let reg = 0;
  weights.forEach((w, k) => {
    w.W.forEach((row, j) =>
      row.forEach((v, i) => {
        reg += l1 * Math.abs(v) + (l2 / 2) * v * v;
        grad.push(gW[k]![j]![i]! / rows + l1 * Math.sign(v) + l2 * v);
      }),
    );
    w.b.forEach((_, j) => grad.push(gb[k]![j]! / rows));
  });
  return { loss: loss / rows + reg, grad };
}

/** A small seeded generator (mulberry32) for test data: same seed, same numbers. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
