/**
 * Activations as code: the forward expression, the local derivative used by backward, whether
 * that derivative needs z (or can be had from a alone, which saves storing z), its forms over
 * whole arrays where a call per element would cost, the module-level helpers (helperSource, and
 * helpersCalledBy: those a module's code calls), and the textbook formulas printed in the layer
 * comments.
 *
 * Conventions: relu'(0) = 0; leaky_relu'(0) = alpha; gelu with an erf accurate to
 * ~1e-15 (fdlibm's algorithm); softmax is only ever an output and is handled with the loss.
 */
import type { Activation } from "../ir/types.js";
import { num } from "./text.js";

/** Module-level helper functions an activation's code may call. */
export type Helper = "erf" | "gelu" | "geluDerivative" | "applyGelu" | "scaleByGeluDerivative" | "geluTanh" | "geluTanhDerivative" | "swish" | "swishDerivative";

export interface ActivationCode {
  /** a as an expression of z (z must be an identifier or a side-effect-free read). */
  forward(z: string): string;
  /**
   * dJ/dz from dJ/da = `da`, given `a` and, when `needsZ`, `z` (identifiers or array reads).
   * When `needsZ` is false, `z` may be null and the derivative is computed from a.
   */
  derivative(da: string, a: string, z: string | null): string;
  /** The derivative cannot be recovered from a: z must be kept for backward. */
  readonly needsZ: boolean;
  /**
   * Helpers that apply the activation over a whole array, where a call per element would cost
   * (gelu: see geluArraySource): `forward(from, to, n)` writes to[i] = f(from[i]),
   * `scaleByDerivative(d, z, n)` multiplies d[i] by f'(z[i]). The kernel path and the loops use
   * them on a layer's whole z; results are those of forward and derivative, bit for bit.
   */
  readonly overArrays?: { readonly forward: Helper; readonly scaleByDerivative: Helper };
  /** `a{k}_j = ...` in words, for the note on layer k. */
  formula(k: number): string;
  /** `da/dz = ...`, for the layer comment. */
  readonly localDerivative: string;
}

const GELU_TANH_C = 0.044715;
/** sqrt(2 / pi), printed once so every module spells it the same. */
export const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
/** 1 / sqrt(2 pi), the standard normal density's constant. */
export const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export function activationCode(activation: Activation): ActivationCode {
  switch (activation.kind) {
    case "linear":
      return {
        forward: (z) => z,
        derivative: (da) => da,
        needsZ: false,
        formula: (k) => `a${k}_j = z${k}_j`,
        localDerivative: "da/dz = 1",
      };
    case "sigmoid":
      return {
        forward: (z) => `1 / (1 + Math.exp(-${z}))`,
        derivative: (da, a) => `${da} * ${a} * (1 - ${a})`,
        needsZ: false,
        formula: (k) => `a${k}_j = 1 / (1 + e^-z${k}_j)`,
        localDerivative: "da/dz = a (1 - a)",
      };
    case "tanh":
      return {
        forward: (z) => `Math.tanh(${z})`,
        derivative: (da, a) => `${da} * (1 - ${a} * ${a})`,
        needsZ: false,
        formula: (k) => `a${k}_j = tanh(z${k}_j)`,
        localDerivative: "da/dz = 1 - a^2",
      };
    case "relu":
      // a > 0 exactly when z > 0, so a alone decides the derivative (and relu'(0) = 0).
      return {
        forward: (z) => `${z} > 0 ? ${z} : 0`,
        derivative: (da, a, z) => `${z ?? a} > 0 ? ${da} : 0`,
        needsZ: false,
        formula: (k) => `a${k}_j = max(0, z${k}_j)`,
        localDerivative: "da/dz = z > 0 ? 1 : 0 (0 at z = 0)",
      };
    case "leaky_relu": {
      const alpha = activation.alpha;
      if (!(alpha >= 0)) throw new Error(`mlpc codegen: leaky_relu alpha must be >= 0, got ${alpha}`);
      // With alpha >= 0, a > 0 exactly when z > 0: the derivative can again be read off a.
      return {
        forward: (z) => `${z} > 0 ? ${z} : ${num(alpha)} * ${z}`,
        derivative: (da, a, z) => `${z ?? a} > 0 ? ${da} : ${num(alpha)} * ${da}`,
        needsZ: false,
        formula: (k) => `a${k}_j = z${k}_j > 0 ? z${k}_j : ${alpha} z${k}_j`,
        localDerivative: `da/dz = z > 0 ? 1 : ${alpha} (${alpha} at z = 0)`,
      };
    }
    case "gelu":
      return {
        forward: (z) => `gelu(${z})`,
        derivative: (da, _a, z) => `${da} * geluDerivative(${requireZ(z)})`,
        needsZ: true,
        overArrays: { forward: "applyGelu", scaleByDerivative: "scaleByGeluDerivative" },
        formula: (k) => `a${k}_j = z${k}_j/2 (1 + erf(z${k}_j / sqrt 2)) = z${k}_j Phi(z${k}_j)`,
        localDerivative: "da/dz = Phi(z) + z phi(z), phi(z) = e^(-z^2/2) / sqrt(2 pi)",
      };
    case "gelu_tanh":
      return {
        forward: (z) => `geluTanh(${z})`,
        derivative: (da, _a, z) => `${da} * geluTanhDerivative(${requireZ(z)})`,
        needsZ: true,
        formula: (k) => `a${k}_j = z${k}_j/2 (1 + t), t = tanh(sqrt(2/pi) (z${k}_j + 0.044715 z${k}_j^3))`,
        localDerivative: "da/dz = (1 + t)/2 + z/2 (1 - t^2) sqrt(2/pi) (1 + 3 0.044715 z^2)",
      };
    case "swish":
      return {
        forward: (z) => `swish(${z})`,
        derivative: (da, _a, z) => `${da} * swishDerivative(${requireZ(z)})`,
        needsZ: true,
        formula: (k) => `a${k}_j = z${k}_j s, s = sigmoid(z${k}_j)`,
        localDerivative: "da/dz = s (1 + z (1 - s))",
      };
    case "softmax":
      return {
        forward: () => {
          throw new Error("mlpc codegen: softmax is emitted with the output, not elementwise");
        },
        derivative: () => {
          throw new Error("mlpc codegen: softmax's derivative is fused with softmax_ce");
        },
        needsZ: false,
        formula: (k) => `a${k}_j = e^(z${k}_j - m) / sum_c e^(z${k}_c - m), m = max_c z${k}_c`,
        localDerivative: "with softmax_ce: dJ/dz = p - y (no separate softmax derivative)",
      };
  }
}

