/**
 * Opens the report in headless Chromium and checks the screenshot is a real page (a PNG of the
 * requested size with many colours: charts, cards, tables), not a blank or an error page.
 * Skipped with a message where Chromium is not installed (apt-get install chromium).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderReport } from "../../src/report/html.js";
import { CHROMIUM, hasChromium, screenshot } from "./chromium.js";
import { sampleReport } from "./sample.js";

const available = hasChromium();
if (!available) console.warn(`report render test skipped: ${CHROMIUM} not found (install the Debian package "chromium" to run it)`);

/** Width, height and a rough count of distinct colours from a PNG's header and raw bytes. */
function pngInfo(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe.skipIf(!available)("report in headless Chromium", () => {
  it("renders to a full-size screenshot", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlpc-report-"));
    const html = join(dir, "report.html");
    writeFileSync(html, renderReport(sampleReport()));
    const png = readFileSync(screenshot(html, join(dir, "report.png"), [1200, 2400]));
    expect(pngInfo(png)).toEqual({ width: 1200, height: 2400 });
    // A blank page compresses to a few KB; charts, text and tables do not.
    expect(png.length).toBeGreaterThan(60_000);
    if (process.env.MLPC_KEEP_SCREENSHOT) console.log(`screenshot: ${join(dir, "report.png")}`);
  }, 90_000);
});
