/**
 * The ONNX export runs in onnxruntime and agrees with mlpc's generated forward: every activation
 * x task x scaling, float32 to 1e-5 and float64 to 1e-12, on 256 seeded rows. Plus the graph's
 * layout, the opsets, determinism and the refusals.
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze.js";
import { exportOnnx, OnnxExportError, type OnnxOptions } from "../../src/export/onnx.js";
import type { ModelIR } from "../../src/ir/types.js";
import { buildIR } from "../support/ir.js";
import { refErf } from "../support/reference.js";
import {
  ACTIVATIONS,
  activationLabel,
  decodeModel,
  evaluateModel,
  maxAbsDifference,
  mlpcForward,
  netFor,
  randomParams,
  randomRows,
  randomScaling,
  runOnnx,
  TASKS,
} from "./onnx-support.js";
import { denseLayers } from "../../src/ir/layers.js";

const ROWS = 256;
const TOLERANCE = { f32: 1e-5, f64: 1e-12 } as const;
const maxError = { f32: 0, f64: 0 };

afterAll(() => {
  console.log(`onnx export: max |onnxruntime - mlpc forward| f32 ${maxError.f32.toExponential(2)}, f64 ${maxError.f64.toExponential(2)}`);
});

async function compare(ir: ModelIR, seed: number, standardized: boolean, options: OnnxOptions & { dtype: "f32" | "f64" }): Promise<number> {
  const params = randomParams(ir, seed);
  const scaling = standardized ? randomScaling(ir.inputSize, seed + 1) : null;
  const x = randomRows(ROWS, scaling, ir.inputSize, seed + 2);
  const bytes = exportOnnx(ir, params, scaling, options);
  const output = ir.loss.task === "regression" ? "values" : "probabilities";
  const [actual, expected] = await Promise.all([runOnnx(bytes, ir, x, options.dtype, output), mlpcForward(ir, params, scaling, x, options.dtype)]);
  const error = maxAbsDifference(actual, expected);
  maxError[options.dtype] = Math.max(maxError[options.dtype], error);
  return error;
}

const usesErf = (a: { kind: string }): boolean => a.kind === "gelu";

describe("exported models agree with mlpc's forward in onnxruntime", () => {
  let seed = 1000;
  for (const dtype of ["f32", "f64"] as const) {
    for (const activation of ACTIVATIONS) {
      for (const task of TASKS) {
        for (const standardized of [false, true]) {
          const s = seed++;
          const name = `${dtype} ${activationLabel(activation)} ${task}${standardized ? " standardized" : ""}`;
          if (dtype === "f64" && usesErf(activation)) {
            // onnxruntime has Erf for float only: a DOUBLE gelu model is valid ONNX (the checker
            // test passes it) that this runtime cannot load. docs/onnx.md says so.
            it(`${name}: onnxruntime has no double Erf`, async () => {
              const ir = netFor(activation, task);
              const bytes = exportOnnx(ir, randomParams(ir, s), null, { dtype });
              await expect(runOnnx(bytes, ir, randomRows(4, null, ir.inputSize, s), dtype, "x")).rejects.toThrow(/Erf/);
            });
            continue;
          }
          it(name, async () => {
            expect(await compare(netFor(activation, task), s, standardized, { dtype })).toBeLessThan(TOLERANCE[dtype]);
          });
        }
      }
    }
  }
});

describe("double models in a reference interpreter (for what onnxruntime cannot load)", () => {
  // The interpreter is first checked against onnxruntime on double models both can run.
  for (const activation of ACTIVATIONS.filter((a) => !usesErf(a))) {
    it(`the interpreter agrees with onnxruntime on f64 ${activationLabel(activation)}`, async () => {
      const ir = netFor(activation, "multiclass");
      const scaling = randomScaling(ir.inputSize, 21);
      const x = randomRows(ROWS, scaling, ir.inputSize, 22);
      const bytes = exportOnnx(ir, randomParams(ir, 20), scaling, { dtype: "f64" });
      const interpreted = evaluateModel(decodeModel(bytes), x, ROWS, refErf);
      expect(maxAbsDifference(interpreted, await runOnnx(bytes, ir, x, "f64", "probabilities"))).toBeLessThan(TOLERANCE.f64);
    });
  }

  for (const task of TASKS) {
    for (const standardized of [false, true]) {
      it(`f64 gelu ${task}${standardized ? " standardized" : ""} computes mlpc's forward`, async () => {
        const ir = netFor({ kind: "gelu" }, task);
        const params = randomParams(ir, 30);
        const scaling = standardized ? randomScaling(ir.inputSize, 31) : null;
        const x = randomRows(ROWS, scaling, ir.inputSize, 32);
        const interpreted = evaluateModel(decodeModel(exportOnnx(ir, params, scaling, { dtype: "f64" })), x, ROWS, refErf);
        const error = maxAbsDifference(interpreted, await mlpcForward(ir, params, scaling, x, "f64"));
        expect(error).toBeLessThan(TOLERANCE.f64);
      });
    }
  }
});

describe("opsets", () => {
  const gelu = ACTIVATIONS.filter((a) => a.kind === "gelu" || a.kind === "gelu_tanh");

  for (const activation of gelu) {
    it(`opset 20 writes ${activationLabel(activation)} as one Gelu node in float models`, async () => {
      const ir = netFor(activation, "multiclass");
      const ops = decodeModel(exportOnnx(ir, randomParams(ir, 7), null, { opset: 20 })).graph.node.map((n) => n.opType);
      expect(ops).toEqual(["Gemm", "Gelu", "Gemm", "Gelu", "Gemm", "Softmax"]);
      expect(await compare(ir, 7, true, { opset: 20, dtype: "f32" })).toBeLessThan(TOLERANCE.f32);
    });
  }

  it("opset 20 double models keep gelu_tanh written out (the Gelu function's constants are float)", async () => {
    const ir = netFor({ kind: "gelu_tanh" }, "multiclass");
    const ops = decodeModel(exportOnnx(ir, randomParams(ir, 7), null, { opset: 20, dtype: "f64" })).graph.node.map((n) => n.opType);
    expect(ops).not.toContain("Gelu");
    expect(await compare(ir, 7, true, { opset: 20, dtype: "f64" })).toBeLessThan(TOLERANCE.f64);
  });

  it("opset 20 gelu_tanh says approximate=tanh; opset 17 spells both gelus out", () => {
    const tanh = netFor({ kind: "gelu_tanh" }, "binary");
    const node = decodeModel(exportOnnx(tanh, randomParams(tanh, 1), null, { opset: 20 })).graph.node[1]!;
    expect(node.attribute?.map((a) => [a.name, new TextDecoder().decode(a.s)])).toEqual([["approximate", "tanh"]]);
    const exact = netFor({ kind: "gelu" }, "binary");
    const ops17 = decodeModel(exportOnnx(exact, randomParams(exact, 1), null)).graph.node.slice(0, 6).map((n) => n.opType);
    expect(ops17).toEqual(["Gemm", "Mul", "Erf", "Mul", "Add", "Mul"]);
    const opsTanh = decodeModel(exportOnnx(tanh, randomParams(tanh, 1), null)).graph.node.map((n) => n.opType);
    expect(opsTanh).not.toContain("Gelu");
    expect(opsTanh).toContain("Tanh");
  });

  for (const opset of [13, 21]) {
    it(`opset ${opset} runs`, async () => {
      const ir = netFor({ kind: "leaky_relu", alpha: 0.25 }, "multiclass");
      expect(await compare(ir, 11, true, { opset, dtype: "f32" })).toBeLessThan(TOLERANCE.f32);
    });
  }

  it("declares IR 8 up to opset 18, then 9 for 19-20 and 10 for 21", () => {
    const ir = netFor({ kind: "relu" }, "binary");
    const irOf = (opset: number): number => decodeModel(exportOnnx(ir, randomParams(ir, 1), null, { opset })).irVersion;
    expect([13, 17, 18, 19, 20, 21].map(irOf)).toEqual([8, 8, 8, 9, 9, 10]);
  });
});

describe("graph layout", () => {
  const iris = (): ModelIR => {
    const { ir } = analyze(readFileSync(new URL("../../examples/iris.mlp", import.meta.url), "utf8"));
    if (ir === null) throw new Error("iris.mlp does not compile");
    return ir;
  };

  it("names, shapes, element types and nodes", () => {
    const ir = iris();
    const params = randomParams(ir, 3);
    const scaling = randomScaling(4, 4);
    for (const [dtype, elem] of [["f32", 1], ["f64", 11]] as const) {
      const model = decodeModel(exportOnnx(ir, params, scaling, { dtype, producerVersion: "1.2.3" }));
      expect(model.irVersion).toBe(8);
      expect(model.opsetImport).toEqual([{ domain: "", version: 17 }]);
      expect([model.producerName, model.producerVersion]).toEqual(["mlpc", "1.2.3"]);
      expect(model.docString).toContain("input 4 -> dense 16 relu -> dense 3 softmax");
      const g = model.graph;
      expect(g.name).toBe("iris");
      const io = (v: (typeof g.input)[number]) => [v.name, v.type.tensorType.elemType, v.type.tensorType.shape.dim];
      expect(g.input.map(io)).toEqual([["input", elem, [{ dimParam: "N" }, { dimValue: 4 }]]]);
      expect(g.output.map(io)).toEqual([["probabilities", elem, [{ dimParam: "N" }, { dimValue: 3 }]]]);
      expect(g.node.map((n) => [n.opType, n.input, n.output])).toEqual([
        ["Sub", ["input", "scaling.mean"], ["scaling.centred"]],
        ["Div", ["scaling.centred", "scaling.std"], ["scaling.output"]],
        ["Gemm", ["scaling.output", "dense_1.weight", "dense_1.bias"], ["dense_1.z"]],
        ["Relu", ["dense_1.z"], ["dense_1.output"]],
        ["Gemm", ["dense_1.output", "dense_2.weight", "dense_2.bias"], ["dense_2.z"]],
        ["Softmax", ["dense_2.z"], ["probabilities"]],
      ]);
      expect(g.node[2]!.attribute).toEqual([{ name: "transB", type: 2, i: 1 }]);
      expect(g.node[5]!.attribute).toEqual([{ name: "axis", type: 2, i: -1 }]);
      expect(g.initializer.map((t) => [t.name, t.dims ?? [], t.dataType])).toEqual([
        ["scaling.mean", [4], elem],
        ["scaling.std", [4], elem],
        ["dense_1.weight", [16, 4], elem],
        ["dense_1.bias", [16], elem],
        ["dense_2.weight", [3, 16], elem],
        ["dense_2.bias", [3], elem],
      ]);
      // W is units x inputs, row-major, exactly as mlpc's layout stores it.
      const w = g.initializer[2]!.rawData;
      const view = new DataView(w.buffer, w.byteOffset, w.byteLength);
      const read = (i: number): number => (dtype === "f32" ? view.getFloat32(4 * i, true) : view.getFloat64(8 * i, true));
      const layer = denseLayers(ir)[0]!;
      expect(read(5 * 4 + 2)).toBe(dtype === "f32" ? Math.fround(params[layer.weightOffset + 5 * 4 + 2]!) : params[layer.weightOffset + 5 * 4 + 2]);
    }
  });

  it("regression outputs values; a linear output layer is its Gemm", () => {
    const ir = buildIR({ inputs: 3, layers: [[4, "tanh"], [2, "linear"]] });
    const g = decodeModel(exportOnnx(ir, randomParams(ir, 1), null)).graph;
    expect(g.output[0]!.name).toBe("values");
    expect(g.node.at(-1)).toMatchObject({ opType: "Gemm", output: ["values"] });
  });

  it("leaky_relu is LeakyRelu, or PRelu with a DOUBLE slope when float32 would round alpha", () => {
    const ops = (alpha: number, dtype: "f32" | "f64") => {
      const ir = buildIR({ inputs: 2, layers: [[3, { kind: "leaky_relu", alpha }], [1, "sigmoid"]] });
      return decodeModel(exportOnnx(ir, randomParams(ir, 1), null, { dtype })).graph.node[1]!;
    };
    expect(ops(0.01, "f32")).toMatchObject({ opType: "LeakyRelu", attribute: [{ name: "alpha", f: Math.fround(0.01) }] });
    expect(ops(0.25, "f64").opType).toBe("LeakyRelu");
    expect(ops(0.01, "f64")).toMatchObject({ opType: "PRelu", input: ["dense_1.z", "dense_1.alpha"] });
  });

  it("is deterministic: the same input gives the same bytes", () => {
    const ir = netFor({ kind: "gelu_tanh" }, "multilabel");
    const params = randomParams(ir, 5);
    const scaling = randomScaling(ir.inputSize, 6);
    const a = exportOnnx(ir, params, scaling, { dtype: "f64" });
    const b = exportOnnx(structuredClone(ir), Array.from(params), { mean: [...scaling.mean], std: [...scaling.std] }, { dtype: "f64" });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it("the iris model's size", () => {
    const ir = iris();
    const sizes = (["f32", "f64"] as const).map((dtype) => exportOnnx(ir, randomParams(ir, 1), randomScaling(4, 2), { dtype }).length);
    console.log(`iris.mlp as ONNX (standardized): f32 ${sizes[0]} bytes, f64 ${sizes[1]} bytes`);
    // The parameters and scaling are 131 + 8 numbers, 4 bytes more each in f64 (and a few longer
    // length prefixes); the rest is names, shapes and the program.
    const extra = sizes[1]! - sizes[0]! - 4 * (ir.paramCount + 8);
    expect(extra).toBeGreaterThanOrEqual(0);
    expect(extra).toBeLessThan(8);
  });
});

describe("refusals are OnnxExportErrors with one-line messages", () => {
  const ir = netFor({ kind: "relu" }, "binary");
  const params = randomParams(ir, 1);
  const refuses = (run: () => unknown, message: RegExp) => {
    expect(run).toThrow(OnnxExportError);
    expect(run).toThrow(message);
    try {
      run();
    } catch (e) {
      expect((e as Error).message).not.toContain("\n");
    }
  };

  it("opsets outside 13..21", () => {
    for (const opset of [12, 22, 17.5, Number.NaN]) refuses(() => exportOnnx(ir, params, null, { opset }), /opset .* is not supported \(this mlpc writes opsets 13 to 21; default 17\)/);
  });

  it("an unknown dtype", () => {
    refuses(() => exportOnnx(ir, params, null, { dtype: "f16" as "f32" }), /dtype "f16" is not supported/);
  });

  it("parameters that do not fit the model", () => {
    refuses(() => exportOnnx(ir, params.subarray(1), null), new RegExp(`has ${ir.paramCount} parameters but ${ir.paramCount - 1} were given`));
    const bad = Float64Array.from(params);
    bad[3] = Number.NaN;
    refuses(() => exportOnnx(ir, bad, null), /parameter 3 is NaN, not a finite number/);
    bad[3] = 1e39;
    refuses(() => exportOnnx(ir, bad, null), /parameter 3 is 1e\+39, too large for float32 \(export with dtype f64\)/);
    expect(exportOnnx(ir, bad, null, { dtype: "f64" }).length).toBeGreaterThan(0);
  });

  it("a model without layers", () => {
    refuses(() => exportOnnx({ ...ir, layers: [], paramCount: 0 }, [], null), /model onnx_binary has no layers/);
  });

  it("a scaling that does not fit the model", () => {
    refuses(() => exportOnnx(ir, params, { mean: [0, 0], std: [1, 1] }, {}), /the scaling has 2 means and 2 stds but model onnx_binary has 4 inputs/);
    refuses(() => exportOnnx(ir, params, { mean: [0, 0, 0, 0], std: [1, 1, 1e-50, 1] }), /scaling std 2 is 1e-50, not a positive number in float32/);
    refuses(() => exportOnnx(ir, params, { mean: [0, 0, 0, 0], std: [1, 1, 0, 1] }, { dtype: "f64" }), /scaling std 2 is 0, not a positive number$/);
  });
});
