/**
 * The layered shape: one function per layer and pass (unrolled, register-blocked loops or the
 * WebAssembly kernels, as plan.ts decides), the batch's activations in module-level scratch
 * arrays grown on demand, and forwardBatch / lossAndGradient calling the layers in order.
 */
import { activationCode, activationName } from "./activation.js";
import { printFunction, withDocs, type Parameter } from "./declaration.js";
import { emitBlockedForwardBody, emitBlockedInputDelta, emitBlockedWeightGradient } from "./loops.js";
import { emitLossAtLogitsBody, emitLossLoop, emitOutputActivationBody, lossComment, ROW_WEIGHT, weighsRows } from "./loss.js";
import {
  dropoutDeclarations,
  emitBatchChecks,
  forwardBatchDocs,
  forwardBatchParameters,
  forwardFunction,
  lastBatchOutputsFunction,
  layerNote,
  lossDocs,
  lossOfFunction,
  lossParameters,
  returnLoss,
  type Context,
} from "./network.js";
import type { LayerPlan } from "./plan.js";
import { emitWasmBackwardBody, emitWasmForwardBody, simdRuntimeDeclarations, SIMD_CHUNK_ROWS, STAGED_X, type ScratchArray } from "./simd.js";
import { int, place, read, times, type CodeLines } from "./text.js";
import { declareGradientSums, declareWeights, emitUnrolledBackward, emitUnrolledForward, inputNames, loadRow, local, range, storeGradientSums } from "./unrolled.js";

const scratch = {
  a: (k: number): string => `scratchA${k}`,
  z: (k: number): string => `scratchZ${k}`,
  dz: (k: number): string => `scratchDz${k}`,
  /** After a dropout on layer k's output (k = 0: the input): the kept values d, and dJ/dd. */
  d: (k: number): string => `scratchD${k}`,
  dd: (k: number): string => `scratchDd${k}`,
};

/** Which scratch arrays a layer needs: a for hidden layers, z where kept, dz for every layer. */
function scratchArrays(p: LayerPlan): ScratchArray[] {
  const k = p.layer.index;
  const own = [...(p.isOutput ? [] : [scratch.a(k)]), ...(p.isOutput || p.keepsZ ? [scratch.z(k)] : []), scratch.dz(k)];
  // A dropout before the layer keeps its input's kept values (and, inside the network, their delta).
  const dropped = p.dropout === null ? [] : [scratch.d(k - 1), ...(k > 1 ? [scratch.dd(k - 1)] : [])];
  return [
    ...dropped.map((name) => ({ name, units: p.layer.inputs, layer: p.dropout!.name })),
    ...own.map((name) => ({ name, units: p.layer.units, layer: p.layer.name })),
  ];
}

/** The layered network in reading order: storage, forward by layer, loss, backward by layer, entry points. */
export function layeredDeclarations(cx: Context): string[] {
  const layers = cx.plan.layers;
  const arrays: ScratchArray[] = layers.flatMap(scratchArrays);
  return [
    ...(cx.sx === null ? scratchDeclarations(arrays) : simdRuntimeDeclarations(cx.sx, arrays)),
    ...dropoutDeclarations(cx),
    ...layers.flatMap((p) => (p.dropout === null ? layerForward(cx, p) : [dropoutForward(cx, p), ...layerForward(cx, p)])),
    printFunction({
      name: "outputActivation",
      parameters: [
        { name: "z", type: cx.S },
        { name: "rows", type: "number" },
        { name: "out", type: "Float64Array" },
      ],
      returnType: "void",
      docs: [`The output activation (${activationName(cx.output.activation)}) of the logits z, rows x ${cx.output.units}.`],
      body: (out) => emitOutputActivationBody(out, cx.output),
    }),
    lastBatchOutputsFunction(cx, (out) => out.line(`outputActivation(${scratch.z(cx.output.index)}, rows, out);`)),
    printFunction({
      name: "lossAtLogits",
      parameters: [
        { name: "z", type: cx.S },
        { name: "y", type: "ArrayLike<number>" },
        { name: "rows", type: "number" },
        { name: "dz", type: cx.S },
        ...(weighsRows(cx.ir) ? [{ name: ROW_WEIGHT, type: "ArrayLike<number> | undefined" }] : []),
      ],
      returnType: "number",
      docs: [...lossComment(cx.ir), "Returns the batch's mean data loss; writes dJ/dz into dz."],
      body: (out) => emitLossAtLogitsBody(out, cx.ir, cx.output),
    }),
    ...[...layers].reverse().flatMap((p) => (p.dropout === null || p.layer.index === 1 ? layerBackward(cx, p) : [...layerBackward(cx, p), dropoutBackward(cx, p)])),
    forwardFunction(cx),
    layeredForwardBatch(cx),
    layeredLossAndGradient(cx),
    layeredLossOf(cx),
  ];
}

