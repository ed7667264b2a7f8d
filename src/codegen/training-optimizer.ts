/**
 * Emits the optimizer of the generated module: TrainState, createTrainState, applyUpdate and
 * trainStep. One fused loop per parameter range does moments + decoupled decay + update; the
 * gradient already holds the L1/L2 terms (lossAndGradient adds them), so regularization needs no
 * extra pass. Global-norm clipping needs the norm first, hence one extra read-only pass when on.
 */
import { denseLayers, hasDropout } from "../ir/layers.js";
import { optimizerState } from "../ir/optimizers.js";
import type { ModelIR, Optimizer, OptimizerKind, OptimizerOf } from "../ir/types.js";
import { docComment, printFunction, withDocs, type Parameter } from "./declaration.js";
import { ROW_WEIGHT, weighsRows } from "./loss.js";
import { rowWeightParameter } from "./network.js";
import { CodeLines, identifier, int, num } from "./text.js";

/** The parameter storage: Float64Array or Float32Array (--dtype f32). */
type Dtype = "f64" | "f32";

export function emitTrainStateInterface(ir: ModelIR, array: string): string {
  const fields = optimizerState(ir.optimizer);
  const out = new CodeLines();
  out.block("export interface TrainState", () => {
    out.line("/** The parameters, updated in place by applyUpdate. */");
    out.line(`readonly params: ${array};`);
    out.line("/** dJ/dparams of the last batch, as lossAndGradient wrote it (before clipping). */");
    out.line(`readonly grad: ${array};`);
    for (const f of fields) {
      out.line(docComment([f.doc]));
      out.line(`readonly ${identifier(f.name)}: ${array};`);
    }
    out.line("/** Updates applied so far: t in the formulas (0 before the first update). */");
    out.line("step: number;");
    out.line("/** Whether every parameter was finite after the last applyUpdate (checked as the update wrote them); null before one. */");
    out.line("paramsFinite: boolean | null;");
    if (ir.optimizer.clip !== null) {
      out.line("/** Global L2 norm of the last gradient, before clipping. */");
      out.line("gradNorm: number;");
    }
  });
  return withDocs([`Everything one training run changes, for ${ir.optimizer.kind}. Arrays have the parameter layout.`], out.toString());
}

export function emitCreateTrainState(ir: ModelIR, array: string): string {
  const fields = optimizerState(ir.optimizer);
  const P = int(ir.paramCount);
  const init = [
    "params",
    `grad: allocate(${P})`,
    ...fields.map((f) => `${identifier(f.name)}: allocate(${P})`),
    "step: 0",
    "paramsFinite: null",
    ...(ir.optimizer.clip === null ? [] : ["gradNorm: 0"]),
  ];
  const create = printFunction({
    name: "createTrainState",
    exported: true,
    parameters: [
      { name: "params", type: array },
      { name: "allocate", type: `(length: number) => ${array}`, initializer: `(length) => new ${array}(length)` },
    ],
    returnType: "TrainState",
    docs: [
      "A fresh training state around `params` (kept, not copied: training updates it in place).",
      "Optimizer buffers start at 0 and step at 0. allocate makes grad and the buffers, in that order",
      "(zeroed arrays of the given length; e.g. SharedArrayBuffer views threads share).",
    ],
    body: (out) => {
      out.line(`if (params.length !== ${P}) throw new Error(\`expected ${P} parameters, got \${params.length}\`);`);
      out.line(`return { ${init.join(", ")} };`);
    },
  });
  const buffers = printFunction({
    name: "optimizerBuffers",
    parameters: [{ name: "state", type: "TrainState" }],
    returnType: `Record<string, ${array}>`,
    docs: ["The optimizer buffers by name (what a checkpoint must save besides params and step)."],
    body: (out) => {
      out.line(`return { ${fields.map((f) => `${identifier(f.name)}: state.${identifier(f.name)}`).join(", ")} };`);
    },
  });
  return `${create}\n\n${buffers}`;
}

/**
 * GradientCombine and combineGradient, for updateRange's combine (models without clipping, whose
 * update needs no norm of the whole gradient first): a data-parallel step's two slices' gradients
 * added in the update of each range, instead of in a pass of the engine's before it.
 */
