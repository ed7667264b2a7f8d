/** printIR (the IR as text) and formatProgram (the canonical source, which must mean the same IR). */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze.js";
import { formatProgram, printIR } from "../../src/ir/print.js";
import type { ModelIR } from "../../src/ir/types.js";

const root = join(import.meta.dirname, "../..");
const examples = readdirSync(join(root, "examples"))
  .filter((f) => f.endsWith(".mlp"))
  .sort();

function irOf(source: string, name = "model"): ModelIR {
  const { ir, diagnostics } = analyze(source, { defaultName: name });
  if (ir === null) throw new Error(diagnostics.map((d) => d.message).join("\n"));
  return ir;
}

/** The IR without where things were written (spans, origins, whether the loss was explicit). */
function meaning(ir: ModelIR): unknown {
  return JSON.parse(JSON.stringify({ ...ir, origins: {}, loss: { ...ir.loss, explicit: null } }, (k, v: unknown) => (k === "span" ? undefined : v)));
}

describe("formatProgram", () => {
  for (const file of examples) {
    it(`${file}: the canonical form lowers to the same IR, and is a fixed point`, () => {
      const ir = irOf(readFileSync(join(root, "examples", file), "utf8"), file.replace(/\.mlp$/, ""));
      const canonical = formatProgram(ir);
      const again = irOf(canonical);
      expect(meaning(again)).toEqual(meaning(ir));
      expect(formatProgram(again)).toBe(canonical);
    });
  }

  it("the seed program", () => {
    const ir = irOf("input 6 -> dense 7 relu -> dense 4 relu -> dense 1 sigmoid; adamw lr=1e-3 warmup=100", "seed");
    expect(formatProgram(ir)).toBe(
      [
        "model seed",
        "input 6 -> dense 7 relu -> dense 4 relu -> dense 1 sigmoid",
        "loss bce",
        "optimizer adamw lr=0.001 beta1=0.9 beta2=0.999 eps=1e-8 weight_decay=0.01",
        "schedule warmup=100 decay=none",
        "regularize l1=0 l2=0",
        "train batch=32 epochs=100 shuffle=true seed=42",
        "",
      ].join("\n"),
    );
  });

  it("writes init only when it differs from the per-activation default, and SGDR without t_max", () => {
    const ir = irOf("input 2 -> dense 3 leaky_relu(alpha=0.2) -> dense 1\ninit he_normal\nsgd lr=0.1 clip=5 decay=cosine restart=10 t_mult=2\ntrain batch=all", "m");
    const text = formatProgram(ir);
    expect(text).toContain("input 2 -> dense 3 leaky_relu(alpha=0.2) -> dense 1 linear\n");
    expect(text).toContain("init he_normal\n");
    expect(text).toContain("optimizer sgd lr=0.1 clip=5\n");
    expect(text).toContain("schedule warmup=0 decay=cosine restart=10 t_mult=2 eta_min=0\n");
    expect(text).toContain("train batch=all ");
    expect(meaning(irOf(text, "m"))).toEqual(meaning(ir));
  });
});

describe("printIR", () => {
  it("prints the seed IR as stable text", () => {
    const ir = irOf("input 6 -> dense 7 relu -> dense 4 relu -> dense 1 sigmoid; adamw lr=1e-3 warmup=100", "seed");
    expect(printIR(ir)).toBe(
      [
        "model seed",
        "input 6",
        "  dense_1: dense 6 -> 7 relu  init=he_uniform  W=params[0..42) (7x6)  b=params[42..49)  params=(6+1)*7=49",
        "  dense_2: dense 7 -> 4 relu  init=he_uniform  W=params[49..77) (4x7)  b=params[77..81)  params=(7+1)*4=32",
        "  dense_3: dense 4 -> 1 sigmoid  init=xavier_uniform  W=params[81..85) (1x4)  b=params[85..86)  params=(4+1)*1=5",
        "output 1",
        "params 86",
        "loss bce task=binary (inferred from the output activation)",
        "optimizer adamw lr=0.001 beta1=0.9 beta2=0.999 eps=1e-8 weight_decay=0.01 clip=none",
        "schedule warmup=100 decay=none",
        "regularization l1=0 l2=0 (weights only, not divided by rows)",
        "training batch=32 epochs=100 shuffle=true seed=42",
        "written in source: input, layer.1, layer.2, layer.3, optimizer, optimizer.lr, schedule.warmup",
        "",
      ].join("\n"),
    );
  });

  it("is deterministic for every example", () => {
    for (const file of examples) {
      const source = readFileSync(join(root, "examples", file), "utf8");
      expect(printIR(irOf(source))).toBe(printIR(irOf(source)));
    }
  });
});