/** Rows lossOf runs through the scratch arrays at a time, so evaluating a big set allocates nothing new. */
const LOSS_CHUNK_ROWS = 256;

/** lossOf: chunks of rows through the forward layers and the loss loop of lossAtLogits, without dz. */
function layeredLossOf(cx: Context): string {
  const { ir } = cx;
  const O = ir.outputSize;
  const I = ir.inputSize;
  const L = cx.output.index;
  return lossOfFunction(cx, (out) => {
    const chunk = int(cx.sx === null ? LOSS_CHUNK_ROWS : SIMD_CHUNK_ROWS);
    out.line(`ensureCapacity(Math.min(rows, ${chunk}));`);
    if (cx.sx !== null) out.line("stageParams(params);");
    out.block(`for (let from = 0; from < rows; from += ${chunk})`, () => {
      out.line(`const chunk = Math.min(${chunk}, rows - from);`);
      if (cx.sx !== null) out.line("stageInput(x, from, chunk);");
      else out.line(`const xChunk = x.subarray(${times("from", I)}, ${times("(from + chunk)", I)});`);
      forwardCalls(out, cx, "chunk", cx.sx === null ? "xChunk" : firstInput(cx));
      out.line(`outputActivation(${scratch.z(L)}, chunk, out.subarray(${times("from", O)}, ${times("(from + chunk)", O)}));`);
      emitLossLoop(out, ir, cx.output, { z: scratch.z(L), rows: "chunk", yBase: times("from", O), gradient: false, weighted: false });
    });
  });
}

/** The scratch arrays of the plain (no --simd) layered module: Float64Arrays grown on demand. */
function scratchDeclarations(arrays: readonly ScratchArray[]): string[] {
  const declarations = [
    withDocs(["Rows the scratch arrays below can hold; grown (never shrunk) by ensureCapacity."], "let capacity = 0;"),
    ...arrays.map((s) => withDocs([`${s.layer}, rows x ${s.units}.`], `let ${s.name} = new Float64Array(0);`)),
  ].join("\n");
  const ensure = printFunction({
    name: "ensureCapacity",
    parameters: [{ name: "rows", type: "number" }],
    returnType: "void",
    docs: ["Grows the scratch arrays to `rows` rows: training allocates only when a batch is bigger than any before."],
    body: (out) => {
      out.line("if (rows <= capacity) return;");
      out.line("capacity = rows;");
      for (const s of arrays) out.line(`${s.name} = new Float64Array(${times("rows", s.units)});`);
    },
  });
  return [declarations, ensure];
}

/** A layer's input: the caller's x for the first layer (with --simd, x staged in the heap), else a scratch array. */
function inputType(cx: Context, p: LayerPlan): string {
  return p.layer.index === 1 && cx.sx === null ? "ArrayLike<number>" : cx.S;
}

/** How a layer's passes are computed, for its doc comment. */
function passDescription(p: LayerPlan, mode: "unrolled" | "loop"): string {
  if (p.wasm) return "WebAssembly SIMD kernels";
  return mode === "unrolled" ? "unrolled (straight-line code per row)" : "register-blocked loops";
}

