/**
 * Every generated module reads like the textbook: integer index arithmetic
 * is folded (no `r * 1`, no `+ 0`, no `w + 128 + 1`), and no loop over constant bounds runs once
 * or never. Scans every example in every mode; comments (which may teach `(8 + 1) * 1 = 9`) are
 * left out.
 */
import { describe, expect, it } from "vitest";
import { codeOnly, everyModule, networkPart } from "./modes.js";

/** A number that is not the start of a longer literal (1.5, 10, 1e-3). */
const END = String.raw`(?![\d.ex])`;

const UNFOLDED: readonly [string, RegExp][] = [
  ["times one", new RegExp(String.raw`\* 1${END}`)],
  ["plus zero", new RegExp(String.raw`\+ 0${END}`)],
  ["two constants added", new RegExp(String.raw`\+ \d+ \+ \d+${END}`)],
  ["a loop that never runs", /< 0;/],
];

/** `for (let v = a; v < b; v++ | v += s)` with constant bounds that runs at most once. */
function runsAtMostOnce(line: string): boolean {
  const m = /for \(let (\w+) = (\d+); \1 < (\d+); \1(?:\+\+| \+= (\d+))\)/.exec(line);
  if (m === null) return false;
  const step = m[4] === undefined ? 1 : Number(m[4]);
  return Number(m[3]) - Number(m[2]) <= step;
}

describe("constants are folded in the whole module", () => {
  const modules = Object.entries(everyModule());

  it("the network (forward, loss, backward) comes before the training section", () => {
    for (const [name, source] of modules) {
      const network = networkPart(source);
      for (const fn of ["export function forward(", "export function forwardBatch(", "export function lossAndGradient("]) {
        expect(network, `${name} ${fn}`).toContain(fn);
      }
    }
  });

  it("no unfolded index arithmetic and no loop that runs once or never", () => {
    const found: string[] = [];
    for (const [name, source] of modules) {
      for (const line of codeOnly(source).split("\n")) {
        for (const [what, pattern] of UNFOLDED) if (pattern.test(line)) found.push(`${name}: ${what}: ${line.trim()}`);
        if (runsAtMostOnce(line)) found.push(`${name}: a loop that runs once: ${line.trim()}`);
      }
    }
    expect(found).toEqual([]);
  });

  it("the scan would catch each pattern", () => {
    const unfolded = ["const oo = r * 1;", "grad[w + 0] = g;", "grad[w + 128 + 1] = g01;", "for (let j = 0; j < 0; j += 4) {"];
    unfolded.forEach((line, k) => expect(UNFOLDED[k]![1].test(line), line).toBe(true));
    expect(runsAtMostOnce("for (let i = 0; i < 4; i += 4) {")).toBe(true);
    expect(runsAtMostOnce("for (let j = 8; j < 9; j++) s += 1;")).toBe(true);
    expect(runsAtMostOnce("for (let j = 8; j < 10; j++) {")).toBe(false);
    for (const line of ["s += w * 1.5;", "const x = y + 0.25;", "grad[w + 129] = g;", "for (let j = 0; j < 8; j += 4) {"]) {
      expect(UNFOLDED.some(([, p]) => p.test(line)) || runsAtMostOnce(line), line).toBe(false);
    }
  });
});
