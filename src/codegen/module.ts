/**
 * The generated module: one self-contained TypeScript file (no imports, no globals, no eval) with
 * `spec`, `forward`, `forwardBatch` and `lossAndGradient`, followed by the training section
 * (src/codegen/training.ts). Built with ts-morph from structures: each function body is one
 * writer callback over lines this file indents itself (no formatText, no per-statement inserts:
 * both are quadratic on big bodies). The output is byte-identical for the same IR and options.
 *
 * Shape (see plan.ts): either "fused" (small networks: forward, loss and backward of a row in one
 * straight-line function) or "layered" (one function per layer and pass, unrolled or blocked
 * loops, the batch's activations in module-level scratch arrays grown on demand).
 */
import { IndentationText, NewLineKind, Project, QuoteKind, StructureKind, type FunctionDeclarationStructure, type OptionalKind, type ParameterDeclarationStructure } from "ts-morph";
import { ts } from "ts-morph";
import { formatProgram } from "../ir/print.js";
import type { DenseLayer, LossKind, ModelIR } from "../ir/types.js";
import { activationCode, activationName, helperSource, orderHelpers, type Helper } from "./activation.js";
import { emitBlockedForwardBody, emitBlockedInputDelta, emitBlockedWeightGradient, forwardStore } from "./loops.js";
import { assertLossFitsOutput, emitLossAtLogitsBody, emitLossLoop, emitLossScales, emitOutputActivationBody, emitUnrolledLossRow, emitUnrolledOutput, lossComment } from "./loss.js";
import { describePlan, planEmission, type EmitPlan, type LayerPlan, type PlanTuning, type UnrollMode } from "./plan.js";
import { emitWasmAdamLoop, emitWasmBackwardBody, emitWasmForwardBody, simdRuntimeStatements, SIMD_CHUNK_ROWS, STAGED_X, type ScratchArray, type SimdContext } from "./simd.js";
import { printValue, specValue } from "./spec.js";
import { lanesOf } from "./wasm/kernels.js";
import { CodeLines, commentLine, identifier, int, num, paramArrayType, safeFileName } from "./text.js";
import { emitTrainingSection } from "./training.js";
import {
  declareGradientSums,
  declareWeights,
  emitUnrolledBackward,
  emitUnrolledDeltaLocals,
  emitUnrolledForward,
  inputNames,
  loadRow,
  local,
  range,
  storeGradientSums,
} from "./unrolled.js";

export interface EmitOptions {
  /** Per-layer unrolled or loop code: "auto" decides by measured size thresholds. */
  readonly unroll: UnrollMode;
  /** Storage of parameters and gradients: Float64Array or Float32Array (arithmetic is f64 either way). */
  readonly dtype: "f64" | "f32";
  /** The source file's name, for the header (sanitized: it never reaches code). */
  readonly sourceName: string;
  /** The mlpc version, for the header. */
  readonly version: string;
  /** Threshold overrides for the unroll measurement (bench/unroll-threshold.mjs); not for users. */
  readonly tuning?: PlanTuning;
  /** Big layers in emitted WebAssembly SIMD kernels (simd.ts): f32x4 for f32, f64x2 for f64. */
  readonly simd?: boolean;
}

export type { UnrollMode } from "./plan.js";

/** Everything the function emitters share. */
interface Context {
  readonly ir: ModelIR;
  readonly plan: EmitPlan;
  /** "Float64Array" | "Float32Array": the parameter and gradient type. */
  readonly P: string;
  readonly output: DenseLayer;
  /** The scratch arrays' type: Float64Array, or with --simd the heap's (the dtype's) type. */
  readonly S: string;
  /** Set when some layer runs in the WebAssembly kernels. */
  readonly sx: SimdContext | null;
}

type Statement = string | FunctionDeclarationStructure;

export function emitModule(ir: ModelIR, options: EmitOptions): string {
  validateIR(ir);
  const plan = planEmission(ir, options.unroll, options.tuning, options.simd === true ? lanesOf(options.dtype) : null);
  const P = paramArrayType(options.dtype);
  const simd = plan.layers.some((l) => l.wasm);
  const S = simd ? P : "Float64Array";
  const sx: SimdContext | null = simd ? { ir, lane: options.dtype, S, P, layers: plan.layers } : null;
  const cx: Context = { ir, plan, P, output: ir.layers[ir.layers.length - 1]!, S, sx };
  const statements: Statement[] = [
    headerComment(cx, options),
    `/** The program's facts: shapes, parameter offsets and settings. */\nexport const spec = ${printValue(specValue(ir, options.dtype))} as const;`,
    ...helperStatements(ir),
    ...(plan.strategy === "fused" ? fusedStatements(cx) : layeredStatements(cx)),
    forwardFunction(cx),
    ...(hasRegularization(ir) ? [regularizeFunction(cx), regularizeFunction(cx, false)] : []),
    lossOfFunction(cx),
  ];
  const adamLoop = sx === null ? null : emitWasmAdamLoop(sx, ir.optimizer.kind === "adamw", ir.optimizer.clip !== null);
  const training = emitTrainingSection(ir, { dtype: options.dtype, adamLoop });
  if (training.trim() !== "") statements.push(training);
  return printStatements(statements);
}