/** The arrays forwardDense{k} writes: a for hidden layers, z for the output and where kept. */
function forwardOutputs(p: LayerPlan): ("a" | "z")[] {
  return [...(p.isOutput ? [] : ["a" as const]), ...(p.isOutput || p.keepsZ ? ["z" as const] : [])];
}

/** The plain-loop twin of a kernel layer's functions, run where WebAssembly SIMD is missing. */
const LOOPS_SUFFIX = "Loops";

/** A kernel layer as its plain twin sees it: the same layer in register-blocked loops. */
function loopsPlan(p: LayerPlan): LayerPlan {
  return { ...p, wasm: false, forward: "loop", backward: "loop" };
}

/** forwardDense{k}; for a kernel layer also its plain twin forwardDense{k}Loops, which it calls without SIMD. */
function layerForward(cx: Context, p: LayerPlan): string[] {
  if (!p.wasm) return [layerForwardFunction(cx, p, "")];
  return [layerForwardFunction(cx, p, ""), layerForwardFunction(cx, loopsPlan(p), LOOPS_SUFFIX)];
}

/** backwardDense{k}; for a kernel layer also its plain twin backwardDense{k}Loops. */
function layerBackward(cx: Context, p: LayerPlan): string[] {
  if (!p.wasm) return [layerBackwardFunction(cx, p, "")];
  return [layerBackwardFunction(cx, p, ""), layerBackwardFunction(cx, loopsPlan(p), LOOPS_SUFFIX)];
}

function layerForwardFunction(cx: Context, p: LayerPlan, suffix: string): string {
  const { layer } = p;
  const parameters: Parameter[] = [
    // A wasm layer reads its parameters from the heap (staged by stageParams), not from params.
    ...(p.wasm ? [] : [{ name: "params", type: cx.P }]),
    { name: "input", type: inputType(cx, p) },
    { name: "rows", type: "number" },
    ...forwardOutputs(p).map((name) => ({ name, type: cx.S })),
  ];
  return printFunction({
    name: `forwardDense${layer.index}${suffix}`,
    parameters,
    returnType: "void",
    docs: [
      ...layerNote(layer, p.isOutput, cx.ir.loss.kind),
      `Forward pass over rows, ${passDescription(p, p.forward)}; writes ${p.isOutput ? "the logits z" : p.keepsZ ? "z and a" : "a"}.`,
      ...(suffix === "" ? [] : ["The plain twin of the kernel path: run where WebAssembly SIMD is missing, params read from the heap."]),
    ],
    body: (out) => {
      if (p.wasm && cx.sx !== null) {
        const args = ["heap", "input", "rows", ...forwardOutputs(p)];
        out.block("if (!simd)", () => out.line(`forwardDense${layer.index}${LOOPS_SUFFIX}(${args.join(", ")});`).line("return;"));
        emitWasmForwardBody(out, cx.sx, p);
      }
      else if (p.forward === "unrolled") emitUnrolledForwardFunctionBody(out, p);
      else emitBlockedForwardBody(out, layer, p.isOutput, p.keepsZ);
    },
  });
}

/** `const io = r * inputs, oo = r * units;` with the offsets a width of 1 makes plain `r`. */
function rowOffsets(out: CodeLines, inputs: number, units: number): { io: string; oo: string } {
  const declared = [...(inputs === 1 ? [] : [`io = ${times("r", inputs)}`]), ...(units === 1 ? [] : [`oo = ${times("r", units)}`])];
  if (declared.length > 0) out.line(`const ${declared.join(", ")};`);
  return { io: inputs === 1 ? "r" : "io", oo: units === 1 ? "r" : "oo" };
}

