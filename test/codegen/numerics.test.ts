/**
 * Numbers: a net small enough to differentiate by hand, the seed net with fixed weights against
 * the independent reference interpreter, extreme logits (+-1000) for bce and softmax_ce, and the
 * emitted erf against known values.
 */
import { describe, expect, it } from "vitest";
import { helperSource } from "../../src/codegen/activation.js";
import type { ModelIR } from "../../src/ir/types.js";
import { buildIR, seedIR } from "../support/ir.js";
import { refErf, refForward, refLossAndGradient, type RefNet } from "../support/reference.js";
import { compileAndLoad, importJavaScript, transpile } from "./load.js";
import { denseLayers } from "../../src/ir/layers.js";

const MODES = ["full", "none"] as const;

function refNet(ir: ModelIR): RefNet {
  return { inputs: ir.inputSize, layers: denseLayers(ir).map((l) => ({ units: l.units, activation: l.activation })), loss: ir.loss.kind, l1: ir.regularization.l1, l2: ir.regularization.l2 };
}

describe("a 1-1-1 net differentiated by hand", () => {
  // input 1 -> dense 1 relu -> dense 1 sigmoid, bce; w1 = 2, b1 = -1, w2 = 3, b2 = 0.5; x = 1, y = 1.
  const ir = buildIR({ inputs: 1, layers: [[1, "relu"], [1, "sigmoid"]] });
  const params = Float64Array.of(2, -1, 3, 0.5);
  const z1 = 2 * 1 - 1; // 1, so relu passes it: a1 = 1, relu'(z1) = 1
  const a1 = z1;
  const z2 = 3 * a1 + 0.5; // 3.5
  const p = 1 / (1 + Math.exp(-z2));
  const J = Math.log(1 + Math.exp(-z2)); // y = 1: -log p
  const dz2 = p - 1;
  const dz1 = 3 * dz2 * 1; // w2 dz2 relu'(z1)
  const expected = [dz1 * 1, dz1, dz2 * a1, dz2]; // dW1, db1, dW2, db2

  for (const unroll of MODES) {
    it(`unroll=${unroll}: forward, J and every partial derivative`, async () => {
      const { module: m } = await compileAndLoad(ir, { unroll });
      expect(m.forward(params, [1])[0]).toBeCloseTo(p, 15);
      const grad = new Float64Array(4);
      expect(m.lossAndGradient(params, [1], [1], 1, grad)).toBeCloseTo(J, 15);
      for (let k = 0; k < 4; k++) expect(grad[k]).toBeCloseTo(expected[k]!, 15);
    });
  }
});

describe("the seed net 6-7-4-1 with fixed weights", () => {
  const ir = seedIR();
  // Weights -0.6 .. 0.6 in a fixed pattern; two rows of data.
  const params = Float64Array.from({ length: ir.paramCount }, (_, k) => (((k * 7) % 13) - 6) / 10);
  const X = [
    [0.5, -1, 1.5, 2, -0.5, 1],
    [-1.25, 0.75, 0.5, -2, 1, 0.25],
  ];
  const Y = [[1], [0]];
  const ref = refLossAndGradient(refNet(ir), params, X, Y);
  const refOut = X.map((x) => refForward(refNet(ir), params, x).output[0]!);

  it("the reference's numbers (written out, so a change in the interpreter shows too)", () => {
    expect(refOut.map((v) => v.toFixed(12))).toEqual(["0.606351148700", "0.524729805230"]);
    // mean of -log(0.606351148700) and -log(1 - 0.524729805230)
    expect(ref.loss.toFixed(12)).toBe("0.622083906503");
  });

  for (const unroll of [...MODES, "auto"] as const) {
    it(`unroll=${unroll}: forward, loss and gradient equal the reference to 1e-12`, async () => {
      const { module: m } = await compileAndLoad(ir, { unroll });
      for (let r = 0; r < 2; r++) expect(Math.abs(m.forward(params, X[r]!)[0]! - refOut[r]!)).toBeLessThan(1e-12);
      const grad = new Float64Array(ir.paramCount);
      const loss = m.lossAndGradient(params, X.flat(), Y.flat(), 2, grad);
      expect(Math.abs(loss - ref.loss)).toBeLessThan(1e-12);
      for (let k = 0; k < grad.length; k++) expect(Math.abs(grad[k]! - ref.grad[k]!), `grad[${k}]`).toBeLessThan(1e-12);
    });
  }
});

describe("extreme logits", () => {
  for (const unroll of MODES) {
    it(`unroll=${unroll}: bce at z = +-1000 gives a finite loss and gradient`, async () => {
      const ir = buildIR({ inputs: 1, layers: [[1, "sigmoid"]] });
      const { module: m } = await compileAndLoad(ir, { unroll });
      const params = Float64Array.of(1000, 0);
      const grad = new Float64Array(2);
      // z = 1000 with y = 0 and z = -1000 with y = 1: both maximally wrong, J = 1000 each.
      const loss = m.lossAndGradient(params, [1, -1], [0, 1], 2, grad);
      expect(loss).toBeCloseTo(1000, 9);
      expect([...grad].every(Number.isFinite)).toBe(true);
      expect(grad[0]).toBeCloseTo(1, 12); // ((1 - 0) * 1 + (0 - 1) * -1) / 2
      expect(m.forward(params, [-1])[0]).toBe(0);
      expect(m.forward(params, [1])[0]).toBe(1);
    });

    it(`unroll=${unroll}: softmax_ce at logits +-1000 is finite, equal large logits give a uniform softmax`, async () => {
      const ir = buildIR({ inputs: 1, layers: [[3, "softmax"]] });
      const { module: m } = await compileAndLoad(ir, { unroll });
      const grad = new Float64Array(6);
      const wild = Float64Array.of(1000, -1000, 0, 0, 0, 0);
      const loss = m.lossAndGradient(wild, [1], [0, 1, 0], 1, grad);
      expect(loss).toBeCloseTo(2000, 9);
      expect([...grad].every(Number.isFinite)).toBe(true);
      expect([...grad]).toEqual([1, -1, 0, 1, -1, 0].map((v) => expect.closeTo(v, 12)));
      const flat = Float64Array.of(1000, 1000, 1000, 0, 0, 0);
      expect([...m.forward(flat, [1])]).toEqual([1 / 3, 1 / 3, 1 / 3]);
      expect(m.lossAndGradient(flat, [1], [1, 0, 0], 1, grad)).toBeCloseTo(Math.log(3), 12);
    });
  }
});

