/**
 * The generated module as a whole: strict type-checking, the .js + .d.ts output imported and run,
 * determinism, a header that hostile file names cannot break out of, the spec literal, f32
 * storage, scratch growth, and the size/time budget for 784-128-10.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze.js";
import { emitJavaScript } from "../../src/codegen/javascript.js";
import { emitModule, type EmitOptions } from "../../src/codegen/module.js";
import { planEmission } from "../../src/codegen/plan.js";
import type { ModelIR } from "../../src/ir/types.js";
import { buildIR, seedIR } from "../support/ir.js";
import { prng, refLossAndGradient } from "../support/reference.js";
import { DEFAULT_EMIT, importJavaScript, loadGenerated, typeCheck, type GeneratedModule } from "./load.js";
import { denseLayers } from "../../src/ir/layers.js";

const root = join(import.meta.dirname, "../..");

function exampleIRs(): Record<string, ModelIR> {
  const out: Record<string, ModelIR> = {};
  for (const file of readdirSync(join(root, "examples")).filter((f) => f.endsWith(".mlp")).sort()) {
    const name = file.replace(/\.mlp$/, "");
    const { ir, diagnostics } = analyze(readFileSync(join(root, "examples", file), "utf8"), { defaultName: name });
    if (ir === null) throw new Error(`${file}: ${JSON.stringify(diagnostics)}`);
    out[name] = ir;
  }
  return out;
}

const mnist = buildIR({ name: "mnist", inputs: 784, layers: [[128, "relu"], [10, "softmax"]] });

function emit(ir: ModelIR, options: Partial<EmitOptions> = {}): string {
  return emitModule(ir, { ...DEFAULT_EMIT, ...options });
}

/** Type-checks modules as one program and checks that none reaches outside itself. */
function expectSelfContained(sources: Record<string, string>): void {
  expect(typeCheck(sources)).toEqual([]);
  for (const [name, text] of Object.entries(sources)) {
    expect(text, name).not.toMatch(/^\s*import\b|\brequire\(|\beval\(|new Function|\bwindow\b|\bprocess\b|\bdocument\b/m);
  }
}

describe("generated modules type-check alone under --strict", () => {
  // One test per example (each a program of its four modules; the lib files are parsed once), so none runs long.
  it.each(Object.entries(exampleIRs()))("%s in every unroll mode, f64 and f32", (name, ir) => {
    const sources: Record<string, string> = {};
    for (const unroll of ["auto", "full", "none"] as const) sources[`${name}-${unroll}.ts`] = emit(ir, { unroll });
    sources[`${name}-f32.ts`] = emit(ir, { dtype: "f32" });
    expectSelfContained(sources);
  });

  it("the regularized and gelu variants", () => {
    expectSelfContained({
      "reg-gelu.ts": emit(buildIR({ inputs: 5, layers: [[6, "gelu"], [4, "gelu_tanh"], [3, "swish"]], regularization: { l1: 0.01, l2: 0.1 } }), { unroll: "none" }),
      "reg-gelu-full.ts": emit(buildIR({ inputs: 5, layers: [[6, "gelu"], [4, "gelu_tanh"], [3, "swish"]], regularization: { l1: 0.01 } }), { unroll: "full" }),
    });
  });
});

describe("JavaScript output (mlpc compile -o net.js)", () => {
  it("is plain ESM with declarations, and runs without TypeScript", async () => {
    const ir = seedIR();
    const { js, dts } = emitJavaScript(emit(ir));
    expect(js).not.toMatch(/:\s*Float64Array\)/);
    expect(dts).toContain("export declare function forward(params: Float64Array, x: ArrayLike<number>, out?: Float64Array): Float64Array;");
    expect(dts).toContain("export declare function lossAndGradient(");
    expect(dts).toMatch(/export declare const spec: \{/);
    const m = await importJavaScript<GeneratedModule>(js, ".mjs");
    const params = Float64Array.from({ length: ir.paramCount }, (_, k) => Math.sin(k));
    const out = m.forward(params, [1, 2, 3, 4, 5, 6]);
    expect(out.length).toBe(1);
    expect(out[0]).toBeGreaterThan(0);
    expect(out[0]).toBeLessThan(1);
    expect(m.spec.paramCount).toBe(86);
  });
});

describe("determinism and the header", () => {
  it("emitting twice gives byte-identical output", () => {
    for (const ir of [seedIR(), mnist]) for (const unroll of ["auto", "full", "none"] as const) expect(emit(ir, { unroll })).toBe(emit(ir, { unroll }));
  });

  it("names the version, the source and the canonical program", () => {
    const text = emit(seedIR(), { sourceName: "models/seed.mlp", version: "1.2.3" });
    expect(text.startsWith("/**\n * seed: a multi-layer perceptron compiled by mlpc 1.2.3 from models/seed.mlp.")).toBe(true);
    expect(text).toContain(" *   input 6 -> dense 7 relu -> dense 4 relu -> dense 1 sigmoid\n");
    expect(text).toContain("(6+1)*7 + (7+1)*4 + (4+1)*1 = 86");
  });

  it("a hostile source file name cannot close the comment or inject code", () => {
    const hostile = "x*/ export const pwned = 1; /*\n\u2028evil`${1}`\"'.mlp";
    const text = emit(seedIR(), { sourceName: hostile });
    const header = text.slice(0, text.indexOf("*/") + 2);
    expect(header).toContain("from x_/_export_const_pwned_");
    expect(header.indexOf("*/")).toBe(header.length - 2);
    expect(text).not.toContain("pwned = 1");
    expect(typeCheck({ "hostile.ts": text })).toEqual([]);
  });

  it("refuses names and versions that are not identifiers or version strings", () => {
    expect(() => emit({ ...seedIR(), name: "a*/b" })).toThrow(/identifier/);
    expect(() => emit(seedIR(), { version: "1\n2" })).toThrow(/bad version/);
  });

  it("refuses loss/output pairs the checker forbids instead of writing wrong code", () => {
    expect(() => emit(buildIR({ inputs: 2, layers: [[2, "relu"]], loss: "bce" }))).toThrow(/sigmoid/);
    expect(() => emit(buildIR({ inputs: 2, layers: [[2, "softmax"]], loss: "mse" }))).toThrow(/softmax/);
  });
});

describe("spec", () => {
  it("is a readonly literal with the layout and the settings", async () => {
    const ir = buildIR({ name: "spec_net", inputs: 3, layers: [[4, { kind: "leaky_relu", alpha: 0.2 }], [2, "softmax"]], regularization: { l2: 0.5 } });
    const m = (await loadGenerated(emit(ir))) as unknown as { spec: Record<string, unknown> };
    expect(m.spec).toEqual({
      name: "spec_net",
      inputSize: 3,
      outputSize: 2,
      paramCount: 26,
      dtype: "f64",
      loss: "softmax_ce",
      task: "multiclass",
      layers: [
        { name: "dense_1", inputs: 3, units: 4, activation: "leaky_relu", alpha: 0.2, init: "he_uniform", weightOffset: 0, biasOffset: 12, paramCount: 16 },
        { name: "dense_2", inputs: 4, units: 2, activation: "softmax", init: "xavier_uniform", weightOffset: 16, biasOffset: 24, paramCount: 10 },
      ],
      optimizer: { kind: "adam", lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, clip: null },
      schedule: { warmup: 0, decay: { kind: "none" } },
      regularization: { l1: 0, l2: 0.5 },
      training: { batch: 32, epochs: 100, shuffle: true, seed: 42 },
    });
  });
});

describe("batches, scratch growth and f32 storage", () => {
  const ir = buildIR({ inputs: 5, layers: [[9, "tanh"], [6, "relu"], [3, "softmax"]] });
  const rand = prng(7);
  const params = Float64Array.from({ length: ir.paramCount }, () => rand() - 0.5);
  const batch = (rows: number): { x: Float64Array; y: Float64Array } => ({
    x: Float64Array.from({ length: rows * 5 }, () => rand() * 2 - 1),
    y: Float64Array.from({ length: rows * 3 }, (_, k) => (k % 3 === rows % 3 ? 1 : 0)),
  });
  const ref = (b: { x: Float64Array; y: Float64Array }, rows: number): number =>
    refLossAndGradient(
      { inputs: 5, layers: denseLayers(ir).map((l) => ({ units: l.units, activation: l.activation })), loss: "softmax_ce" },
      params,
      Array.from({ length: rows }, (_, r) => Array.from(b.x.subarray(r * 5, r * 5 + 5))),
      Array.from({ length: rows }, (_, r) => Array.from(b.y.subarray(r * 3, r * 3 + 3))),
    ).loss;

  it("loop code grows its scratch arrays and stays right for any batch size, in any order", async () => {
    expect(planEmission(ir, "none").strategy).toBe("layered");
    const m = await loadGenerated(emit(ir, { unroll: "none" }));
    const grad = new Float64Array(ir.paramCount);
    for (const rows of [3, 50, 1, 17, 50, 2]) {
      const b = batch(rows);
      expect(m.lossAndGradient(params, b.x, b.y, rows, grad)).toBeCloseTo(ref(b, rows), 12);
    }
  });

  it("rejects wrong shapes with a RangeError instead of computing NaN", async () => {
    const m = await loadGenerated(emit(ir));
    const grad = new Float64Array(ir.paramCount);
    const b = batch(4);
    expect(() => m.lossAndGradient(params, b.x, b.y, 5, grad)).toThrow(RangeError);
    expect(() => m.lossAndGradient(params, b.x, b.y, 0, grad)).toThrow(RangeError);
    expect(() => m.lossAndGradient(params.subarray(1), b.x, b.y, 4, grad)).toThrow(RangeError);
    expect(() => m.forwardBatch(params, b.x, 1.5)).toThrow(RangeError);
  });

  it("f32 stores parameters and gradients in Float32Array and computes in f64", async () => {
    const text = emit(ir, { dtype: "f32" });
    expect(text).toContain("export function lossAndGradient(params: Float32Array, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, grad: Float32Array): number");
    const m32 = await loadGenerated(text);
    const m64 = await loadGenerated(emit(ir));
    const p32 = Float32Array.from(params);
    const p64 = Float64Array.from(p32);
    const b = batch(8);
    const g32 = new Float32Array(ir.paramCount);
    const g64 = new Float64Array(ir.paramCount);
    expect(m32.lossAndGradient(p32, b.x, b.y, 8, g32)).toBe(m64.lossAndGradient(p64, b.x, b.y, 8, g64));
    for (let k = 0; k < g32.length; k++) expect(g32[k]).toBe(Math.fround(g64[k]!));
  });
});

describe("size-aware emission", () => {
  it("784-128-10 compiles in under 2 s to under 200 KB, with blocked loops and every function small", () => {
    const start = performance.now();
    const text = emit(mnist);
    const ms = performance.now() - start;
    expect(ms).toBeLessThan(2000);
    expect(text.length).toBeLessThan(200_000);
    const plan = planEmission(mnist, "auto");
    expect(plan.strategy).toBe("layered");
    expect(plan.layers.map((l) => [l.forward, l.backward])).toEqual([
      ["loop", "loop"],
      ["loop", "loop"],
    ]);
    expect(text).toContain("4 rows x 4 units at a time");
  });

  it("full unrolling stops where a function would pass V8's optimization limit", () => {
    const plan = planEmission(mnist, "full");
    expect(plan.layers[0]!.forward).toBe("loop");
    // 128 x 10 = 1280 multiply-adds: ~37 KB of forward bytecode is fine, ~83 KB of backward is not.
    expect(plan.layers[1]!.forward).toBe("unrolled");
    expect(plan.layers[1]!.backward).toBe("loop");
  });

  it("no generated function has more than ~1,000 statements", () => {
    for (const ir of [seedIR(), mnist, ...Object.values(exampleIRs())]) {
      for (const unroll of ["auto", "full", "none"] as const) {
        const text = emit(ir, { unroll });
        for (const body of text.split(/\nfunction |\nexport function /).slice(1)) {
          const statements = (body.slice(0, body.indexOf("\n}\n")).match(/;/g) ?? []).length;
          expect(statements, `${ir.name} ${unroll}: ${body.slice(0, 40)}`).toBeLessThan(1200);
        }
      }
    }
  });
});