/** Prints the statements through ts-morph in one createSourceFile call. */
function printStatements(statements: readonly Statement[]): string {
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, newLineKind: NewLineKind.LineFeed, quoteKind: QuoteKind.Double },
  });
  const file = project.createSourceFile("module.ts", { statements: [...statements] }, { overwrite: true });
  return file.getFullText();
}

/** The checker guarantees all of this; the emitter refuses to write wrong code if it is bypassed. */
function validateIR(ir: ModelIR): void {
  if (ir.layers.length === 0) throw new Error("mlpc codegen: a model needs at least one layer");
  let expectedInputs = ir.inputSize;
  let offset = 0;
  for (const l of ir.layers) {
    for (const v of [l.inputs, l.units]) if (!Number.isSafeInteger(v) || v < 1) throw new Error(`mlpc codegen: bad size ${v} in ${l.name}`);
    if (l.inputs !== expectedInputs) throw new Error(`mlpc codegen: ${l.name} has ${l.inputs} inputs, expected ${expectedInputs}`);
    if (l.weightOffset !== offset || l.biasOffset !== offset + l.inputs * l.units || l.paramCount !== (l.inputs + 1) * l.units) {
      throw new Error(`mlpc codegen: ${l.name} is not laid out as layoutLayers does`);
    }
    offset += l.paramCount;
    expectedInputs = l.units;
  }
  if (offset !== ir.paramCount || expectedInputs !== ir.outputSize) throw new Error("mlpc codegen: paramCount or outputSize disagrees with the layers");
  assertLossFitsOutput(ir.loss.kind, ir.layers[ir.layers.length - 1]!, ir.layers);
  for (const v of [ir.regularization.l1, ir.regularization.l2]) if (!(v >= 0) || !Number.isFinite(v)) throw new Error("mlpc codegen: bad regularization");
}

function hasRegularization(ir: ModelIR): boolean {
  return ir.regularization.l1 !== 0 || ir.regularization.l2 !== 0;
}

// ---------------------------------------------------------------------------------------------
// Comments: the header and the textbook note above each layer.

function headerComment(cx: Context, options: EmitOptions): string {
  const { ir } = cx;
  const counts = ir.layers.map((l) => `(${l.inputs}+1)*${l.units}`).join(" + ");
  const lines = [
    `${identifier(ir.name)}: a multi-layer perceptron compiled by mlpc ${safeVersion(options.version)} from ${safeFileName(options.sourceName)}.`,
    "Generated code: do not edit; change the program and recompile. No imports, no globals.",
    "",
    "The program (canonical form):",
    ...formatProgram(ir)
      .trimEnd()
      .split("\n")
      .map((l) => `  ${l}`),
    "",
    `Parameters: ${counts} = ${ir.paramCount}, in one ${cx.P}, layer by layer:`,
    "W (units x inputs, row-major: W[j][i] at weightOffset + j*inputs + i), then b.",
    "",
    `Code shape (--unroll=${options.unroll}${options.simd === true ? ", --simd" : ""}):`,
    ...describePlan(cx.plan).map((l) => `  ${l}`),
  ];
  return `/**\n${lines.map((l) => (l === "" ? " *" : ` * ${commentLine(l)}`)).join("\n")}\n */`;
}

function safeVersion(version: string): string {
  if (!/^[0-9A-Za-z.+-]{1,40}$/.test(version)) throw new Error(`mlpc codegen: bad version ${JSON.stringify(version)}`);
  return version;
}

