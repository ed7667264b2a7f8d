/**
 * Register-blocked loop kernels for layers too big to unroll. Each inner loop keeps a 4 x 4 tile
 * of accumulators in locals so every value it loads feeds 4 multiply-adds:
 *
 *   forward       z[r][j]  = b[j] + sum_i W[j][i] in[r][i]   4 rows x 4 units, inputs streamed
 *   weight grad   dW[j][i] = sum_r dz[r][j] in[r][i]         4 units x 4 inputs, rows streamed
 *   input delta   dz'[r][i] = f'(.) sum_j W[j][i] dz[r][j]   4 rows x 4 inputs, units streamed
 *
 * Such tiles measured ~5.9 GFLOP/s against ~3 for plain dot-product loops. Tails that do not fill
 * a tile fall back to 4 x 1, 1 x 4 and 1 x 1 loops. Sizes and offsets are constants in the
 * emitted code, so a loop over units or inputs that would run once is written out with its index
 * folded in, and one that would never run is not written. Sums run in the same order as the
 * unrolled code, so both modes give bit-identical results.
 */
import type { DenseLayer } from "../ir/types.js";
import { activationCode, activationName } from "./activation.js";
import { countedLine, countedLoop, index, int, place, read, scaled, times, type CodeLines, type Counter } from "./text.js";
import { range } from "./unrolled.js";

const T = 4;
const tile = range(T);

/** `const name0 = base, name1 = name0 + step, ...` for 4 rows' offsets. */
function rowStarts(name: string, base: string, step: number): string {
  return tile.map((r) => `${name}${r} = ${r === 0 ? base : index(`${name}${r - 1}`, step)}`).join(", ");
}

/** Writes one finished pre-activation `s` at index `at` (z, a or both). */
export type ForwardStore = (out: CodeLines, s: string, at: string) => void;

/**
 * How a forward kernel stores a finished sum: output layers keep z only, hidden ones a (and z if
 * needed), except that an activation applied over arrays (ActivationCode.overArrays) leaves a to
 * one pass over z after the loops (emitBlockedForwardBody).
 */
function forwardStore(layer: DenseLayer, isOutput: boolean, keepsZ: boolean): ForwardStore {
  const act = activationCode(layer.activation);
  if (isOutput || (keepsZ && act.overArrays !== undefined)) return (out, s, at) => void out.line(`z[${at}] = ${s};`);
  return (out, s, at) => {
    if (keepsZ) out.line(`z[${at}] = ${s};`);
    out.line(`a[${at}] = ${act.forward(s)};`);
  };
}

/** The body of forwardDense{k}(params, input, rows, a | z, ...): bias + dot + activation, fused (or over z after the loops). */
export function emitBlockedForwardBody(out: CodeLines, layer: DenseLayer, isOutput: boolean, keepsZ: boolean): void {
  emitBlockedSums(out, layer, forwardStore(layer, isOutput, keepsZ));
  const overArrays = activationCode(layer.activation).overArrays;
  if (!isOutput && keepsZ && overArrays !== undefined) {
    out.comment(`a = ${activationName(layer.activation)}(z), over the whole array (${overArrays.forward}).`);
    out.line(`${overArrays.forward}(z, a, rows * ${int(layer.units)});`);
  }
}

