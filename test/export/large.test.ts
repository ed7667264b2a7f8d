/**
 * An MNIST-sized model (784-128-10, 101,770 parameters) exported to JavaScript: its weights are
 * 11,300 lines of base64, which as one chain of `+` overflowed the stack of TypeScript's
 * declaration emit. Built from a seeded IR and weights, no training: only the size matters, and
 * the module must give the reference forward pass's probabilities.
 */
import { describe, expect, it } from "vitest";
import { emitInferenceJavaScript } from "../../src/export/module.js";
import { mulberry32 } from "../support/datasets.js";
import { buildIR } from "../support/ir.js";
import { refForward } from "../support/reference.js";
import { denseLayers } from "../../src/ir/layers.js";
import { importJavaScript } from "../codegen/load.js";

describe("export --to js of an MNIST-sized model", () => {
  it("emits the module and its declarations, and predicts as the reference forward pass does", async () => {
    const ir = buildIR({ inputs: 784, layers: [[128, "relu"], [10, "softmax"]] });
    const random = mulberry32(11);
    const params = Array.from({ length: ir.paramCount }, () => (random() - 0.5) * 0.1);
    const features = Array.from({ length: 784 }, (_, i) => `p${i}`);
    const model = { ir, params, features, target: { kind: "class" as const, classCount: 10, classNames: null }, scaling: null };
    const { js, dts } = emitInferenceJavaScript(model, { dtype: "f64", sourceName: "mnist.mlp" });
    expect(dts).toContain("predict");
    const m = await importJavaScript<{ predict(row: readonly number[]): { probabilities: number[] } }>(js);
    const row = Array.from({ length: 784 }, (_, i) => (i % 13) / 13);
    const net = { inputs: 784, layers: denseLayers(ir).map((l) => ({ units: l.units, activation: l.activation })), loss: ir.loss.kind };
    const expected = refForward(net, params, row).output;
    const got = m.predict(row).probabilities;
    expect(got).toHaveLength(10);
    got.forEach((p, j) => expect(Math.abs(p - expected[j]!)).toBeLessThan(1e-12));
  });
});