function requireZ(z: string | null): string {
  if (z === null) throw new Error("mlpc codegen: this derivative needs z");
  return z;
}

/** Human name of an activation with its parameter, e.g. `leaky_relu(alpha=0.1)` (the IR's spelling). */
export { activationName } from "../ir/activations.js";

/** Helpers in a fixed order, each with the helpers it depends on first. */
const HELPER_ORDER: readonly Helper[] = ["erf", "gelu", "geluDerivative", "applyGelu", "scaleByGeluDerivative", "geluTanh", "geluTanhDerivative", "swish", "swishDerivative"];

export function orderHelpers(used: ReadonlySet<Helper>): Helper[] {
  const all = new Set(used);
  if (all.has("gelu") || all.has("geluDerivative")) all.add("erf");
  return HELPER_ORDER.filter((h) => all.has(h));
}

/**
 * The helpers that code (emitted TypeScript) calls, with those they call, in dependency order.
 * Read off the code itself, comments left out, because which ones a module calls depends on how
 * each layer was emitted (per element, or over arrays), and one it declares but never calls is an
 * error under the strictest compiler flags.
 */
export function helpersCalledBy(code: string): Helper[] {
  const calls = code.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  return orderHelpers(new Set(HELPER_ORDER.filter((h) => new RegExp(`(?<![\\w$.])${h}\\(`).test(calls))));
}

/** The source of one helper, a top-level function declaration. */
export function helperSource(helper: Helper): string {
  switch (helper) {
    case "erf":
      return ERF_SOURCE;
    case "gelu":
      return `/** gelu(z) = z Phi(z) = z/2 (1 + erf(z / sqrt 2)), the exact form. */
function gelu(z: number): number {
  return 0.5 * z * (1 + erf(z * Math.SQRT1_2));
}`;
    case "geluDerivative":
      return `/** d gelu / dz = Phi(z) + z phi(z), with phi the standard normal density. */
function geluDerivative(z: number): number {
  return 0.5 * (1 + erf(z * Math.SQRT1_2)) + z * Math.exp(-0.5 * z * z) * ${num(INV_SQRT_2PI)};
}`;
    case "applyGelu":
    case "scaleByGeluDerivative":
      return geluArraySource(helper);
    case "geluTanh":
      return `/** The tanh approximation of gelu: z/2 (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3))). */
function geluTanh(z: number): number {
  return 0.5 * z * (1 + Math.tanh(${num(SQRT_2_OVER_PI)} * (z + ${num(GELU_TANH_C)} * z * z * z)));
}`;
    case "geluTanhDerivative":
      return `/** d geluTanh / dz = (1 + t)/2 + z/2 (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 z^2). */
function geluTanhDerivative(z: number): number {
  const t = Math.tanh(${num(SQRT_2_OVER_PI)} * (z + ${num(GELU_TANH_C)} * z * z * z));
  return 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * ${num(SQRT_2_OVER_PI)} * (1 + ${num(3 * GELU_TANH_C)} * z * z);
}`;
    case "swish":
      return `/** swish(z) = z sigmoid(z) (also called silu). */
function swish(z: number): number {
  return z / (1 + Math.exp(-z));
}`;
    case "swishDerivative":
      return `/** d swish / dz = s (1 + z (1 - s)), s = sigmoid(z). */
function swishDerivative(z: number): number {
  const s = 1 / (1 + Math.exp(-z));
  return s * (1 + z * (1 - s));
}`;
  }
}

