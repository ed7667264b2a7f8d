/**
 * `mlpc export --to ts|js`: an inference-only module with everything a trained model needs baked
 * in (parameters, input scaling, feature and class names) and nothing else: no trainer, no
 * imports, no globals beyond Math. `predict(row)` takes raw feature values, so nobody can forget
 * the scaling.
 *
 * Bit for bit the generated training module's forwardBatch (what `mlpc predict` runs): the scaling
 * is applyStandardizer's `(x - mean) / std`, every unit sums bias first and then w_i x_i in input
 * order (as unrolled.ts and loops.ts do), the activations are activationCode's expressions with
 * helperSource's helpers (fdlibm erf for gelu), and softmax subtracts the row max and sums the
 * exponentials in order. One compact loop serves every layer: the size budget is the weights.
 */
import { activationCode, activationName, helperSource, helpersCalledBy } from "../codegen/activation.js";
import { emitJavaScript } from "../codegen/javascript.js";
import { CodeLines, int, num, safeFileName } from "../codegen/text.js";
import { VERSION } from "../version.js";
import { describeLayers, outputNames, type TrainedModel } from "./model.js";
import { encodeBase64 } from "./base64.js";
import { denseLayers } from "../ir/layers.js";
import { MISSING_MARKER } from "../data/number.js";
import type { PreprocessingPlan } from "../data/preprocess.js";

export type ExportDtype = "f64" | "f32";

export interface ExportOptions {
  /** How the parameters are stored in the module: f64 exactly, or f32 at half the size. */
  readonly dtype: ExportDtype;
  /** The program's file name, for the header. */
  readonly sourceName: string;
}

/** Characters of base64 a line, so the weights do not become one enormous line. */
const BASE64_LINE = 96;

