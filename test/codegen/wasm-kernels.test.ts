/**
 * The hand-assembled WebAssembly SIMD kernels (src/codegen/wasm): the module validates, is
 * deterministic and small enough for synchronous compilation on a browser's main thread, and
 * dense, gemm and adam match naive JS loops (adam in f64 bit for bit) on seeded random data for both lanes, over shapes that hit
 * every tile variant (full tiles, row/unit/vector tails, empty) at unaligned, non-zero offsets.
 * Outputs start as NaN and are fenced by sentinels, so an unwritten element or a stray write fails.
 */
import { describe, expect, it } from "vitest";
import { encodeModule, Fn, sleb, uleb } from "../../src/codegen/wasm/encode.js";
import { ADAM_SCALARS, KERNEL_MAX_PAGES, kernelModuleBytes, lanesOf, sharedMemoryFlagAt, type Lane } from "../../src/codegen/wasm/kernels.js";
import { prng } from "../support/reference.js";

/** The part of the WebAssembly JS API used here (the project's libs, ES2022 + @types/node 20, do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  readonly Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  readonly Module: {
    new (bytes: Uint8Array): object;
    exports(module: object): { name: string; kind: string }[];
    imports(module: object): { module: string; name: string; kind: string }[];
  };
  readonly Instance: new (module: object, imports: { env: { memory: WasmMemory } }) => { readonly exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Kernels {
  dense(x: number, w: number, b: number, z: number, rows: number, k: number, n: number): void;
  gemm(a: number, aP: number, aQ: number, m: number, c: number, p: number, q: number, k: number, accumulate: number): void;
  adam(p: number, g: number, m: number, v: number, n: number, ...scalars: number[]): number;
}

const LANES: readonly Lane[] = ["f32", "f64"];
const TOLERANCE: Record<Lane, number> = { f32: 1e-5, f64: 1e-12 };
const ROWS = [0, 1, 2, 3, 5, 32];
const UNITS = [1, 3, 4, 10, 128];
const SENTINEL = 12345.5;
const FENCE = 3; // sentinel elements either side of an output

/** One memory per lane and a bump allocator over it, restarted for every case. */
class Heap {
  readonly memory = new wasm.Memory({ initial: 64, maximum: 64 }); // 4 MB: the largest case needs ~1.1 MB
  readonly kernels: Kernels;
  readonly view: Float32Array | Float64Array;
  private next = 0;

  constructor(readonly lane: Lane, private readonly random: () => number) {
    const module = new wasm.Module(kernelModuleBytes(lane));
    this.kernels = new wasm.Instance(module, { env: { memory: this.memory } }).exports as unknown as Kernels;
    this.view = lane === "f32" ? new Float32Array(this.memory.buffer) : new Float64Array(this.memory.buffer);
  }

  /** Restarts past element 5, so no pointer is 0 and (with the random gaps) most are not 16-byte aligned. */
  reset(): void {
    this.next = 5;
  }

  /** `n` elements after a gap of 1-3 elements (so no two regions share alignment by accident). */
  private place(n: number): number {
    const at = this.next + 1 + Math.floor(this.random() * 3);
    this.next = at + n;
    return at;
  }

  /** A region of random values in [-1, 1); returns its element index. */
  input(n: number): number {
    const at = this.place(n);
    for (let i = 0; i < n; i++) this.view[at + i] = this.random() * 2 - 1;
    return at;
  }

  /** An output region filled with `fill`, fenced by sentinels either side. */
  output(n: number, fill: "nan" | "random"): number {
    const at = this.place(n + 2 * FENCE) + FENCE;
    for (let i = -FENCE; i < n + FENCE; i++) this.view[at + i] = i < 0 || i >= n ? SENTINEL : fill === "nan" ? NaN : this.random() * 2 - 1;
    return at;
  }

  bytes(element: number): number {
    return element * this.view.BYTES_PER_ELEMENT;
  }

