/**
 * The runtime's random.ts imported as an ordinary module: the uniform double and the per-epoch
 * shuffle against formulas written here, the logarithm against Math.log.
 */
import { describe, expect, test } from "vitest";
import { fmix32, naturalLog, rotl32, SeededRandom, shuffledOrder } from "../../../src/codegen/runtime/random.js";

describe("runtime random.ts", () => {
  test("float() is (a >>> 5) * 2^26 + (b >>> 6) over 2^53 of two consecutive words", () => {
    const words = new SeededRandom(7, 3);
    const floats = new SeededRandom(7, 3);
    for (let i = 0; i < 1000; i++) {
      const a = words.nextUint32() >>> 5;
      const b = words.nextUint32() >>> 6;
      const u = floats.float();
      expect(u).toBe((a * 2 ** 26 + b) / 2 ** 53);
      expect(u >= 0 && u < 1).toBe(true);
    }
  });

  test("fmix32 and rotl32 are MurmurHash3's finalizer and a 32-bit rotation", () => {
    const mix = (h: number): number => {
      let x = BigInt(h >>> 0);
      const M = 0xffffffffn;
      x ^= x >> 16n;
      x = (x * 0x85ebca6bn) & M;
      x ^= x >> 13n;
      x = (x * 0xc2b2ae35n) & M;
      x ^= x >> 16n;
      return Number(x);
    };
    for (const h of [0, 1, 0x9e3779b9, 0xffffffff, 123456789]) expect(fmix32(h)).toBe(mix(h));
    expect(rotl32(0x80000001, 1) >>> 0).toBe(0x00000003);
    expect(rotl32(0x12345678, 8) >>> 0).toBe(0x34567812);
  });

  test("naturalLog is within one ulp of Math.log", () => {
    for (const x of [1e-300, 5e-324, 0.1, 0.5, 1, 1.5, Math.E, 10, 12345.678, 1e300]) {
      const ours = naturalLog(x);
      const ref = Math.log(x);
      expect(Math.abs(ours - ref)).toBeLessThanOrEqual(Math.abs(ref) * 2.3e-16 + 5e-324);
    }
    expect(naturalLog(1)).toBe(0);
  });

  test("shuffledOrder is Fisher-Yates on stream epoch + 1: j = floor(u * (i + 1)) from i = n - 1 down", () => {
    const n = 50;
    const seed = 42;
    for (const epoch of [0, 1, 9]) {
      const expected = Array.from({ length: n }, (_, i) => i);
      const random = new SeededRandom(seed, epoch + 1);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(random.float() * (i + 1));
        [expected[i], expected[j]] = [expected[j]!, expected[i]!];
      }
      const order = shuffledOrder(new Uint32Array(n), n, seed, epoch);
      expect(Array.from(order)).toEqual(expected);
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    expect(Array.from(shuffledOrder(new Uint32Array(5), 5, null, 3))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(shuffledOrder(new Uint32Array(n), n, seed, 0))).not.toEqual(Array.from(shuffledOrder(new Uint32Array(n), n, seed, 1)));
  });
});