/** The textbook note on one layer: shape, parameter count, forward rule and local derivative. */
export function layerNote(layer: DenseLayer, isOutput: boolean, loss: LossKind): string[] {
  const k = layer.index;
  const act = activationCode(layer.activation);
  // bce and softmax_ce absorb the output activation's derivative: dJ/dz = p - y, scaled.
  const fusedWithLoss = isOutput && loss !== "mse";
  const backward = fusedWithLoss
    ? `dz${k}_j = (p_j - y_j) scaled, from ${loss} (below): the ${layer.activation.kind} derivative is fused into the loss`
    : `${act.localDerivative};  dz${k}_j = ${isOutput ? `dJ/da${k}_j` : `da${k}_j`} * da/dz`;
  const input = k === 1 ? "x" : `a${k - 1}`;
  const lines = [
    `${layer.name}: ${layer.inputs} -> ${layer.units}, ${activationName(layer.activation)}.`,
    `  Parameters (C${k - 1} + 1) * C${k} = (${layer.inputs} + 1) * ${layer.units} = ${layer.paramCount}: ` +
      `W${k} (${layer.units}x${layer.inputs}) at params[${layer.weightOffset}..${layer.biasOffset}), b${k} at params[${layer.biasOffset}..${layer.biasOffset + layer.units}).`,
    `  Forward:  z${k}_j = b${k}_j + sum_i W${k}[j][i] ${input}_i;  ${act.formula(k)}${isOutput ? " (with the loss)" : ""}`,
    `  Backward: ${backward}`,
    `            dW${k}[j][i] += dz${k}_j ${input}_i;  db${k}_j += dz${k}_j${k > 1 ? `;  da${k - 1}_i = sum_j W${k}[j][i] dz${k}_j` : ""}`,
  ];
  return lines;
}

function commentBlock(out: CodeLines, lines: readonly string[]): void {
  for (const l of lines) out.comment(l);
}

// ---------------------------------------------------------------------------------------------
// Helpers (erf, gelu, ...) used by the activations.

function helperStatements(ir: ModelIR): string[] {
  const used = new Set<Helper>();
  for (const l of ir.layers) for (const h of activationCode(l.activation).helpers) used.add(h);
  return orderHelpers(used).map(helperSource);
}

// ---------------------------------------------------------------------------------------------
// Public functions common to both shapes.

function fn(
  name: string,
  params: readonly [string, string][],
  returnType: string,
  body: (out: CodeLines) => void,
  options: { exported?: boolean; docs?: readonly string[] } = {},
): FunctionDeclarationStructure {
  const out = new CodeLines();
  body(out);
  const parameters: OptionalKind<ParameterDeclarationStructure>[] = params.map(([n, type]) =>
    n.endsWith("?") ? { name: n.slice(0, -1), type, hasQuestionToken: true } : n.includes("=") ? { name: n.split("=")[0]!, type, initializer: n.split("=")[1]! } : { name: n, type },
  );
  return {
    kind: StructureKind.Function,
    name,
    isExported: options.exported === true,
    parameters,
    returnType,
    docs: options.docs === undefined ? [] : [options.docs.map(commentLine).join("\n")],
    statements: (writer) => {
      for (const line of out.lines) {
        if (line === "") writer.newLine();
        else writer.writeLine(line);
      }
    },
  };
}

/** Shape checks at the public entry points: a wrong length would otherwise read undefined as NaN. */
function emitBatchChecks(out: CodeLines, cx: Context, withY: boolean): void {
  const { ir } = cx;
  out.line(`if (params.length !== ${int(ir.paramCount)}) throw new RangeError(\`expected ${int(ir.paramCount)} parameters, got \${params.length}\`);`);
  out.line('if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);');
  out.line(`if (x.length < rows * ${int(ir.inputSize)}) throw new RangeError(\`x holds \${x.length} numbers, expected rows * ${int(ir.inputSize)} = \${rows * ${int(ir.inputSize)}}\`);`);
  if (withY) {
    out.line(`if (y.length < rows * ${int(ir.outputSize)}) throw new RangeError(\`y holds \${y.length} numbers, expected rows * ${int(ir.outputSize)} = \${rows * ${int(ir.outputSize)}}\`);`);
    out.line(`if (grad.length !== ${int(ir.paramCount)}) throw new RangeError(\`expected a gradient of ${int(ir.paramCount)}, got \${grad.length}\`);`);
  }
}

function forwardFunction(cx: Context): FunctionDeclarationStructure {
  const O = int(cx.ir.outputSize);
  return fn(
    "forward",
    [
      ["params", cx.P],
      ["x", "ArrayLike<number>"],
      ["out?", "Float64Array"],
    ],
    "Float64Array",
    (out) => {
      out.line(`const result = out ?? new Float64Array(${O});`);
      out.line("forwardBatch(params, x, 1, result);");
      out.line("return result;");
    },
    {
      exported: true,
      docs: [
        `One sample: x holds ${cx.ir.inputSize} inputs; returns the ${cx.ir.outputSize} outputs after the last activation`,
        `(${cx.output.activation.kind === "softmax" || cx.output.activation.kind === "sigmoid" ? "probabilities" : "the network's prediction"}). Allocation-free when \`out\` is given.`,
      ],
    },
  );
}

