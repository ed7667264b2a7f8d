/** Trained weights for the export tests, a strict type check, and CSV reading of `mlpc predict` output. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { expect } from "vitest";
import { runCli } from "../support/cli.js";
import { STRICTEST_FLAGS } from "../codegen/load.js";

export const root = join(import.meta.dirname, "../..");
export const example = (name: string): string => join(root, "examples", name);
export const data = (name: string): string => join(root, "examples/data", name);

export interface Case {
  readonly program: string;
  readonly csv: string;
  /** Extra `mlpc train` flags (label columns, fewer epochs). */
  readonly train: readonly string[];
}

/** One per task, each on a bundled dataset; few epochs: the numbers only have to be trained ones. */
export const CASES: Readonly<Record<string, Case>> = {
  multiclass: { program: "iris.mlp", csv: "iris.csv", train: ["--standardize", "--epochs", "30"] },
  binary: { program: "breast_cancer.mlp", csv: "breast_cancer.csv", train: ["--standardize", "--epochs", "5"] },
  multilabel: { program: "multilabel.mlp", csv: "multilabel.csv", train: ["--labels", "y0,y1,y2", "--epochs", "5"] },
  regression: { program: "regression.mlp", csv: "regression.csv", train: ["--target", "y", "--epochs", "5"] },
  gelu: { program: "digits.mlp", csv: "digits.csv", train: ["--epochs", "1"] },
};

export async function cli(args: readonly string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(args, { cwd });
}

/** Trains a case into `dir/NAME.weights.json`; returns the weights path. */
export async function trainCase(name: string, dir: string): Promise<string> {
  const c = CASES[name]!;
  const weights = join(dir, `${name}.weights.json`);
  const r = await cli(["train", example(c.program), "--data", data(c.csv), ...c.train, "--quiet", "-o", weights], dir);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return weights;
}

/** The first `width` columns of each data row of a CSV as numbers (no quoted fields in the bundled data). */
export function numericRows(file: string, width: number): number[][] {
  return readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(",").slice(0, width).map(Number));
}

/** `mlpc predict` CSV: header and the rows split into fields. */
export function predictions(text: string): { header: string[]; rows: string[][] } {
  const [head, ...lines] = text.trim().split("\n");
  return { header: head!.split(","), rows: lines.map((l) => l.split(",")) };
}

/** Type errors of one source under the strictest flags a user might set, lib ES2022 only. */
export function strictErrors(source: string): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    ...STRICTEST_FLAGS,
    noImplicitReturns: true,
    isolatedDeclarations: true,
    declaration: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    lib: ["lib.es2022.d.ts"],
    types: [],
  };
  const name = "/virtual/exported.ts";
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (f) => f === name || ts.sys.fileExists(f);
  host.getSourceFile = (f, lang, ...rest) => (f === name ? ts.createSourceFile(f, source, lang, true) : getSourceFile(f, lang, ...rest));
  const program = ts.createProgram([name], options, host);
  const file = program.getSourceFile(name);
  return [...ts.getPreEmitDiagnostics(program, file), ...program.getDeclarationDiagnostics(file)].map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}
