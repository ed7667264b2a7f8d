/**
 * Property tests (fast-check, fixed seeds): valid programs built at random lower to the IR they
 * describe; any text at all, random or a mutated example, yields diagnostics, never an exception.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/index.js";
import { denseLayers } from "../../src/ir/layers.js";

const SEED = 20261128;
const HIDDEN = ["linear", "sigmoid", "tanh", "relu", "leaky_relu(alpha=0.2)", "gelu", "gelu_tanh", "swish", "silu"];

const layer = fc.record({ units: fc.integer({ min: 1, max: 64 }), activation: fc.constantFrom(...HIDDEN.filter((a) => a !== "linear")) });
const head = fc.constantFrom(
  { activation: "sigmoid", units: 1, loss: "bce" },
  { activation: "softmax", units: 3, loss: "softmax_ce" },
  { activation: "linear", units: 2, loss: "mse" },
  { activation: "sigmoid", units: 4, loss: "multilabel_bce" },
);
const recipe = fc.record({
  optimizer: fc.constantFrom("sgd lr=0.1", "momentum lr=0.01 beta=0.8 nesterov=true", "adam lr=1e-3", "optimizer adamw lr=3e-4 weight_decay=0.1 clip=1"),
  schedule: fc.constantFrom("", "schedule warmup=10", "schedule decay=step step_size=5 gamma=0.5", "schedule decay=cosine t_max=100", "schedule decay=cosine restart=10 t_mult=2"),
  batch: fc.oneof(fc.integer({ min: 1, max: 256 }).map(String), fc.constant("all")),
  separator: fc.constantFrom("\n", ";", " ; ", "\n\n# comment\n"),
});

describe("frontend properties", () => {
  it("random valid programs lower to their network with sum((in+1)*out) parameters", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.array(layer, { maxLength: 5 }), head, recipe, (inputs, hidden, out, r) => {
        const chain = [`input ${inputs}`, ...hidden.map((l) => `dense ${l.units} ${l.activation}`), `dense ${out.units} ${out.activation}`];
        const source = [chain.join(" -> "), `loss ${out.loss}`, r.optimizer, r.schedule, `train batch=${r.batch} epochs=3`].filter((s) => s !== "").join(r.separator);
        const { ir, diagnostics } = analyze(source);
        expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        const sizes = [inputs, ...hidden.map((l) => l.units), out.units];
        let expected = 0;
        for (let k = 1; k < sizes.length; k++) expected += (sizes[k - 1]! + 1) * sizes[k]!;
        expect(ir!.paramCount).toBe(expected);
        expect(ir!.layers.map((l) => l.units)).toEqual(sizes.slice(1));
        expect(ir!.loss.kind).toBe(out.loss);
        expect(denseLayers(ir!).at(-1)!.biasOffset + out.units).toBe(expected);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("random text never throws", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        const { ir, diagnostics } = analyze(text);
        if (ir === null) expect(diagnostics.some((d) => d.severity === "error")).toBe(true);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  const examples = join(import.meta.dirname, "../../examples");
  const sources = readdirSync(examples).filter((f) => f.endsWith(".mlp")).map((f) => readFileSync(join(examples, f), "utf8"));
  const TOKENS = ["->", "dense", "input", "=", "(", ")", ";", "\n", "#", "1e309", "-1", "0", "softmax", "all", "lr", ",", "\0", "é"];

  it("mutated examples never throw", () => {
    const mutation = fc.record({
      source: fc.constantFrom(...sources),
      edits: fc.array(
        fc.record({ at: fc.nat(), kind: fc.constantFrom("insert", "delete", "swap"), token: fc.constantFrom(...TOKENS), len: fc.integer({ min: 1, max: 8 }) }),
        { minLength: 1, maxLength: 4 },
      ),
    });
    fc.assert(
      fc.property(mutation, ({ source, edits }) => {
        let s = source;
        for (const e of edits) {
          const at = e.at % (s.length + 1);
          if (e.kind === "insert") s = s.slice(0, at) + e.token + s.slice(at);
          else if (e.kind === "delete") s = s.slice(0, at) + s.slice(at + e.len);
          else s = s.slice(0, at) + s.slice(at + e.len, at + 2 * e.len) + s.slice(at, at + e.len) + s.slice(at + 2 * e.len);
        }
        const { ir, diagnostics } = analyze(s);
        if (ir === null) expect(diagnostics.some((d) => d.severity === "error")).toBe(true);
        else expect(ir.paramCount).toBe(denseLayers(ir).reduce((n, l) => n + (l.inputs + 1) * l.units, 0));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