const FORWARD_BATCH_DOCS = (cx: Context): string[] => [
  `Many samples: x is rows x ${cx.ir.inputSize} (row-major); writes rows x ${cx.ir.outputSize} outputs into \`out\` and returns it.`,
];

const LOSS_DOCS = (cx: Context): string[] => [
  `The batch's loss J (data loss${hasRegularization(cx.ir) ? " + regularization" : ""}) and its gradient.`,
  `x is rows x ${cx.ir.inputSize}, y is rows x ${cx.ir.outputSize} (row-major${cx.ir.loss.kind === "softmax_ce" ? ", one-hot rows" : ""}).`,
  "Overwrites `grad` (the parameter layout) with dJ/dparams. Allocates nothing once warm.",
];

/** regularize(params, grad): R and dR/dW added to grad; without `gradient`, penalty(params): R alone (the same sums, for lossOf). */
function regularizeFunction(cx: Context, gradient = true): FunctionDeclarationStructure {
  const { l1, l2 } = cx.ir.regularization;
  return fn(
    gradient ? "regularize" : "penalty",
    [
      ["params", cx.P],
      ...(gradient ? ([["grad", cx.P]] as [string, string][]) : []),
    ],
    "number",
    (out) => {
      if (l1 !== 0) out.line("let sumAbs = 0;");
      if (l2 !== 0) out.line("let sumSquares = 0;");
      for (const l of cx.ir.layers) {
        out.block(`for (let p = ${int(l.weightOffset)}; p < ${int(l.biasOffset)}; p++)`, () => {
          out.line("const w = params[p];");
          if (l1 !== 0) out.line("sumAbs += Math.abs(w);");
          if (l2 !== 0) out.line("sumSquares += w * w;");
          const terms = [...(l1 !== 0 ? [`${num(l1)} * Math.sign(w)`] : []), ...(l2 !== 0 ? [`${num(l2)} * w`] : [])];
          if (gradient) out.line(`grad[p] += ${terms.join(" + ")};`);
        });
      }
      const total = [...(l1 !== 0 ? [`${num(l1)} * sumAbs`] : []), ...(l2 !== 0 ? [`${num(l2 / 2)} * sumSquares`] : [])];
      out.line(`return ${total.join(" + ")};`);
    },
    {
      docs: gradient
        ? [
            `R = l1 sum|W| + (l2/2) sum W^2 with l1 = ${l1}, l2 = ${l2}, over weights only (never biases), not divided by rows.`,
            "Adds dR/dW = l1 sign(W) + l2 W to grad (sign(0) = 0) and returns R.",
          ]
        : ["R as regularize computes it (the same sums), without the gradient: for lossOf."],
    },
  );
}

/** Rows lossOf runs through the layered shape's scratch arrays at a time (the fused shape needs none). */
const LOSS_CHUNK_ROWS = 256;

/**
 * lossOf(params, x, y, rows, out): J exactly as lossAndGradient returns it (the same terms summed
 * in the same order, scaled once) without the backward pass, and the outputs (as forwardBatch)
 * into out. The Trainer's evaluate and per-epoch validation use it.
 */
function lossOfFunction(cx: Context): FunctionDeclarationStructure {
  const { ir } = cx;
  const O = int(ir.outputSize);
  const I = int(ir.inputSize);
  const L = cx.output.index;
  return fn(
    "lossOf",
    [
      ["params", cx.P],
      ["x", "Float64Array"],
      ["y", "Float64Array"],
      ["rows", "number"],
      ["out", "Float64Array"],
    ],
    "number",
    (out) => {
      emitBatchChecks(out, cx, false);
      emitLossScales(out, ir, false);
      out.line("let loss = 0;");
      if (cx.plan.strategy === "fused") {
        for (const l of ir.layers) declareWeights(out, l);
        out.block("for (let r = 0; r < rows; r++)", () => {
          out.line(`const xo = r * ${I}, yo = r * ${O};`);
          loadRow(out, range(ir.inputSize).map(local.x), "x", "xo");
          loadRow(out, range(ir.outputSize).map(local.y), "y", "yo");
          for (const p of cx.plan.layers) emitUnrolledForward(out, p.layer, inputNames(p.layer), p.isOutput);
          emitUnrolledLossRow(out, ir, cx.output, false);
          out.line(`const oo = r * ${O};`);
          out.block("", () => emitUnrolledOutput(out, cx.output, "oo"));
        });
      } else {
        const chunk = int(cx.sx === null ? LOSS_CHUNK_ROWS : SIMD_CHUNK_ROWS);
        out.line(`ensureCapacity(Math.min(rows, ${chunk}));`);
        if (cx.sx !== null) out.line("stageParams(params);");
        out.block(`for (let from = 0; from < rows; from += ${chunk})`, () => {
          out.line(`const chunk = Math.min(${chunk}, rows - from);`);
          if (cx.sx !== null) out.line("stageInput(x, from, chunk);");
          else out.line(`const xChunk = x.subarray(from * ${I}, (from + chunk) * ${I});`);
          forwardCalls(out, cx, "chunk", cx.sx === null ? "xChunk" : firstInput(cx));
          out.line(`outputActivation(${scratch.z(L)}, chunk, out.subarray(from * ${O}, (from + chunk) * ${O}));`);
          emitLossLoop(out, ir, cx.output, { z: scratch.z(L), rows: "chunk", yBase: `from * ${O}`, gradient: false });
        });
      }
      out.line(hasRegularization(ir) ? "return loss * lossScale + penalty(params);" : "return loss * lossScale;");
    },
    {
      docs: [
        `J on rows as lossAndGradient computes it (data loss${hasRegularization(ir) ? " + regularization" : ""}, the same sums bit for bit), forward only:`,
        `no gradient. Writes the rows x ${ir.outputSize} outputs (as forwardBatch) into out.`,
      ],
    },
  );
}

