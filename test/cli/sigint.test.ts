/**
 * Ctrl-C for real: `mlpc train` (the built CLI, as a user runs it) gets SIGINT in the middle of a
 * run, saves its checkpoint atomically, says how to resume and exits 130; `--resume` continues at
 * the next epoch. (Bit-exact resume is tested in-process in train.test.ts.)
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const main = join(root, "dist/cli/main.js");
const args = ["train", join(root, "examples/digits.mlp"), "--data", join(root, "examples/data/digits.csv"), "--standardize", "--epochs", "400"];

/** Runs the CLI, sends SIGINT once `epochs` epoch lines have been printed, and waits for the exit. */
function interruptAfter(extra: readonly string[], epochs: number, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args, ...extra], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let sent = false;
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (!sent && (stdout.match(/^epoch /gm)?.length ?? 0) >= epochs) {
        sent = true;
        child.kill("SIGINT");
      }
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

type Run = Awaited<ReturnType<typeof interruptAfter>>;

let interrupted: Promise<{ cwd: string; first: Run }> | undefined;

/** The first, interrupted run: shared by the two tests (one test each stays short), the second resumes its checkpoint. */
function interruptedRun(): Promise<{ cwd: string; first: Run }> {
  interrupted ??= (async () => {
    const cwd = mkdtempSync(join(tmpdir(), "mlpc-sigint-"));
    return { cwd, first: await interruptAfter(["--checkpoint", "ck.json"], 2, cwd) };
  })();
  return interrupted;
}

const STOPPED = /^mlpc: interrupted after epoch (\d+); checkpoint saved to ck\.json$/m;

describe("Ctrl-C in a real process", () => {
  it("saves the checkpoint, says how to resume and exits 130", async () => {
    const { cwd, first } = await interruptedRun();
    expect(first.code).toBe(130);
    const stopped = STOPPED.exec(first.stderr);
    expect(stopped, first.stderr).not.toBeNull();
    expect(first.stderr).toContain("--resume ck.json");
    expect(first.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const saved = JSON.parse(readFileSync(join(cwd, "ck.json"), "utf8")) as { history: { loss: unknown[] } };
    expect(saved.history.loss).toHaveLength(Number(stopped![1]));
  }, 60_000);

  it("--resume continues at the next epoch", async () => {
    const { cwd, first } = await interruptedRun();
    const epoch = Number(STOPPED.exec(first.stderr)![1]);
    const second = await interruptAfter(["--resume", "ck.json"], 1, cwd);
    expect(second.code).toBe(130);
    expect(second.stdout).toContain(`resuming ck.json at epoch ${epoch + 1}`);
    expect(second.stdout).toMatch(new RegExp(`^epoch +${epoch + 1}/400 `, "m"));
  }, 60_000);
});
