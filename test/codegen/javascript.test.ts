/** The runnable JavaScript (no declarations) is exactly the JavaScript `mlpc compile -o x.js` writes. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, emitJavaScript, emitRunnableJavaScript } from "../../src/index.js";

const examples = join(import.meta.dirname, "../../examples");

describe("emitRunnableJavaScript", () => {
  it.each(readdirSync(examples).filter((f) => f.endsWith(".mlp")))("%s: the same JavaScript as emitJavaScript", (file) => {
    const typescript = compile(readFileSync(join(examples, file), "utf8")).typescript!;
    expect(emitRunnableJavaScript(typescript)).toBe(emitJavaScript(typescript).js);
  });

  it("says what is wrong with source that does not transpile", () => {
    expect(() => emitRunnableJavaScript("export const = 1;")).toThrow(/cannot emit JavaScript/);
  });
});