function returnLoss(cx: Context, expr: string): string {
  return hasRegularization(cx.ir) ? `return ${expr} + regularize(params, grad);` : `return ${expr};`;
}

// ---------------------------------------------------------------------------------------------
// Fused shape: every pass unrolled, one straight-line function per entry point.

function fusedStatements(cx: Context): Statement[] {
  return [fusedForwardBatch(cx), fusedLossAndGradient(cx)];
}

function fusedForwardBatch(cx: Context): FunctionDeclarationStructure {
  const { ir } = cx;
  return fn(
    "forwardBatch",
    [
      ["params", cx.P],
      ["x", "ArrayLike<number>"],
      ["rows", "number"],
      [`out=new Float64Array(rows * ${int(ir.outputSize)})`, "Float64Array"],
    ],
    "Float64Array",
    (out) => {
      emitBatchChecks(out, cx, false);
      out.comment("The weights, read once per call into named constants.");
      for (const l of ir.layers) declareWeights(out, l);
      out.block("for (let r = 0; r < rows; r++)", () => {
        out.line(`const xo = r * ${int(ir.inputSize)};`);
        loadRow(out, range(ir.inputSize).map(local.x), "x", "xo");
        for (const p of cx.plan.layers) {
          out.comment(`${p.layer.name}: ${p.layer.inputs} -> ${p.layer.units}, ${activationName(p.layer.activation)}`);
          emitUnrolledForward(out, p.layer, inputNames(p.layer), p.isOutput);
        }
        out.line(`const oo = r * ${int(ir.outputSize)};`);
        emitUnrolledOutput(out, cx.output, "oo");
      });
      out.line("return out;");
    },
    { exported: true, docs: FORWARD_BATCH_DOCS(cx) },
  );
}

function fusedLossAndGradient(cx: Context): FunctionDeclarationStructure {
  const { ir } = cx;
  const layers = cx.plan.layers;
  return fn(
    "lossAndGradient",
    [
      ["params", cx.P],
      ["x", "ArrayLike<number>"],
      ["y", "ArrayLike<number>"],
      ["rows", "number"],
      ["grad", cx.P],
    ],
    "number",
    (out) => {
      emitBatchChecks(out, cx, true);
      out.comment("The weights, read once per call into named constants.");
      for (const l of ir.layers) declareWeights(out, l);
      out.comment("dJ/dW and dJ/db, summed over the batch's rows in locals and stored once at the end.");
      for (const l of ir.layers) declareGradientSums(out, l);
      emitLossScales(out, ir);
      out.line("let loss = 0;");
      out.block("for (let r = 0; r < rows; r++)", () => {
        out.line(`const xo = r * ${int(ir.inputSize)}, yo = r * ${int(ir.outputSize)};`);
        loadRow(out, range(ir.inputSize).map(local.x), "x", "xo");
        loadRow(out, range(ir.outputSize).map(local.y), "y", "yo");
        out.blank();
        out.comment("---- forward ----");
        for (const p of layers) {
          commentBlock(out, layerNote(p.layer, p.isOutput, cx.ir.loss.kind));
          emitUnrolledForward(out, p.layer, inputNames(p.layer), p.isOutput);
          out.blank();
        }
        out.comment("---- loss, and dJ/dz at the output ----");
        commentBlock(out, lossComment(ir));
        emitUnrolledLossRow(out, ir, cx.output);
        out.blank();
        out.comment("---- backward ----");
        for (let k = layers.length - 1; k >= 0; k--) {
          const p = layers[k]!;
          const prev = k > 0 ? layers[k - 1]!.layer : null;
          out.comment(`${p.layer.name}: dW${p.layer.index} += dz${p.layer.index} ${k === 0 ? "x" : `a${k}`}^T, db${p.layer.index} += dz${p.layer.index}`);
          emitUnrolledBackward(
            out,
            p.layer,
            inputNames(p.layer),
            range(p.layer.units).map((j) => local.dz(p.layer.index, j)),
            prev !== null,
          );
          if (prev !== null) {
            out.comment(`${prev.name}: dz${prev.index} = da${prev.index} * ${activationCode(prev.activation).localDerivative}`);
            emitUnrolledDeltaLocals(out, prev);
          }
          out.blank();
        }
      });
      for (const l of ir.layers) storeGradientSums(out, l);
      out.line(returnLoss(cx, "loss * lossScale"));
    },
    { exported: true, docs: LOSS_DOCS(cx) },
  );
}

