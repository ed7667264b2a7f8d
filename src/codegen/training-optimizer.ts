/**
 * Emits the optimizer of the generated module: TrainState, createTrainState, applyUpdate and
 * trainStep. One fused loop per parameter range does moments + decoupled decay + update; the
 * gradient already holds the L1/L2 terms (lossAndGradient adds them), so regularization needs no
 * extra pass. Global-norm clipping needs the norm first, hence one extra read-only pass when on.
 */
import { denseLayers, hasDropout } from "../ir/layers.js";
import { optimizerState } from "../ir/optimizers.js";
import type { ModelIR, Optimizer, OptimizerKind, OptimizerOf } from "../ir/types.js";
import { docComment, num } from "./training-text.js";

export function emitTrainStateInterface(ir: ModelIR, array: string): string {
  const fields = optimizerState(ir.optimizer);
  return `${docComment([
    `Everything one training run changes, for ${ir.optimizer.kind}. Arrays have the parameter layout.`,
  ])}
export interface TrainState {
  /** The parameters, updated in place by applyUpdate. */
  readonly params: ${array};
  /** dJ/dparams of the last batch, as lossAndGradient wrote it (before clipping). */
  readonly grad: ${array};
${fields.map((f) => `  /** ${f.doc} */\n  readonly ${f.name}: ${array};`).join("\n")}${fields.length > 0 ? "\n" : ""}  /** Updates applied so far: t in the formulas (0 before the first update). */
  step: number;${
    ir.optimizer.clip === null
      ? ""
      : `
  /** Global L2 norm of the last gradient, before clipping. */
  gradNorm: number;`
  }
}`;
}

export function emitCreateTrainState(ir: ModelIR, array: string): string {
  const fields = optimizerState(ir.optimizer);
  const P = ir.paramCount;
  const init = [
    "params",
    `grad: new ${array}(${P})`,
    ...fields.map((f) => `${f.name}: new ${array}(${P})`),
    "step: 0",
    ...(ir.optimizer.clip === null ? [] : ["gradNorm: 0"]),
  ];
  return `${docComment([
    "A fresh training state around `params` (kept, not copied: training updates it in place).",
    "Optimizer buffers start at 0 and step at 0.",
  ])}
export function createTrainState(params: ${array}): TrainState {
  if (params.length !== ${P}) throw new Error(\`expected ${P} parameters, got \${params.length}\`);
  return { ${init.join(", ")} };
}

/** The optimizer buffers by name (what a checkpoint must save besides params and step). */
function optimizerBuffers(state: TrainState): Record<string, ${array}> {
  return { ${fields.map((f) => `${f.name}: state.${f.name}`).join(", ")} };
}`;
}

/** The gradient element as used by the update: clipped by the step's scale when clip is on. */
function gradExpr(opt: Optimizer): string {
  return opt.clip === null ? "grad[p]!" : "grad[p]! * clipScale";
}

function clipParam(opt: Optimizer): string {
  return opt.clip === null ? "" : ", clipScale: number";
}

function emitSgdUpdate(opt: Optimizer): string {
  return `/** SGD on params[from..to): w = w - lr * g. */
function sgdRange(state: TrainState, from: number, to: number, lr: number${clipParam(opt)}): void {
  const params = state.params;
  const grad = state.grad;
  for (let p = from; p < to; p++) {
    params[p] = params[p]! - lr * ${gradExpr(opt)};
  }
}`;
}

function emitMomentumUpdate(opt: OptimizerOf<"momentum">): string {
  const update = opt.nesterov
    ? "    // Nesterov: step along g + beta * buf (the gradient plus the look-ahead momentum).\n    params[p] = params[p]! - lr * (g + beta * b);"
    : "    params[p] = params[p]! - lr * b;";
  return `/**
 * SGD with momentum on params[from..to) (PyTorch form, dampening 0, beta = ${opt.beta}):
 *   buf = g                 at the first update (n = 1)
 *   buf = beta * buf + g    after that
 *   w   = w - lr * ${opt.nesterov ? "(g + beta * buf)    (nesterov)" : "buf"}
 */
function momentumRange(state: TrainState, from: number, to: number, lr: number, first: boolean${clipParam(opt)}): void {
  const params = state.params;
  const grad = state.grad;
  const buf = state.buf;
  const beta = ${num(opt.beta)};
  for (let p = from; p < to; p++) {
    const g = ${gradExpr(opt)};
    const b = first ? g : beta * buf[p]! + g;
    buf[p] = b;
${update}
  }
}`;
}