export function emitGradientCombine(ir: ModelIR, array: string, dtype: Dtype): string {
  if (ir.optimizer.clip !== null) return "";
  const declaration = withDocs(
    [
      "Two gradients of one batch for updateRange to add before it updates: state.grad's and other's (e.g. two",
      "threads' slices, each the mean over its rows), weighted by their slices' shares of the batch's rows.",
    ],
    `export interface GradientCombine {\n  readonly other: ${array};\n  readonly weight: number;\n  readonly otherWeight: number;\n}`,
  );
  const combine = printFunction({
    name: "combineGradient",
    parameters: [
      { name: "grad", type: array },
      { name: "combine", type: "GradientCombine" },
      { name: "from", type: "number" },
      { name: "to", type: "number" },
    ],
    returnType: "void",
    docs: ["grad = grad * weight + other * otherWeight on [from, to)."],
    body: (out) => {
      out.line("const other = combine.other;");
      if (dtype === "f32") {
        out.comment("Each product and the sum rounded to float32, as the adam kernel's f32x4 lanes compute them.");
        out.line("const weight = Math.fround(combine.weight);");
        out.line("const otherWeight = Math.fround(combine.otherWeight);");
        out.line("for (let p = from; p < to; p++) grad[p] = Math.fround(grad[p]! * weight) + Math.fround(other[p]! * otherWeight);");
      } else {
        out.line("const weight = combine.weight;");
        out.line("const otherWeight = combine.otherWeight;");
        out.line("for (let p = from; p < to; p++) grad[p] = grad[p]! * weight + other[p]! * otherWeight;");
      }
    },
  });
  return `${declaration}\n\n${combine}`;
}

/** The gradient element as used by the update: clipped by the step's scale when clip is on. */
function gradExpr(opt: Optimizer): string {
  return opt.clip === null ? "grad[p]!" : "grad[p]! * clipScale";
}

/** The parameters every range function takes, in order: state, the range, lr, then `extra`, then clipScale when clipping. */
function rangeParameters(opt: Optimizer, extra: readonly Parameter[]): Parameter[] {
  return [
    { name: "state", type: "TrainState" },
    { name: "from", type: "number" },
    { name: "to", type: "number" },
    { name: "lr", type: "number" },
    ...extra,
    ...(opt.clip === null ? [] : [{ name: "clipScale", type: "number" }]),
  ];
}

/** What every range function returns, in its doc comment. */
const CHECK_DOC = ["Returns 0 when every parameter it wrote is finite, else NaN: the Trainer's check after an update, made as it is written."];

/**
 * params[p] = value, and check += w - w of what was written: 0 for a finite w, NaN otherwise
 * (and NaN stays). f32 reads it back, since the array may round a finite double to infinity.
 * A running sum measured faster than a branch (W1, one sample a step: 0.96 and 0.91 of no check).
 */
function emitParamWrite(out: CodeLines, value: string, dtype: Dtype): void {
  if (dtype === "f32") {
    out.line(`params[p] = ${value};`);
    out.line("const written = params[p]!;");
  } else {
    out.line(`const written = ${value};`);
    out.line("params[p] = written;");
  }
  out.line("check += written - written;");
}


function emitSgdUpdate(opt: Optimizer, dtype: Dtype): string {
  return printFunction({
    name: "sgdRange",
    parameters: rangeParameters(opt, []),
    returnType: "number",
    docs: ["SGD on params[from..to): w = w - lr * g.", ...CHECK_DOC],
    body: (out) => {
      out.line("const params = state.params;");
      out.line("const grad = state.grad;");
      out.line("let check = 0;");
      out.block("for (let p = from; p < to; p++)", () => emitParamWrite(out, `params[p]! - lr * ${gradExpr(opt)}`, dtype));
      out.line("return check;");
    },
  });
}

