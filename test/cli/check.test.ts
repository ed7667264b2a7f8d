import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

const root = join(import.meta.dirname, "../..");
const tmp = mkdtempSync(join(tmpdir(), "mlpc-check-"));
function write(name: string, text: string): string {
  const file = join(tmp, name);
  writeFileSync(file, text);
  return file;
}

describe("mlpc check", () => {
  it("prints the seed summary with 86 parameters and exits 0", async () => {
    const r = await runCli(["check", join(root, "examples/seed.mlp")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Model: "seed"');
    expect(r.stdout).toMatch(/dense_1 \(Dense, relu\)\s+\(None, 7\)\s+49\s+\(6 \+ 1\) \* 7/);
    expect(r.stdout).toContain("Total params: 86 (688 B as float64)");
    expect(r.stdout).toContain("Optimizer state: 172 (AdamW m, v)");
    expect(r.stdout).toMatch(/Loss: bce \(binary.*Optimizer: adamw lr=0\.001.*Schedule: warmup 100/);
  });

  it("--json prints the same summary as data", async () => {
    const r = await runCli(["check", "--json", join(root, "examples/seed.mlp")]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.totalParams).toBe(86);
    expect(json.layers.map((l: { params: number }) => l.params)).toEqual([49, 32, 5]);
    expect(json.optimizerState.count).toBe(172);
  });

  it("a bad program exits 1 with file:line:col, the line and a caret", async () => {
    const file = write("bad.mlp", "input 4 -> dense 8 rleu -> dense 1 sigmoid\n");
    const r = await runCli(["check", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${file}:1:20: error[E0214]: unknown activation \`rleu\``);
    expect(r.stderr).toContain("1 | input 4 -> dense 8 rleu -> dense 1 sigmoid");
    expect(r.stderr).toContain("  |                    ^^^^");
  });

  it("warnings are printed but do not fail", async () => {
    const file = write("warn.mlp", "input 4 -> dense 8 -> dense 1 sigmoid\n");
    const r = await runCli(["check", file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("warning[W0302]");
  });

  it("colour only when asked", async () => {
    const file = write("bad2.mlp", "input 4 -> dense 0 relu\n");
    expect((await runCli(["check", file])).stderr).not.toContain("\u001b[");
    expect((await runCli(["check", file], { color: true })).stderr).toContain("\u001b[");
  });

  it("--max-params lowers the limit", async () => {
    const r = await runCli(["check", "--max-params", "80", join(root, "examples/seed.mlp")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[E0306]: dense_2 brings the parameter count to 81, over the limit of 80");
  });

  it("usage errors exit 2", async () => {
    expect((await runCli(["check"])).code).toBe(2);
    expect((await runCli(["check", join(tmp, "missing.mlp")])).code).toBe(2);
    expect((await runCli(["frobnicate"])).code).toBe(2);
    expect((await runCli(["check", "--max-params", "-3", join(root, "examples/seed.mlp")])).code).toBe(2);
  });

  it("the built binary never prints a stack trace for bad input", () => {
    const file = write("nul.mlp", "input 4\0 -> dense \u0000 1e999");
    const r = spawnSync(process.execPath, [join(root, "dist/cli/main.js"), "check", file], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("error[E0103]");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("the built binary respects NO_COLOR and prints the version", () => {
    expect(execFileSync(process.execPath, [join(root, "dist/cli/main.js"), "--version"], { encoding: "utf8" }).trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
