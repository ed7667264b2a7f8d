/**
 * What the fused and the layered shape share: the emit context, the textbook note on a layer,
 * the public entry points' shape checks and doc comments, `forward` (one sample through
 * forwardBatch) and `regularize`.
 */
import type { DenseLayer, LossKind, ModelIR } from "../ir/types.js";
import { activationCode, activationName } from "./activation.js";
import { printFunction, type FunctionDeclaration, type Parameter } from "./declaration.js";
import type { EmitPlan } from "./plan.js";
import type { SimdContext } from "./simd.js";
import { int, num, place, read, times, type CodeLines } from "./text.js";
import { denseLayers, hasDropout } from "../ir/layers.js";
import { withDocs } from "./declaration.js";
import { emitLossScales, ROW_WEIGHT, weighsRows } from "./loss.js";

/** Everything the function emitters share. */
export interface Context {
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
  return [
    `${layer.name}: ${layer.inputs} -> ${layer.units}, ${activationName(layer.activation)}.`,
    `  Parameters (C${k - 1} + 1) * C${k} = (${layer.inputs} + 1) * ${layer.units} = ${layer.paramCount}: ` +
      `W${k} (${layer.units}x${layer.inputs}) at params[${layer.weightOffset}..${layer.biasOffset}), b${k} at params[${layer.biasOffset}..${layer.biasOffset + layer.units}).`,
    `  Forward:  z${k}_j = b${k}_j + sum_i W${k}[j][i] ${input}_i;  ${act.formula(k)}${isOutput ? " (with the loss)" : ""}`,
    `  Backward: ${backward}`,
    `            dW${k}[j][i] += dz${k}_j ${input}_i;  db${k}_j += dz${k}_j${k > 1 ? `;  da${k - 1}_i = sum_j W${k}[j][i] dz${k}_j` : ""}`,
  ];
}

export function commentBlock(out: CodeLines, lines: readonly string[]): void {
  for (const l of lines) out.comment(l);
}

export function hasRegularization(ir: ModelIR): boolean {
  return ir.regularization.l1 !== 0 || ir.regularization.l2 !== 0;
}

/** Shape checks at the public entry points: a wrong length would otherwise read undefined as NaN. */
export function emitBatchChecks(out: CodeLines, cx: Context, withY: boolean): void {
  const { ir } = cx;
  const P = int(ir.paramCount);
  const sized = (name: string, width: number): void => {
    const need = times("rows", width);
    out.line(`if (${name}.length < ${need}) throw new RangeError(\`${name} holds \${${name}.length} numbers, expected ${need} = \${${need}}\`);`);
  };
  out.line(`if (params.length !== ${P}) throw new RangeError(\`expected ${P} parameters, got \${params.length}\`);`);
  out.line('if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);');
  sized("x", ir.inputSize);
  if (withY) {
    sized("y", ir.outputSize);
    out.line(`if (grad.length !== ${P}) throw new RangeError(\`expected a gradient of ${P}, got \${grad.length}\`);`);
    if (weighsRows(ir)) out.line(`if (${ROW_WEIGHT} !== undefined && ${ROW_WEIGHT}.length < rows) throw new RangeError(\`${ROW_WEIGHT} holds \${${ROW_WEIGHT}.length} numbers, expected one a row (\${rows})\`);`);
  }
}

/** The parameters every lossAndGradient takes. */
export function lossParameters(cx: Context): Parameter[] {
  return [
    { name: "params", type: cx.P },
    { name: "x", type: "ArrayLike<number>" },
    { name: "y", type: "ArrayLike<number>" },
    { name: "rows", type: "number" },
    { name: "grad", type: cx.P },
    ...(hasDropout(cx.ir) ? [{ name: "random", type: "() => number", optional: true }] : []),
    ...rowWeightParameter(cx.ir),
  ];
}

/** The optional weight a row of a row-weighted loss (class weights of a binary model), last; none otherwise. */
export function rowWeightParameter(ir: ModelIR): Parameter[] {
  return weighsRows(ir) ? [{ name: ROW_WEIGHT, type: "ArrayLike<number>", optional: true }] : [];
}

/**
 * The dropout masks of a batch: one module-level array a dropout (rows x units, each 0 when the
 * unit is dropped or 1 / (1 - rate) when kept) and drawDropoutMasks, which fills them in a fixed
 * order (dropout_1 row by row, then dropout_2, ...) so both code shapes draw the same masks.
 */