function emitMomentumUpdate(opt: OptimizerOf<"momentum">, dtype: Dtype): string {
  return printFunction({
    name: "momentumRange",
    parameters: rangeParameters(opt, [{ name: "first", type: "boolean" }]),
    returnType: "number",
    docs: [
      `SGD with momentum on params[from..to) (PyTorch form, dampening 0, beta = ${opt.beta}):`,
      "  buf = g                 at the first update (n = 1)",
      "  buf = beta * buf + g    after that",
      `  w   = w - lr * ${opt.nesterov ? "(g + beta * buf)    (nesterov)" : "buf"}`,
      ...CHECK_DOC,
    ],
    body: (out) => {
      out.line("const params = state.params;");
      out.line("const grad = state.grad;");
      out.line("const buf = state.buf;");
      out.line(`const beta = ${num(opt.beta)};`);
      out.line("let check = 0;");
      out.block("for (let p = from; p < to; p++)", () => {
        out.line(`const g = ${gradExpr(opt)};`);
        out.line("const b = first ? g : beta * buf[p]! + g;");
        out.line("buf[p] = b;");
        if (opt.nesterov) {
          out.comment("Nesterov: step along g + beta * buf (the gradient plus the look-ahead momentum).");
          emitParamWrite(out, "params[p]! - lr * (g + beta * b)", dtype);
        } else {
          emitParamWrite(out, "params[p]! - lr * b", dtype);
        }
      });
      out.line("return check;");
    },
  });
}

/** wasmLoop: with SIMD, the lines that run the update in the adam kernel before the loop, which is the fallback (simd.ts). */
function emitAdamUpdate(opt: OptimizerOf<"adam"> | OptimizerOf<"adamw">, wasmLoop: readonly string[] | null, dtype: Dtype): string {
  const decoupled = opt.kind === "adamw";
  const wNew = decoupled ? "params[p]! * decay" : "params[p]!";
  return printFunction({
    name: decoupled ? "adamwRange" : "adamRange",
    parameters: [
      ...rangeParameters(opt, [
        { name: "bc1", type: "number" },
        { name: "bc2", type: "number" },
        ...(decoupled ? [{ name: "decay", type: "number" }] : []),
      ]),
      // With the kernel, the update adds two threads' gradients itself (updateRange's combine).
      ...(wasmLoop !== null && opt.clip === null ? [{ name: "combine", type: "GradientCombine | null" }] : []),
    ],
    returnType: "number",
    docs: [
      `${decoupled ? "AdamW (Loshchilov & Hutter, 2019; PyTorch's AdamW)" : "Adam (Kingma & Ba, 2015; PyTorch's Adam)"} on params[from..to),`,
      `beta1 = ${opt.beta1}, beta2 = ${opt.beta2}, eps = ${opt.eps}:`,
      ...(decoupled ? ["  w = w * decay            decay = 1 - lr * weight_decay on weights, 1 on biases"] : []),
      "  m = beta1 * m + (1 - beta1) * g",
      "  v = beta2 * v + (1 - beta2) * g^2",
      "  w = w - lr * (m / bc1) / (sqrt(v / bc2) + eps)    bc1 = 1 - beta1^n, bc2 = 1 - beta2^n",
      "computed as w - stepSize * m / (sqrt(v) * rootScale + eps) with stepSize = lr / bc1 and",
      "rootScale = 1 / sqrt(bc2) taken once per call (as PyTorch does): the same value up to",
      "rounding, with one division a parameter instead of three (the update is most of a small net's step).",
      ...CHECK_DOC,
    ],
    body: (out) => {
      out.line("const params = state.params;");
      out.line("const grad = state.grad;");
      out.line("const m = state.m;");
      out.line("const v = state.v;");
      out.line(`const beta1 = ${num(opt.beta1)};`);
      out.line(`const beta2 = ${num(opt.beta2)};`);
      out.line(`const eps = ${num(opt.eps)};`);
      out.line("const stepSize = lr / bc1;");
      out.line("const rootScale = 1 / Math.sqrt(bc2);");
      // With SIMD the update runs in the adam kernel and returns; the loop below is its fallback.
      if (wasmLoop !== null) out.append(wasmLoop);
      out.line("let check = 0;");
      out.block("for (let p = from; p < to; p++)", () => {
        out.line(`const g = ${gradExpr(opt)};`);
        out.line("const mp = beta1 * m[p]! + (1 - beta1) * g;");
        out.line("const vp = beta2 * v[p]! + (1 - beta2) * g * g;");
        out.line("m[p] = mp;");
        out.line("v[p] = vp;");
        emitParamWrite(out, `${wNew} - (stepSize * mp) / (Math.sqrt(vp) * rootScale + eps)`, dtype);
      });
      out.line("return check;");
    },
  });
}

