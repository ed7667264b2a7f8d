/**
 * Fuzzing the whole compiler (fast-check, seeded): random text, mutated examples, huge numbers,
 * unicode, NUL bytes, 1 MB lines and deep `-> dense` chains go through parse, check and compile.
 * Every outcome is a module or diagnostics: never an exception, never a hang.
 * CI runs 10k inputs; `npm run fuzz` runs 100k (MLPC_FUZZ_RUNS).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze.js";
import { emitIR, printIR } from "../../src/compile.js";

const RUNS = Number(process.env.MLPC_FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.MLPC_FUZZ_SEED ?? 6);
/** Far above any real input's cost even on a loaded 2-core machine; only a runaway (exponential backtracking, a loop) trips it. */
const HANG_MS = 30_000;

const examples = join(import.meta.dirname, "../../examples");
const SOURCES = readdirSync(examples)
  .filter((f) => f.endsWith(".mlp"))
  .sort()
  .map((f) => readFileSync(join(examples, f), "utf8"));

const TOKENS = [
  "->", "dense", "input", "=", "(", ")", ",", ";", "\n", "\r\n", "#", " ", "relu", "softmax", "sigmoid", "leaky_relu(alpha=0.5)",
  "loss", "bce", "adam", "adamw", "momentum", "lr", "batch=all", "decay=cosine", "restart=3", "t_max=5", "1e309", "-1", "0",
  "0x1p3", "1e-400", "99999999999999999999", "NaN", "Infinity", "\0", "é", "→", "\u202e", "\uFEFF", "`", "*/", "${x}", "'", '"',
  "__proto__", "constructor", "model class", "model __proto__", "model constructor",
];

const mutated = fc
  .record({
    source: fc.constantFrom(...SOURCES),
    edits: fc.array(
      fc.record({
        at: fc.nat(),
        kind: fc.constantFrom("insert", "delete", "swap", "duplicate"),
        token: fc.constantFrom(...TOKENS),
        len: fc.integer({ min: 1, max: 12 }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  })
  .map(({ source, edits }) => {
    let s = source;
    for (const e of edits) {
      const at = e.at % (s.length + 1);
      if (e.kind === "insert") s = s.slice(0, at) + e.token + s.slice(at);
      else if (e.kind === "delete") s = s.slice(0, at) + s.slice(at + e.len);
      else if (e.kind === "duplicate") s = s.slice(0, at + e.len) + s.slice(at, at + e.len) + s.slice(at + e.len);
      else s = s.slice(0, at) + s.slice(at + e.len, at + 2 * e.len) + s.slice(at, at + e.len) + s.slice(at + 2 * e.len);
    }
    return s;
  });

const numbers = fc
  .tuple(fc.constantFrom("input ", "input 3 -> dense ", "input 3 -> dense 2 -> dense 1 sigmoid\nadam lr=", "train batch="), fc.oneof(fc.double().map(String), fc.bigInt().map(String), fc.string({ unit: "grapheme-ascii", maxLength: 12 })))
  .map(([prefix, n]) => prefix + n);

const chains = fc
  .tuple(fc.integer({ min: 0, max: 60 }), fc.constantFrom("relu", "tanh", "", "softmax", "gelu"), fc.integer({ min: 1, max: 3 }))
  .map(([n, act, width]) => `input 2${` -> dense ${width} ${act}`.repeat(n)} -> dense 1 sigmoid`);

const program = fc.oneof(
  { weight: 5, arbitrary: mutated },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 300 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 100 }) },
  { weight: 1, arbitrary: numbers },
  { weight: 1, arbitrary: chains },
);

/**
 * Emitting is a pure function of the IR (determinism is tested in test/golden), so an IR already
 * emitted in this run is not emitted again: the runs then go to the front end, where inputs differ.
 */
const emitted = new Map<string, string>();

function compileWithin(source: string): void {
  const start = performance.now();
  const { ir, diagnostics } = analyze(source, {});
  if (ir === null) {
    expect(diagnostics.some((d) => d.severity === "error")).toBe(true);
  } else {
    const key = printIR(ir);
    const typescript = emitted.get(key) ?? emitIR(ir, { unroll: "auto" });
    emitted.set(key, typescript);
    expect(typescript).toContain("export function lossAndGradient");
  }
  const ms = performance.now() - start;
  expect(ms, `took ${ms} ms`).toBeLessThan(HANG_MS);
}

describe("fuzz", () => {
  it(`${RUNS} random and mutated programs compile or get diagnostics`, { timeout: 30 * 60_000 }, () => {
    fc.assert(fc.property(program, compileWithin), { seed: SEED, numRuns: RUNS });
  });

  it("deep chains: 1000 layers compile, 1001 and 10k layers get E0308", { timeout: 60_000 }, () => {
    const chain = (n: number) => `input 2${" -> dense 2 relu".repeat(n - 1)} -> dense 1 sigmoid`;
    compileWithin(chain(1000));
    for (const n of [1001, 10_000]) {
      const { ir, diagnostics } = analyze(chain(n), {});
      expect(ir).toBeNull();
      expect(diagnostics.map((d) => d.code)).toContain("E0308");
    }
  });

  it("1 MB lines", () => {
    compileWithin("input 4 -> dense 3 relu -> dense 1 sigmoid # " + "x".repeat(1 << 20));
    compileWithin("input " + "9".repeat(1 << 20));
    compileWithin("model " + "a".repeat(1 << 20));
    compileWithin("adam lr=1" + "0".repeat(1 << 20));
    compileWithin("\0".repeat(1 << 20));
  });
});
