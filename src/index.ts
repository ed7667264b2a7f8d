/** mlpc as a library: `import { analyze, parse, lower, check } from "mlpc"`. */
export { analyze, modelNameFromFile, type AnalyzeOptions, type AnalyzeResult } from "./analyze.js";
export { parse, type ParseResult } from "./syntax/parse.js";
export { lower, type LowerResult } from "./ir/lower.js";
export { check } from "./check/check.js";
export type { CheckOptions } from "./check/context.js";
export type { Diagnostic, Severity } from "./syntax/diagnostic.js";
export { hasErrors, lineColOf } from "./syntax/diagnostic.js";
export type * from "./ir/types.js";
export type * from "./syntax/ast.js";
export { renderDiagnostic, renderDiagnostics } from "./report/diagnostics.js";
export { summarize, renderSummary, type ModelSummary } from "./report/summary.js";
export { compile, emitIR, emitJavaScript, emitRunnableJavaScript, printIR, simdLayerNames, type CompileOptions, type CompileResult, type Dtype, type UnrollMode } from "./compile.js";
export { emitInferenceModule, type ExportDtype, type ExportOptions } from "./export/module.js";
export type { ExportTarget, TrainedModel } from "./export/model.js";
export type { Standardizer } from "./data/scale.js";
export { denseLayers, dropoutLayers, outputLayer } from "./ir/layers.js";
// The search (worker threads, files) is Node-only: it lives at "mlpc/sweep" (src/sweep/index.ts),
// so this entry stays importable in browsers.
export { planSpace, renderSpaceSummary, type SpaceSummary } from "./sweep/plan.js";
export { parseSpace } from "./syntax/parse.js";
