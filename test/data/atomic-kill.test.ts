/**
 * An interrupted write leaves the old file intact: a child process rewrites a 8 MB file in a loop
 * with writeFileAtomicSync and is killed with SIGKILL at a random moment; the file must then be
 * exactly one of the complete versions, never a mix or a truncation.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const atomicSource = readFileSync(new URL("../../src/data/atomic.ts", import.meta.url), "utf8");

describe("atomic writes under SIGKILL", () => {
  it("the target is always a whole version", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlpc-kill-"));
    const js = ts.transpileModule(atomicSource, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
    writeFileSync(join(dir, "atomic.mjs"), js);
    const target = join(dir, "weights.json");
    const version = (k: number): string => String(k % 10).repeat(8 * 1024 * 1024);
    writeFileSync(target, version(0));
    writeFileSync(
      join(dir, "writer.mjs"),
      `import { writeFileAtomicSync } from "./atomic.mjs";
       for (let k = 1; ; k++) { writeFileAtomicSync(${JSON.stringify(target)}, String(k % 10).repeat(8 * 1024 * 1024)); if (k === 1) process.stdout.write("started\\n"); }`,
    );
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, [join(dir, "writer.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
      const text = readFileSync(target, "utf8");
      expect(text.length).toBe(8 * 1024 * 1024);
      expect(text).toBe(version(Number(text[0])));
    }
    // Killed writers may leave their temporary file behind, never a damaged target.
    expect(readdirSync(dir).filter((f) => !f.endsWith(".tmp")).sort()).toEqual(["atomic.mjs", "weights.json", "writer.mjs"]);
  }, 60_000);
});