function emitUnrolledForwardFunctionBody(out: CodeLines, p: LayerPlan): void {
  const { layer } = p;
  const k = layer.index;
  declareWeights(out, layer);
  out.block("for (let r = 0; r < rows; r++)", () => {
    const { io, oo } = rowOffsets(out, layer.inputs, layer.units);
    loadRow(out, inputNames(layer), "input", io);
    emitUnrolledForward(out, layer, inputNames(layer), p.isOutput);
    for (let j = 0; j < layer.units; j++) {
      if (p.isOutput || p.keepsZ) out.line(`${place("z", oo, j)} = ${local.z(k, j)};`);
      if (!p.isOutput) out.line(`${place("a", oo, j)} = ${local.a(k, j)};`);
    }
  });
}

/**
 * dropoutForward{d}: the kept values d = input * mask of a batch (training only; forwardBatch and
 * lossOf skip it, so prediction sees every unit unscaled).
 */
function dropoutForward(cx: Context, p: LayerPlan): string {
  const d = p.dropout!;
  return printFunction({
    name: `dropoutForward${d.index}`,
    parameters: [
      { name: "input", type: inputType(cx, p) },
      { name: "rows", type: "number" },
      { name: "kept", type: cx.S },
    ],
    returnType: "void",
    docs: [`${d.name} (rate ${d.rate}) on ${p.layer.name}'s input: kept = input * mask, mask from drawDropoutMasks (0 or 1 / (1 - ${d.rate})).`],
    body: (out) => {
      out.line(`const n = ${times("rows", p.layer.inputs)};`);
      out.line(`for (let k = 0; k < n; k++) kept[k] = ${read("input", "k")} * ${read(`dropoutMask${d.index}`, "k")};`);
    },
  });
}

/**
 * dropoutBackward{d}: dJ/dz of the layer before the dropout, from dJ/dd (what the next layer's
 * backward wrote): dJ/da = dJ/dd * mask, then the activation's local derivative.
 */
function dropoutBackward(cx: Context, p: LayerPlan): string {
  const d = p.dropout!;
  const prevPlan = cx.plan.layers[p.layer.index - 2]!;
  const act = activationCode(prevPlan.layer.activation);
  return printFunction({
    name: `dropoutBackward${d.index}`,
    parameters: [
      { name: "dKept", type: cx.S },
      { name: "a", type: cx.S },
      { name: "rows", type: "number" },
      { name: "dz", type: cx.S },
      ...(prevPlan.keepsZ ? [{ name: "z", type: cx.S }] : []),
    ],
    returnType: "void",
    docs: [`Backward through ${d.name}: dJ/dz${prevPlan.layer.index} = dJ/dd * mask * ${act.localDerivative}.`],
    body: (out) => {
      out.line(`const n = ${times("rows", p.layer.inputs)};`);
      out.block("for (let k = 0; k < n; k++)", () => {
        const da = `${read("dKept", "k")} * ${read(`dropoutMask${d.index}`, "k")}`;
        out.line(`dz[k] = ${act.derivative(da, read("a", "k"), prevPlan.keepsZ ? read("z", "k") : null)};`);
      });
    },
  });
}

/**
 * The layer before a dropout as the next layer's backward sees it: the delta it writes is dJ/dd
 * (the derivative is the dropout's backward's job), so it passes as linear with no z.
 */
function deltaTarget(prevPlan: LayerPlan | undefined, p: LayerPlan): LayerPlan | undefined {
  if (prevPlan === undefined || p.dropout === null) return prevPlan;
  return { ...prevPlan, layer: { ...prevPlan.layer, activation: { kind: "linear" } }, keepsZ: false };
}

