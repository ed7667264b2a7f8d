/**
 * The compiler in a worker, so typing never waits for it: mlpc's own analyze, renderDiagnostics,
 * summarize/renderSummary, compile and emitRunnableJavaScript (ts-morph's TypeScript, the only copy in the
 * site). Answers the newest request only, in three steps: analysis (fast), the module, then the
 * probe modules the pictures use.
 */
import { analyze, denseLayers, emitInferenceModule, emitIR, emitRunnableJavaScript, lineColOf, renderDiagnostics, renderSummary, summarize, type Activation, type ModelIR } from "../../src/index.js";
import type { CompilerReply, CompilerRequest, LayerView, ModelView } from "./protocol.js";

const FILE = "playground.mlp";
/** ms from the worker's start until its code (the compiler and TypeScript) is loaded and run. */
const startupMs = performance.now();
let latest: Extract<CompilerRequest, { kind: "compile" }> | null = null;
let scheduled = false;
const activationCache = new Map<string, string | null>();

self.onmessage = (event: MessageEvent<CompilerRequest>) => {
  if (event.data.kind === "export") return exportModule(event.data);
  latest = event.data;
  if (!scheduled) {
    scheduled = true;
    setTimeout(run, 0);
  }
};

function post(reply: CompilerReply): void {
  self.postMessage(reply);
}

/** True when a newer request came in while this one was being worked on. */
function stale(id: number): boolean {
  return latest !== null && latest.id !== id;
}

async function run(): Promise<void> {
  scheduled = false;
  const request = latest;
  if (request === null) return;
  latest = null;
  try {
    await compileRequest(request);
  } catch (error) {
    post({ kind: "failed", id: request.id, message: error instanceof Error ? error.message : String(error) });
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

function exportModule(request: Extract<CompilerRequest, { kind: "export" }>): void {
  const { ir } = analyze(request.source, { defaultName: "playground" });
  if (ir === null) return post({ kind: "failed", id: request.id, message: "the program has errors: nothing to export" });
  const target =
    request.classes === null
      ? ({ kind: "regression", columns: ["y"] } as const)
      : ({ kind: "class", classCount: request.classes, classNames: null } as const);
  const scaling = request.scaling === null ? null : { kind: "standardize" as const, features: request.features, mean: request.scaling.mean, std: request.scaling.std };
  try {
    const typescript = emitInferenceModule({ ir, params: request.params, features: request.features, target, scaling }, { dtype: "f64", sourceName: FILE });
    post({ kind: "exported", id: request.id, typescript });
  } catch (error) {
    post({ kind: "failed", id: request.id, message: error instanceof Error ? error.message : String(error) });
  }
}

async function compileRequest({ id, source }: Extract<CompilerRequest, { kind: "compile" }>): Promise<void> {
  const t0 = performance.now();
  const { ir, diagnostics } = analyze(source, { defaultName: "playground" });
  post({
    kind: "analysis",
    id,
    diagnostics: diagnostics.map((d) => ({ code: d.code, severity: d.severity, message: d.message, start: d.span.start, end: d.span.end, ...lineColOf(source, d.span.start) })),
    diagnosticsText: renderDiagnostics(diagnostics, FILE, source),
    summary: ir === null ? null : renderSummary(summarize(ir)),
    model: ir === null ? null : modelView(ir),
    ms: performance.now() - t0,
  });
  if (ir === null) return;
  await nextTurn();
  if (stale(id)) return;
  const t1 = performance.now();
  const typescript = emitIR(ir, { sourceName: FILE });
  post({ kind: "code", id, typescript, ms: performance.now() - t1, startupMs });
  await nextTurn();
  if (stale(id)) return;
  const t2 = performance.now();
  post({ kind: "module", id, main: { js: emitRunnableJavaScript(typescript), paramCount: ir.paramCount }, ms: performance.now() - t2 });
  await nextTurn();
  if (stale(id)) return;
  const prefixes = [];
  for (let k = 0; k < denseLayers(ir).length - 1; k++) {
    const cut = prefixModule(ir, k);
    if (cut === null) break;
    prefixes.push(cut);
    await nextTurn();
    if (stale(id)) return;
  }
  const activations = [...new Set(denseLayers(ir).map((l) => activationText(l.activation)))].map((activation) => ({ activation, js: activationProbe(activation) }));
  post({ kind: "probes", id, prefixes, activations });
}

function activationText(a: Activation): string {
  return a.kind === "leaky_relu" ? `leaky_relu(alpha=${a.alpha})` : a.kind;
}

/** The dense layers (dropout is the identity outside training, so the pictures skip it). */
function modelView(ir: ModelIR): ModelView {
  const layers: LayerView[] = denseLayers(ir).map((l) => ({
    name: l.name,
    units: l.units,
    activation: activationText(l.activation),
    paramCount: l.paramCount,
    start: l.span.start,
    end: l.span.end,
  }));
  return {
    inputSize: ir.inputSize,
    outputSize: ir.outputSize,
    paramCount: ir.paramCount,
    loss: ir.loss.kind,
    layers,
    batch: ir.training.batch,
    epochs: ir.training.epochs,
    seed: ir.training.seed,
  };
}

/**
 * The network cut after layer k, as a program of its own: its parameters are the first ones of
 * the whole network (the layout is layer by layer), so its forwardBatch shows layer k's activations.
 */
function prefixModule(ir: ModelIR, k: number): { js: string; paramCount: number } | null {
  const dense = denseLayers(ir);
  const chain = dense.slice(0, k + 1).map((l) => `dense ${l.units} ${activationText(l.activation)}`);
  const program = `input ${ir.inputSize} -> ${chain.join(" -> ")}\nloss mse`;
  const cut = analyze(program, { defaultName: `${ir.name}_to_${dense[k]!.name}` });
  if (cut.ir === null) return null;
  return { js: emitRunnableJavaScript(emitIR(cut.ir, { unroll: "none" })), paramCount: cut.ir.paramCount };
}

/**
 * One unit with weight 1 and bias 0 and mse loss: forward gives f(z); with y = f(z) - 1/2, dJ/db =
 * 2 (f(z) - y) f'(z) = f'(z). Null when the activation cannot end a one-unit network (softmax).
 */
function activationProbe(activation: string): string | null {
  if (activationCache.has(activation)) return activationCache.get(activation)!;
  const probe = analyze(`input 1 -> dense 1 ${activation}\nloss mse`, { defaultName: "probe" });
  const js = probe.ir === null ? null : emitRunnableJavaScript(emitIR(probe.ir, { unroll: "none" }));
  activationCache.set(activation, js);
  return js;
}