/** The forward loops: bias + dot per (row, unit), each finished sum handed to store. */
function emitBlockedSums(out: CodeLines, layer: DenseLayer, store: ForwardStore): void {
  const I = layer.inputs;
  const U = layer.units;
  const U4 = U - (U % T);
  const B = layer.biasOffset;
  /** Where unit j's weights start. */
  const wRow = (j: Counter): string => index(layer.weightOffset, scaled(j, I));
  out.line("let r = 0;");
  out.comment("4 rows x 4 units at a time: each loaded weight and input feeds 4 multiply-adds.");
  out.block(`for (; r + ${T} <= rows; r += ${T})`, () => {
    out.line(`const ${rowStarts("in", times("r", I), I)};`);
    out.line(`const ${rowStarts("out", times("r", U), U)};`);
    countedLoop(out, "j", 0, U4, T, (j) => {
      out.line(`const w0 = ${wRow(j)}, w1 = w0 + ${int(I)}, w2 = w1 + ${int(I)}, w3 = w2 + ${int(I)};`);
      out.line(`const ${tile.map((u) => `b${u} = ${read("params", B, j, u)}`).join(", ")};`);
      for (const r of tile) out.line(`let ${tile.map((u) => `s${r}${u} = b${u}`).join(", ")};`);
      countedLoop(out, "i", 0, I, 1, (i) => {
        out.line(`const ${tile.map((r) => `x${r} = ${read("input", `in${r}`, i)}`).join(", ")};`);
        out.line(`const ${tile.map((u) => `v${u} = ${read("params", `w${u}`, i)}`).join(", ")};`);
        for (const r of tile) out.line(tile.map((u) => `s${r}${u} += v${u} * x${r};`).join(" "));
      });
      for (const r of tile) for (const u of tile) store(out, `s${r}${u}`, index(`out${r}`, j, u));
    });
    countedLoop(out, "j", U4, U, 1, (j) => {
      out.line(`const w0 = ${wRow(j)};`);
      out.line(`const b = ${read("params", B, j)};`);
      out.line(`let ${tile.map((r) => `s${r} = b`).join(", ")};`);
      countedLoop(out, "i", 0, I, 1, (i) => {
        out.line(`const v = ${read("params", "w0", i)};`);
        out.line(tile.map((r) => `s${r} += v * ${read("input", `in${r}`, i)};`).join(" "));
      });
      for (const r of tile) store(out, `s${r}`, index(`out${r}`, j));
    });
  });
  out.comment("The last rows (fewer than 4), 4 units at a time.");
  out.block("for (; r < rows; r++)", () => {
    out.line(`const in0 = ${times("r", I)}, out0 = ${times("r", U)};`);
    countedLoop(out, "j", 0, U4, T, (j) => {
      out.line(`const w0 = ${wRow(j)}, w1 = w0 + ${int(I)}, w2 = w1 + ${int(I)}, w3 = w2 + ${int(I)};`);
      out.line(`let ${tile.map((u) => `s${u} = ${read("params", B, j, u)}`).join(", ")};`);
      countedLoop(out, "i", 0, I, 1, (i) => {
        out.line(`const x = ${read("input", "in0", i)};`);
        out.line(tile.map((u) => `s${u} += ${read("params", `w${u}`, i)} * x;`).join(" "));
      });
      for (const u of tile) store(out, `s${u}`, index("out0", j, u));
    });
    countedLoop(out, "j", U4, U, 1, (j) => {
      out.line(`const w0 = ${wRow(j)};`);
      out.line(`let s = ${read("params", B, j)};`);
      countedLine(out, "i", 0, I, (i) => `s += ${read("params", "w0", i)} * ${read("input", "in0", i)};`);
      store(out, "s", index("out0", j));
    });
  });
}

/**
 * Weight and bias gradient of a layer from dz (rows x units) and its input (rows x inputs):
 * dW[j][i] = sum_r dz[r][j] in[r][i], db[j] = sum_r dz[r][j]. Overwrites grad's range.
 */
export function emitBlockedWeightGradient(out: CodeLines, layer: DenseLayer): void {
  const I = layer.inputs;
  const U = layer.units;
  const I4 = I - (I % T);
  const U4 = U - (U % T);
  /** Where dW[j][i] sits in grad. */
  const wAt = (j: Counter, i: Counter): string => index(layer.weightOffset, scaled(j, I), i);
  /** dz[r][j + u] and in[r][i + c]. */
  const dzAt = (j: Counter, u: number): string => read("dz", times("r", U), j, u);
  const inAt = (i: Counter, c: number): string => read("input", times("r", I), i, c);
  /**
   * `const w = ...;` where unit j's row of the 4-input block starts (none when it is a constant),
   * and grad's index of unit j + u, input i + c from there.
   */
  const gradRow = (j: Counter, i: Counter): ((u: number, c: number) => string) => {
    const w = wAt(j, i);
    if (/^\d+$/.test(w)) return (u, c) => index(Number(w), u * I, c);
    out.line(`const w = ${w};`);
    return (u, c) => index("w", u * I, c);
  };
  // Input blocks outside, unit blocks inside: a 4-input column of the batch (rows cache lines) stays
  // in L1 while every unit block reuses it, instead of streaming the whole input once per unit block.
  out.comment("dW[j][i] = sum over rows of dz[r][j] in[r][i]: 4 units x 4 inputs of sums, rows streamed.");
  countedLoop(out, "i", 0, I4, T, (i) => {
    countedLoop(out, "j", 0, U4, T, (j) => {
      for (const u of tile) out.line(`let ${tile.map((c) => `g${u}${c} = 0`).join(", ")};`);
      out.block("for (let r = 0; r < rows; r++)", () => {
        out.line(`const d = ${index(times("r", U), j)}, n = ${index(times("r", I), i)};`);
        out.line(`const ${tile.map((u) => `d${u} = ${read("dz", "d", u)}`).join(", ")};`);
        out.line(`const ${tile.map((c) => `x${c} = ${read("input", "n", c)}`).join(", ")};`);
        for (const u of tile) out.line(tile.map((c) => `g${u}${c} += d${u} * x${c};`).join(" "));
      });
      const at = gradRow(j, i);
      for (const u of tile) out.line(tile.map((c) => `grad[${at(u, c)}] = g${u}${c};`).join(" "));
    });
  });
  countedLoop(out, "j", 0, U4, T, (j) => {
    countedLoop(out, "i", I4, I, 1, (i) => {
      out.line(`let ${tile.map((u) => `g${u} = 0`).join(", ")};`);
      out.block("for (let r = 0; r < rows; r++)", () => {
        out.line(`const x = ${inAt(i, 0)};`);
        out.line(tile.map((u) => `g${u} += ${dzAt(j, u)} * x;`).join(" "));
      });
      const at = gradRow(j, i);
      out.line(tile.map((u) => `grad[${at(u, 0)}] = g${u};`).join(" "));
    });
  });
  countedLoop(out, "j", U4, U, 1, (j) => {
    countedLoop(out, "i", 0, I, 1, (i) => {
      out.line("let g = 0;");
      out.line(`for (let r = 0; r < rows; r++) g += ${dzAt(j, 0)} * ${inAt(i, 0)};`);
      out.line(`${place("grad", wAt(j, i))} = g;`);
    });
  });
  out.comment("db[j] = sum over rows of dz[r][j].");
  countedLoop(out, "j", 0, U, 1, (j) => {
    out.line("let g = 0;");
    out.line(`for (let r = 0; r < rows; r++) g += ${dzAt(j, 0)};`);
    out.line(`${place("grad", layer.biasOffset, j)} = g;`);
  });
}

