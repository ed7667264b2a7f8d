/**
 * The exported JavaScript module in headless Chromium gives the predictions Node gives: the same
 * classes, probabilities equal to ~1e-15 (Chromium's V8 may round Math.exp differently from
 * Node's in the last bit). Skipped where Chromium is not installed, like the other browser tests.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importJavaScript } from "../codegen/load.js";
import { CHROMIUM, dumpDom, hasChromium } from "../report/chromium.js";
import { CASES, cli, data, example, numericRows, trainCase } from "./support.js";

interface Prediction {
  readonly label: string;
  readonly probabilities: number[];
}

const available = hasChromium();
if (!available) console.warn(`export browser test skipped: ${CHROMIUM} not found (install the Debian package "chromium" to run it)`);

describe.skipIf(!available)("the exported module in headless Chromium", () => {
  it("predicts what Node predicts (gelu digits and standardized iris)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlpc-export-browser-"));
    const names = ["multiclass", "gelu"];
    const scripts: string[] = [];
    const inNode: Record<string, Prediction[]> = {};
    for (const name of names) {
      const weights = await trainCase(name, dir);
      const out = join(dir, `${name}.js`);
      expect((await cli(["export", example(CASES[name]!.program), "--weights", weights, "--to", "js", "-o", out], dir)).code).toBe(0);
      const rows = numericRows(data(CASES[name]!.csv), name === "gelu" ? 64 : 4).slice(0, 40);
      const probe = `\nexport const probe = predictBatch(${JSON.stringify(rows)});`;
      const js = readFileSync(out, "utf8") + probe;
      inNode[name] = (await importJavaScript<{ probe: Prediction[] }>(js)).probe;
      scripts.push(`<script type="module">\n${js}\ndocument.getElementById(${JSON.stringify(name)}).textContent = JSON.stringify(probe);\n</script>`);
    }
    const html = join(dir, "exported.html");
    writeFileSync(
      html,
      `<!doctype html><html><body>${names.map((n) => `<pre id="${n}">not run</pre>`).join("")}<pre id="errors"></pre>` +
        `<script>addEventListener("error", (e) => { document.getElementById("errors").textContent += e.message + "\\n"; });</script>${scripts.join("\n")}</body></html>`,
    );
    const dom = dumpDom(html);
    expect(/<pre id="errors">([^<]*)<\/pre>/.exec(dom)?.[1]).toBe("");
    for (const name of names) {
      const text = new RegExp(`<pre id="${name}">([^<]*)</pre>`).exec(dom)?.[1] ?? "";
      const browser = JSON.parse(text.replace(/&quot;/g, '"').replace(/&amp;/g, "&")) as Prediction[];
      const node = inNode[name]!;
      expect(browser.map((p) => p.label), name).toEqual(node.map((p) => p.label));
      for (let r = 0; r < node.length; r++) {
        for (let j = 0; j < node[r]!.probabilities.length; j++) expect(Math.abs(browser[r]!.probabilities[j]! - node[r]!.probabilities[j]!)).toBeLessThan(1e-14);
      }
    }
  }, 120_000);
});
