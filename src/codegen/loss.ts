/**
 * The loss and its gradient at the logits, fused: one pass computes J's share of a row and
 * dJ/dz of the output layer, so the output activation's derivative never appears on its own.
 * One LossCode a loss kind (LOSS_CODE), the codegen twin of its record in src/ir/losses.ts.
 *
 * Reductions: mse = mean over rows x outputs of (a - y)^2 (no 1/2); bce and
 * multilabel_bce = mean over rows x outputs of max(z, 0) - z y + log(1 + e^-|z|), dJ/dz =
 * (sigmoid(z) - y) / (rows x outputs); softmax_ce = mean over rows of -sum_j y_j log softmax(z)_j
 * with log softmax = z - logsumexp(z), dJ/dz = (p sum(y) - y) / rows, which is p - y for one-hot y.
 *
 * Class weights (Keras' class_weight) weigh row r's loss and dJ/dz by w_r = the weight of its
 * class, J = 1/rows sum_r w_r l_r (divided by rows, not by sum w_r). softmax_ce takes them in its
 * targets (it is linear in y); a one-sigmoid bce takes a weight a row (rowWeight, optional).
 */
import { LOSS_RECORDS, taskOf } from "../ir/losses.js";
import type { DenseLayer, LossKind, ModelIR } from "../ir/types.js";
import { activationCode } from "./activation.js";
import { countedLine, int, place, read, times, type CodeLines } from "./text.js";
import { local, range } from "./unrolled.js";

/**
 * How class weights reach a loss: by scaling the one-hot targets (a loss linear in y), by a weight
 * a row passed beside the targets (rowWeight), or not at all, with why.
 */
export type ClassWeighting = { readonly by: "targets" | "rows" } | { readonly by: null; readonly why: string };

/** The argument name of the optional weight a row (one number a row) of a row-weighted loss. */
export const ROW_WEIGHT = "rowWeight";

/** How one loss is emitted; its words, task and output activation are its record in src/ir/losses.ts. */
export interface LossCode {
  /** The textbook lines describing J and its gradient at the logits, for `outputs` outputs (weighted: with rowWeight). */
  comment(kind: LossKind, outputs: number, weighted: boolean): string[];
  /** How class weights reach this loss with `outputs` outputs. */
  classWeights(kind: LossKind, outputs: number): ClassWeighting;
  /** J = lossScale * (the sum the rows add up); dJ/dz carries gradScale. Expressions of `rows`. */
  scales(outputs: number): { readonly lossScale: string; readonly gradScale: string };
  /** The gradient at the logits absorbs the output activation's derivative (dJ/dz = p - y, scaled). */
  readonly fusesOutputActivation: boolean;
  /**
   * One row's loss (added to `loss`) and, with `gradient`, dz_L as named locals, from z_L and y
   * locals (fused code, row r); `weighted`: both times rowWeight[r] when it is given.
   */
  unrolledRow(out: CodeLines, output: DenseLayer, gradient: boolean, weighted: boolean): void;
  /** Adds the rows' unscaled loss to `loss` and, with `at.gradient`, writes dz (layered code). */
  loop(out: CodeLines, output: DenseLayer, at: LossLoop): void;
}

/**
 * Where a loss loop reads: z (rows x outputs from 0), y from row 0 or from `yBase`, whether it
 * writes dz, and whether it weighs rows by rowWeight (when given).
 */
export interface LossLoop {
  readonly z: string;
  readonly rows: string;
  readonly yBase: string | null;
  readonly gradient: boolean;
  readonly weighted: boolean;
}

/** `const rowW = 1 or rowWeight[row]`: 1 leaves the unweighted sums bit for bit (x * 1 is x). */
function emitRowWeight(out: CodeLines, row: string): void {
  out.line(`const rowW = ${ROW_WEIGHT} === undefined ? 1 : ${read(ROW_WEIGHT, row)};`);
}

/** Why class weights do not apply to a loss of several outputs that are not one label's classes. */
const NO_CLASSES = {
  regression: "a regression model has no classes to weigh",
  multilabel: "a multilabel model gives each row several labels, and class weights are per class of a single label",
} as const;

/** Readers of z and y for a loop (y from `yBase` when set). */
function loopReads(at: LossLoop): { z: (...k: (string | number)[]) => string; y: (...k: (string | number)[]) => string } {
  return { z: (...k) => read(at.z, ...k), y: (...k) => (at.yBase === null ? read("y", ...k) : read("y", at.yBase, ...k)) };
}

/** `for (let k = 0; k < n; k++)` over the rows x units elements, n declared when units > 1. */
function elementLoop(out: CodeLines, rows: string, units: number): string {
  if (units === 1) return `for (let k = 0; k < ${rows}; k++)`;
  out.line(`const n = ${times(rows, units)};`);
  return "for (let k = 0; k < n; k++)";
}

