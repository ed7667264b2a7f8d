import { describe, expect, it } from "vitest";
import { escapeHtml } from "../../src/report/escape.js";
import { renderReport } from "../../src/report/html.js";
import { lineChart, logTicks, niceTicks } from "../../src/report/svg.js";
import { HOSTILE, sampleReport } from "./sample.js";

describe("escaping", () => {
  it("escapes the five HTML specials", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("no user string reaches the page unescaped", () => {
    const html = renderReport(sampleReport({ className: HOSTILE }));
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain("<script");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;");
  });
});

describe("the report page", () => {
  const html = renderReport(sampleReport());

  it("is self-contained: no external stylesheet, script, image or font", () => {
    expect(html).not.toMatch(/<(script|link|img|iframe)\b/i);
    expect(html).not.toMatch(/url\(/i);
    // The only URL is the SVG namespace, which browsers never fetch.
    expect(html.match(/https?:\/\/[^"]+/g)?.every((u) => u === "http://www.w3.org/2000/svg")).toBe(true);
  });

  it("has the loss, accuracy, learning-rate and gradient charts, the tables and the program", () => {
    for (const title of ["Loss per epoch", "Accuracy per epoch", "Learning-rate schedule", "Gradient norm per layer"]) expect(html).toContain(title);
    expect(html.match(/<svg class="chart"/g)?.length).toBe(4);
    expect(html).toContain("validation accuracy");
    expect(html).toContain("true ↓ / predicted →");
    expect(html).toContain("dead ReLU units");
    expect(html).toContain("input 4 -&gt; dense 16 relu -&gt; dense 3 softmax");
    expect(html).toContain("Stopped early at epoch 60");
  });
});

describe("SVG charts", () => {
  it("picks round ticks", () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.03, 1.17)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(logTicks(0.003, 2)).toEqual([0.001, 0.01, 0.1, 1, 10]);
  });

  it("draws one polyline per series and breaks the line at non-finite values", () => {
    const svg = lineChart(
      [
        { label: "a", values: [1, 2, NaN, 4], color: "#000" },
        { label: "b", values: [2, 2, 2, 2], color: "#f00", dashed: true },
      ],
      { title: "t", xLabel: "Epoch", yLabel: "y" },
    );
    expect(svg.match(/<polyline/g)?.length).toBe(3);
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(svg).toContain("<title>a at epoch 4: 4</title>");
  });

  it("says so when there is nothing to draw", () => {
    expect(lineChart([{ label: "a", values: [NaN], color: "#000" }], { title: "t", xLabel: "x", yLabel: "y" })).toContain("no data");
  });
});
