import { describe, expect, it } from "vitest";
import { analyze, renderDiagnostics, renderSummary, summarize } from "../../src/index.js";

describe("smoke", () => {
  it("design card", () => {
    const src = "input 6 -> dense 7 relu -> dense 4 relu -> dense 1 sigmoid; adamw lr=1e-3 warmup=100";
    const r = analyze(src);
    console.log(renderDiagnostics(r.diagnostics, "x.mlp", src));
    expect(r.ir?.paramCount).toBe(86);
    console.log(renderSummary(summarize(r.ir!)));
  });
  it("errors", () => {
    const src = "input 6 -> dense 7 rleu -> dense 4 relu -> dense 1 sigmoid\nadamw lr=-1e-3 warmpu=100\nloss ce\ntrain batch=0\n";
    const r = analyze(src);
    console.log(renderDiagnostics(r.diagnostics, "x.mlp", src));
    const s2 = "input 6 -> dense 7 relu (\nadam lr=1\ndense 3 ->\n";
    console.log(renderDiagnostics(analyze(s2).diagnostics, "y.mlp", s2));
  });
});
