/**
 * The loss and its gradient at the logits, fused: one pass computes J's share of a row and
 * dJ/dz of the output layer, so the output activation's derivative never appears on its own.
 *
 * Reductions: mse = mean over rows x outputs of (a - y)^2 (no 1/2); bce and
 * multilabel_bce = mean over rows x outputs of max(z, 0) - z y + log(1 + e^-|z|), dJ/dz =
 * (sigmoid(z) - y) / (rows x outputs); softmax_ce = mean over rows of -sum_j y_j log softmax(z)_j
 * with log softmax = z - logsumexp(z), dJ/dz = (p sum(y) - y) / rows, which is p - y for one-hot y.
 */
import type { DenseLayer, LossKind, ModelIR } from "../ir/types.js";
import { activationCode } from "./activation.js";
import { int, place, read, times, type CodeLines } from "./text.js";
import { local, range } from "./unrolled.js";

/** Rejects loss/output pairs the checker forbids (E0304, E0307), so no wrong code is ever written. */
export function assertLossFitsOutput(loss: LossKind, output: DenseLayer, layers: readonly DenseLayer[]): void {
  const kind = output.activation.kind;
  if ((loss === "bce" || loss === "multilabel_bce") && kind !== "sigmoid") throw new Error(`mlpc codegen: ${loss} needs a sigmoid output, got ${kind}`);
  if (loss === "softmax_ce" && kind !== "softmax") throw new Error(`mlpc codegen: softmax_ce needs a softmax output, got ${kind}`);
  if (loss !== "softmax_ce" && kind === "softmax") throw new Error(`mlpc codegen: a softmax output needs softmax_ce, got ${loss}`);
  if (kind === "softmax" && output.units < 2) throw new Error("mlpc codegen: softmax needs at least 2 units");
  for (const l of layers) if (l !== output && l.activation.kind === "softmax") throw new Error(`mlpc codegen: softmax on hidden layer ${l.name}`);
}

/** The textbook lines describing the loss and its gradient at the logits. */
export function lossComment(ir: ModelIR): string[] {
  const O = ir.outputSize;
  switch (ir.loss.kind) {
    case "mse":
      return [
        `Loss mse: J = 1/(rows*${O}) sum_r sum_j (a_j - y_j)^2 (no 1/2).`,
        `At the output: dJ/da_j = 2 (a_j - y_j) / (rows*${O}); dJ/dz_j = dJ/da_j * da/dz.`,
      ];
    case "bce":
    case "multilabel_bce":
      return [
        `Loss ${ir.loss.kind}: J = 1/(rows*${O}) sum_r sum_j max(z_j, 0) - z_j y_j + log(1 + e^-|z_j|),`,
        "the logits form of -y log p - (1 - y) log(1 - p), p = sigmoid(z), which never overflows.",
        `At the logits (sigmoid and loss fused): dJ/dz_j = (p_j - y_j) / (rows*${O}).`,
      ];
    case "softmax_ce":
      return [
        "Loss softmax_ce: J = 1/rows sum_r -sum_j y_j log p_j, log p_j = z_j - logsumexp(z),",
        "logsumexp(z) = max z + log sum_k e^(z_k - max z), which never overflows.",
        "At the logits (softmax and loss fused): dJ/dz_j = (p_j sum_k y_k - y_j) / rows = (p_j - y_j) / rows for one-hot y.",
      ];
  }
}

/** `const lossScale = ..., gradScale = ...;` for `rows` rows. */
export function emitLossScales(out: CodeLines, ir: ModelIR): void {
  const O = ir.outputSize;
  switch (ir.loss.kind) {
    case "mse":
      out.line(`const lossScale = 1 / ${O === 1 ? "rows" : `(rows * ${int(O)})`};`);
      out.line(`const gradScale = 2 * lossScale;`);
      return;
    case "bce":
    case "multilabel_bce":
      out.line(`const lossScale = 1 / ${O === 1 ? "rows" : `(rows * ${int(O)})`};`);
      out.line(`const gradScale = lossScale;`);
      return;
    case "softmax_ce":
      out.line("const lossScale = 1 / rows;");
      out.line("const gradScale = lossScale;");
      return;
  }
}

/**
 * One row's loss (added to `loss`) and dz_L as named locals, from z_L and y locals (fused code).
 * `loss` holds the unscaled sum; the caller multiplies by lossScale once.
 */