describe("erf (fdlibm's algorithm, emitted for gelu)", () => {
  // Values from the C library's erf (glibc, correctly rounded or within 1 ulp).
  const known: readonly [number, number][] = [
    [0.01, 0.011283415555849616],
    [0.1, 0.1124629160182849],
    [0.3, 0.3286267594591274],
    [0.5, 0.5204998778130465],
    [0.8, 0.7421009647076605],
    [0.9, 0.7969082124228322],
    [1, 0.8427007929497149],
    [1.2, 0.9103139782296353],
    [1.5, 0.9661051464753108],
    [2, 0.9953222650189527],
    [2.5, 0.999593047982555],
    [3, 0.9999779095030014],
    [3.5, 0.9999992569016276],
    [4, 0.9999999845827421],
    [5, 0.9999999999984626],
    [-0.7, -0.6778011938374184],
    [-2.2, -0.9981371537020182],
  ];

  it("matches known values to 1e-15 and has the right limits", async () => {
    const { erf } = await importJavaScript<{ erf: (x: number) => number }>(transpile(`${helperSource("erf")}\nexport { erf };`));
    for (const [x, e] of known) expect(Math.abs(erf(x) - e), `erf(${x})`).toBeLessThanOrEqual(1e-15);
    expect(erf(0)).toBe(0);
    expect(Object.is(erf(-0), -0)).toBe(true);
    expect(erf(1e-300)).toBeCloseTo(1.1283791670955126e-300, 310);
    expect(erf(6)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erf(Infinity)).toBe(1);
    expect(erf(Number.NaN)).toBeNaN();
    // odd, and monotone across the approximation's interval boundaries
    for (const b of [0.84375, 1.25, 1 / 0.35, 6]) {
      for (const x of [b - 1e-12, b, b + 1e-12]) expect(erf(-x)).toBe(-erf(x));
      expect(erf(b - 1e-9)).toBeLessThanOrEqual(erf(b + 1e-9));
    }
    // and agrees with the reference's independent series everywhere in between
    for (let x = -5.9; x < 6; x += 0.0173) expect(Math.abs(erf(x) - refErf(x))).toBeLessThan(2e-15);
  });
});

describe("gelu over arrays (applyGelu, scaleByGeluDerivative: erf inline in one loop)", () => {
  it("gives the scalar gelu and geluDerivative bit for bit, in every erf range, for f64 and f32 arrays", async () => {
    const source = ["erf", "gelu", "geluDerivative", "applyGelu", "scaleByGeluDerivative"].map((h) => helperSource(h as Parameters<typeof helperSource>[0])).join("\n\n");
    type Arr = Float64Array | Float32Array;
    const m = await importJavaScript<{ gelu(z: number): number; geluDerivative(z: number): number; applyGelu(from: Arr, to: Arr, n: number): void; scaleByGeluDerivative(d: Arr, at: Arr, n: number): void }>(
      transpile(`${source}\nexport { gelu, geluDerivative, applyGelu, scaleByGeluDerivative };`),
    );
    // z / sqrt 2 on each side of every range boundary (0.84375, 1.25, 1/0.35, 6) and of the tiny-x branch, both signs, and the specials.
    const boundaries = [3.725290298461914e-9, 0.84375, 1.25, 1 / 0.35, 6].map((b) => b * Math.SQRT2);
    const z = [0, -0, 1e-300, NaN, Infinity, -Infinity, 40, -40, ...boundaries.flatMap((b) => [b * (1 - 1e-12), b, b * (1 + 1e-12)])];
    for (let v = -9; v < 9; v += 0.00071) z.push(v);
    const values = [...z, ...z.map((v) => -v)];
    for (const Arr of [Float64Array, Float32Array]) {
      const from = Arr.from(values);
      const to = new Arr(values.length).fill(7);
      m.applyGelu(from, to, values.length - 1);
      const d = Arr.from(values.map((_, i) => 1 + (i % 5) / 3));
      const dExpected = Arr.from(d);
      m.scaleByGeluDerivative(d, from, values.length - 1);
      const differs: string[] = [];
      for (let i = 0; i < values.length - 1; i++) {
        if (!Object.is(to[i], Arr.of(m.gelu(from[i]!))[0])) differs.push(`gelu(${from[i]})`);
        if (!Object.is(d[i], Arr.of(dExpected[i]! * m.geluDerivative(from[i]!))[0])) differs.push(`gelu'(${from[i]})`);
      }
      expect(differs.slice(0, 5), `in a ${Arr.name}`).toEqual([]);
      // n is respected: the last element is left alone
      expect(to[values.length - 1]).toBe(7);
      expect(d[values.length - 1]).toBe(dExpected[values.length - 1]);
    }
  });
});