export function dropoutDeclarations(cx: Context): string[] {
  const drops = cx.plan.layers.flatMap((p) => (p.dropout === null ? [] : [{ d: p.dropout, before: p.layer }]));
  if (drops.length === 0) return [];
  const state = [
    withDocs(["Rows the dropout masks below can hold; grown (never shrunk) by drawDropoutMasks."], "let dropoutCapacity = 0;"),
    ...drops.map(({ d, before }) =>
      withDocs(
        [`${d.name} (rate ${num(d.rate)}) on ${before.name}'s input: rows x ${d.units} of 0 (dropped) or 1 / (1 - ${num(d.rate)}) (kept).`],
        `let dropoutMask${d.index} = new Float64Array(0);`,
      ),
    ),
  ].join("\n");
  const draw = printFunction({
    name: "drawDropoutMasks",
    parameters: [
      { name: "rows", type: "number" },
      { name: "random", type: "(() => number) | undefined" },
    ],
    returnType: "void",
    docs: [
      "Inverted dropout while training: each unit is kept with probability 1 - rate and then scaled by",
      "1 / (1 - rate), so its expected value is unchanged and nothing needs rescaling at prediction time.",
      "random() is uniform in [0, 1): a unit is dropped when random() < rate. Without random (no",
      "generator given) every mask is 1: the batch trains without dropout.",
    ],
    body: (out) => {
      out.block("if (rows > dropoutCapacity)", () => {
        out.line("dropoutCapacity = rows;");
        for (const { d } of drops) out.line(`dropoutMask${d.index} = new Float64Array(${times("rows", d.units)});`);
      });
      for (const { d } of drops) {
        const n = times("rows", d.units);
        const mask = `dropoutMask${d.index}`;
        out.block("if (random === undefined)", () => out.line(`${mask}.fill(1, 0, ${n});`));
        out.block("else", () => {
          out.line(`for (let k = 0; k < ${n}; k++) ${mask}[k] = random() < ${num(d.rate)} ? 0 : ${num(1 / (1 - d.rate))};`);
        });
      }
    },
  });
  return [state, draw];
}

/** The parameters every forwardBatch takes. */
export function forwardBatchParameters(cx: Context): Parameter[] {
  return [
    { name: "params", type: cx.P },
    { name: "x", type: "ArrayLike<number>" },
    { name: "rows", type: "number" },
    { name: "out", type: "Float64Array", initializer: `new Float64Array(${times("rows", cx.ir.outputSize)})` },
  ];
}

export function forwardBatchDocs(cx: Context): string[] {
  return [`Many samples: x is rows x ${cx.ir.inputSize} (row-major); writes rows x ${cx.ir.outputSize} outputs into \`out\` and returns it.`];
}

/** lastBatchOutputs(rows, out): what the Trainer counts for the running training accuracy. */
export function lastBatchOutputsFunction(cx: Context, body: (out: CodeLines) => void): string {
  return printFunction({
    name: "lastBatchOutputs",
    // Exported for gradient engines (the Trainer's gradient option): a thread that ran
    // lossAndGradient on its slice reads the slice's outputs here instead of a second forward pass.
    exported: true,
    parameters: [
      { name: "rows", type: "number" },
      { name: "out", type: "Float64Array" },
    ],
    returnType: "void",
    docs: [
      `The outputs (rows x ${cx.ir.outputSize}, as forwardBatch) of the rows of the last lossAndGradient call, from the logits it`,
      "kept: the batch as trained (dropout on), before its update. The Trainer counts them for the running accuracy;",
      "a gradient option that calls lossAndGradient itself (e.g. on worker threads) fills its `out` from here.",
    ],
    body,
  });
}

export function lossDocs(cx: Context): string[] {
  return [
    `The batch's loss J (data loss${hasRegularization(cx.ir) ? " + regularization" : ""}) and its gradient.`,
    `x is rows x ${cx.ir.inputSize}, y is rows x ${cx.ir.outputSize} (row-major${cx.ir.loss.kind === "softmax_ce" ? ", one-hot rows" : ""}).`,
    "Overwrites `grad` (the parameter layout) with dJ/dparams. Allocates nothing once warm.",
    ...(hasDropout(cx.ir)
      ? ["random (uniform in [0, 1)) draws this batch's dropout masks; without it dropout is off (identity)."]
      : []),
    ...(weighsRows(cx.ir) ? [`${ROW_WEIGHT} (one number a row, e.g. its class's weight) weighs each row's loss and gradient: J = 1/rows sum_r w_r l_r.`] : []),
  ];
}