/**
 * erf after the algorithm of fdlibm's s_erf.c (Sun Microsystems, 1993), as published: rational
 * approximations on [0, 0.84375), [0.84375, 1.25), [1.25, 1/0.35) and [1/0.35, 6), then +-1.
 * The coefficients are fdlibm's; the code is ours. The one change: fdlibm clears the low 32 bits
 * of |x| so that z*z is exact; Math.fround keeps 24 significant bits, which serves the same
 * purpose without reinterpreting bits.
 *
 * Each range is written once, as statements over x and ax = |x| that end by handing their value
 * to `finish`: `return v;` in the scalar erf's range functions, `erfx = v;` where the array
 * helpers (applyGelu) compute erf inline in their loop.
 */
type Finish = (value: string) => string;

/** The ranges (their doc comments in ERF_RANGE_DOCS). */
const ERF_RANGES = {
  nearZero: (finish: Finish): string[] => [
    `if (ax < 3.725290298461914e-9) ${finish("x + 0.128379167095512586316 * x")}`,
    "else {",
    "  const z = x * x;",
    "  const r = 0.128379167095512558561 + z * (-0.325042107247001499370 + z * (-0.0284817495755985104766 + z * (-0.00577027029648944159157 + z * -0.0000237630166566501626084)));",
    "  const s = 1 + z * (0.397917223959155352819 + z * (0.0650222499887672944485 + z * (0.00508130628187576562776 + z * (0.000132494738004321644526 + z * -0.00000396022827877536812320))));",
    `  ${finish("x + x * (r / s)")}`,
    "}",
  ],
  nearOne: (finish: Finish): string[] => [
    "const s = ax - 1;",
    "const p = -0.00236211856075265944077 + s * (0.414856118683748331666 + s * (-0.372207876035701323847 + s * (0.318346619901161753674 + s * (-0.110894694282396677476 + s * (0.0354783043256182359371 + s * -0.00216637559486879084300)))));",
    "const q = 1 + s * (0.106420880400844228286 + s * (0.540397917702171048937 + s * (0.0718286544141962662868 + s * (0.126171219808761642112 + s * (0.0136370839120290507362 + s * 0.0119844998467991074170)))));",
    finish("x >= 0 ? 0.845062911510467529297 + p / q : -0.845062911510467529297 - p / q"),
  ],
  tail: (finish: Finish): string[] => [
    "const s = 1 / (ax * ax);",
    "let r: number;",
    "let q: number;",
    "if (ax < 2.857142857142857) {",
    "  r = -0.00986494403484714822705 + s * (-0.693858572707181764372 + s * (-10.5586262253232909814 + s * (-62.3753324503260060396 + s * (-162.396669462573470355 + s * (-184.605092906711035994 + s * (-81.2874355063065934246 + s * -9.81432934416914548592))))));",
    "  q = 1 + s * (19.6512716674392571292 + s * (137.657754143519042600 + s * (434.565877475229228821 + s * (645.387271733267880336 + s * (429.008140027567833386 + s * (108.635005541779435134 + s * (6.57024977031928170135 + s * -0.0604244152148580987438)))))));",
    "} else {",
    "  r = -0.00986494292470009928597 + s * (-0.799283237680523006574 + s * (-17.7579549177547519889 + s * (-160.636384855821916062 + s * (-637.566443368389627722 + s * (-1025.09513161107724954 + s * -483.519191608651397019)))));",
    "  q = 1 + s * (30.3380607434824582924 + s * (325.792512996573918826 + s * (1536.72958608443695994 + s * (3199.85821950859553908 + s * (2553.05040643316442583 + s * (474.528541206955367215 + s * -22.4409524465858183362))))));",
    "}",
    "// z has 24 significant bits, so z * z is exact and exp(-x^2) is computed without cancellation.",
    "const z = Math.fround(ax);",
    "const e = Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + r / q);",
    finish("x > 0 ? 1 - e / ax : e / ax - 1"),
  ],
} as const;

/** The doc comment of each range function (as on its template). */
const ERF_RANGE_DOCS: Record<keyof typeof ERF_RANGES, string> = {
  nearZero: "erf on |x| < 0.84375: x + x R(x^2).",
  nearOne: "erf on 0.84375 <= |x| < 1.25: 0.8450629... + P(s) / Q(s) with s = |x| - 1, signed.",
  tail: "erf on 1.25 <= |x| < 6: 1 - exp(-x^2 - 0.5625 + R/S) / |x|, signed.",
};