/** wasmLoop: with SIMD, the lines that run the update in the adam kernel before the loop, which is the fallback (simd.ts). */
function emitAdamUpdate(opt: OptimizerOf<"adam"> | OptimizerOf<"adamw">, wasmLoop: readonly string[] | null): string {
  const decoupled = opt.kind === "adamw";
  const formula = [
    ...(decoupled ? [" *   w = w * decay            decay = 1 - lr * weight_decay on weights, 1 on biases"] : []),
    " *   m = beta1 * m + (1 - beta1) * g",
    " *   v = beta2 * v + (1 - beta2) * g^2",
    " *   w = w - lr * (m / bc1) / (sqrt(v / bc2) + eps)    bc1 = 1 - beta1^n, bc2 = 1 - beta2^n",
    " * computed as w - stepSize * m / (sqrt(v) * rootScale + eps) with stepSize = lr / bc1 and",
    " * rootScale = 1 / sqrt(bc2) taken once per call (as PyTorch does): the same value up to",
    " * rounding, with one division a parameter instead of three (the update is most of a small net's step).",
  ];
  const wNew = decoupled ? "params[p]! * decay" : "params[p]!";
  const jsLoop = `  for (let p = from; p < to; p++) {
    const g = ${gradExpr(opt)};
    const mp = beta1 * m[p]! + (1 - beta1) * g;
    const vp = beta2 * v[p]! + (1 - beta2) * g * g;
    m[p] = mp;
    v[p] = vp;
    params[p] = ${wNew} - (stepSize * mp) / (Math.sqrt(vp) * rootScale + eps);
  }`;
  return `/**
 * ${decoupled ? "AdamW (Loshchilov & Hutter, 2019; PyTorch's AdamW)" : "Adam (Kingma & Ba, 2015; PyTorch's Adam)"} on params[from..to),
 * beta1 = ${opt.beta1}, beta2 = ${opt.beta2}, eps = ${opt.eps}:
${formula.join("\n")}
 */
function ${decoupled ? "adamwRange" : "adamRange"}(state: TrainState, from: number, to: number, lr: number, bc1: number, bc2: number${
    decoupled ? ", decay: number" : ""
  }${clipParam(opt)}): void {
  const params = state.params;
  const grad = state.grad;
  const m = state.m;
  const v = state.v;
  const beta1 = ${num(opt.beta1)};
  const beta2 = ${num(opt.beta2)};
  const eps = ${num(opt.eps)};
  const stepSize = lr / bc1;
  const rootScale = 1 / Math.sqrt(bc2);
${wasmLoop === null ? "" : `${wasmLoop.map((l) => (l === "" ? "" : `  ${l}`)).join("\n")}\n`}${jsLoop}
}`;
}

/** The clipping prelude of applyUpdate: ||g||, then scale = min(1, clip / (||g|| + 1e-6)). */
export function emitClipScale(ir: ModelIR): string {
  const clip = ir.optimizer.clip;
  if (clip === null) return "";
  return `  // Global gradient-norm clipping (PyTorch's clip_grad_norm_, max_norm = ${clip}):
  // ||g|| = sqrt(sum of g^2 over all parameters); g is used as g * min(1, max_norm / (||g|| + 1e-6)).
  const grad = state.grad;
  let sumOfSquares = 0;
  for (let p = 0; p < ${ir.paramCount}; p++) sumOfSquares += grad[p]! * grad[p]!;
  const gradNorm = Math.sqrt(sumOfSquares);
  state.gradNorm = gradNorm;
  const clipScale = Math.min(1, ${num(clip)} / (gradNorm + 1e-6));
`;
}

/** The bias corrections Adam and AdamW take once per update. */
function adamBiasCorrections(opt: OptimizerOf<"adam"> | OptimizerOf<"adamw">): string[] {
  return ["  // Bias corrections, once per update.", "  const bc1 = 1 - Math.pow(" + num(opt.beta1) + ", n);", "  const bc2 = 1 - Math.pow(" + num(opt.beta2) + ", n);"];
}

/** `, clipScale` when clipping is on: the last argument of every range call. */
function clipArg(opt: Optimizer): string {
  return opt.clip === null ? "" : ", clipScale";
}

/** How one optimizer's update is emitted; its settings and state are its record in src/ir/optimizers.ts. */
interface OptimizerCode<K extends OptimizerKind> {
  /**
   * The per-range update function: formulas as comments, then one fused loop. `wasmLoop`, with
   * --simd, is the lines that replace the loop for an optimizer with a kernel (simd.ts), else null.
   */
  range(opt: OptimizerOf<K>, wasmLoop: readonly string[] | null): string;
  /** applyUpdate's calls of the range function, once t, n, lr (and clipScale) are known. */
  calls(opt: OptimizerOf<K>, ir: ModelIR): string;
}