export function emitUnrolledLossRow(out: CodeLines, ir: ModelIR, output: DenseLayer): void {
  const L = output.index;
  const js = range(output.units);
  const z = (j: number): string => local.z(L, j);
  const y = (j: number): string => local.y(j);
  switch (ir.loss.kind) {
    case "mse": {
      const act = activationCode(output.activation);
      for (const j of js) {
        out.line(`const ${local.a(L, j)} = ${act.forward(z(j))};`);
        out.line(`const err${L}_${j} = ${local.a(L, j)} - ${y(j)};`);
        out.line(`loss += err${L}_${j} * err${L}_${j};`);
        out.line(`const ${local.dz(L, j)} = ${act.derivative(`gradScale * err${L}_${j}`, local.a(L, j), z(j))};`);
      }
      return;
    }
    case "bce":
    case "multilabel_bce":
      // One exp serves both: e = e^-|z| gives log(1 + e^-|z|) and p = sigmoid(z) without overflow.
      for (const j of js) {
        const e = `e${L}_${j}`;
        out.line(`const ${e} = Math.exp(-Math.abs(${z(j)}));`);
        out.line(`loss += (${z(j)} > 0 ? ${z(j)} : 0) - ${z(j)} * ${y(j)} + Math.log1p(${e});`);
        out.line(`const p${L}_${j} = ${z(j)} >= 0 ? 1 / (1 + ${e}) : ${e} / (1 + ${e});`);
        out.line(`const ${local.dz(L, j)} = (p${L}_${j} - ${y(j)}) * gradScale;`);
      }
      return;
    case "softmax_ce": {
      out.line(`const max${L} = Math.max(${js.map(z).join(", ")});`);
      out.declare(
        "const",
        js.map((j) => `exp${L}_${j} = Math.exp(${z(j)} - max${L})`),
      );
      out.sum(`const sum${L} = `, js.map((j) => `exp${L}_${j}`));
      out.line(`const logSumExp${L} = max${L} + Math.log(sum${L});`);
      out.sum("loss -= ", js.map((j) => `${y(j)} * (${z(j)} - logSumExp${L})`));
      out.sum("const ySum = ", js.map(y));
      for (const j of js) out.line(`const ${local.dz(L, j)} = (exp${L}_${j} / sum${L} * ySum - ${y(j)}) * gradScale;`);
      return;
    }
  }
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

/** `for (let k = 0; k < n; k++)` over the rows x units elements, n declared when units > 1. */
function elementLoop(out: CodeLines, units: number): string {
  if (units === 1) return "for (let k = 0; k < rows; k++)";
  out.line(`const n = ${times("rows", units)};`);
  return "for (let k = 0; k < n; k++)";
}

/**
 * `lossAtLogits(z, y, rows, dz): number` (layered code): the batch's mean data loss, and dJ/dz_L
 * written into dz. Loops, since output layers are small and this pass is linear in rows x outputs.
 */
export function emitLossAtLogitsBody(out: CodeLines, ir: ModelIR, output: DenseLayer): void {
  const O = int(output.units);
  emitLossScales(out, ir);
  out.line("let loss = 0;");
  switch (ir.loss.kind) {
    case "mse": {
      const act = activationCode(output.activation);
      out.block(elementLoop(out, output.units), () => {
        out.line(`const zk = ${read("z", "k")};`);
        out.line(`const ak = ${act.forward("zk")};`);
        out.line(`const err = ak - ${read("y", "k")};`);
        out.line("loss += err * err;");
        out.line(`dz[k] = ${act.derivative("gradScale * err", "ak", "zk")};`);
      });
      break;
    }
    case "bce":
    case "multilabel_bce":
      out.block(elementLoop(out, output.units), () => {
        out.line(`const zk = ${read("z", "k")};`);
        out.line(`const yk = ${read("y", "k")};`);
        out.line("const e = Math.exp(-Math.abs(zk));");
        out.line("loss += (zk > 0 ? zk : 0) - zk * yk + Math.log1p(e);");
        out.line("dz[k] = ((zk >= 0 ? 1 / (1 + e) : e / (1 + e)) - yk) * gradScale;");
      });
      break;
    case "softmax_ce":
      out.block("for (let r = 0; r < rows; r++)", () => {
        const zj = read("z", "o", "j");
        out.line(`const o = r * ${O};`);
        out.line(`let max = ${read("z", "o")};`);
        out.line(`for (let j = 1; j < ${O}; j++) if (${zj} > max) max = ${zj};`);
        out.line("let sum = 0;");
        out.line(`for (let j = 0; j < ${O}; j++) sum += Math.exp(${zj} - max);`);
        out.line("const logSumExp = max + Math.log(sum);");
        out.line("let ySum = 0;");
        out.block(`for (let j = 0; j < ${O}; j++)`, () => {
          out.line(`const yj = ${read("y", "o", "j")};`);
          out.line("ySum += yj;");
          out.line(`loss -= yj * (${zj} - logSumExp);`);
        });
        out.line(`for (let j = 0; j < ${O}; j++) dz[o + j] = (Math.exp(${zj} - logSumExp) * ySum - ${read("y", "o", "j")}) * gradScale;`);
      });
      break;
  }
  out.line("return loss * lossScale;");
}

/** `outputActivation(z, rows, out)` (layered code): the last activation, softmax row by row. */
export function emitOutputActivationBody(out: CodeLines, output: DenseLayer): void {
  const O = int(output.units);
  if (output.activation.kind === "softmax") {
    out.block("for (let r = 0; r < rows; r++)", () => {
      const zj = read("z", "o", "j");
      out.line(`const o = r * ${O};`);
      out.line(`let max = ${read("z", "o")};`);
      out.line(`for (let j = 1; j < ${O}; j++) if (${zj} > max) max = ${zj};`);
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
  out.block(elementLoop(out, output.units), () => {
    out.line(`const zk = ${read("z", "k")};`);
    out.line(`out[k] = ${act.forward("zk")};`);
  });
}
