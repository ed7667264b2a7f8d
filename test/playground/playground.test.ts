/**
 * The playground in a real browser: builds playground/dist, serves it on 127.0.0.1 and drives
 * headless Chromium (/usr/bin/chromium, never a downloaded one) through the lecture: a typo and its
 * diagnostic, the fix and its 17 parameters, XOR trained to 100 %, spirals with a deeper network.
 * Waits poll the page (no fixed sleeps), generously: the machine may be loaded.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyze, compile, renderDiagnostics } from "../../src/index.js";
import { CHROMIUM, hasChromium, headlessFlags } from "../report/chromium.js";
import { serveStatic } from "../../playground/serve.mjs";

const ROOT = join(import.meta.dirname, "..", "..");
const ARTIFACTS = join(ROOT, "test-artifacts");
const TYPO = "input 2 -> dense 4 tahn -> dense 1 sigmoid";
const XOR_NET = "input 2 -> dense 4 tanh -> dense 1 sigmoid\nadam lr=0.05";
const SPIRAL_NET = "input 2 -> dense 16 relu -> dense 16 relu -> dense 1 sigmoid\nadam lr=0.01\ntrain batch=16";

if (!hasChromium()) console.log(`skipping the playground browser test: ${CHROMIUM} is missing`);

describe.skipIf(!hasChromium())("playground in headless Chromium", () => {
  let server: Server;
  let url: string;
  let browser: Browser;
  let page: Page;
  let profile: string;
  let downloads: string;
  const problems: string[] = [];

  beforeAll(async () => {
    await build({ configFile: join(ROOT, "playground", "vite.config.ts"), logLevel: "warn" });
    ({ server, url } = (await serveStatic(join(ROOT, "playground", "dist"))) as { server: Server; url: string });
    profile = mkdtempSync(join(tmpdir(), "mlpc-playground-"));
    downloads = join(profile, "downloads");
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: profile,
      args: headlessFlags(profile).filter((flag) => flag !== "--headless" && !flag.startsWith("--user-data-dir")),
    });
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${String(error)}`));
    await page.goto(url);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  });

  const text = (id: string, on: Page = page): Promise<string> => on.$eval(`#${id}`, (element) => element.textContent ?? "");

  /** Polls until `id`'s text passes `test`; fails with the last text seen. */
  async function waitForText(id: string, test: (text: string) => boolean, timeout = 30_000, on: Page = page): Promise<string> {
    const until = Date.now() + timeout;
    let last = "";
    while (Date.now() < until) {
      last = await text(id, on);
      if (test(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`#${id} never passed the test within ${timeout} ms; last text: ${JSON.stringify(last)}`);
  }

  async function typeProgram(source: string): Promise<void> {
    await page.focus("#program");
    await page.keyboard.down("Control");
    await page.keyboard.press("a");
    await page.keyboard.up("Control");
    await page.keyboard.press("Backspace");
    await page.keyboard.type(source);
  }

  function accuracyOf(status: string): number {
    const match = /^epoch (\d+) {2}loss (\S+) {2}accuracy ([\d.]+)%$/.exec(status);
    return match === null ? NaN : Number(match[3]);
  }

  it("shows the compiler's diagnostic for a typo, exactly as the CLI renders it", async () => {
    await waitForText("code", (t) => t.includes("export class Trainer"), 90_000);
    await typeProgram(TYPO);
    const expected = renderDiagnostics(analyze(TYPO).diagnostics, "playground.mlp", TYPO);
    const shown = await waitForText("diagnostics", (t) => t === expected);
    expect(shown).toContain("playground.mlp:1:20: error[E0214]: unknown activation `tahn`");
    expect(shown).toContain("^^^^");
  });

  it("shows 17 parameters once fixed, and the generated module is the compiler's", async () => {
    await typeProgram(XOR_NET);
    const summary = await waitForText("summary", (t) => t.includes("Total params: 17 "));
    expect(summary).toContain("(2 + 1) * 4");
    expect(await waitForText("diagnostics", (t) => t === "no problems")).toBe("no problems");
    const expected = compile(XOR_NET, { defaultName: "playground", sourceName: "playground.mlp" }).typescript;
    await waitForText("code", (t) => t === expected, 60_000);
    await waitForText("compile-time", (t) => t.startsWith("compiled in"), 60_000);
    // The cursor at the end of line 1 is in `dense 1 sigmoid`: the code scrolls to dense_2's note.
    await page.focus("#program");
    await page.keyboard.down("Control");
    await page.keyboard.press("Home");
    await page.keyboard.up("Control");
    await page.keyboard.press("End");
    const here = await page.$eval("#code .l.here", (element) => element.textContent ?? "");
    expect(here.trim()).toMatch(/^\/\/ dense_2: 4 -> 1, sigmoid/);
  });

  it("trains XOR to 100% accuracy within 10 s", async () => {
    await page.select("#dataset", "xor");
    await page.waitForSelector("#train:not([disabled])", { timeout: 60_000 });
    await page.click("#train");
    const status = await waitForText("status", (t) => accuracyOf(t) === 100, 10_000);
    expect(status).toMatch(/^epoch \d+ {2}loss \d+\.\d{4} {2}accuracy 100\.0%$/);
    await page.click("#pause");
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "playground-xor.png") });
  });

  it("learns the two spirals with a deeper network: accuracy rises", async () => {
    await typeProgram(SPIRAL_NET);
    // Typing compiles on the way (e.g. batch=1 before batch=16): wait for the whole program's summary.
    await waitForText("summary", (t) => t.includes("Total params: 337 ") && t.includes("Training: batch=16 "));
    await page.select("#dataset", "spirals");
    await waitForText("code", (t) => t.includes("dense_3"), 60_000);
    await waitForText("compile-time", (t) => t.startsWith("compiled in"), 60_000);
    await page.waitForSelector("#train:not([disabled])", { timeout: 60_000 });
    const before = accuracyOf(await waitForText("status", (t) => !Number.isNaN(accuracyOf(t))));
    await page.click("#train");
    const after = accuracyOf(await waitForText("status", (t) => accuracyOf(t) >= Math.max(80, before + 20), 30_000));
    expect(after).toBeGreaterThan(before);
    await page.click("#pause");
    await page.screenshot({ path: join(ARTIFACTS, "playground-spirals.png") });
    // docs/playground.png is the README's picture: refreshed by `npm run accept`, not by every run.
    if (process.env.MLPC_ACCEPT === "1") await page.screenshot({ path: join(ROOT, "docs", "playground.png") });
  });

  it("downloads the program, the module, a trainer checkpoint and an inference module", async () => {
    const session = await browser.target().createCDPSession();
    await session.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: downloads });
    await page.click("#download-mlp");
    await page.click("#download-ts");
    await page.click("#download-weights");
    await page.click("#download-export");
    const read = async (name: string): Promise<string> => {
      const until = Date.now() + 20_000;
      while (!existsSync(join(downloads, name))) {
        if (Date.now() > until) throw new Error(`${name} was not downloaded`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return readFileSync(join(downloads, name), "utf8");
    };
    expect(await read("playground.mlp")).toBe(`${SPIRAL_NET}\n`);
    expect(await read("playground.ts")).toBe(compile(SPIRAL_NET, { defaultName: "playground", sourceName: "playground.mlp" }).typescript);
    const checkpoint = JSON.parse(await read("playground.weights.json")) as { format: string; params: number[]; epoch: number };
    expect(checkpoint.format).toBe("mlpc-trainer");
    expect(checkpoint.params).toHaveLength(337);
    expect(checkpoint.epoch).toBeGreaterThan(0);
    const inference = await read("playground.predict.ts");
    expect(inference).toContain("export function predict(");
    expect(inference).not.toContain("class Trainer");
  });

  it("restores the program and the data settings from the URL", async () => {
    const link = page.url();
    expect(new URL(link).hash).toContain("data=spirals");
    const other = await browser.newPage();
    try {
      await other.goto(link);
      await waitForText("summary", (t) => t.includes("Total params: 337 "), 90_000, other);
      expect(await other.$eval("#program", (element) => (element as unknown as { value: string }).value)).toBe(SPIRAL_NET);
      expect(await other.$eval("#dataset", (element) => (element as unknown as { value: string }).value)).toBe("spirals");
    } finally {
      await other.close();
    }
    expect(problems).toEqual([]);
  });
});
