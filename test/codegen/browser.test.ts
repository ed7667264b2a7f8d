/**
 * The generated module in a real browser: 784-128-10 compiled plain, with --simd (f64x2) and with
 * --simd --dtype f32, each inlined as a <script type="module"> in headless Chromium. Every one
 * must run (WebAssembly compiled synchronously on the main thread, no imports, no Node globals)
 * and give the numbers Node gives. Skipped where Chromium is not installed, like the report test.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emitJavaScript } from "../../src/codegen/javascript.js";
import { emitModule, type EmitOptions } from "../../src/codegen/module.js";
import { CHROMIUM, dumpDom, hasChromium } from "../report/chromium.js";
import { buildIR } from "../support/ir.js";
import { DEFAULT_EMIT, importJavaScript } from "./load.js";

const available = hasChromium();
if (!available) console.warn(`browser test skipped: ${CHROMIUM} not found (install the Debian package "chromium" to run it)`);

const ir = buildIR({ name: "mnist", inputs: 784, layers: [[128, "relu"], [10, "softmax"]] });
const VARIANTS: Record<string, Partial<EmitOptions>> = { plain: {}, simd64: { simd: true }, simd32: { simd: true, dtype: "f32" } };

/** What each module computes, the same text in the browser and in Node: outputs, then three training steps. */
const PROBE = `
const rows = 5;
const x = Float64Array.from({ length: rows * 784 }, (_, i) => ((i * 7919) % 1013) / 1013);
const y = new Float64Array(rows * 10);
for (let r = 0; r < rows; r++) y[r * 10 + ((r * 3) % 10)] = 1;
const outputs = Array.from(forwardBatch(initParams(1), x, rows));
const state = createTrainState(initParams(1));
const losses = [];
for (let k = 0; k < 3; k++) losses.push(trainStep(state, x, y, rows));
export const probe = { outputs, losses, paramSum: state.params.reduce((s, v) => s + v, 0) };`;

interface Probe {
  readonly outputs: number[];
  readonly losses: number[];
  readonly paramSum: number;
}

function moduleJs(options: Partial<EmitOptions>): string {
  return `${emitJavaScript(emitModule(ir, { ...DEFAULT_EMIT, ...options })).js}\n${PROBE}`;
}

describe.skipIf(!available)("generated modules in headless Chromium", () => {
  it("plain, --simd and --simd --dtype f32 run in the browser and agree with Node", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlpc-browser-"));
    const scripts = Object.entries(VARIANTS).map(
      ([name, options]) =>
        `<script type="module">\n${moduleJs(options)}\ndocument.getElementById(${JSON.stringify(name)}).textContent = JSON.stringify(probe);\n</script>`,
    );
    const html = join(dir, "modules.html");
    writeFileSync(
      html,
      `<!doctype html><html><body>${Object.keys(VARIANTS).map((n) => `<pre id="${n}">not run</pre>`).join("")}` +
        `<pre id="errors"></pre><script>addEventListener("error", (e) => { document.getElementById("errors").textContent += e.message + "\\n"; });</script>` +
        `${scripts.join("\n")}</body></html>`,
    );
    const dom = dumpDom(html);
    expect(/<pre id="errors">([^<]*)<\/pre>/.exec(dom)?.[1]).toBe("");
    for (const [name, options] of Object.entries(VARIANTS)) {
      const text = new RegExp(`<pre id="${name}">([^<]*)</pre>`).exec(dom)?.[1] ?? "";
      expect(text, name).not.toBe("not run");
      const inBrowser = JSON.parse(text) as Probe;
      const { probe: inNode } = await importJavaScript<{ probe: Probe }>(moduleJs(options));
      expect(inBrowser.outputs).toHaveLength(50);
      for (let i = 0; i < 50; i++) expect(inBrowser.outputs[i]).toBeCloseTo(inNode.outputs[i]!, 12);
      for (let k = 0; k < 3; k++) expect(inBrowser.losses[k]).toBeCloseTo(inNode.losses[k]!, 12);
      expect(inBrowser.paramSum).toBeCloseTo(inNode.paramSum, 9);
      expect(inBrowser.losses[2]).toBeLessThan(inBrowser.losses[0]!);
    }
  }, 90_000);
});