// ---------------------------------------------------------------------------------------------
// Layered shape: one function per layer and pass, the batch's activations in scratch arrays.

const scratch = {
  a: (k: number): string => `scratchA${k}`,
  z: (k: number): string => `scratchZ${k}`,
  dz: (k: number): string => `scratchDz${k}`,
};

/** Which scratch arrays a layer needs: a for hidden layers, z where kept, dz for every layer. */
function scratchArrays(p: LayerPlan): string[] {
  const k = p.layer.index;
  return [...(p.isOutput ? [] : [scratch.a(k)]), ...(p.isOutput || p.keepsZ ? [scratch.z(k)] : []), scratch.dz(k)];
}

function layeredStatements(cx: Context): Statement[] {
  const layers = cx.plan.layers;
  const arrays: ScratchArray[] = layers.flatMap((p) => scratchArrays(p).map((name) => ({ name, units: p.layer.units, layer: p.layer.name })));
  return [
    ...(cx.sx === null ? scratchStatements(arrays) : simdRuntimeStatements(cx.sx, arrays)),
    ...layers.map((p) => layerForward(cx, p)),
    fn(
      "outputActivation",
      [
        ["z", cx.S],
        ["rows", "number"],
        ["out", "Float64Array"],
      ],
      "void",
      (out) => emitOutputActivationBody(out, cx.output),
      { docs: [`The output activation (${activationName(cx.output.activation)}) of the logits z, rows x ${cx.output.units}.`] },
    ),
    fn(
      "lossAtLogits",
      [
        ["z", cx.S],
        ["y", "ArrayLike<number>"],
        ["rows", "number"],
        ["dz", cx.S],
      ],
      "number",
      (out) => emitLossAtLogitsBody(out, cx.ir, cx.output),
      { docs: [...lossComment(cx.ir), "Returns the batch's mean data loss; writes dJ/dz into dz."] },
    ),
    ...[...layers].reverse().map((p) => layerBackward(cx, p)),
    layeredForwardBatch(cx),
    layeredLossAndGradient(cx),
  ];
}

