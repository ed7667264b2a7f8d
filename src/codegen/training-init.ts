/**
 * Emits the seeded random numbers and the parameter initializer of the generated module.
 *
 * Determinism is the point: the same seed must give bit-identical parameters in Node and in any
 * browser. So the generator uses only 32-bit integer operations (Math.imul, shifts), the uniform
 * double is built from two words exactly, and the normal deviates use the polar method with a
 * natural logarithm written out in the module (fdlibm's algorithm) instead of Math.log, which the
 * ECMAScript spec lets each engine approximate differently.
 */
import type { DenseLayer, InitKind, ModelIR } from "../ir/types.js";
import { docComment } from "./training-text.js";

/** Stream numbers keep initialization and each epoch's shuffle statistically independent. */
export const INIT_STREAM = 0;

/** The SeededRandom class: xoshiro128** seeded by (seed, stream). */
export function emitSeededRandom(): string {
  return `${docComment([
    "Seeded pseudo-random numbers for initialization and shuffling: xoshiro128** (Blackman & Vigna,",
    "2018), 128 bits of state, seeded from (seed, stream) through the MurmurHash3 finalizer fmix32.",
    "Only 32-bit integer arithmetic and exact double arithmetic (plus naturalLog below), so the same",
    "seed gives bit-identical numbers on every machine and JavaScript engine.",
  ])}
class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** The second deviate of the last polar pair, returned by the next normal(). */
  private spare = 0;
  private hasSpare = false;

  /**
   * seed: any number; its integer part is taken as a 64-bit two's-complement integer (so every
   * integer of magnitude below 2^53 is a different seed). stream: a 32-bit word that selects an
   * independent sequence for the same seed.
   */
  constructor(seed: number, stream: number) {
    const whole = Number.isFinite(seed) ? Math.floor(seed) : 0;
    const lo = whole % 4294967296 >>> 0;
    const hi = Math.floor(whole / 4294967296) >>> 0;
    // Hash the three words; fmix32 is a bijection, so distinct lo (for fixed hi, stream) differ.
    let h = fmix32((lo ^ 0x9e3779b9) >>> 0);
    h = fmix32((h ^ hi) >>> 0);
    h = fmix32((h ^ (stream >>> 0)) >>> 0);
    // Four distinct inputs to a bijection: the state can never be all zero.
    this.s0 = fmix32((h + 0x9e3779b9) >>> 0);
    this.s1 = fmix32((h + 0x3c6ef372) >>> 0);
    this.s2 = fmix32((h + 0xdaa66d2b) >>> 0);
    this.s3 = fmix32((h + 0x78dde6e4) >>> 0);
  }

  /** The next 32-bit output: result = rotl(s1 * 5, 7) * 9, then the xoshiro state transition. */
  nextUint32(): number {
    const result = Math.imul(rotl32(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl32(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits: (27 high bits of a * 2^26 + 26 high bits of b) / 2^53. */
  float(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * Standard normal N(0, 1) by Marsaglia's polar method: draw (u, v) uniform in the unit disc
   * (s = u^2 + v^2 in (0, 1)), then u * f and v * f with f = sqrt(-2 ln(s) / s) are two
   * independent normal deviates.
   */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.float() - 1;
      v = 2 * this.float() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * naturalLog(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }
}

/** MurmurHash3's 32-bit finalizer: a bijection on 32-bit words with full avalanche. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Rotates a 32-bit word left by k bits. */
function rotl32(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

${docComment([
  "Natural logarithm of a positive finite x, written out so every engine gives the same bits",
  "(fdlibm's e_log.c algorithm, error below 1 ulp): x = 2^k * m with m in [sqrt(1/2), sqrt(2))",
  "by exact scaling, f = m - 1 (exact), s = f / (2 + f), and",
  "ln(1 + f) = f - (f^2/2 - s (f^2/2 + R(s^2))), R a minimax polynomial; ln 2 split in hi + lo.",
])}
function naturalLog(x: number): number {
  let k = 0;
  let m = x;
  while (m < 2.3283064365386963e-10) {
    m *= 4294967296; // 2^32: exact, also for subnormal m
    k -= 32;
  }
  while (m >= 4294967296) {
    m /= 4294967296;
    k += 32;
  }
  while (m < Math.SQRT1_2) {
    m *= 2;
    k -= 1;
  }
  while (m >= Math.SQRT2) {
    m /= 2;
    k += 1;
  }
  const f = m - 1; // exact (Sterbenz: m is within a factor 2 of 1)
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (3.999999999940941908e-1 + w * (2.222219843214978396e-1 + w * 1.531383769920937332e-1));
  const t2 = z * (6.666666666666735130e-1 + w * (2.857142874366239149e-1 + w * (1.818357216161805012e-1 + w * 1.479819860511658591e-1)));
  const r = t2 + t1;
  const hfsq = 0.5 * f * f;
  // ln 2 = LN2_HI + LN2_LO; k * LN2_HI is exact (LN2_HI has 32 trailing zero bits).
  return k * 6.93147180369123816490e-1 - (hfsq - (s * (hfsq + r) + k * 1.90821492927058770002e-10) - f);
}`;
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
  const used = new Set(ir.layers.map((l) => initRule(l.init, l.inputs, l.units).fill));
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
    ...ir.layers.map(emitLayerInit),
    "  return params;",
    "}",
  ].join("\n");
  return [...helpers, `${doc}\n${body}`].join("\n\n");
}