  values(at: number, n: number): number[] {
    return Array.from(this.view.subarray(at, at + n));
  }

  fenceIntact(at: number, n: number): boolean {
    for (let i = 1; i <= FENCE; i++) if (this.view[at - i] !== SENTINEL || this.view[at + n - 1 + i] !== SENTINEL) return false;
    return true;
  }
}

/**
 * Counts elements outside tolerance, relative to the sum of the magnitudes that went into each
 * (a sum of random terms can cancel to near zero, where plain relative error means nothing).
 */
function mismatches(got: readonly number[], want: readonly number[], scale: readonly number[], tol: number): string[] {
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * scale[i])) bad.push(`[${i}] got ${got[i]} want ${want[i]}`);
  }
  return bad.slice(0, 5);
}

/** 5 lanes: a full 4-vector gemm tile then a 1-vector tail (784 is full tiles only, 1-2 lanes tails only). */
function kSizes(lane: Lane): number[] {
  const L = lanesOf(lane);
  return [L, 2 * L, 5 * L, 784];
}

describe("the kernel module", () => {
  for (const lane of LANES) {
    it(`${lane}: validates, is deterministic and under 4096 bytes`, () => {
      const bytes = kernelModuleBytes(lane);
      expect(wasm.validate(bytes)).toBe(true);
      expect(bytes).toEqual(kernelModuleBytes(lane));
      expect(bytes.length).toBeLessThan(4096);
      const exports = wasm.Module.exports(new wasm.Module(bytes)).map((e) => `${e.kind} ${e.name}`);
      expect(exports).toEqual(["function dense", "function gemm", "function adam", "function adamCombined"]);
      expect(wasm.Module.imports(new wasm.Module(bytes))).toEqual([{ module: "env", name: "memory", kind: "memory" }]);
    });
  }

  for (const lane of LANES) {
    it(`${lane}: the variant for a shared memory differs in the memory's limits flag alone, and links to a shared memory only`, () => {
      const [plain, shared] = [kernelModuleBytes(lane), kernelModuleBytes(lane, true)];
      const at = sharedMemoryFlagAt(lane);
      expect([plain[at], shared[at]]).toEqual([0x01, 0x03]);
      expect(Uint8Array.from(plain, (b, i) => (i === at ? 0x03 : b))).toEqual(shared);
      expect(wasm.validate(shared)).toBe(true);
      const link = (bytes: Uint8Array, memory: object): boolean => {
        try {
          new wasm.Instance(new wasm.Module(bytes), { env: { memory: memory as WasmMemory } });
          return true;
        } catch {
          return false;
        }
      };
      const sharedMemory = new wasm.Memory({ initial: 1, maximum: 1, shared: true });
      const ownMemory = new wasm.Memory({ initial: 1, maximum: 1 });
      expect([link(shared, sharedMemory), link(shared, ownMemory), link(plain, ownMemory), link(plain, sharedMemory)]).toEqual([true, false, true, false]);
      // The kernels declare at most KERNEL_MAX_PAGES: a memory without a maximum does not link.
      expect(link(plain, new wasm.Memory({ initial: 1 }))).toBe(false);
      expect(KERNEL_MAX_PAGES).toBe(32768);
    });
  }

  it("lanesOf is the elements in a v128", () => {
    expect(lanesOf("f32")).toBe(4);
    expect(lanesOf("f64")).toBe(2);
  });
});

