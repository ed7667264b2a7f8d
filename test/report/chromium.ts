/** Headless Chromium for render checks and for running generated modules in a browser (Debian package `chromium`). */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

/** Headless, no sandbox (containers), nothing phoning home, a throwaway profile. */
export function headlessFlags(profile: string): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    `--user-data-dir=${profile}`,
  ];
}

/** Screenshots a local HTML file to a PNG; returns the PNG path. */
export function screenshot(htmlFile: string, pngFile: string, size: readonly [number, number] = [1200, 2600]): string {
  const profile = mkdtempSync(join(tmpdir(), "mlpc-chromium-"));
  try {
    execFileSync(
      CHROMIUM,
      [
        ...headlessFlags(profile),
        "--hide-scrollbars",
        `--window-size=${size[0]},${size[1]}`,
        `--screenshot=${pngFile}`,
        `file://${htmlFile}`,
      ],
      { stdio: "pipe", timeout: 60_000 },
    );
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
  return pngFile;
}

/** Loads a local HTML file in headless Chromium and returns the DOM after its scripts ran. */
export function dumpDom(htmlFile: string): string {
  const profile = mkdtempSync(join(tmpdir(), "mlpc-chromium-"));
  try {
    return execFileSync(
      CHROMIUM,
      [
        ...headlessFlags(profile),
        "--virtual-time-budget=10000",
        "--dump-dom",
        `file://${htmlFile}`,
      ],
      { stdio: ["ignore", "pipe", "pipe"], timeout: 60_000, encoding: "utf8", maxBuffer: 16 << 20 },
    );
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