function layerBackwardFunction(cx: Context, p: LayerPlan, suffix: string): string {
  const { layer } = p;
  const prevPlan = deltaTarget(cx.plan.layers[layer.index - 2], p);
  // Only the input delta reads weights: the first layer's backward (and a wasm layer's) needs no params.
  const readsParams = !p.wasm && prevPlan !== undefined;
  const parameters: Parameter[] = [
    ...(readsParams ? [{ name: "params", type: cx.P }] : []),
    { name: "grad", type: cx.P },
    { name: "input", type: inputType(cx, p) },
    { name: "dz", type: cx.S },
    { name: "rows", type: "number" },
    ...(prevPlan !== undefined ? [{ name: "dzPrev", type: cx.S }] : []),
    ...(prevPlan?.keepsZ === true ? [{ name: "zPrev", type: cx.S }] : []),
  ];
  return printFunction({
    name: `backwardDense${layer.index}${suffix}`,
    parameters,
    returnType: "void",
    docs: [
      `Backward through ${layer.name} (${layer.inputs} -> ${layer.units}), ${passDescription(p, p.backward)}:`,
      `dz holds dJ/dz${layer.index} (rows x ${layer.units}); writes dW${layer.index} and db${layer.index} into grad` +
        (prevPlan === undefined
          ? "."
          : p.dropout !== null
            ? `, and dJ/dd${layer.index - 1} = sum_j W[j][i] dz[r][j] (d: the input after ${p.dropout.name}) into dzPrev.`
            : `, and dJ/dz${layer.index - 1} = (sum_j W[j][i] dz[r][j]) * f'(z${layer.index - 1}) into dzPrev.`),
      ...(suffix === "" ? [] : ["The plain twin of the kernel path: run where WebAssembly SIMD is missing, params read from the heap."]),
    ],
    body: (out) => {
      if (p.wasm && cx.sx !== null) {
        const args = [...(prevPlan !== undefined ? ["heap"] : []), ...parameters.map((q) => q.name)];
        out.block("if (!simd)", () => out.line(`backwardDense${layer.index}${LOOPS_SUFFIX}(${args.join(", ")});`).line("return;"));
        emitWasmBackwardBody(out, cx.sx, p, prevPlan);
      }
      else if (p.backward === "unrolled") emitUnrolledBackwardFunctionBody(out, p, prevPlan);
      else {
        emitBlockedWeightGradient(out, layer);
        if (prevPlan !== undefined) out.block("", () => emitBlockedInputDelta(out, layer, prevPlan.layer, prevPlan.keepsZ));
      }
    },
  });
}

function emitUnrolledBackwardFunctionBody(out: CodeLines, p: LayerPlan, prevPlan: LayerPlan | undefined): void {
  const { layer } = p;
  const k = layer.index;
  const propagate = prevPlan !== undefined;
  if (propagate) declareWeights(out, layer, false);
  declareGradientSums(out, layer);
  const dzNames = range(layer.units).map((j) => local.dz(k, j));
  out.block("for (let r = 0; r < rows; r++)", () => {
    const { io, oo } = rowOffsets(out, layer.inputs, layer.units);
    loadRow(out, dzNames, "dz", oo);
    loadRow(out, inputNames(layer), "input", io);
    emitUnrolledBackward(out, layer, inputNames(layer), dzNames, propagate);
    if (prevPlan !== undefined) {
      const act = activationCode(prevPlan.layer.activation);
      for (let i = 0; i < layer.inputs; i++) {
        out.line(`${place("dzPrev", io, i)} = ${act.derivative(local.da(k - 1, i), local.a(k - 1, i), prevPlan.keepsZ ? read("zPrev", io, i) : null)};`);
      }
    }
  });
  storeGradientSums(out, layer);
}

/** The first layer's input: the caller's x, or x staged in the heap for a wasm layer. */
function firstInput(cx: Context): string {
  return cx.sx !== null ? STAGED_X : "x";
}

/** The forward calls in order; `training` puts each dropout's kept values between its layers. */
function forwardCalls(out: CodeLines, cx: Context, rows = "rows", x = firstInput(cx), training = false): void {
  for (const p of cx.plan.layers) {
    const k = p.layer.index;
    let input = k === 1 ? x : scratch.a(k - 1);
    if (training && p.dropout !== null) {
      out.line(`dropoutForward${p.dropout.index}(${input}, ${rows}, ${scratch.d(k - 1)});`);
      input = scratch.d(k - 1);
    }
    const outputs = forwardOutputs(p).map((name) => (name === "a" ? scratch.a(k) : scratch.z(k)));
    out.line(`forwardDense${k}(${[...(p.wasm ? [] : ["params"]), input, rows, ...outputs].join(", ")});`);
  }
}