/**
 * lossOf(params, x, y, rows, out): J exactly as lossAndGradient computes it (the same terms in the
 * same order, scaled once) without the backward pass, and the outputs (as forwardBatch) into out.
 * The shapes write only the pass over the rows, which adds the unscaled data loss to `loss`.
 */
export function lossOfFunction(cx: Context, rowsPass: (out: CodeLines) => void): string {
  const regularized = hasRegularization(cx.ir);
  return printFunction({
    name: "lossOf",
    exported: true,
    parameters: [
      { name: "params", type: cx.P },
      { name: "x", type: "Float64Array" },
      { name: "y", type: "Float64Array" },
      { name: "rows", type: "number" },
      { name: "out", type: "Float64Array" },
    ],
    returnType: "number",
    docs: [
      `J on rows as lossAndGradient computes it (data loss${regularized ? " + regularization" : ""}, the same sums bit for bit), forward only:`,
      `no gradient. Writes the rows x ${cx.ir.outputSize} outputs (as forwardBatch) into out.`,
    ],
    body: (out) => {
      emitBatchChecks(out, cx, false);
      emitLossScales(out, cx.ir, false);
      out.line("let loss = 0;");
      rowsPass(out);
      out.line(regularized ? "return loss * lossScale + penalty(params);" : "return loss * lossScale;");
    },
  });
}

export function returnLoss(cx: Context, expr: string): string {
  return hasRegularization(cx.ir) ? `return ${expr} + regularize(params, grad);` : `return ${expr};`;
}

export function forwardFunction(cx: Context): string {
  const probabilities = cx.output.activation.kind === "softmax" || cx.output.activation.kind === "sigmoid";
  const decl: FunctionDeclaration = {
    name: "forward",
    exported: true,
    parameters: [
      { name: "params", type: cx.P },
      { name: "x", type: "ArrayLike<number>" },
      { name: "out", type: "Float64Array", optional: true },
    ],
    returnType: "Float64Array",
    docs: [
      `One sample: x holds ${cx.ir.inputSize} inputs; returns the ${cx.ir.outputSize} outputs after the last activation`,
      `(${probabilities ? "probabilities" : "the network's prediction"}). Allocation-free when \`out\` is given.`,
    ],
    body: (out) => {
      out.line(`const result = out ?? new Float64Array(${int(cx.ir.outputSize)});`);
      out.line("forwardBatch(params, x, 1, result);");
      out.line("return result;");
    },
  };
  return printFunction(decl);
}

/** regularize(params, grad): R and dR/dW added to grad; "" without regularization. */
/**
 * regularize(params, grad): R, with dR/dW added to grad; without `gradient`, penalty(params): R
 * alone (the same sums, for lossOf).
 */
export function regularizeFunction(cx: Context, gradient = true): string {
  if (!hasRegularization(cx.ir)) return "";
  const { l1, l2 } = cx.ir.regularization;
  return printFunction({
    name: gradient ? "regularize" : "penalty",
    parameters: [{ name: "params", type: cx.P }, ...(gradient ? [{ name: "grad", type: cx.P }] : [])],
    returnType: "number",
    docs: gradient
      ? [
          `R = l1 sum|W| + (l2/2) sum W^2 with l1 = ${l1}, l2 = ${l2}, over weights only (never biases), not divided by rows.`,
          "Adds dR/dW = l1 sign(W) + l2 W to grad (sign(0) = 0) and returns R.",
        ]
      : ["R as regularize computes it (the same sums), without the gradient: for lossOf."],
    body: (out) => {
      if (l1 !== 0) out.line("let sumAbs = 0;");
      if (l2 !== 0) out.line("let sumSquares = 0;");
      for (const l of denseLayers(cx.ir)) {
        out.block(`for (let p = ${int(l.weightOffset)}; p < ${int(l.biasOffset)}; p++)`, () => {
          out.line(`const w = ${read("params", "p")};`);
          if (l1 !== 0) out.line("sumAbs += Math.abs(w);");
          if (l2 !== 0) out.line("sumSquares += w * w;");
          const terms = [...(l1 !== 0 ? [`${num(l1)} * Math.sign(w)`] : []), ...(l2 !== 0 ? [`${num(l2)} * w`] : [])];
          if (gradient) out.line(`${place("grad", "p")}! += ${terms.join(" + ")};`);
        });
      }
      const total = [...(l1 !== 0 ? [`${num(l1)} * sumAbs`] : []), ...(l2 !== 0 ? [`${num(l2 / 2)} * sumSquares`] : [])];
      out.line(`return ${total.join(" + ")};`);
    },
  });
}