/** `1 / (rows * O)`, or `1 / rows` for one output. */
function perElement(outputs: number): string {
  return `1 / ${outputs === 1 ? "rows" : `(rows * ${int(outputs)})`}`;
}

/** bce and multilabel_bce: the same sigmoid cross-entropy, per output (they differ in the task). */
const SIGMOID_CE: LossCode = {
  comment: (kind, O, weighted) =>
    weighted
      ? [
          `Loss ${kind}: J = 1/rows sum_r w_r (max(z, 0) - z y + log(1 + e^-|z|)), w_r = rowWeight[r] (1 without it),`,
          "the logits form of -y log p - (1 - y) log(1 - p), p = sigmoid(z), which never overflows.",
          "At the logits (sigmoid and loss fused): dJ/dz = w_r (p - y) / rows.",
        ]
      : [
          `Loss ${kind}: J = 1/(rows*${O}) sum_r sum_j max(z_j, 0) - z_j y_j + log(1 + e^-|z_j|),`,
          "the logits form of -y log p - (1 - y) log(1 - p), p = sigmoid(z), which never overflows.",
          `At the logits (sigmoid and loss fused): dJ/dz_j = (p_j - y_j) / (rows*${O}).`,
        ],
  // One output is one label of two classes (0 and 1): its rows weigh by their class.
  classWeights: (kind, O) => (taskOf(kind, O) === "binary" ? { by: "rows" } : { by: null, why: NO_CLASSES.multilabel }),
  scales: (O) => ({ lossScale: perElement(O), gradScale: "lossScale" }),
  fusesOutputActivation: true,
  unrolledRow: (out, output, gradient, weighted) => {
    const L = output.index;
    if (weighted) emitRowWeight(out, "r");
    // One exp serves both: e = e^-|z| gives log(1 + e^-|z|) and p = sigmoid(z) without overflow.
    for (const j of range(output.units)) {
      const z = local.z(L, j);
      const y = local.y(j);
      const e = `e${L}_${j}`;
      out.line(`const ${e} = Math.exp(-Math.abs(${z}));`);
      out.line(weighted ? `loss += rowW * ((${z} > 0 ? ${z} : 0) - ${z} * ${y} + Math.log1p(${e}));` : `loss += (${z} > 0 ? ${z} : 0) - ${z} * ${y} + Math.log1p(${e});`);
      if (!gradient) continue;
      out.line(`const p${L}_${j} = ${z} >= 0 ? 1 / (1 + ${e}) : ${e} / (1 + ${e});`);
      out.line(`const ${local.dz(L, j)} = (p${L}_${j} - ${y}) * ${weighted ? "(rowW * gradScale)" : "gradScale"};`);
    }
  },
  loop: (out, output, at) => {
    const { z, y } = loopReads(at);
    // Weighted only with one output, so element k is row k.
    out.block(elementLoop(out, at.rows, output.units), () => {
      out.line(`const zk = ${z("k")};`);
      out.line(`const yk = ${y("k")};`);
      out.line("const e = Math.exp(-Math.abs(zk));");
      if (at.weighted) emitRowWeight(out, "k");
      out.line(at.weighted ? "loss += rowW * ((zk > 0 ? zk : 0) - zk * yk + Math.log1p(e));" : "loss += (zk > 0 ? zk : 0) - zk * yk + Math.log1p(e);");
      if (at.gradient) out.line(`dz[k] = ((zk >= 0 ? 1 / (1 + e) : e / (1 + e)) - yk) * ${at.weighted ? "(rowW * gradScale)" : "gradScale"};`);
    });
  },
};