/** applyUpdate's clipping prelude: ||g|| = sqrt(sum of g^2 over all parameters), for updateRange. */
function emitGradNorm(out: CodeLines, ir: ModelIR): void {
  out.line("const grad = state.grad;");
  out.line("let sumOfSquares = 0;");
  out.line(`for (let p = 0; p < ${int(ir.paramCount)}; p++) sumOfSquares += grad[p]! * grad[p]!;`);
  out.line("const gradNorm = Math.sqrt(sumOfSquares);");
}

/** updateRange's clipping prelude: scale = min(1, clip / (||g|| + 1e-6)) from the given norm. */
function emitClipScale(out: CodeLines, ir: ModelIR): void {
  const clip = ir.optimizer.clip;
  if (clip === null) return;
  out.comment(`Global gradient-norm clipping (PyTorch's clip_grad_norm_, max_norm = ${clip}):`);
  out.comment("||g|| = sqrt(sum of g^2 over all parameters); g is used as g * min(1, max_norm / (||g|| + 1e-6)).");
  out.line("state.gradNorm = gradNorm;");
  out.line(`const clipScale = Math.min(1, ${num(clip)} / (gradNorm + 1e-6));`);
}

/** The bias corrections Adam and AdamW take once per update. */
function emitAdamBiasCorrections(out: CodeLines, opt: OptimizerOf<"adam"> | OptimizerOf<"adamw">): void {
  out.comment("Bias corrections, once per update.");
  out.line(`const bc1 = 1 - Math.pow(${num(opt.beta1)}, n);`);
  out.line(`const bc2 = 1 - Math.pow(${num(opt.beta2)}, n);`);
}

/** `, clipScale` when clipping is on: the last argument of every range call. */
function clipArg(opt: Optimizer): string {
  return opt.clip === null ? "" : ", clipScale";
}

/** `, combine ?? null` for a range function that adds the two gradients itself (the adam kernel's). */
function combineArg(fused: boolean): string {
  return fused ? ", combine ?? null" : "";
}

/** How one optimizer's update is emitted; its settings and state are its record in src/ir/optimizers.ts. */
interface OptimizerCode<K extends OptimizerKind> {
  /**
   * The per-range update function: formulas as comments, then one fused loop. `wasmLoop`, with
   * --simd, is the lines that replace the loop for an optimizer with a kernel (simd.ts), else null.
   */
  range(opt: OptimizerOf<K>, wasmLoop: readonly string[] | null, dtype: Dtype): string;
  /** updateRange's calls of the range function on [from, to), once t, n, lr (and clipScale) are known; `fused`: the range takes updateRange's combine. */
  calls(out: CodeLines, opt: OptimizerOf<K>, ir: ModelIR, fused: boolean): void;
}

const OPTIMIZER_CODE: { readonly [K in OptimizerKind]: OptimizerCode<K> } = {
  sgd: {
    range: (opt, _wasmLoop, dtype) => emitSgdUpdate(opt, dtype),
    calls: (out, opt) => {
      out.line(`check += sgdRange(state, from, to, lr${clipArg(opt)});`);
    },
  },
  momentum: {
    range: (opt, _wasmLoop, dtype) => emitMomentumUpdate(opt, dtype),
    calls: (out, opt) => {
      out.line(`check += momentumRange(state, from, to, lr, t === 0${clipArg(opt)}); // buf = g at the first update`);
    },
  },
  adam: {
    range: (opt, wasmLoop, dtype) => emitAdamUpdate(opt, wasmLoop, dtype),
    calls: (out, opt, _ir, fused) => {
      emitAdamBiasCorrections(out, opt);
      out.line(`check += adamRange(state, from, to, lr, bc1, bc2${clipArg(opt)}${combineArg(fused)});`);
    },
  },
  adamw: {
    range: (opt, wasmLoop, dtype) => emitAdamUpdate(opt, wasmLoop, dtype),
    // One range a layer's weights and one its biases: weights decay, biases do not.
    calls: (out, opt, ir, fused) => {
      emitAdamBiasCorrections(out, opt);
      out.comment(`Decoupled weight decay (weight_decay = ${opt.weightDecay}) shrinks weights only, never biases.`);
      out.line(`const decay = 1 - lr * ${num(opt.weightDecay)};`);
      // Each layer's part of [from, to) (the range functions do nothing on an empty one).
      for (const l of denseLayers(ir)) {
        const wEnd = l.weightOffset + l.inputs * l.units;
        const part = (a: number, b: number): string => `Math.max(from, ${int(a)}), Math.min(to, ${int(b)})`;
        out.line(`check += adamwRange(state, ${part(l.weightOffset, wEnd)}, lr, bc1, bc2, decay${clipArg(opt)}${combineArg(fused)}); // ${identifier(l.name)} weights`);
        out.line(`check += adamwRange(state, ${part(l.biasOffset, l.biasOffset + l.units)}, lr, bc1, bc2, 1${clipArg(opt)}${combineArg(fused)}); // ${identifier(l.name)} biases`);
      }
    },
  },
};

