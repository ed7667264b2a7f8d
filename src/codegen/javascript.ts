/**
 * JavaScript output: the module as plain ESM JavaScript plus its declarations
 * (`mlpc compile -o net.js`), through ts-morph's bundled TypeScript.
 */
import { ts } from "ts-morph";

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
 * Runnable in Node 20 without TypeScript. Both are single-file transforms: the module annotates
 * every export, so declarations need no type checker (isolatedDeclarations).
 */
export function emitJavaScript(tsSource: string): { js: string; dts: string } {
  const js = ts.transpileModule(tsSource, { compilerOptions: JS_OPTIONS, fileName: "module.ts" });
  const dts = ts.transpileDeclaration(tsSource, { compilerOptions: JS_OPTIONS, fileName: "module.ts", reportDiagnostics: true });
  throwOnErrors([...(js.diagnostics ?? []), ...(dts.diagnostics ?? [])]);
  return { js: js.outputText, dts: dts.outputText };
}

/**
 * The JavaScript alone, for code that runs the module instead of writing it (mlpc train, the
 * playground): the declarations would cost as much again and nobody reads them there.
 */
export function emitRunnableJavaScript(tsSource: string): string {
  const js = ts.transpileModule(tsSource, { compilerOptions: { ...JS_OPTIONS, declaration: false, isolatedDeclarations: false }, fileName: "module.ts", reportDiagnostics: true });
  throwOnErrors(js.diagnostics ?? []);
  return js.outputText;
}

function throwOnErrors(diagnostics: readonly ts.Diagnostic[]): void {
  const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length === 0) return;
  const text = errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("\n");
  throw new Error(`mlpc codegen: cannot emit JavaScript:\n${text}`);
}