export const LOSS_CODE: { readonly [K in LossKind]: LossCode } = {
  mse: {
    comment: (_kind, O) => [
      `Loss mse: J = 1/(rows*${O}) sum_r sum_j (a_j - y_j)^2 (no 1/2).`,
      `At the output: dJ/da_j = 2 (a_j - y_j) / (rows*${O}); dJ/dz_j = dJ/da_j * da/dz.`,
    ],
    classWeights: () => ({ by: null, why: NO_CLASSES.regression }),
    scales: (O) => ({ lossScale: perElement(O), gradScale: "2 * lossScale" }),
    fusesOutputActivation: false,
    unrolledRow: (out, output, gradient) => {
      const L = output.index;
      const act = activationCode(output.activation);
      for (const j of range(output.units)) {
        const z = local.z(L, j);
        out.line(`const ${local.a(L, j)} = ${act.forward(z)};`);
        out.line(`const err${L}_${j} = ${local.a(L, j)} - ${local.y(j)};`);
        out.line(`loss += err${L}_${j} * err${L}_${j};`);
        if (gradient) out.line(`const ${local.dz(L, j)} = ${act.derivative(`gradScale * err${L}_${j}`, local.a(L, j), z)};`);
      }
    },
    loop: (out, output, at) => {
      const { z, y } = loopReads(at);
      const act = activationCode(output.activation);
      out.block(elementLoop(out, at.rows, output.units), () => {
        out.line(`const zk = ${z("k")};`);
        out.line(`const ak = ${act.forward("zk")};`);
        out.line(`const err = ak - ${y("k")};`);
        out.line("loss += err * err;");
        if (at.gradient) out.line(`dz[k] = ${act.derivative("gradScale * err", "ak", "zk")};`);
      });
    },
  },
  bce: SIGMOID_CE,
  multilabel_bce: SIGMOID_CE,
  softmax_ce: {
    comment: () => [
      "Loss softmax_ce: J = 1/rows sum_r -sum_j y_j log p_j, log p_j = z_j - logsumexp(z),",
      "logsumexp(z) = max z + log sum_k e^(z_k - max z), which never overflows.",
      "At the logits (softmax and loss fused): dJ/dz_j = (p_j sum_k y_k - y_j) / rows = (p_j - y_j) / rows for one-hot y.",
    ],
    // J and dJ/dz are linear in y: a one-hot row scaled by w weighs exactly that row's loss and gradient.
    classWeights: () => ({ by: "targets" }),
    scales: () => ({ lossScale: "1 / rows", gradScale: "lossScale" }),
    fusesOutputActivation: true,
    unrolledRow: (out, output, gradient) => {
      const L = output.index;
      const js = range(output.units);
      const z = (j: number): string => local.z(L, j);
      const y = (j: number): string => local.y(j);
      out.line(`const max${L} = Math.max(${js.map(z).join(", ")});`);
      out.declare(
        "const",
        js.map((j) => `exp${L}_${j} = Math.exp(${z(j)} - max${L})`),
      );
      out.sum(`const sum${L} = `, js.map((j) => `exp${L}_${j}`));
      out.line(`const logSumExp${L} = max${L} + Math.log(sum${L});`);
      out.sum("loss -= ", js.map((j) => `${y(j)} * (${z(j)} - logSumExp${L})`));
      if (!gradient) return;
      out.sum("const ySum = ", js.map(y));
      for (const j of js) out.line(`const ${local.dz(L, j)} = (exp${L}_${j} / sum${L} * ySum - ${y(j)}) * gradScale;`);
    },
    loop: (out, output, at) => {
      const { z, y } = loopReads(at);
      const O = int(output.units);
      out.block(`for (let r = 0; r < ${at.rows}; r++)`, () => {
        out.line(`const o = r * ${O};`);
        out.line(`let max = ${z("o")};`);
        countedLine(out, "j", 1, output.units, (j) => `if (${z("o", j)} > max) max = ${z("o", j)};`);
        out.line("let sum = 0;");
        out.line(`for (let j = 0; j < ${O}; j++) sum += Math.exp(${z("o", "j")} - max);`);
        out.line("const logSumExp = max + Math.log(sum);");
        if (at.gradient) out.line("let ySum = 0;");
        out.block(`for (let j = 0; j < ${O}; j++)`, () => {
          out.line(`const yj = ${y("o", "j")};`);
          if (at.gradient) out.line("ySum += yj;");
          out.line(`loss -= yj * (${z("o", "j")} - logSumExp);`);
        });
        if (at.gradient) out.line(`for (let j = 0; j < ${O}; j++) dz[o + j] = (Math.exp(${z("o", "j")} - logSumExp) * ySum - ${y("o", "j")}) * gradScale;`);
      });
    },
  },
};

/** Rejects loss/output pairs the checker forbids (E0304, E0307), so no wrong code is ever written. */
export function assertLossFitsOutput(loss: LossKind, output: DenseLayer, layers: readonly DenseLayer[]): void {
  const kind = output.activation.kind;
  const needs = LOSS_RECORDS[loss].output;
  if (needs !== null && kind !== needs) throw new Error(`mlpc codegen: ${loss} needs a ${needs} output, got ${kind}`);
  if (needs !== "softmax" && kind === "softmax") throw new Error(`mlpc codegen: a softmax output needs softmax_ce, got ${loss}`);
  if (kind === "softmax" && output.units < 2) throw new Error("mlpc codegen: softmax needs at least 2 units");
  for (const l of layers) if (l !== output && l.activation.kind === "softmax") throw new Error(`mlpc codegen: softmax on hidden layer ${l.name}`);
}

/** The textbook lines describing the loss and its gradient at the logits. */
export function lossComment(ir: ModelIR): string[] {
  return LOSS_CODE[ir.loss.kind].comment(ir.loss.kind, ir.outputSize, weighsRows(ir));
}