function rangeOf<K extends OptimizerKind>(opt: OptimizerOf<K>, wasmLoop: readonly string[] | null, dtype: Dtype): string {
  return OPTIMIZER_CODE[opt.kind].range(opt, wasmLoop, dtype);
}

function emitCalls<K extends OptimizerKind>(out: CodeLines, opt: OptimizerOf<K>, ir: ModelIR, fused: boolean): void {
  OPTIMIZER_CODE[opt.kind].calls(out, opt, ir, fused);
}

/** The per-range update function; `adamLoop` replaces Adam's loop with --simd (simd.ts). */
export function emitOptimizerRange(ir: ModelIR, adamLoop: readonly string[] | null, dtype: Dtype): string {
  return rangeOf(ir.optimizer, adamLoop, dtype);
}

/** fusedCombine: the range functions add updateRange's combine themselves (the adam kernel, with SIMD). */
export function emitApplyUpdate(ir: ModelIR, fusedCombine: boolean): string {
  const clip = ir.optimizer.clip !== null;
  const fused = fusedCombine && !clip;
  const update = printFunction({
    name: "applyUpdate",
    exported: true,
    parameters: [{ name: "state", type: "TrainState" }],
    returnType: "void",
    docs: [
      "One optimizer update from state.grad (filled by lossAndGradient, L1/L2 included):",
      "t = state.step, n = t + 1, lr = learningRate(t); then state.step = n, and state.paramsFinite",
      "says whether every parameter it wrote is finite.",
      "Allocation-free. Buffers are updated even when lr is 0 (warmup from 0, or a schedule at 0).",
    ],
    body: (out) => {
      if (clip) {
        emitGradNorm(out, ir);
        out.line(`const check = updateRange(state, 0, ${int(ir.paramCount)}, gradNorm);`);
      } else {
        out.line(`const check = updateRange(state, 0, ${int(ir.paramCount)});`);
      }
      out.line("state.step = state.step + 1;");
      out.line("state.paramsFinite = check === 0;");
    },
  });
  const range = printFunction({
    name: "updateRange",
    exported: true,
    parameters: [
      { name: "state", type: "TrainState" },
      { name: "from", type: "number" },
      { name: "to", type: "number" },
      ...(clip ? [{ name: "gradNorm", type: "number" }] : [{ name: "combine", type: "GradientCombine", optional: true }]),
    ],
    returnType: "number",
    docs: [
      "applyUpdate's update of params[from..to) and their optimizer buffers, at t = state.step, without",
      "moving state.step. Each parameter's update reads only its own gradient and buffers, so ranges that",
      "tile [0, paramCount) give applyUpdate's result bit for bit: threads can share one update.",
      "Returns 0 when every parameter it wrote is finite, else NaN.",
      ...(clip
        ? ["gradNorm: the global L2 norm of the whole gradient (clipping scales every range by it)."]
        : [
            "combine: state.grad[from..to) becomes grad * weight + other * otherWeight first (combineGradient), as",
            fused ? "the adam kernel reads it (one pass over the range, where SIMD runs)." : "a pass before the update.",
          ]),
    ],
    body: (out) => {
      out.line("const t = state.step;");
      if (ir.optimizer.kind === "adam" || ir.optimizer.kind === "adamw") out.line("const n = t + 1; // the bias corrections' update count");
      out.line("const lr = learningRate(t);");
      emitClipScale(out, ir);
      if (!clip && !fused) out.line("if (combine !== undefined) combineGradient(state.grad, combine, from, to);");
      out.line("let check = 0;");
      emitCalls(out, ir.optimizer, ir, fused);
      out.line("return check;");
    },
  });
  return `${update}\n\n${range}`;
}

