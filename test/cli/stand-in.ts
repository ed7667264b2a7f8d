/**
 * Until src/codegen/module.ts lands, `compile.js` is replaced in CLI tests by the training tests'
 * stand-in network (issue 3's contract in plain loops) plus the real training section. Once the
 * real emitter exists the original module is used and this file changes nothing.
 */
import { existsSync } from "node:fs";

export const realEmitterExists = existsSync(new URL("../../src/codegen/module.ts", import.meta.url));

export async function standInCompile(): Promise<Record<string, unknown>> {
  const ts = (await import("typescript")).default;
  const support = await import("../training/support.js");
  const { emitTrainingSection } = await import("../../src/codegen/training.js");
  const { analyze } = await import("../../src/analyze.js");
  const emitIR = (ir: Parameters<typeof support.standInNetwork>[0]): string => `${support.standInNetwork(ir)}\n${emitTrainingSection(ir, { dtype: "f64" })}`;
  return {
    emitIR,
    compile: (source: string, options: { defaultName?: string } = {}) => {
      const { ir, diagnostics } = analyze(source, options);
      return { ir, diagnostics, typescript: ir === null ? null : emitIR(ir) };
    },
    emitJavaScript: (source: string) => ({
      js: ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText,
      dts: "",
    }),
  };
}
