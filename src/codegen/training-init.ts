/**
 * Emits the seeded random numbers (the runtime's random.ts) and the parameter initializer of the
 * generated module.
 *
 * Determinism is the point: the same seed must give bit-identical parameters in Node and in any
 * browser. So the generator uses only 32-bit integer operations (Math.imul, shifts), the uniform
 * double is built from two words exactly, and the normal deviates use the polar method with a
 * natural logarithm written out in the module (fdlibm's algorithm) instead of Math.log, which the
 * ECMAScript spec lets each engine approximate differently.
 */
import type { DenseLayer, InitKind, ModelIR } from "../ir/types.js";
import { RUNTIME_RANDOM } from "./runtime-embedded.js";
import { printFunction, type Parameter } from "./declaration.js";
import { int, type CodeLines } from "./text.js";
import { denseLayers } from "../ir/layers.js";

/** Stream numbers keep initialization and each epoch's shuffle statistically independent. */
export const INIT_STREAM = 0;

/** The SeededRandom class (xoshiro128** seeded by (seed, stream)), naturalLog and the per-epoch shuffle: the runtime's random.ts. */
export function emitSeededRandom(): string {
  return RUNTIME_RANDOM;
}

/** Fan-in/fan-out formula and bound for one initializer, as emitted text and as a comment. */
interface InitRule {
  readonly fill: "fillUniform" | "fillNormal";
  /** Expression for the uniform limit a or the normal standard deviation. */
  readonly scale: string;
  readonly comment: string;
}

export function initRule(kind: InitKind, fanIn: number, fanOut: number): InitRule {
  switch (kind) {
    case "he_uniform":
      return { fill: "fillUniform", scale: `Math.sqrt(6 / ${fanIn})`, comment: `he_uniform: W ~ U(-a, a), a = sqrt(6 / fan_in), fan_in = ${fanIn}` };
    case "he_normal":
      return { fill: "fillNormal", scale: `Math.sqrt(2 / ${fanIn})`, comment: `he_normal: W ~ N(0, sigma^2), sigma = sqrt(2 / fan_in), fan_in = ${fanIn}` };
    case "xavier_uniform":
      return {
        fill: "fillUniform",
        scale: `Math.sqrt(6 / (${fanIn} + ${fanOut}))`,
        comment: `xavier_uniform: W ~ U(-a, a), a = sqrt(6 / (fan_in + fan_out)), fan_in = ${fanIn}, fan_out = ${fanOut}`,
      };
    case "xavier_normal":
      return {
        fill: "fillNormal",
        scale: `Math.sqrt(2 / (${fanIn} + ${fanOut}))`,
        comment: `xavier_normal: W ~ N(0, sigma^2), sigma = sqrt(2 / (fan_in + fan_out)), fan_in = ${fanIn}, fan_out = ${fanOut}`,
      };
  }
}

function emitLayerInit(out: CodeLines, layer: DenseLayer): void {
  const rule = initRule(layer.init, layer.inputs, layer.units);
  const end = layer.weightOffset + layer.inputs * layer.units;
  out.comment(`${layer.name} (${layer.inputs} -> ${layer.units}, ${layer.activation.kind}): ${rule.comment}`);
  out.line(`${rule.fill}(params, ${layer.weightOffset}, ${end}, ${rule.scale}, random);`);
}

/** fillUniform / fillNormal: params[from..to) drawn from one distribution. */
function emitFill(fill: InitRule["fill"], array: string): string {
  const uniform = fill === "fillUniform";
  const bound = uniform ? "limit" : "std";
  const parameters: Parameter[] = [
    { name: "params", type: array },
    { name: "from", type: "number" },
    { name: "to", type: "number" },
    { name: bound, type: "number" },
    { name: "random", type: "SeededRandom" },
  ];
  return printFunction({
    name: fill,
    parameters,
    returnType: "void",
    docs: [
      uniform
        ? "params[from..to) ~ U(-limit, limit): limit * (2u - 1), u uniform in [0, 1)."
        : "params[from..to) ~ N(0, std^2): std * z, z standard normal (not truncated, as PyTorch).",
    ],
    body: (out) => {
      out.line(`for (let p = from; p < to; p++) params[p] = ${uniform ? "limit * (2 * random.float() - 1)" : "std * random.normal()"};`);
    },
  });
}

/** initParams(seed?): the weights drawn layer by layer in layout order, biases left at 0. */
export function emitInitParams(ir: ModelIR, array: string): string {
  const used = new Set(denseLayers(ir).map((l) => initRule(l.init, l.inputs, l.units).fill));
  const helpers = (["fillUniform", "fillNormal"] as const).filter((fill) => used.has(fill)).map((fill) => emitFill(fill, array));
  const initParams = printFunction({
    name: "initParams",
    exported: true,
    parameters: [{ name: "seed", type: "number", initializer: int(ir.training.seed) }],
    returnType: array,
    docs: [
      "Fresh parameters for training: every weight drawn from the layer's initializer with the",
      "seeded generator (one stream, layers in layout order, W row by row), every bias 0.",
      "He for relu/leaky_relu/gelu/swish, Xavier/Glorot for sigmoid/tanh/linear/softmax, unless the",
      "program says `init ...`. Same seed, same bits, on any machine.",
    ],
    body: (out) => {
      out.line(`const params = new ${array}(${ir.paramCount}); // zero-filled: the biases start at 0`);
      out.line(`const random = new SeededRandom(seed, ${INIT_STREAM});`);
      for (const layer of denseLayers(ir)) emitLayerInit(out, layer);
      out.line("return params;");
    },
  });
  return [...helpers, initParams].join("\n\n");
}