const ERF_FUNCTION_NAMES: Record<keyof typeof ERF_RANGES, string> = { nearZero: "erfNearZero", nearOne: "erfNearOne", tail: "erfTail" };

function erfRangeFunction(range: keyof typeof ERF_RANGES): string {
  const body = ERF_RANGES[range]((v) => `return ${v};`);
  return `/** ${ERF_RANGE_DOCS[range]} */\nfunction ${ERF_FUNCTION_NAMES[range]}(x: number, ax: number): number {\n${body.map((l) => `  ${l}`).join("\n")}\n}`;
}

const ERF_SOURCE = [
  `/**
 * The error function, accurate to about 1 ulp (fdlibm's algorithm; JavaScript has no Math.erf).
 * Rational approximations on [0, 0.84375), [0.84375, 1.25), [1.25, 1/0.35) and [1/0.35, 6).
 * One small function a range: V8 inlines them where it would not inline one erf of their size,
 * and a call it does not inline boxes its number argument and result (a heap allocation each).
 */
function erf(x: number): number {
  if (x !== x) return x;
  const ax = Math.abs(x);
  if (ax < 0.84375) return erfNearZero(x, ax);
  if (ax < 1.25) return erfNearOne(x, ax);
  if (ax >= 6) return x > 0 ? 1 : -1;
  return erfTail(x, ax);
}`,
  erfRangeFunction("nearZero"),
  erfRangeFunction("nearOne"),
  erfRangeFunction("tail"),
].join("\n\n");

/** Statements that set `erfx` to erf(x) for the number x, every range inline (the array helpers' loop body). */
function erfInline(): string[] {
  const finish: Finish = (v) => `erfx = ${v};`;
  const range = (r: keyof typeof ERF_RANGES): string[] => ERF_RANGES[r](finish).map((l) => `  ${l}`);
  return [
    "const ax = Math.abs(x);",
    "let erfx: number;",
    "if (x !== x) erfx = x;",
    "else if (ax < 0.84375) {",
    ...range("nearZero"),
    "} else if (ax < 1.25) {",
    ...range("nearOne"),
    "} else if (ax >= 6) erfx = x > 0 ? 1 : -1;",
    "else {",
    ...range("tail"),
    "}",
  ];
}

/**
 * gelu and its derivative over whole arrays, erf inline in the loop: the SIMD path applies an
 * activation to a layer's whole z at once. A loop calling gelu(z) runs fast only while V8 inlines
 * gelu, and it stops doing so once gelu has optimized code of its own (the erf ranges inlined in
 * it make it too big to inline again); each call then boxes its argument and result (measured on
 * digits' 64-64-10: two heap numbers an element, a scavenge every 2 epochs, and training 1.3x
 * slower). Bit for bit the scalar gelu and geluDerivative (tested).
 */
function geluArraySource(name: "applyGelu" | "scaleByGeluDerivative"): string {
  const forward = name === "applyGelu";
  const doc = forward
    ? "to[i] = gelu(from[i]) = from[i]/2 (1 + erf(from[i] / sqrt 2)) for i < n."
    : "d[i] = d[i] * gelu'(at[i]) for i < n, gelu'(z) = Phi(z) + z phi(z) = (1 + erf(z / sqrt 2))/2 + z e^(-z^2/2) / sqrt(2 pi).";
  const why = [
    "erf is fdlibm's (about 1 ulp: rational approximations on [0, 0.84375), [0.84375, 1.25), [1.25, 1/0.35)",
    "and [1/0.35, 6), then +-1), written inline so that the loop calls nothing: a call V8 does not inline",
    "boxes its number argument and result, a heap allocation each.",
  ];
  const parameters = forward ? "from: Float64Array | Float32Array, to: Float64Array | Float32Array, n: number" : "d: Float64Array | Float32Array, at: Float64Array | Float32Array, n: number";
  const store = forward ? "to[i] = 0.5 * v * (1 + erfx);" : `d[i] = d[i]! * (0.5 * (1 + erfx) + v * Math.exp(-0.5 * v * v) * ${num(INV_SQRT_2PI)});`;
  const body = [`const v = ${forward ? "from" : "at"}[i]!;`, "const x = v * Math.SQRT1_2;", ...erfInline(), store];
  return `/**\n * ${doc}\n${why.map((l) => ` * ${l}`).join("\n")}\n */\nfunction ${name}(${parameters}): void {\n  for (let i = 0; i < n; i++) {\n${body.map((l) => `    ${l}`).join("\n")}\n  }\n}`;
}
