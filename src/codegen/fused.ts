/**
 * The fused shape (small networks): every pass unrolled, one straight-line function per entry
 * point. Each row runs forward, loss and backward in named locals; nothing is stored between.
 */
import { activationCode, activationName } from "./activation.js";
import { printFunction, withDocs } from "./declaration.js";
import { emitLossScales, emitOutputActivationBody, emitUnrolledLossRow, emitUnrolledOutput, lossComment } from "./loss.js";
import {
  commentBlock,
  dropoutDeclarations,
  emitBatchChecks,
  forwardBatchDocs,
  forwardBatchParameters,
  lastBatchOutputsFunction,
  layerNote,
  lossDocs,
  lossOfFunction,
  lossParameters,
  returnLoss,
  type Context,
} from "./network.js";
import type { LayerPlan } from "./plan.js";
import { place, times } from "./text.js";
import {
  declareGradientSums,
  declareWeights,
  emitUnrolledBackward,
  emitUnrolledDeltaLocals,
  droppedInputNames,
  emitUnrolledDropout,
  emitUnrolledForward,
  inputNames,
  loadRow,
  local,
  range,
  storeGradientSums,
} from "./unrolled.js";
import { denseLayers } from "../ir/layers.js";

/** forwardBatch, lossAndGradient and lossOf of the fused shape (and the dropout masks, if any), and the batch's kept logits. */
export function fusedDeclarations(cx: Context): string[] {
  return [fusedForwardBatch(cx), ...dropoutDeclarations(cx), ...fusedLastLogits(cx), fusedLossAndGradient(cx), fusedLossOf(cx)];
}

/**
 * The logits lossAndGradient keeps (each row's live only in locals otherwise): a module-level array
 * grown on demand, and lastBatchOutputs, the output activation over them.
 */
function fusedLastLogits(cx: Context): string[] {
  return [
    withDocs(["The logits of the last lossAndGradient call's rows (rows x outputs), for lastBatchOutputs; grown, never shrunk."], "let lastLogits = new Float64Array(0);"),
    lastBatchOutputsFunction(cx, (out) => {
      out.line("const z = lastLogits;");
      emitOutputActivationBody(out, cx.output);
    }),
  ];
}

/** lossOf: one straight pass over the rows, the loss terms of lossAndGradient without dz. */
function fusedLossOf(cx: Context): string {
  const { ir } = cx;
  return lossOfFunction(cx, (out) => {
    for (const l of denseLayers(ir)) declareWeights(out, l);
    out.block("for (let r = 0; r < rows; r++)", () => {
      out.line(`const xo = ${times("r", ir.inputSize)};`);
      const yo = ir.outputSize === 1 ? "r" : "yo";
      if (yo === "yo") out.line(`const yo = ${times("r", ir.outputSize)};`);
      loadRow(out, range(ir.inputSize).map(local.x), "x", "xo");
      loadRow(out, range(ir.outputSize).map(local.y), "y", yo);
      for (const p of cx.plan.layers) emitUnrolledForward(out, p.layer, inputNames(p.layer), p.isOutput);
      emitUnrolledLossRow(out, ir, cx.output, false);
      out.block("", () => emitUnrolledOutput(out, cx.output, yo));
    });
  });
}

function fusedForwardBatch(cx: Context): string {
  const { ir } = cx;
  return printFunction({
    name: "forwardBatch",
    exported: true,
    parameters: forwardBatchParameters(cx),
    returnType: "Float64Array",
    docs: forwardBatchDocs(cx),
    body: (out) => {
      emitBatchChecks(out, cx, false);
      out.comment("The weights, read once per call into named constants.");
      for (const l of denseLayers(ir)) declareWeights(out, l);
      out.block("for (let r = 0; r < rows; r++)", () => {
        out.line(`const xo = ${times("r", ir.inputSize)};`);
        loadRow(out, range(ir.inputSize).map(local.x), "x", "xo");
        for (const p of cx.plan.layers) {
          out.comment(`${p.layer.name}: ${p.layer.inputs} -> ${p.layer.units}, ${activationName(p.layer.activation)}`);
          emitUnrolledForward(out, p.layer, inputNames(p.layer), p.isOutput);
        }
        if (ir.outputSize === 1) emitUnrolledOutput(out, cx.output, "r");
        else {
          out.line(`const oo = ${times("r", ir.outputSize)};`);
          emitUnrolledOutput(out, cx.output, "oo");
        }
      });
      out.line("return out;");
    },
  });
}

