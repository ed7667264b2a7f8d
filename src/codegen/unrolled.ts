/**
 * Straight-line (fully unrolled) code for small layers: every weight in a named const, every
 * pre-activation, activation and delta assigned once to a named local (z1_3, a1_3, dz2_0), all
 * indices constants. Never re-inlines an expression: each value is computed once and named.
 */
import type { DenseLayer } from "../ir/types.js";
import { activationCode } from "./activation.js";
import { int, read, type CodeLines } from "./text.js";

/** Local names, the same in every function so the code reads like one derivation. */
export const local = {
  x: (i: number): string => `x${i}`,
  y: (j: number): string => `y${j}`,
  z: (k: number, j: number): string => `z${k}_${j}`,
  a: (k: number, j: number): string => `a${k}_${j}`,
  dz: (k: number, j: number): string => `dz${k}_${j}`,
  da: (k: number, j: number): string => `da${k}_${j}`,
  w: (k: number, j: number, i: number): string => `w${k}_${j}_${i}`,
  b: (k: number, j: number): string => `b${k}_${j}`,
  gw: (k: number, j: number, i: number): string => `gw${k}_${j}_${i}`,
  gb: (k: number, j: number): string => `gb${k}_${j}`,
  /** Dropout on layer k's output (k = 0: the input): the row's mask m and the kept values d = a * m. */
  m: (k: number, i: number): string => `m${k}_${i}`,
  d: (k: number, i: number): string => `d${k}_${i}`,
};

/** The names of a layer's inputs: x0.. for the first layer, a{k-1}_i after. */
export function inputNames(layer: DenseLayer): string[] {
  return range(layer.inputs).map((i) => (layer.index === 1 ? local.x(i) : local.a(layer.index - 1, i)));
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** `const w2_0_0 = params[49]!, ..., b2_0 = params[77]!;` one statement group per unit. */
export function declareWeights(out: CodeLines, layer: DenseLayer, withBiases = true): void {
  const k = layer.index;
  for (let j = 0; j < layer.units; j++) {
    const decls = range(layer.inputs).map((i) => `${local.w(k, j, i)} = ${read("params", layer.weightOffset + j * layer.inputs + i)}`);
    if (withBiases) decls.push(`${local.b(k, j)} = ${read("params", layer.biasOffset + j)}`);
    out.declare("const", decls);
  }
}

/** `let gw2_0_0 = 0, ..., gb2_0 = 0;` the layer's gradient, summed over the batch in locals. */
export function declareGradientSums(out: CodeLines, layer: DenseLayer): void {
  const k = layer.index;
  for (let j = 0; j < layer.units; j++) {
    out.declare("let", [...range(layer.inputs).map((i) => `${local.gw(k, j, i)} = 0`), `${local.gb(k, j)} = 0`]);
  }
}

/** `grad[49] = gw2_0_0;` ... the summed gradient written once after the batch. */
export function storeGradientSums(out: CodeLines, layer: DenseLayer): void {
  const k = layer.index;
  for (let j = 0; j < layer.units; j++) {
    out.statements(
      range(layer.inputs).map((i) => `grad[${int(layer.weightOffset + j * layer.inputs + i)}] = ${local.gw(k, j, i)};`),
      6,
    );
  }
  out.statements(
    range(layer.units).map((j) => `grad[${int(layer.biasOffset + j)}] = ${local.gb(k, j)};`),
    6,
  );
}

/** `const x0 = source[base]!, x1 = source[base + 1]!, ...;` */
export function loadRow(out: CodeLines, names: readonly string[], source: string, base: string): void {
  out.declare(
    "const",
    names.map((n, i) => `${n} = ${read(source, base, i)}`),
  );
}

/**
 * z_k,j = b_k,j + sum_i w_k,j,i in_i, then (hidden layers) a_k,j = f(z_k,j). Output layers stop at
 * z: the loss or the output function applies the last activation.
 */
export function emitUnrolledForward(out: CodeLines, layer: DenseLayer, inputs: readonly string[], isOutput: boolean): void {
  const k = layer.index;
  const act = activationCode(layer.activation);
  for (let j = 0; j < layer.units; j++) {
    out.sum(`const ${local.z(k, j)} = `, [local.b(k, j), ...inputs.map((name, i) => `${local.w(k, j, i)} * ${name}`)]);
    if (!isOutput) out.line(`const ${local.a(k, j)} = ${act.forward(local.z(k, j))};`);
  }
}

/**
 * Given dz_k (names `dz`), accumulates dW_k += dz_k in^T and db_k += dz_k, and when the layer has
 * a predecessor, declares da_{k-1},i = sum_j w_k,j,i dz_k,j (the caller turns it into dz_{k-1}).
 */
export function emitUnrolledBackward(out: CodeLines, layer: DenseLayer, inputs: readonly string[], dz: readonly string[], propagate: boolean): void {
  const k = layer.index;
  for (let j = 0; j < layer.units; j++) {
    out.statements([`${local.gb(k, j)} += ${dz[j]};`, ...range(layer.inputs).map((i) => `${local.gw(k, j, i)} += ${dz[j]} * ${inputs[i]};`)]);
  }
  if (!propagate) return;
  for (let i = 0; i < layer.inputs; i++) {
    out.sum(
      `const ${local.da(k - 1, i)} = `,
      range(layer.units).map((j) => `${local.w(k, j, i)} * ${dz[j]}`),
    );
  }
}

/** dz_{k-1},i = da_{k-1},i * f'(z_{k-1},i), as named locals (fused code). */
export function emitUnrolledDeltaLocals(out: CodeLines, prev: DenseLayer, masked = false): void {
  const k = prev.index;
  const act = activationCode(prev.activation);
  for (let i = 0; i < prev.units; i++) {
    // After a dropout, da is dJ/dd for d = a * m: dJ/da = da * m.
    const da = masked ? `${local.da(k, i)} * ${local.m(k, i)}` : local.da(k, i);
    out.line(`const ${local.dz(k, i)} = ${act.derivative(da, local.a(k, i), local.z(k, i))};`);
  }
}

/** The names of a layer's inputs after its dropout (d{k-1}_i) while training. */
export function droppedInputNames(layer: DenseLayer): string[] {
  return range(layer.inputs).map((i) => local.d(layer.index - 1, i));
}

/** `const m1_0 = dropoutMask1[mo]!, ...; const d1_0 = a1_0 * m1_0, ...;` one row of a dropout (fused code). */
export function emitUnrolledDropout(out: CodeLines, layer: DenseLayer, dropoutIndex: number, maskBase: string): void {
  const k = layer.index - 1;
  const inputs = inputNames(layer);
  out.declare(
    "const",
    range(layer.inputs).map((i) => `${local.m(k, i)} = ${read(`dropoutMask${dropoutIndex}`, maskBase, i)}`),
  );
  out.declare(
    "const",
    range(layer.inputs).map((i) => `${local.d(k, i)} = ${inputs[i]} * ${local.m(k, i)}`),
  );
}