/** The scratch arrays of the plain (no --simd) layered module: Float64Arrays grown on demand. */
function scratchStatements(arrays: readonly ScratchArray[]): Statement[] {
  const declarations = [
    "/** Rows the scratch arrays below can hold; grown (never shrunk) by ensureCapacity. */",
    "let capacity = 0;",
    ...arrays.map((s) => `/** ${s.layer}, rows x ${s.units}. */\nlet ${s.name} = new Float64Array(0);`),
  ].join("\n");
  const ensure = fn("ensureCapacity", [["rows", "number"]], "void", (out) => {
    out.line("if (rows <= capacity) return;");
    out.line("capacity = rows;");
    for (const s of arrays) out.line(`${s.name} = new Float64Array(rows * ${int(s.units)});`);
  }, { docs: ["Grows the scratch arrays to `rows` rows: training allocates only when a batch is bigger than any before."] });
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

function layerForward(cx: Context, p: LayerPlan): FunctionDeclarationStructure {
  const { layer } = p;
  const params: [string, string][] = [
    // A wasm layer reads its parameters from the heap (staged by stageParams), not from params.
    ...(p.wasm ? [] : ([["params", cx.P]] as [string, string][])),
    ["input", inputType(cx, p)],
    ["rows", "number"],
    ...(p.isOutput ? [] : ([["a", cx.S]] as [string, string][])),
    ...(p.isOutput || p.keepsZ ? ([["z", cx.S]] as [string, string][]) : []),
  ];
  return fn(
    `forwardDense${layer.index}`,
    params,
    "void",
    (out) => {
      if (p.wasm && cx.sx !== null) emitWasmForwardBody(out, cx.sx, p);
      else if (p.forward === "unrolled") emitUnrolledForwardFunctionBody(out, p);
      else emitBlockedForwardBody(out, layer, forwardStore(layer, p.isOutput, p.keepsZ));
    },
    {
      docs: [
        ...layerNote(layer, p.isOutput, cx.ir.loss.kind),
        `Forward pass over rows, ${passDescription(p, p.forward)}; writes ${p.isOutput ? "the logits z" : p.keepsZ ? "z and a" : "a"}.`,
      ],
    },
  );
}

function emitUnrolledForwardFunctionBody(out: CodeLines, p: LayerPlan): void {
  const { layer } = p;
  const k = layer.index;
  declareWeights(out, layer);
  out.block("for (let r = 0; r < rows; r++)", () => {
    out.line(`const io = r * ${int(layer.inputs)}, oo = r * ${int(layer.units)};`);
    loadRow(out, inputNames(layer), "input", "io");
    emitUnrolledForward(out, layer, inputNames(layer), p.isOutput);
    for (let j = 0; j < layer.units; j++) {
      const at = j === 0 ? "oo" : `oo + ${j}`;
      if (p.isOutput || p.keepsZ) out.line(`z[${at}] = ${local.z(k, j)};`);
      if (!p.isOutput) out.line(`a[${at}] = ${local.a(k, j)};`);
    }
  });
}

function layerBackward(cx: Context, p: LayerPlan): FunctionDeclarationStructure {
  const { layer } = p;
  const prevPlan = cx.plan.layers[layer.index - 2];
  const params: [string, string][] = [
    ...(p.wasm ? [] : ([["params", cx.P]] as [string, string][])),
    ["grad", cx.P],
    ["input", inputType(cx, p)],
    ["dz", cx.S],
    ["rows", "number"],
    ...(prevPlan !== undefined ? ([["dzPrev", cx.S]] as [string, string][]) : []),
    ...(prevPlan?.keepsZ === true ? ([["zPrev", cx.S]] as [string, string][]) : []),
  ];
  return fn(
    `backwardDense${layer.index}`,
    params,
    "void",
    (out) => {
      if (p.wasm && cx.sx !== null) emitWasmBackwardBody(out, cx.sx, p, prevPlan);
      else if (p.backward === "unrolled") emitUnrolledBackwardFunctionBody(out, p, prevPlan);
      else {
        emitBlockedWeightGradient(out, layer);
        if (prevPlan !== undefined) {
          out.block("", () => emitBlockedInputDelta(out, layer, prevPlan.layer, prevPlan.keepsZ));
        }
      }
    },
    {
      docs: [
        `Backward through ${layer.name} (${layer.inputs} -> ${layer.units}), ${passDescription(p, p.backward)}:`,
        `dz holds dJ/dz${layer.index} (rows x ${layer.units}); writes dW${layer.index} and db${layer.index} into grad` +
          (prevPlan !== undefined ? `, and dJ/dz${layer.index - 1} = (sum_j W[j][i] dz[r][j]) * f'(z${layer.index - 1}) into dzPrev.` : "."),
      ],
    },
  );
}

function emitUnrolledBackwardFunctionBody(out: CodeLines, p: LayerPlan, prevPlan: LayerPlan | undefined): void {
  const { layer } = p;
  const k = layer.index;
  const propagate = prevPlan !== undefined;
  if (propagate) declareWeights(out, layer, false);
  declareGradientSums(out, layer);
  const dzNames = range(layer.units).map((j) => local.dz(k, j));
  out.block("for (let r = 0; r < rows; r++)", () => {
    out.line(`const io = r * ${int(layer.inputs)}, oo = r * ${int(layer.units)};`);
    loadRow(out, dzNames, "dz", "oo");
    loadRow(out, inputNames(layer), "input", "io");
    emitUnrolledBackward(out, layer, inputNames(layer), dzNames, propagate);
    if (prevPlan !== undefined) {
      const act = activationCode(prevPlan.layer.activation);
      for (let i = 0; i < layer.inputs; i++) {
        const at = i === 0 ? "io" : `io + ${i}`;
        out.line(`dzPrev[${at}] = ${act.derivative(local.da(k - 1, i), local.a(k - 1, i), prevPlan.keepsZ ? `zPrev[${at}]` : null)};`);
      }
    }
  });
  storeGradientSums(out, layer);
}

/** The first layer's input: the caller's x, or x staged in the heap for a wasm layer. */
function firstInput(cx: Context): string {
  return cx.sx !== null ? STAGED_X : "x";
}

function forwardCalls(out: CodeLines, cx: Context, rows = "rows", x = firstInput(cx)): void {
  for (const p of cx.plan.layers) {
    const k = p.layer.index;
    const input = k === 1 ? x : scratch.a(k - 1);
    const outputs = [...(p.isOutput ? [] : [scratch.a(k)]), ...(p.isOutput || p.keepsZ ? [scratch.z(k)] : [])];
    out.line(`forwardDense${k}(${[...(p.wasm ? [] : ["params"]), input, rows, ...outputs].join(", ")});`);
  }
}

function layeredForwardBatch(cx: Context): FunctionDeclarationStructure {
  const { ir } = cx;
  return fn(
    "forwardBatch",
    [
      ["params", cx.P],
      ["x", "ArrayLike<number>"],
      ["rows", "number"],
      [`out=new Float64Array(rows * ${int(ir.outputSize)})`, "Float64Array"],
    ],
    "Float64Array",
    (out) => {
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
    { exported: true, docs: FORWARD_BATCH_DOCS(cx) },
  );
}

function layeredLossAndGradient(cx: Context): FunctionDeclarationStructure {
  const L = cx.output.index;
  return fn(
    "lossAndGradient",
    [
      ["params", cx.P],
      ["x", "ArrayLike<number>"],
      ["y", "ArrayLike<number>"],
      ["rows", "number"],
      ["grad", cx.P],
    ],
    "number",
    (out) => {
      emitBatchChecks(out, cx, true);
      out.line("ensureCapacity(rows);");
      if (cx.sx !== null) {
        out.line("stageParams(params);");
        out.line("stageInput(x, 0, rows);");
      }
      forwardCalls(out, cx);
      out.line(`const loss = lossAtLogits(${scratch.z(L)}, y, rows, ${scratch.dz(L)});`);
      for (let k = L; k >= 1; k--) {
        const prev = cx.plan.layers[k - 2];
        const args = [...(cx.plan.layers[k - 1]!.wasm ? [] : ["params"]), "grad", k === 1 ? firstInput(cx) : scratch.a(k - 1), scratch.dz(k), "rows"];
        if (prev !== undefined) args.push(scratch.dz(k - 1));
        if (prev?.keepsZ === true) args.push(scratch.z(k - 1));
        out.line(`backwardDense${k}(${args.join(", ")});`);
      }
      out.line(returnLoss(cx, "loss"));
    },
    { exported: true, docs: LOSS_DOCS(cx) },
  );
}

/**
 * --simd forwardBatch: parameters staged once, rows in chunks of at most SIMD_CHUNK_ROWS so the
 * heap stays small however many rows are predicted (rows are independent in inference).
 */
function emitSimdForwardBatch(out: CodeLines, cx: Context): void {
  const O = int(cx.ir.outputSize);
  out.line(`ensureCapacity(Math.min(rows, ${int(SIMD_CHUNK_ROWS)}));`);
  out.line("stageParams(params);");
  out.block(`for (let from = 0; from < rows; from += ${int(SIMD_CHUNK_ROWS)})`, () => {
    out.line(`const n = Math.min(${int(SIMD_CHUNK_ROWS)}, rows - from);`);
    out.line("stageInput(x, from, n);");
    forwardCalls(out, cx, "n");
    out.line(`outputActivation(${scratch.z(cx.output.index)}, n, out.subarray(from * ${O}, (from + n) * ${O}));`);
  });
  out.line("return out;");
}

// ---------------------------------------------------------------------------------------------
// JavaScript output.

const JS_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  strict: true,
  declaration: true,
  isolatedDeclarations: true,
  removeComments: false,
  newLine: ts.NewLineKind.LineFeed,
};

/**
 * The module as plain ESM JavaScript plus its declarations (`mlpc compile -o net.js`), runnable
 * in Node 20 without TypeScript. Both are single-file transforms: the module annotates every
 * export, so declarations need no type checker (isolatedDeclarations).
 */
export function emitJavaScript(tsSource: string): { js: string; dts: string } {
  const js = ts.transpileModule(tsSource, { compilerOptions: JS_OPTIONS, fileName: "module.ts" });
  const dts = ts.transpileDeclaration(tsSource, { compilerOptions: JS_OPTIONS, fileName: "module.ts", reportDiagnostics: true });
  const errors = [...(js.diagnostics ?? []), ...(dts.diagnostics ?? [])].filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const text = errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("\n");
    throw new Error(`mlpc codegen: cannot emit JavaScript:\n${text}`);
  }
  return { js: js.outputText, dts: dts.outputText };
}

/** Exposed for tests and the benchmark: the plan emitModule would use. */
export { planEmission } from "./plan.js";