describe("the encoder", () => {
  it("writes LEB128 as the spec's examples", () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(228)).toEqual([0xe4, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(0)).toEqual([0]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(() => uleb(-1)).toThrow(RangeError);
    expect(() => sleb(2 ** 31)).toThrow(RangeError);
  });

  it("groups locals by type and yields a module the engine accepts", () => {
    const f = new Fn(1);
    expect([f.local(0x7f), f.local(0x7f), f.local(0x7b), f.local(0x7f)]).toEqual([1, 2, 3, 4]);
    f.get(0).set(1);
    // size, 3 groups (2 i32, 1 v128, 1 i32), local.get 0, local.set 1, end
    expect(f.encode()).toEqual([12, 3, 2, 0x7f, 1, 0x7b, 1, 0x7f, 0x20, 0, 0x21, 1, 0x0b]);
    const bytes = encodeModule({ memory: { module: "env", field: "memory", minPages: 1, maxPages: 1 }, functions: [{ name: "f", params: [0x7f], body: f }] });
    expect(wasm.validate(bytes)).toBe(true);
  });
});

describe("dense(x, w, b, z, rows, K, N) = x W^T + b", () => {
  for (const lane of LANES) {
    for (const K of kSizes(lane)) {
      it(`${lane}, K = ${K}: every rows x N`, () => {
        const heap = new Heap(lane, prng(K * 7 + (lane === "f32" ? 1 : 2)));
        for (const rows of ROWS) {
          for (const N of UNITS) {
            heap.reset();
            const x = heap.input(rows * K);
            const w = heap.input(N * K);
            const b = heap.input(N);
            const z = heap.output(rows * N, "nan");
            heap.kernels.dense(heap.bytes(x), heap.bytes(w), heap.bytes(b), heap.bytes(z), rows, K, N);

            const X = heap.values(x, rows * K);
            const W = heap.values(w, N * K);
            const B = heap.values(b, N);
            const want: number[] = [];
            const scale: number[] = [];
            for (let r = 0; r < rows; r++) {
              for (let n = 0; n < N; n++) {
                let s = B[n];
                let m = Math.abs(B[n]);
                for (let k = 0; k < K; k++) {
                  s += X[r * K + k] * W[n * K + k];
                  m += Math.abs(X[r * K + k] * W[n * K + k]);
                }
                want.push(s);
                scale.push(m);
              }
            }
            const shape = `rows ${rows} N ${N}`;
            expect(mismatches(heap.values(z, rows * N), want, scale, TOLERANCE[lane]), shape).toEqual([]);
            expect(heap.fenceIntact(z, rows * N), shape).toBe(true);
          }
        }
      });
    }
  }
});

describe("gemm(a, aP, aQ, m, c, P, Q, K, accumulate)", () => {
  // dx = dz W (P = R rows, Q = N units, a = dz row-major) and dW = dz^T x (P = N, Q = R, a = dz transposed).
  const uses = [
    { name: "dx = dz W", shape: (R: number, N: number) => ({ P: R, Q: N, aP: N, aQ: 1 }) },
    { name: "dW = dz^T x", shape: (R: number, N: number) => ({ P: N, Q: R, aP: 1, aQ: N }) },
  ] as const;
  for (const lane of LANES) {
    for (const use of uses) {
      for (const K of kSizes(lane)) {
        for (const accumulate of [0, 1]) {
          it(`${lane}, ${use.name}, K = ${K}, accumulate ${accumulate}: every R x N`, () => {
            const heap = new Heap(lane, prng(K * 31 + accumulate * 5 + (use.name.startsWith("dx") ? 0 : 3) + (lane === "f32" ? 1 : 2)));
            for (const R of ROWS) {
              for (const N of UNITS) {
                const { P, Q, aP, aQ } = use.shape(R, N);
                heap.reset();
                const a = heap.input(R * N);
                const m = heap.input(Q * K);
                // Not accumulating, c starts as NaN: a kernel that computed c * 0 instead of 0 would fail.
                const c = heap.output(P * K, accumulate ? "random" : "nan");
                const C0 = heap.values(c, P * K);
                heap.kernels.gemm(heap.bytes(a), aP, aQ, heap.bytes(m), heap.bytes(c), P, Q, K, accumulate);

                const A = heap.values(a, R * N);
                const M = heap.values(m, Q * K);
                const want: number[] = [];
                const scale: number[] = [];
                for (let p = 0; p < P; p++) {
                  for (let k = 0; k < K; k++) {
                    let s = accumulate ? C0[p * K + k] : 0;
                    let mag = Math.abs(s);
                    for (let q = 0; q < Q; q++) {
                      const t = A[p * aP + q * aQ] * M[q * K + k];
                      s += t;
                      mag += Math.abs(t);
                    }
                    want.push(s);
                    scale.push(mag);
                  }
                }
                const shape = `R ${R} N ${N} (P ${P} Q ${Q})`;
                expect(mismatches(heap.values(c, P * K), want, scale, TOLERANCE[lane]), shape).toEqual([]);
                expect(heap.fenceIntact(c, P * K), shape).toBe(true);
              }
            }
          });
        }
      }
    }
  }
});

