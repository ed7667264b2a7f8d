/** Reading a program from disk and turning the front end's findings into terminal text. */
import { readFileSync, statSync } from "node:fs";
import { analyze, modelNameFromFile } from "../analyze.js";
import type { ModelIR } from "../ir/types.js";
import { renderDiagnostics } from "../report/diagnostics.js";
import { MAX_SOURCE_CHARS } from "../syntax/parse.js";
import { CliError, EXIT_PROGRAM_ERROR, EXIT_USAGE, type Io } from "./io.js";

export interface LoadedProgram {
  readonly source: string;
  readonly ir: ModelIR;
}

export function readSource(file: string): string {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new CliError(`mlpc: ${file} is a directory, not a .mlp program`, EXIT_USAGE);
    size = st.size;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`mlpc: cannot read ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`, EXIT_USAGE);
  }
  if (size > MAX_SOURCE_CHARS * 4) throw new CliError(`mlpc: ${file} is too large for a program (${size} bytes)`, EXIT_PROGRAM_ERROR);
  return readFileSync(file, "utf8").replace(/^\uFEFF/, "");
}

/** Reads and analyzes; prints warnings; throws a CliError with the rendered errors. */
export function loadProgram(file: string, io: Io, options: { maxParams?: number } = {}): LoadedProgram {
  const source = readSource(file);
  const result = analyze(source, { defaultName: modelNameFromFile(file), ...(options.maxParams === undefined ? {} : { maxParams: options.maxParams }) });
  const text = renderDiagnostics(result.diagnostics, file, source, { color: io.color });
  if (result.ir === null) throw new CliError(text.trimEnd(), EXIT_PROGRAM_ERROR);
  if (text !== "") io.stderr(text);
  return { source, ir: result.ir };
}
