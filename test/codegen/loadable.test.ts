/**
 * The loadable JavaScript (types stripped by sucrase; what mlpc train, predict and sweep trials
 * run) behaves exactly as the JavaScript TypeScript emits (`mlpc compile -o x.js`): for every
 * example, the same seed and data train to the same parameters, bit for bit.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emitLoadableJavaScript, javaScriptUrl } from "../../src/codegen/loadable.js";
import { compile, emitRunnableJavaScript } from "../../src/index.js";
import type { GeneratedModule } from "../../src/cli/runtime.js";

const examples = join(import.meta.dirname, "../../examples");

/** Deterministic rows and targets that fit the model's loss (one-hot, 0/1 or real). */
function syntheticData(inputs: number, outputs: number, loss: string, rows: number): { x: Float64Array; y: Float64Array } {
  let s = 12345;
  const next = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const x = Float64Array.from({ length: rows * inputs }, () => next() * 2 - 1);
  const y = new Float64Array(rows * outputs);
  for (let r = 0; r < rows; r++) {
    if (loss === "softmax_ce") y[r * outputs + Math.floor(next() * outputs)] = 1;
    else for (let k = 0; k < outputs; k++) y[r * outputs + k] = loss === "mse" ? next() : next() < 0.5 ? 0 : 1;
  }
  return { x, y };
}

describe("emitLoadableJavaScript", () => {
  it.each(readdirSync(examples).filter((f) => f.endsWith(".mlp") && f !== "mnist.mlp"))("%s: trains bit-identically to TypeScript's JavaScript", async (file) => {
    const { ir, typescript } = compile(readFileSync(join(examples, file), "utf8"));
    const load = async (js: string): Promise<GeneratedModule> => (await import(/* @vite-ignore */ javaScriptUrl(js))) as GeneratedModule;
    const stripped = await load(emitLoadableJavaScript(typescript!));
    const transpiled = await load(emitRunnableJavaScript(typescript!));
    const { x, y } = syntheticData(ir!.inputSize, ir!.outputSize, ir!.loss.kind, 40);
    const fit = async (m: GeneratedModule): Promise<{ params: Float64Array; json: string }> => {
      const trainer = new m.Trainer({ seed: 7 });
      await trainer.fitAsync(x, y, { epochs: 2, batchSize: 8, seed: 7, validationData: [x, y] });
      return { params: Float64Array.from(trainer.params), json: JSON.stringify(trainer.toJSON()) };
    };
    const a = await fit(stripped);
    const b = await fit(transpiled);
    expect(a.params.some((v) => v !== 0)).toBe(true);
    expect(Buffer.from(a.params.buffer).equals(Buffer.from(b.params.buffer))).toBe(true);
    expect(a.json).toBe(b.json);
  });

  it("says what is wrong with source that does not parse", () => {
    expect(() => emitLoadableJavaScript("export const = 1;")).toThrow(/cannot emit JavaScript/);
  });
});