/** A string literal safe anywhere, even inlined in an HTML <script>. */
function str(text: string): string {
  return JSON.stringify(text).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function numberList(values: readonly number[]): string {
  return `[${values.map(num).join(", ")}]`;
}

/** The parameters as little-endian float64 (or float32) bytes in base64, without padding. */
export function encodeParams(params: ArrayLike<number>, dtype: ExportDtype): string {
  const size = dtype === "f64" ? 8 : 4;
  const view = new DataView(new ArrayBuffer(params.length * size));
  for (let i = 0; i < params.length; i++) {
    if (dtype === "f64") view.setFloat64(i * size, params[i]!, true);
    else view.setFloat32(i * size, params[i]!, true);
  }
  return encodeBase64(new Uint8Array(view.buffer));
}

function task(model: TrainedModel): "binary" | "multiclass" | "multilabel" | "regression" {
  if (model.target.kind === "class") return model.ir.outputSize === 1 ? "binary" : "multiclass";
  return model.target.kind;
}

/** The exported module's TypeScript source. Deterministic: the same inputs give the same bytes. */
export function emitInferenceModule(model: TrainedModel, options: ExportOptions): string {
  const { ir, scaling } = model;
  const kind = task(model);
  const N = int(ir.inputSize);
  const names = outputNames(model.target);
  const layers = denseLayers(ir);
  const output = layers[layers.length - 1]!;
  const softmax = output.activation.kind === "softmax";
  const forwards = layers.map((l) => (l === output && softmax ? "z" : activationCode(l.activation).forward("z")));
  const out = new CodeLines();

  const dims = describeLayers(layers.map((l) => ({ inputs: l.inputs, units: l.units, activation: activationName(l.activation) })));
  out.line(`// ${safeFileName(ir.name)} (${dims}, ${ir.paramCount} parameters, ${options.dtype}): inference only, exported by mlpc ${VERSION}`);
  out.line(`// from ${safeFileName(options.sourceName)}; do not edit. predict() takes ${model.preprocessing ? "a raw row by column name and encodes it as training did" : `raw feature values${scaling === null ? "" : " and applies the training scaling"}`}.`);
  out.line("/** The input columns, in the order a number array follows. */");
  out.line(`export const featureNames = [${model.features.map(str).join(", ")}] as const;`);
  out.line(`/** ${kind === "regression" ? "The target columns" : kind === "multilabel" ? "The label columns" : "The class names as in the training CSV"}, in output order. */`);
  out.line(`export const ${kind === "regression" ? "targetNames" : "classNames"} = [${names.map(str).join(", ")}] as const;`);
  if (kind === "regression") out.line("export const classNames = [] as const;");
  out.line("export type FeatureName = (typeof featureNames)[number];");
  if (kind !== "regression") out.line("export type ClassName = (typeof classNames)[number];");
  const plan = model.preprocessing ?? null;
  if (plan === null) {
    out.line("/** Numbers in featureNames order, or an object keyed by feature name. */");
    out.line("export type Row = ArrayLike<number> | { readonly [name in FeatureName]: number };");
  } else {
    out.line("/** The CSV columns a row holds, before encoding. */");
    out.line(`export const columnNames = [${plan.columns.map((c) => str(c.column)).join(", ")}] as const;`);
    out.line("export type ColumnName = (typeof columnNames)[number];");
    out.line(`/** One raw row by column name, as in the CSV: numbers (or their text), category names; empty, NA, ?, NaN, null (any case) or absent is missing; ${plan.otherColumns === undefined ? "other keys (an id, the label) are ignored" : "the training file's other columns (an id, the label) may be present; any other key is an error"}. */`);
    out.line("export type Row = { readonly [name in ColumnName]?: string | number | null };");
  }
  if (kind === "binary" || kind === "multiclass") out.line("export interface Prediction { readonly label: ClassName; readonly index: number; readonly probabilities: number[] }");
  else if (kind === "multilabel") out.line("/** labels: those with probability >= 0.5. */\nexport interface Prediction { readonly labels: ClassName[]; readonly probabilities: number[] }");
  else out.line("export interface Prediction { readonly values: number[] }");
  if (scaling !== null) {
    out.line(`const MEAN = ${numberList(scaling.mean)};`);
    out.line(`const STD = ${numberList(scaling.std)};`);
  }
  out.line("// inputs, units, offset of W (row-major), offset of b");
  out.line(`const LAYERS = [${layers.map((l) => `[${int(l.inputs)}, ${int(l.units)}, ${int(l.weightOffset)}, ${int(l.biasOffset)}]`).join(", ")}] as const;`);
  out.line(`const ACT: readonly ((z: number) => number)[] = [${forwards.map((f) => `(z) => ${f === "z" ? "z" : `(${f})`}`).join(", ")}];`);
  const base64 = encodeParams(model.params, options.dtype);
  const chunks: string[] = [];
  for (let k = 0; k < base64.length; k += BASE64_LINE) chunks.push(str(base64.slice(k, k + BASE64_LINE)));
  const size = options.dtype === "f64" ? 8 : 4;
  out.line(`// little-endian float${size * 8}, base64`);
  // One array of lines, joined once: a chain of + as long as an MNIST-sized model's (11,300 lines)
  // overflowed the stack of TypeScript's declaration emit (--to js).
  out.line(`const PARAMS = decode(${int(ir.paramCount)}, [`);
  out.line(`  ${chunks.join(",\n  ")},`);
  out.line(`].join(""));`);
  for (const h of helpersCalledBy(forwards.join("\n"))) out.append(helperSource(h).split("\n"));
  out.line("function fail(at: string, message: string): never {");
  out.line("  throw new TypeError(`${at}: ${message}`);");
  out.line("}");
  out.line("function decode(count: number, text: string): Float64Array {");
  out.line(`  const bytes = new Uint8Array(count * ${size});`);
  out.line("  let bits = 0, held = 0, k = 0;");
  out.line("  for (const c of text) {");
  out.line('    bits = (bits << 6) | "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".indexOf(c);');
  out.line("    held += 6;");
  out.line("    if (held >= 8) bytes[k++] = (bits >> (held -= 8)) & 255;");
  out.line("  }");
  out.line("  const view = new DataView(bytes.buffer);");
  out.line(`  return Float64Array.from({ length: count }, (_, i) => view.getFloat${size * 8}(i * ${size}, true));`);
  out.line("}");
  if (plan !== null) emitPlanInput(out, plan, N);
  else {
  out.line("function input(row: Row, at: string): Float64Array {");
  out.line('  if (typeof row !== "object" || row === null) fail(at, `expected an array or an object, got ${String(row)}`);');
  out.line("  const list = Array.isArray(row) || ArrayBuffer.isView(row);");
  out.line("  const values = row as ArrayLike<unknown> & Readonly<Record<string, unknown>>;");
  out.line(`  if (list && values.length !== ${N}) fail(at, \`expected ${N} numbers (\${featureNames.join(", ")}), got \${values.length}\`);`);
  out.line("  if (!list) for (const key of Object.keys(values)) if (!(featureNames as readonly string[]).includes(key)) fail(at, `unknown feature ${JSON.stringify(key)}`);");
  out.line(`  const x = new Float64Array(${N});`);
  out.line(`  for (let i = 0; i < ${N}; i++) {`);
  out.line("    const name = featureNames[i]!;");
  out.line("    const v = list ? values[i] : values[name];");
  out.line("    if (v === undefined) fail(at, `missing feature ${JSON.stringify(name)}`);");
  out.line('    if (typeof v !== "number" || !Number.isFinite(v)) fail(at, `${JSON.stringify(name)} must be a finite number, got ${String(v)}`);');
  out.line(`    x[i] = ${scaling === null ? "v" : "(v - MEAN[i]!) / STD[i]!"};`);
  out.line("  }");
  out.line("  return x;");
  out.line("}");
  }
  out.line("// Sums bias first, then w_i x_i in input order, as the training module does (same numbers).");
  out.line("function outputs(x: Float64Array): number[] {");
  out.line("  let a = x;");
  out.line("  LAYERS.forEach(([inputs, units, w, b], k) => {");
  out.line("    const next = new Float64Array(units);");
  out.line("    for (let j = 0; j < units; j++) {");
  out.line("      let s = PARAMS[b + j]!;");
  out.line("      for (let i = 0, o = w + j * inputs; i < inputs; i++) s += PARAMS[o + i]! * a[i]!;");
  out.line("      next[j] = ACT[k]!(s);");
  out.line("    }");
  out.line("    a = next;");
  out.line("  });");
  if (softmax) {
    out.line("  const max = Math.max(...a);");
    out.line("  const e = Array.from(a, (z) => Math.exp(z - max));");
    out.line("  let sum = 0;");
    out.line("  for (const v of e) sum += v;");
    out.line("  return e.map((v) => v / sum);");
  } else {
    out.line("  return Array.from(a);");
  }
  out.line("}");
  out.line("function predictRow(row: Row, at: string): Prediction {");
  out.line("  const p = outputs(input(row, at));");
  if (kind === "binary") {
    out.line(`  // one sigmoid: p of ${str(names[1]!)}, chosen from 0.5 up as mlpc predict does`);
    out.line("  const index = p[0]! >= 0.5 ? 1 : 0;");
    out.line("  return { label: classNames[index]!, index, probabilities: [1 - p[0]!, p[0]!] };");
  } else if (kind === "multiclass") {
    out.line("  let index = 0;");
    out.line("  for (let j = 1; j < p.length; j++) if (p[j]! > p[index]!) index = j;");
    out.line("  return { label: classNames[index]!, index, probabilities: p };");
  } else if (kind === "multilabel") {
    out.line("  return { labels: classNames.filter((_, j) => p[j]! >= 0.5), probabilities: p };");
  } else {
    out.line("  return { values: p };");
  }
  out.line("}");
  out.line("/** One row of raw feature values; throws a TypeError saying what is wrong with a bad row. */");
  out.line("export function predict(row: Row): Prediction {");
  out.line('  return predictRow(row, "predict");');
  out.line("}");
  out.line("/** Every row; an error names the row. */");
  out.line("export function predictBatch(rows: readonly Row[]): Prediction[] {");
  out.line("  return rows.map((row, r) => predictRow(row, `predictBatch: row ${r}`));");
  out.line("}");
  return out.toString() + "\n";
}

/**
 * input(row) for a preprocessing plan: each column as training encoded it (applyPlan in
 * src/data/preprocess.ts): numbers imputed then (x - offset) / scale, categories one-hot over
 * the training levels; text numbers read as strictly as the CSV reader does.
 */
function emitPlanInput(out: CodeLines, plan: PreprocessingPlan, N: string): void {
  const steps = plan.columns.map((c) =>
    c.kind === "numeric"
      ? `{ kind: "numeric", fill: ${c.fill === null ? "null" : num(c.fill)}, offset: ${num(c.offset)}, scale: ${num(c.scale)} }`
      : `{ kind: "categorical", fill: ${c.fill === null ? "null" : str(c.fill)}, levels: [${c.levels.map(str).join(", ")}] }`,
  );
  out.line("type Step = { readonly kind: \"numeric\"; readonly fill: number | null; readonly offset: number; readonly scale: number } | { readonly kind: \"categorical\"; readonly fill: string | null; readonly levels: readonly string[] };");
  out.line("/** Per column, the encoding fitted on the training rows. */");
  out.line(`const STEPS: readonly Step[] = [\n  ${steps.join(",\n  ")},\n];`);
  out.line(`/** A category not seen in training: ${plan.unknown === "ignore" ? "all zeros" : "an error"}. */`);
  out.line(`const IGNORE_UNKNOWN = ${plan.unknown === "ignore"};`);
  out.line("const DECIMAL = /^[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?$/;");
  out.line("/** Texts read as a missing value, like an empty field (as the CSV reader does). */");
  out.line(`const MISSING = /${MISSING_MARKER.source}/i;`);
  if (plan.otherColumns !== undefined) {
    out.line("/** The training file's other columns (the label, an id): keys a row may hold that the model does not read. */");
    out.line(`const OTHER_COLUMNS: readonly string[] = [${plan.otherColumns.map(str).join(", ")}];`);
  }
  out.line("function input(row: Row, at: string): Float64Array {");
  out.line('  if (typeof row !== "object" || row === null || Array.isArray(row)) fail(at, `expected an object keyed by column name, got ${String(row)}`);');
  out.line("  const values = row as Readonly<Record<string, unknown>>;");
  if (plan.otherColumns !== undefined) {
    // A misspelt column name would otherwise read as a missing value, silently imputed.
    out.line("  for (const key of Object.keys(values)) {");
    out.line("    if ((columnNames as readonly string[]).includes(key) || OTHER_COLUMNS.includes(key)) continue;");
    out.line("    const near = columnNames.find((c) => c.toLowerCase() === key.trim().toLowerCase());");
    out.line('    fail(at, `there is no column ${JSON.stringify(key)}${near === undefined ? "" : `; did you mean ${JSON.stringify(near)}?`} (columns: ${[...columnNames, ...OTHER_COLUMNS].join(", ")})`);');
    out.line("  }");
  }
  out.line(`  const x = new Float64Array(${N});`);
  out.line("  let o = 0;");
  out.line("  STEPS.forEach((step, i) => {");
  out.line("    const name = columnNames[i]!;");
  out.line("    const v = values[name];");
  out.line('    if (v !== undefined && v !== null && typeof v !== "string" && typeof v !== "number") fail(at, `${JSON.stringify(name)} must be a string or a number, got ${String(v)}`);');
  out.line('    const text = typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : "";');
  out.line('    const missing = typeof v !== "number" && (text === "" || MISSING.test(text));');
  out.line('    if (step.kind === "numeric") {');
  out.line('      let n = typeof v === "number" ? v : DECIMAL.test(text) ? Number(text) : NaN;');
  out.line("      if (missing) {");
  out.line("        if (step.fill === null) fail(at, `missing value for ${JSON.stringify(name)} (the model was trained without imputation)`);");
  out.line("        n = step.fill;");
  out.line("      }");
  out.line("      if (!Number.isFinite(n)) fail(at, `${JSON.stringify(name)} must be a finite number, got ${JSON.stringify(v)}`);");
  out.line("      x[o++] = (n - step.offset) / step.scale;");
  out.line("      return;");
  out.line("    }");
  out.line("    const level = missing ? step.fill : text;");
  out.line("    if (level === null) fail(at, `missing value for ${JSON.stringify(name)} (the model was trained without imputation)`);");
  out.line("    const k = step.levels.indexOf(level);");
  out.line("    if (k < 0 && !IGNORE_UNKNOWN) fail(at, `unknown category ${JSON.stringify(level)} for ${JSON.stringify(name)}: known are ${step.levels.join(\", \")}`);");
  out.line("    if (k >= 0) x[o + k] = 1;");
  out.line("    o += step.levels.length;");
  out.line("  });");
  out.line("  return x;");
  out.line("}");
}

/** The same module as ESM JavaScript plus its declarations. */
export function emitInferenceJavaScript(model: TrainedModel, options: ExportOptions): { js: string; dts: string } {
  return emitJavaScript(emitInferenceModule(model, options));
}