const OPTIMIZER_CODE: { readonly [K in OptimizerKind]: OptimizerCode<K> } = {
  sgd: {
    range: (opt) => emitSgdUpdate(opt),
    calls: (opt, ir) => `  sgdRange(state, 0, ${ir.paramCount}, lr${clipArg(opt)});`,
  },
  momentum: {
    range: (opt) => emitMomentumUpdate(opt),
    calls: (opt, ir) => `  momentumRange(state, 0, ${ir.paramCount}, lr, t === 0${clipArg(opt)}); // buf = g at the first update`,
  },
  adam: {
    range: (opt, wasmLoop) => emitAdamUpdate(opt, wasmLoop),
    calls: (opt, ir) => [...adamBiasCorrections(opt), `  adamRange(state, 0, ${ir.paramCount}, lr, bc1, bc2${clipArg(opt)});`].join("\n"),
  },
  adamw: {
    range: (opt, wasmLoop) => emitAdamUpdate(opt, wasmLoop),
    // One range a layer's weights and one its biases: weights decay, biases do not.
    calls: (opt, ir) =>
      [
        ...adamBiasCorrections(opt),
        `  // Decoupled weight decay (weight_decay = ${opt.weightDecay}) shrinks weights only, never biases.`,
        `  const decay = 1 - lr * ${num(opt.weightDecay)};`,
        ...denseLayers(ir).flatMap((l) => {
          const wEnd = l.weightOffset + l.inputs * l.units;
          return [
            `  adamwRange(state, ${l.weightOffset}, ${wEnd}, lr, bc1, bc2, decay${clipArg(opt)}); // ${l.name} weights`,
            `  adamwRange(state, ${l.biasOffset}, ${l.biasOffset + l.units}, lr, bc1, bc2, 1${clipArg(opt)}); // ${l.name} biases`,
          ];
        }),
      ].join("\n"),
  },
};

function rangeOf<K extends OptimizerKind>(opt: OptimizerOf<K>, wasmLoop: readonly string[] | null): string {
  return OPTIMIZER_CODE[opt.kind].range(opt, wasmLoop);
}

function callsOf<K extends OptimizerKind>(opt: OptimizerOf<K>, ir: ModelIR): string {
  return OPTIMIZER_CODE[opt.kind].calls(opt, ir);
}

/** The per-range update function; `adamLoop` replaces Adam's loop with --simd (simd.ts). */
export function emitOptimizerRange(ir: ModelIR, adamLoop: readonly string[] | null = null): string {
  return rangeOf(ir.optimizer, adamLoop);
}

export function emitApplyUpdate(ir: ModelIR): string {
  return `${docComment([
    "One optimizer update from state.grad (filled by lossAndGradient, L1/L2 included):",
    "t = state.step, n = t + 1, lr = learningRate(t); then state.step = n.",
    "Allocation-free. Buffers are updated even when lr is 0 (warmup from 0, or a schedule at 0).",
  ])}
export function applyUpdate(state: TrainState): void {
  const t = state.step;
  const n = t + 1;
  const lr = learningRate(t);
${emitClipScale(ir)}${callsOf(ir.optimizer, ir)}
  state.step = n;
}`;
}

export function emitTrainStep(ir: ModelIR): string {
  const dropout = hasDropout(ir);
  return `${docComment([
    "One training update on one batch (x: rows x inputs, y: rows x outputs, row-major, as",
    "lossAndGradient): computes J and the gradient, applies the update with learningRate(state.step),",
    "increments state.step and returns J as measured before the update.",
    ...(dropout ? ["random (uniform in [0, 1)) draws the dropout masks; without it the batch trains without dropout."] : []),
  ])}
export function trainStep(state: TrainState, x: ArrayLike<number>, y: ArrayLike<number>, rows: number${dropout ? ", random?: () => number" : ""}): number {
  const loss = lossAndGradient(state.params, x, y, rows, state.grad${dropout ? ", random" : ""});
  applyUpdate(state);
  return loss;
}`;
}

/** First stream of the dropout masks: update t draws from stream DROPOUT_STREAM + t (init is 0, epoch e's shuffle e + 1). */
export const DROPOUT_STREAM = 0x80000000;

/**
 * batchGradient, the Trainer's J and gradient of one batch. With dropout, the masks of update t
 * come from a SeededRandom on stream DROPOUT_STREAM + t of the run's seed: a function of (seed, t)
 * only, so a resumed run draws exactly the masks it would have drawn, with no generator state saved.
 */
export function emitBatchGradient(ir: ModelIR): string {
  const docs = docComment([
    "J and dJ/dparams (into state.grad) of one training batch: what the Trainer computes before each update.",
    ...(hasDropout(ir)
      ? [`The dropout masks of update t come from stream ${DROPOUT_STREAM} + t of the seed, so resuming draws them again exactly.`]
      : ["This model has no dropout: the seed is not needed."]),
  ]);
  if (!hasDropout(ir)) {
    return `${docs}
function batchGradient(state: TrainState, x: Float64Array, y: Float64Array, rows: number, _seed: number): number {
  return lossAndGradient(state.params, x, y, rows, state.grad);
}`;
  }
  return `${docs}
function batchGradient(state: TrainState, x: Float64Array, y: Float64Array, rows: number, seed: number): number {
  const random = new SeededRandom(seed, (${DROPOUT_STREAM} + state.step) >>> 0);
  return lossAndGradient(state.params, x, y, rows, state.grad, () => random.float());
}`;
}