function layeredForwardBatch(cx: Context): string {
  return printFunction({
    name: "forwardBatch",
    exported: true,
    parameters: forwardBatchParameters(cx),
    returnType: "Float64Array",
    docs: forwardBatchDocs(cx),
    body: (out) => {
      emitBatchChecks(out, cx, false);
      if (cx.sx !== null) {
        emitSimdForwardBatch(out, cx);
        return;
      }
      out.line("ensureCapacity(rows);");
      forwardCalls(out, cx);
      out.line(`outputActivation(${scratch.z(cx.output.index)}, rows, out);`);
      out.line("return out;");
    },
  });
}

function layeredLossAndGradient(cx: Context): string {
  const L = cx.output.index;
  return printFunction({
    name: "lossAndGradient",
    exported: true,
    parameters: lossParameters(cx),
    returnType: "number",
    docs: lossDocs(cx),
    body: (out) => {
      emitBatchChecks(out, cx, true);
      out.line("ensureCapacity(rows);");
      if (cx.plan.layers.some((p) => p.dropout !== null)) out.line("drawDropoutMasks(rows, random);");
      if (cx.sx !== null) {
        out.line("stageParams(params);");
        out.line("stageGradient(grad);");
        out.line("stageInput(x, 0, rows);");
      }
      forwardCalls(out, cx, "rows", firstInput(cx), true);
      out.line(`const loss = lossAtLogits(${[scratch.z(L), "y", "rows", scratch.dz(L), ...(weighsRows(cx.ir) ? [ROW_WEIGHT] : [])].join(", ")});`);
      for (let k = L; k >= 1; k--) {
        const p = cx.plan.layers[k - 1]!;
        const prev = cx.plan.layers[k - 2];
        const dropped = p.dropout !== null;
        const input = dropped ? scratch.d(k - 1) : k === 1 ? firstInput(cx) : scratch.a(k - 1);
        const args = [...(!p.wasm && prev !== undefined ? ["params"] : []), "grad", input, scratch.dz(k), "rows"];
        if (prev !== undefined) args.push(dropped ? scratch.dd(k - 1) : scratch.dz(k - 1));
        if (prev?.keepsZ === true && !dropped) args.push(scratch.z(k - 1));
        out.line(`backwardDense${k}(${args.join(", ")});`);
        if (dropped && prev !== undefined) {
          const zArg = prev.keepsZ ? [scratch.z(k - 1)] : [];
          out.line(`dropoutBackward${p.dropout!.index}(${[scratch.dd(k - 1), scratch.a(k - 1), "rows", scratch.dz(k - 1), ...zArg].join(", ")});`);
        }
      }
      out.line(returnLoss(cx, "loss"));
    },
  });
}

/**
 * --simd forwardBatch: parameters staged once, rows in chunks of at most SIMD_CHUNK_ROWS so the
 * heap stays small however many rows are predicted (rows are independent in inference).
 */
function emitSimdForwardBatch(out: CodeLines, cx: Context): void {
  const O = cx.ir.outputSize;
  const chunk = int(SIMD_CHUNK_ROWS);
  out.line(`ensureCapacity(Math.min(rows, ${chunk}));`);
  out.line("stageParams(params);");
  out.block(`for (let from = 0; from < rows; from += ${chunk})`, () => {
    out.line(`const n = Math.min(${chunk}, rows - from);`);
    out.line("stageInput(x, from, n);");
    forwardCalls(out, cx, "n");
    out.line(`outputActivation(${scratch.z(cx.output.index)}, n, out.subarray(${times("from", O)}, ${times("(from + n)", O)}));`);
  });
  out.line("return out;");
}
