/**
 * lastBatchOutputs, what the Trainer counts for its running training accuracy: after
 * lossAndGradient, the outputs of that call's rows from the logits it kept (layered: the output
 * scratch; fused: lastLogits), equal to forwardBatch at the same parameters in every shape, and
 * the training-mode outputs (dropout on) when masks were drawn.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { compile } from "../../src/compile.js";
import { modelNameFromFile } from "../../src/index.js";
import { importJavaScript, transpile } from "./load.js";

interface WithLastBatch {
  readonly spec: { readonly inputSize: number; readonly outputSize: number };
  initParams(seed?: number): Float64Array | Float32Array;
  forwardBatch(params: Float64Array | Float32Array, x: ArrayLike<number>, rows: number, out?: Float64Array): Float64Array;
  lossAndGradient(params: Float64Array | Float32Array, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, grad: Float64Array | Float32Array, random?: () => number): number;
  lastBatchOutputs(rows: number, out: Float64Array): void;
}

const root = join(import.meta.dirname, "../..");
const examples = readdirSync(join(root, "examples"))
  .filter((f) => f.endsWith(".mlp"))
  .sort();
const MODES = [
  { unroll: "auto", dtype: "f64", simd: true },
  { unroll: "auto", dtype: "f64", simd: false },
  { unroll: "none", dtype: "f64", simd: true },
  { unroll: "none", dtype: "f64", simd: false },
  { unroll: "auto", dtype: "f32", simd: true },
] as const;

/** The module with its internal lastBatchOutputs exported, for this test only. */
async function load(file: string, mode: (typeof MODES)[number]): Promise<{ m: WithLastBatch; shape: string }> {
  const result = compile(readFileSync(join(root, "examples", file), "utf8"), { defaultName: modelNameFromFile(file), sourceName: file, ...mode });
  if (result.typescript === null) throw new Error(`${file}: ${JSON.stringify(result.diagnostics)}`);
  const shape = result.typescript.includes("let lastLogits") ? "fused" : "layered";
  return { m: await importJavaScript<WithLastBatch>(transpile(`${result.typescript}\nexport { lastBatchOutputs };\n`)), shape };
}

/** Deterministic rows in [-1, 1) and targets in [0, 1] (every loss takes them). */
function rows(n: number, width: number, salt: number): Float64Array {
  return Float64Array.from({ length: n * width }, (_, i) => (((i + salt) * 2654435761) % 1000) / 500 - 1);
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe("lastBatchOutputs: the outputs of the last lossAndGradient call's rows", () => {
  test.each(examples.flatMap((f) => MODES.map((mode) => [`${f} ${mode.unroll} ${mode.dtype}${mode.simd ? " simd" : ""}`, f, mode] as const)))(
    "%s",
    async (_name, file, mode) => {
      const { m, shape } = await load(file, mode);
      const { inputSize: IN, outputSize: OUT } = m.spec;
      const params = m.initParams(7);
      const grad = new (params.constructor as Float64ArrayConstructor)(params.length);
      // A bigger batch first, then a smaller one: the outputs are the second call's, whatever the buffers hold beyond it.
      m.lossAndGradient(params, rows(50, IN, 1), rows(50, OUT, 2).map((v) => (v + 1) / 2), 50, grad);
      const x = rows(37, IN, 3);
      m.lossAndGradient(params, x, rows(37, OUT, 4).map((v) => (v + 1) / 2), 37, grad);
      const kept = new Float64Array(37 * OUT);
      m.lastBatchOutputs(37, kept);
      const forward = m.forwardBatch(params, x, 37);
      // Bit for bit in the layered shape (the same kernels on the same rows); the fused shape's softmax sums in another order.
      if (shape === "layered") expect(Array.from(kept)).toEqual(Array.from(forward));
      else expect(maxDifference(kept, forward)).toBeLessThan(1e-14);
    },
    60_000,
  );

  test("with dropout masks drawn, they are the batch as trained (dropout on), not forwardBatch's", async () => {
    const { m } = await load("digits_dropout.mlp", MODES[0]);
    const { inputSize: IN, outputSize: OUT } = m.spec;
    const params = m.initParams(7);
    const grad = new Float64Array(params.length);
    const x = rows(20, IN, 5);
    let state = 1;
    const random = (): number => (state = (state * 16807) % 2147483647) / 2147483647;
    m.lossAndGradient(params, x, rows(20, OUT, 6).map((v) => (v + 1) / 2), 20, grad, random);
    const kept = new Float64Array(20 * OUT);
    m.lastBatchOutputs(20, kept);
    expect(maxDifference(kept, m.forwardBatch(params, x, 20))).toBeGreaterThan(1e-6);
    m.lossAndGradient(params, x, rows(20, OUT, 6).map((v) => (v + 1) / 2), 20, grad); // no generator: dropout off
    m.lastBatchOutputs(20, kept);
    expect(Array.from(kept)).toEqual(Array.from(m.forwardBatch(params, x, 20)));
  });
});
