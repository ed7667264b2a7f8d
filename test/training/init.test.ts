/**
 * initParams and the seeded generator: determinism, the xoshiro128** recurrence against a BigInt
 * transcription of the reference C code, the written-out logarithm against Math.log, and the
 * distributions of every initializer.
 */
import { describe, expect, test } from "vitest";
import { emitSeededRandom } from "../../src/codegen/training-init.js";
import type { InitKind } from "../../src/ir/types.js";
import type { LayerShape } from "../../src/ir/layout.js";
import { importTypeScript, loadModule, makeIR } from "./support.js";
import { denseLayers } from "../../src/ir/layers.js";

interface RandomModule {
  SeededRandom: new (seed: number, stream: number) => { nextUint32(): number; float(): number; normal(): number };
  naturalLog(x: number): number;
}

const random = () => importTypeScript<RandomModule>(`${emitSeededRandom()}\nexport { SeededRandom, naturalLog };\n`);

/** xoshiro128** from Blackman & Vigna's xoshiro128starstar.c, on 32-bit words held in BigInt. */
function referenceXoshiro(state: [bigint, bigint, bigint, bigint], count: number): number[] {
  const M = 0xffffffffn;
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M;
  const s = [...state];
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    out.push(Number((rotl((s[1]! * 5n) & M, 7n) * 9n) & M));
    const t = (s[1]! << 9n) & M;
    s[2] = s[2]! ^ s[0]!;
    s[3] = s[3]! ^ s[1]!;
    s[1] = s[1]! ^ s[2]!;
    s[0] = s[0]! ^ s[3]!;
    s[2] = s[2]! ^ t;
    s[3] = rotl(s[3]!, 11n);
  }
  return out;
}

describe("SeededRandom", () => {
  test("follows the xoshiro128** recurrence", async () => {
    const { SeededRandom } = await random();
    const r = new SeededRandom(0, 0) as unknown as Record<string, number> & { nextUint32(): number };
    [r["s0"], r["s1"], r["s2"], r["s3"]] = [1, 2, 3, 4];
    const ours = Array.from({ length: 1000 }, () => r.nextUint32());
    expect(ours.slice(0, 1)).toEqual([11520]); // rotl(2 * 5, 7) * 9
    expect(ours).toEqual(referenceXoshiro([1n, 2n, 3n, 4n], 1000));
  });

  test("seeds and streams give different sequences; the same (seed, stream) the same one", async () => {
    const { SeededRandom } = await random();
    const first = (seed: number, stream: number) => {
      const r = new SeededRandom(seed, stream);
      return Array.from({ length: 4 }, () => r.nextUint32());
    };
    expect(first(42, 0)).toEqual(first(42, 0));
    expect(first(42, 0)).not.toEqual(first(43, 0));
    expect(first(42, 0)).not.toEqual(first(42, 1));
    expect(first(-1, 0)).not.toEqual(first(0, 0));
    expect(first(2 ** 40, 0)).not.toEqual(first(0, 0));
    // A pinned golden: the same numbers on every machine.
    expect(first(42, 0)).toMatchInlineSnapshot(`
      [
        3915327494,
        1765847057,
        2525778176,
        578758556,
      ]
    `);
  });

  test("float() is uniform in [0, 1)", async () => {
    const { SeededRandom } = await random();
    const r = new SeededRandom(1, 0);
    const n = 100000;
    let sum = 0;
    let min = 1;
    let max = 0;
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < n; i++) {
      const u = r.float();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
      bins[Math.floor(u * 10)]! += 1;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / n).toBeCloseTo(0.5, 2);
    for (const b of bins) expect(Math.abs(b - n / 10)).toBeLessThan(5 * Math.sqrt(n / 10));
  });

  test("normal() has mean 0, variance 1 and the normal's shape", async () => {
    const { SeededRandom } = await random();
    const r = new SeededRandom(2, 0);
    const n = 100000;
    let s1 = 0;
    let s2 = 0;
    let s4 = 0;
    let within1 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s1 += z;
      s2 += z * z;
      s4 += z ** 4;
      if (Math.abs(z) < 1) within1++;
    }
    expect(Math.abs(s1 / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
    expect(Math.abs(s4 / n - 3)).toBeLessThan(0.1); // kurtosis
    expect(Math.abs(within1 / n - 0.682689)).toBeLessThan(0.01);
  });

  test("naturalLog is within 1 ulp of Math.log, subnormals to huge", async () => {
    const { naturalLog } = await random();
    const xs = [1, 2, 0.5, Math.E, 1e-300, 5e-324, 1.7976931348623157e308, 0.7071067811865476, 1.4142135623730951, 1 + 2 ** -52, 1 - 2 ** -53];
    let s = 7;
    for (let i = 0; i < 20000; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      xs.push((s / 2147483648) * 10 ** ((i % 40) - 20));
    }
    for (const x of xs) {
      const ours = naturalLog(x);
      const exact = Math.log(x);
      const ulp = Math.max(2 ** -1074, Math.abs(exact) * 2 ** -52);
      expect(Math.abs(ours - exact), `ln(${x})`).toBeLessThanOrEqual(ulp);
    }
  });
});

