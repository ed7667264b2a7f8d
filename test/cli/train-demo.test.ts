/** `mlpc demo` and the registration of train/predict in the real program. */
import { mkdtempSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

describe("mlpc demo", () => {
  it("compiles and trains iris with progress and a final accuracy", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlpc-demo-test-"));
    const r = await runCli(["demo", "--out-dir", dir]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("input 4 -> dense 16 relu -> dense 3 softmax");
    expect(r.stdout).toMatch(/compiled to \d+ lines of dependency-free TypeScript \(131 parameters\)/);
    expect(r.stdout).toMatch(/^epoch +1\/150 /m);
    expect(r.stdout).toMatch(/Stopped early after epoch \d+: no better validation loss for 20 epochs/);
    const accuracy = Number(/final accuracy: (\d+\.\d\d)% on 30 held-out flowers/.exec(r.stdout)?.[1]);
    expect(accuracy).toBeGreaterThanOrEqual(95);
    expect(existsSync(join(dir, "iris-report.html"))).toBe(true);
  }, 60_000);

  it("train and predict are commands of mlpc", async () => {
    const r = await runCli(["--help"]);
    expect(r.stdout).toMatch(/train \[options\] <file>/);
    expect(r.stdout).toMatch(/predict \[options\] <file>/);
    const missing = await runCli(["train", "x.mlp"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--data <csv>' not specified");
  });
});
