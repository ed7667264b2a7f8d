/**
 * The training section type-checks alone under the strictest settings a user might have
 * (strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes), lib ES2022 only (no DOM, no
 * Node types: the module must run in both), for every optimizer, loss and dtype.
 */
import { describe, expect, test } from "vitest";
import ts from "typescript";
import { printValue, specValue } from "../../src/codegen/spec.js";
import { emitTrainingSection } from "../../src/codegen/training.js";
import { weighsRows } from "../../src/codegen/loss.js";
import type { ModelIR } from "../../src/ir/types.js";
import { makeIR } from "./support.js";
import { CASE_OPTIMIZERS } from "./cases.js";

/** What the training section needs from the rest of the module: spec, and the rest as declarations. */
function header(ir: ModelIR, dtype: "f64" | "f32"): string {
  const array = dtype === "f32" ? "Float32Array" : "Float64Array";
  return `const spec = ${printValue(specValue(ir, dtype))} as const;
declare function lossOf(params: ${array}, x: Float64Array, y: Float64Array, rows: number, out: Float64Array): number;
declare function forward(params: ${array}, x: ArrayLike<number>, out?: Float64Array): Float64Array;
declare function forwardBatch(params: ${array}, x: ArrayLike<number>, rows: number, out?: Float64Array): Float64Array;
declare function lossAndGradient(params: ${array}, x: ArrayLike<number>, y: ArrayLike<number>, rows: number, grad: ${array}${weighsRows(ir) ? ", rowWeight?: ArrayLike<number>" : ""}): number;
declare function lastBatchOutputs(rows: number, out: Float64Array): void;
`;
}

/** Type errors of each source (all checked in one program: the libs are loaded once). */
function typeErrors(sources: readonly string[]): string[][] {
  const names = sources.map((_, i) => `/virtual/generated${i}.ts`);
  const byName = new Map(names.map((n, i) => [n, sources[i]!]));
  const options: ts.CompilerOptions = {
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noImplicitOverride: true,
    noImplicitReturns: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    lib: ["lib.es2022.d.ts"],
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => byName.get(f) ?? readFile(f);
  host.fileExists = (f) => byName.has(f) || ts.sys.fileExists(f);
  host.getSourceFile = (f, lang, ...rest) => {
    const text = byName.get(f);
    return text !== undefined ? ts.createSourceFile(f, text, lang) : getSourceFile(f, lang, ...rest);
  };
  const program = ts.createProgram(names, options, host);
  return names.map((name) =>
    ts.getPreEmitDiagnostics(program, program.getSourceFile(name)).map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
      const line = where === null ? "" : `${where.line + 1}: ${byName.get(name)!.split("\n")[where.line]?.trim()}\n  `;
      return line + ts.flattenDiagnosticMessageText(d.messageText, "\n");
    }),
  );
}

function irs(): [string, ModelIR, "f64" | "f32"][] {
  const out: [string, ModelIR, "f64" | "f32"][] = [];
  const losses = [
    ["mse", { kind: "linear" }, 1],
    ["bce", { kind: "sigmoid" }, 1],
    ["multilabel_bce", { kind: "sigmoid" }, 3],
    ["softmax_ce", { kind: "softmax" }, 3],
  ] as const;
  for (const [name, optimizer] of Object.entries(CASE_OPTIMIZERS)) {
    for (const [loss, activation, units] of losses) {
      const clip = loss === "bce" ? 1 : null;
      out.push([
        `${name} ${loss}${clip === null ? "" : " clip"}`,
        makeIR({
          inputSize: 3,
          layers: [{ units: 4, activation: { kind: "relu" } }, { units, activation }],
          loss,
          optimizer: { ...optimizer, clip },
          schedule: { warmup: 2, decay: { kind: "cosine", tMax: 10, etaMin: 0, restart: { t0: 3, tMult: 2 } } },
        }),
        loss === "softmax_ce" ? "f32" : "f64",
      ]);
    }
  }
  return out;
}

describe("the training section type-checks strictly on its own", () => {
  const cases = irs();
  const errors = typeErrors(cases.map(([, ir, dtype]) => header(ir, dtype) + emitTrainingSection(ir, { dtype })));
  test.each(cases.map(([name], i) => [name, i] as const))("%s", (_name, i) => {
    expect(errors[i]).toEqual([]);
  });
});