const net = (init: InitKind | undefined, activation: LayerShape["activation"] = { kind: "relu" }) =>
  makeIR({
    inputSize: 200,
    layers: [
      { units: 100, activation, ...(init === undefined ? {} : { init }) },
      { units: 3, activation: { kind: "softmax" } },
    ],
    loss: "softmax_ce",
    optimizer: { kind: "sgd", lr: 0.1, clip: null },
    training: { seed: 5 },
  });

function moments(values: ArrayLike<number>): { mean: number; variance: number; maxAbs: number } {
  let sum = 0;
  let sq = 0;
  let maxAbs = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    sq += values[i]! * values[i]!;
    maxAbs = Math.max(maxAbs, Math.abs(values[i]!));
  }
  const mean = sum / values.length;
  return { mean, variance: sq / values.length - mean * mean, maxAbs };
}

describe("initParams", () => {
  test("same seed, same bits; other seed, other values; default seed from the train line", async () => {
    const m = await loadModule(net(undefined));
    expect(Array.from(m.initParams(9))).toEqual(Array.from(m.initParams(9)));
    expect(Array.from(m.initParams(9))).not.toEqual(Array.from(m.initParams(10)));
    expect(Array.from(m.initParams())).toEqual(Array.from(m.initParams(5)));
    expect(m.initParams(1)).toBeInstanceOf(Float64Array);
  });

  test("a pinned golden: these exact values on every machine", async () => {
    const m = await loadModule(makeIR({ inputSize: 2, layers: [{ units: 2, activation: { kind: "relu" } }, { units: 1, activation: { kind: "sigmoid" }, init: "xavier_normal" }], loss: "bce", optimizer: { kind: "sgd", lr: 0.1, clip: null } }));
    expect(Array.from(m.initParams(42))).toMatchInlineSnapshot(`
      [
        1.425852707361588,
        0.3051130800461588,
        -0.180594956370672,
        -1.4698747116452318,
        0,
        0,
        0.3849652211765663,
        -0.458120356130906,
        0,
      ]
    `);
  });

  test.each([
    ["he_uniform", 6 / 200 / 3, Math.sqrt(6 / 200)],
    ["xavier_uniform", 6 / 300 / 3, Math.sqrt(6 / 300)],
    ["he_normal", 2 / 200, Infinity],
    ["xavier_normal", 2 / 300, Infinity],
  ] as const)("%s: weights with the right variance (and bound), biases 0", async (init, variance, bound) => {
    const ir = net(init);
    const m = await loadModule(ir);
    const params = m.initParams(123);
    const layer = denseLayers(ir)[0]!;
    const w = params.subarray(layer.weightOffset, layer.biasOffset);
    const stats = moments(w);
    expect(Math.abs(stats.mean)).toBeLessThan(4 * Math.sqrt(variance / w.length));
    expect(Math.abs(stats.variance / variance - 1)).toBeLessThan(0.05);
    expect(stats.maxAbs).toBeLessThanOrEqual(bound);
    for (const l of denseLayers(ir)) expect(Array.from(params.subarray(l.biasOffset, l.biasOffset + l.units)).every((b) => b === 0)).toBe(true);
  });

  test.each([
    ["relu", "he_uniform"],
    ["leaky_relu", "he_uniform"],
    ["gelu", "he_uniform"],
    ["swish", "he_uniform"],
    ["sigmoid", "xavier_uniform"],
    ["tanh", "xavier_uniform"],
    ["linear", "xavier_uniform"],
  ] as const)("%s layers default to %s", async (activation, expected) => {
    const act = activation === "leaky_relu" ? { kind: activation, alpha: 0.01 } : { kind: activation };
    const byDefault = await loadModule(net(undefined, act));
    const explicit = await loadModule(net(expected, act));
    expect(Array.from(byDefault.initParams(3))).toEqual(Array.from(explicit.initParams(3)));
  });

  test("f32 modules initialize a Float32Array", async () => {
    const m = await loadModule(net(undefined), "f32");
    expect(m.initParams(1)).toBeInstanceOf(Float32Array);
  });
});