/** A layer's inputs while training: after its dropout, the kept values d; otherwise a (or x). */
function trainingInputs(p: LayerPlan): string[] {
  return p.dropout === null ? inputNames(p.layer) : droppedInputNames(p.layer);
}

function fusedLossAndGradient(cx: Context): string {
  const { ir } = cx;
  const layers = cx.plan.layers;
  return printFunction({
    name: "lossAndGradient",
    exported: true,
    parameters: lossParameters(cx),
    returnType: "number",
    docs: lossDocs(cx),
    body: (out) => {
      emitBatchChecks(out, cx, true);
      out.comment("The weights, read once per call into named constants.");
      for (const l of denseLayers(ir)) declareWeights(out, l);
      out.comment("dJ/dW and dJ/db, summed over the batch's rows in locals and stored once at the end.");
      for (const l of denseLayers(ir)) declareGradientSums(out, l);
      emitLossScales(out, ir);
      if (layers.some((p) => p.dropout !== null)) out.line("drawDropoutMasks(rows, random);");
      out.line(`if (lastLogits.length < ${times("rows", ir.outputSize)}) lastLogits = new Float64Array(${times("rows", ir.outputSize)});`);
      out.line("let loss = 0;");
      out.block("for (let r = 0; r < rows; r++)", () => {
        out.line(`const xo = ${times("r", ir.inputSize)};`);
        const yo = ir.outputSize === 1 ? "r" : "yo";
        if (yo === "yo") out.line(`const yo = ${times("r", ir.outputSize)};`);
        loadRow(out, range(ir.inputSize).map(local.x), "x", "xo");
        loadRow(out, range(ir.outputSize).map(local.y), "y", yo);
        out.blank();
        out.comment("---- forward ----");
        for (const p of layers) {
          if (p.dropout !== null) {
            out.comment(`${p.dropout.name}: d = ${p.layer.index === 1 ? "x" : `a${p.layer.index - 1}`} * m, the row's mask (0 or 1 / (1 - ${p.dropout.rate}))`);
            emitUnrolledDropout(out, p.layer, p.dropout.index, times("r", p.layer.inputs));
            out.blank();
          }
          commentBlock(out, layerNote(p.layer, p.isOutput, cx.ir.loss.kind));
          emitUnrolledForward(out, p.layer, trainingInputs(p), p.isOutput);
          out.blank();
        }
        out.comment("The logits, kept for lastBatchOutputs (the Trainer's running accuracy).");
        for (let j = 0; j < ir.outputSize; j++) out.line(`${place("lastLogits", yo, j)} = ${local.z(cx.output.index, j)};`);
        out.blank();
        out.comment("---- loss, and dJ/dz at the output ----");
        commentBlock(out, lossComment(ir));
        emitUnrolledLossRow(out, ir, cx.output);
        out.blank();
        out.comment("---- backward ----");
        for (let k = layers.length - 1; k >= 0; k--) {
          const p = layers[k]!;
          const prev = k > 0 ? layers[k - 1]!.layer : null;
          out.comment(`${p.layer.name}: dW${p.layer.index} += dz${p.layer.index} ${p.dropout !== null ? `d${k}` : k === 0 ? "x" : `a${k}`}^T, db${p.layer.index} += dz${p.layer.index}`);
          emitUnrolledBackward(
            out,
            p.layer,
            trainingInputs(p),
            range(p.layer.units).map((j) => local.dz(p.layer.index, j)),
            prev !== null,
          );
          if (prev !== null) {
            const masked = p.dropout !== null;
            out.comment(`${prev.name}: dz${prev.index} = da${prev.index}${masked ? ` * m${prev.index}` : ""} * ${activationCode(prev.activation).localDerivative}`);
            emitUnrolledDeltaLocals(out, prev, masked);
          }
          out.blank();
        }
      });
      for (const l of denseLayers(ir)) storeGradientSums(out, l);
      out.line(returnLoss(cx, "loss * lossScale"));
    },
  });
}
