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
import { docComment } from "./training-text.js";
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

function emitLayerInit(layer: DenseLayer): string {
  const rule = initRule(layer.init, layer.inputs, layer.units);
  const end = layer.weightOffset + layer.inputs * layer.units;
  return [
    `  // ${layer.name} (${layer.inputs} -> ${layer.units}, ${layer.activation.kind}): ${rule.comment}`,
    `  ${rule.fill}(params, ${layer.weightOffset}, ${end}, ${rule.scale}, random);`,
  ].join("\n");
}

/** initParams(seed?): the weights drawn layer by layer in layout order, biases left at 0. */
export function emitInitParams(ir: ModelIR, array: string): string {
  const used = new Set(denseLayers(ir).map((l) => initRule(l.init, l.inputs, l.units).fill));
  const helpers: string[] = [];
  if (used.has("fillUniform")) {
    helpers.push(`/** params[from..to) ~ U(-limit, limit): limit * (2u - 1), u uniform in [0, 1). */
function fillUniform(params: ${array}, from: number, to: number, limit: number, random: SeededRandom): void {
  for (let p = from; p < to; p++) params[p] = limit * (2 * random.float() - 1);
}`);
  }
  if (used.has("fillNormal")) {
    helpers.push(`/** params[from..to) ~ N(0, std^2): std * z, z standard normal (not truncated, as PyTorch). */
function fillNormal(params: ${array}, from: number, to: number, std: number, random: SeededRandom): void {
  for (let p = from; p < to; p++) params[p] = std * random.normal();
}`);
  }
  const doc = docComment([
    "Fresh parameters for training: every weight drawn from the layer's initializer with the",
    "seeded generator (one stream, layers in layout order, W row by row), every bias 0.",
    "He for relu/leaky_relu/gelu/swish, Xavier/Glorot for sigmoid/tanh/linear/softmax, unless the",
    "program says `init ...`. Same seed, same bits, on any machine.",
  ]);
  const body = [
    `export function initParams(seed: number = ${ir.training.seed}): ${array} {`,
    `  const params = new ${array}(${ir.paramCount}); // zero-filled: the biases start at 0`,
    `  const random = new SeededRandom(seed, ${INIT_STREAM});`,
    ...denseLayers(ir).map(emitLayerInit),
    "  return params;",
    "}",
  ].join("\n");
  return [...helpers, `${doc}\n${body}`].join("\n\n");
}