/** How class weights reach this model's loss (see ClassWeighting). */
export function classWeighting(ir: ModelIR): ClassWeighting {
  return LOSS_CODE[ir.loss.kind].classWeights(ir.loss.kind, ir.outputSize);
}

/** Why this model's loss takes no class weights, or null when it takes them. */
export function classWeightRefusal(ir: ModelIR): string | null {
  const w = classWeighting(ir);
  return w.by === null ? w.why : null;
}

/** True when the model's loss takes class weights as a weight a row (rowWeight): its gradient functions take one. */
export function weighsRows(ir: ModelIR): boolean {
  return classWeighting(ir).by === "rows";
}

/** `const lossScale = ..., gradScale = ...;` for `rows` rows (lossScale alone without the gradient). */
export function emitLossScales(out: CodeLines, ir: ModelIR, gradient = true): void {
  const { lossScale, gradScale } = LOSS_CODE[ir.loss.kind].scales(ir.outputSize);
  out.line(`const lossScale = ${lossScale};`);
  if (gradient) out.line(`const gradScale = ${gradScale};`);
}

/**
 * One row's loss (added to `loss`) and dz_L as named locals, from z_L and y locals (fused code).
 * `loss` holds the unscaled sum; the caller multiplies by lossScale once. Without `gradient`, the
 * loss alone (lossOf: the same sum, no dz).
 */
export function emitUnrolledLossRow(out: CodeLines, ir: ModelIR, output: DenseLayer, gradient = true): void {
  LOSS_CODE[ir.loss.kind].unrolledRow(out, output, gradient, gradient && weighsRows(ir));
}

/** out[base + j] = the output activation of z_L, from locals (fused forwardBatch). */
export function emitUnrolledOutput(out: CodeLines, output: DenseLayer, base: string): void {
  const L = output.index;
  const js = range(output.units);
  const at = (j: number): string => place("out", base, j);
  if (output.activation.kind === "softmax") {
    out.line(`const max${L} = Math.max(${js.map((j) => local.z(L, j)).join(", ")});`);
    out.declare(
      "const",
      js.map((j) => `exp${L}_${j} = Math.exp(${local.z(L, j)} - max${L})`),
    );
    out.sum(`const sum${L} = `, js.map((j) => `exp${L}_${j}`));
    for (const j of js) out.line(`${at(j)} = exp${L}_${j} / sum${L};`);
    return;
  }
  const act = activationCode(output.activation);
  for (const j of js) out.line(`${at(j)} = ${act.forward(local.z(L, j))};`);
}

/**
 * `lossAtLogits(z, y, rows, dz[, rowWeight]): number` (layered code): the batch's mean data loss
 * (row-weighted with rowWeight), and dJ/dz_L written into dz. Loops, since output layers are small and this pass is linear in rows x outputs.
 */
export function emitLossAtLogitsBody(out: CodeLines, ir: ModelIR, output: DenseLayer): void {
  emitLossScales(out, ir);
  out.line("let loss = 0;");
  emitLossLoop(out, ir, output, { z: "z", rows: "rows", yBase: null, gradient: true, weighted: weighsRows(ir) });
  out.line("return loss * lossScale;");
}

/**
 * The loop of lossAtLogits: adds the rows' unscaled data loss to `loss` (and writes dJ/dz into dz
 * with `gradient`). lossOf runs it on chunks of rows without the gradient: the same terms in the
 * same order, so the same sum.
 */
export function emitLossLoop(out: CodeLines, ir: ModelIR, output: DenseLayer, at: LossLoop): void {
  LOSS_CODE[ir.loss.kind].loop(out, output, at);
}

/** `outputActivation(z, rows, out)` (layered code): the last activation, softmax row by row. */
export function emitOutputActivationBody(out: CodeLines, output: DenseLayer): void {
  const O = int(output.units);
  if (output.activation.kind === "softmax") {
    out.block("for (let r = 0; r < rows; r++)", () => {
      const zj = read("z", "o", "j");
      out.line(`const o = r * ${O};`);
      out.line(`let max = ${read("z", "o")};`);
      countedLine(out, "j", 1, output.units, (j) => `if (${read("z", "o", j)} > max) max = ${read("z", "o", j)};`);
      out.line("let sum = 0;");
      out.block(`for (let j = 0; j < ${O}; j++)`, () => {
        out.line(`const e = Math.exp(${zj} - max);`);
        out.line("out[o + j] = e;");
        out.line("sum += e;");
      });
      out.line(`for (let j = 0; j < ${O}; j++) out[o + j]! /= sum;`);
    });
    return;
  }
  const act = activationCode(output.activation);
  out.block(elementLoop(out, "rows", output.units), () => {
    out.line(`const zk = ${read("z", "k")};`);
    out.line(`out[k] = ${act.forward("zk")};`);
  });
}