describe("adam(p, g, m, v, n, beta1, 1 - beta1, beta2, 1 - beta2, eps, stepSize, rootScale, decay, gradScale)", () => {
  // The TypeScript update of training-optimizer.ts, in its order of operations, in float64.
  function reference(p: number[], g: number[], m: number[], v: number[], k: Record<(typeof ADAM_SCALARS)[number], number>): void {
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]! * k.gradScale;
      const mp = k.beta1 * m[i]! + k.oneMinusBeta1 * gi;
      const vp = k.beta2 * v[i]! + k.oneMinusBeta2 * gi * gi;
      m[i] = mp;
      v[i] = vp;
      p[i] = p[i]! * k.decay - (k.stepSize * mp) / (Math.sqrt(vp) * k.rootScale + k.eps);
    }
  }

  for (const lane of LANES) {
    for (const n of [0, 1, 2, 3, 5, 8, 101, 1000]) {
      for (const [decay, gradScale] of [[1, 1], [0.9999, 0.37]] as const) {
        it(`${lane}: n ${n}, decay ${decay}, gradScale ${gradScale}: ${lane === "f64" ? "bit for bit the TypeScript update" : "the update to float32"}`, () => {
          const heap = new Heap(lane, prng(n * 13 + (decay === 1 ? 0 : 7) + (lane === "f32" ? 1 : 2)));
          heap.reset();
          const [p, g, m] = [heap.output(n, "random"), heap.input(n), heap.output(n, "random")];
          const v = heap.output(n, "random");
          for (let i = 0; i < n; i++) heap.view[v + i] = Math.abs(heap.view[v + i]!);
          const k = { beta1: 0.9, oneMinusBeta1: 1 - 0.9, beta2: 0.999, oneMinusBeta2: 1 - 0.999, eps: 1e-8, stepSize: 0.001 / (1 - 0.9 ** 3), rootScale: 1 / Math.sqrt(1 - 0.999 ** 3), decay, gradScale };
          // f32: the kernel sees the scalars rounded to float32, so the reference does too.
          const r = (x: number): number => (lane === "f32" ? Math.fround(x) : x);
          const kr = Object.fromEntries(Object.entries(k).map(([name, x]) => [name, r(x)])) as typeof k;
          const [P, G, M, V] = [heap.values(p, n), heap.values(g, n), heap.values(m, n), heap.values(v, n)];
          const check = heap.kernels.adam(heap.bytes(p), heap.bytes(g), heap.bytes(m), heap.bytes(v), n, ...ADAM_SCALARS.map((name) => k[name]));
          expect(check, "every new p finite").toBe(0);
          reference(P, G, M, V, kr);
          for (const [at, want, what] of [[p, P, "p"], [m, M, "m"], [v, V, "v"]] as const) {
            const got = heap.values(at, n);
            if (lane === "f64") expect(got, what).toEqual(want);
            else expect(mismatches(got, want, want.map((x) => Math.max(1e-3, Math.abs(x))), 1e-5), what).toEqual([]);
            expect(heap.fenceIntact(at, n), what).toBe(true);
          }
          expect(heap.values(g, n)).toEqual(G);
        });
      }
    }
  }
});