export function emitTrainStep(ir: ModelIR): string {
  const dropout = hasDropout(ir);
  return printFunction({
    name: "trainStep",
    exported: true,
    parameters: [
      { name: "state", type: "TrainState" },
      { name: "x", type: "ArrayLike<number>" },
      { name: "y", type: "ArrayLike<number>" },
      { name: "rows", type: "number" },
      ...(dropout ? [{ name: "random", type: "() => number", optional: true }] : []),
      ...rowWeightParameter(ir),
    ],
    returnType: "number",
    docs: [
      "One training update on one batch (x: rows x inputs, y: rows x outputs, row-major, as",
      "lossAndGradient): computes J and the gradient, applies the update with learningRate(state.step),",
      "increments state.step and returns J as measured before the update.",
      ...(dropout ? ["random (uniform in [0, 1)) draws the dropout masks; without it the batch trains without dropout."] : []),
      ...(weighsRows(ir) ? [`${ROW_WEIGHT} (optional, one number a row) weighs each row's loss and gradient, as in lossAndGradient.`] : []),
    ],
    body: (out) => {
      out.line(`const loss = lossAndGradient(state.params, x, y, rows, state.grad${dropout ? ", random" : ""}${weighsRows(ir) ? `, ${ROW_WEIGHT}` : ""});`);
      out.line("applyUpdate(state);");
      out.line("return loss;");
    },
  });
}

/** First stream of the dropout masks: update t draws from stream DROPOUT_STREAM + t (init is 0, epoch e's shuffle e + 1). */
export const DROPOUT_STREAM = 0x80000000;

/**
 * batchGradient, the Trainer's J and gradient of one batch. With dropout, the masks of update t
 * come from a SeededRandom on stream DROPOUT_STREAM + t of the run's seed: a function of (seed, t)
 * only, so a resumed run draws exactly the masks it would have drawn, with no generator state saved.
 */
export function emitBatchGradient(ir: ModelIR): string {
  const dropout = hasDropout(ir);
  return printFunction({
    name: "batchGradient",
    parameters: [
      { name: "state", type: "TrainState" },
      { name: "x", type: "Float64Array" },
      { name: "y", type: "Float64Array" },
      { name: "rows", type: "number" },
      { name: dropout ? "seed" : "_seed", type: "number" },
      // The Trainer's gradient signature: out (for a gradient of its own, unused here: lastBatchOutputs reads the scratch), then rowWeight.
      ...(weighsRows(ir) ? [{ name: "_out", type: "Float64Array", optional: true }, ...rowWeightParameter(ir)] : []),
    ],
    returnType: "number",
    docs: [
      "J and dJ/dparams (into state.grad) of one training batch: what the Trainer computes before each update.",
      dropout
        ? `The dropout masks of update t come from stream ${DROPOUT_STREAM} + t of the seed, so resuming draws them again exactly.`
        : "This model has no dropout: the seed is not needed.",
      ...(weighsRows(ir) ? [`${ROW_WEIGHT} (optional, one number a row): the Trainer's classWeight of each row's class.`] : []),
    ],
    body: (out) => {
      const weight = weighsRows(ir) ? `, ${ROW_WEIGHT}` : "";
      if (!dropout) {
        out.line(`return lossAndGradient(state.params, x, y, rows, state.grad${weight});`);
        return;
      }
      out.line(`const random = new SeededRandom(seed, (${DROPOUT_STREAM} + state.step) >>> 0);`);
      out.line(`return lossAndGradient(state.params, x, y, rows, state.grad, () => random.float()${weight});`);
    },
  });
}