/**
 * dz of the previous layer: dzPrev[r][i] = f'_{k-1} * sum_j W[j][i] dz[r][j], the activation
 * derivative fused into the store. `input` holds a_{k-1}; `zPrev` z_{k-1} when f' needs it.
 */
export function emitBlockedInputDelta(out: CodeLines, layer: DenseLayer, prev: DenseLayer, prevKeepsZ: boolean): void {
  const I = layer.inputs;
  const U = layer.units;
  const I4 = I - (I % T);
  const act = activationCode(prev.activation);
  // An activation applied over arrays scales the finished sums in one pass after the loops.
  const scaleAfter = prevKeepsZ ? act.overArrays?.scaleByDerivative : undefined;
  const store = (s: string, at: string): void => {
    out.line(`dzPrev[${at}] = ${scaleAfter === undefined ? act.derivative(s, read("input", at), prevKeepsZ ? read("zPrev", at) : null) : s};`);
  };
  /** Where W[j][i] sits in params. */
  const col = (j: Counter, i: Counter): string => index(layer.weightOffset, scaled(j, I), i);
  out.comment(`dz${prev.index}[r][i] = f'(z${prev.index}[r][i]) sum_j W[j][i] dz[r][j]: 4 rows x 4 inputs of sums, units streamed.`);
  out.line("let r = 0;");
  out.block(`for (; r + ${T} <= rows; r += ${T})`, () => {
    out.line(`const ${rowStarts("d", times("r", U), U)};`);
    out.line(`const ${rowStarts("n", times("r", I), I)};`);
    countedLoop(out, "i", 0, I4, T, (i) => {
      for (const r of tile) out.line(`let ${tile.map((c) => `s${r}${c} = 0`).join(", ")};`);
      countedLoop(out, "j", 0, U, 1, (j) => {
        out.line(`const w = ${col(j, i)};`);
        out.line(`const ${tile.map((c) => `v${c} = ${read("params", "w", c)}`).join(", ")};`);
        out.line(`const ${tile.map((r) => `e${r} = ${read("dz", `d${r}`, j)}`).join(", ")};`);
        for (const r of tile) out.line(tile.map((c) => `s${r}${c} += v${c} * e${r};`).join(" "));
      });
      for (const r of tile) for (const c of tile) store(`s${r}${c}`, index(`n${r}`, i, c));
    });
    countedLoop(out, "i", I4, I, 1, (i) => {
      out.line(`let ${tile.map((r) => `s${r} = 0`).join(", ")};`);
      countedLoop(out, "j", 0, U, 1, (j) => {
        out.line(`const v = ${read("params", col(j, i))};`);
        out.line(tile.map((r) => `s${r} += v * ${read("dz", `d${r}`, j)};`).join(" "));
      });
      for (const r of tile) store(`s${r}`, index(`n${r}`, i));
    });
  });
  out.comment("The last rows (fewer than 4), 4 inputs at a time.");
  out.block("for (; r < rows; r++)", () => {
    out.line(`const d0 = ${times("r", U)}, n0 = ${times("r", I)};`);
    countedLoop(out, "i", 0, I4, T, (i) => {
      out.line(`let ${tile.map((c) => `s${c} = 0`).join(", ")};`);
      countedLoop(out, "j", 0, U, 1, (j) => {
        out.line(`const w = ${col(j, i)};`);
        out.line(`const e = ${read("dz", "d0", j)};`);
        out.line(tile.map((c) => `s${c} += ${read("params", "w", c)} * e;`).join(" "));
      });
      for (const c of tile) store(`s${c}`, index("n0", i, c));
    });
    countedLoop(out, "i", I4, I, 1, (i) => {
      out.line("let s = 0;");
      countedLine(out, "j", 0, U, (j) => `s += ${read("params", col(j, i))} * ${read("dz", "d0", j)};`);
      store("s", index("n0", i));
    });
  });
  if (scaleAfter !== undefined) {
    out.comment(`dz${prev.index} *= f'(z${prev.index}), over the whole array (${scaleAfter}).`);
    out.line(`${scaleAfter}(dzPrev, zPrev, rows * ${int(I)});`);
  }
}
