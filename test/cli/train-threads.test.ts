/** mlpc train --threads: data-parallel training from the command line (the engine: test/parallel). */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

const root = join(import.meta.dirname, "../..");

describe("mlpc train --threads", () => {
  type Epoch = { event: string; val_loss: number; val_accuracy: number };
  const epochs = (stdout: string): Epoch[] => stdout.trim().split("\n").map((l) => JSON.parse(l) as Epoch).filter((e) => e.event === "epoch");
  const run = async (extra: readonly string[]): Promise<{ loss: number; stderr: string; stdout: string }> => {
    const cwd = mkdtempSync(join(tmpdir(), "mlpc-threads-"));
    const r = await runCli(["train", join(root, "examples/digits.mlp"), "--data", join(root, "examples/data/digits.csv"), "--label", "label", "--epochs", "3", "--json", ...extra], { cwd });
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { losses: { split: string; loss: number }[] };
    return { loss: result.losses.find((l) => l.split === "train")!.loss, stderr: r.stderr, stdout: r.stdout };
  };

  it("2 threads train digits to one thread's loss and validation metrics, to rounding, and say so", async () => {
    const one = await run(["--threads", "1"]);
    const two = await run(["--threads", "2"]);
    expect(two.stdout).toContain("training on 2 threads");
    expect(two.stdout).toContain("and the validation pass of a slice of the validation rows");
    // The validation pass split over the threads: each row's outputs as on one thread, J to rounding.
    const [e1, e2] = [epochs(one.stdout), epochs(two.stdout)];
    expect(e2).toHaveLength(3);
    for (const [k, e] of e1.entries()) {
      expect(Math.abs(e2[k]!.val_loss - e.val_loss)).toBeLessThan(1e-9 * e.val_loss);
      expect(e2[k]!.val_accuracy).toBe(e.val_accuracy);
    }
    expect(one.stdout).not.toContain("threads");
    expect(Math.abs(two.loss - one.loss)).toBeLessThan(1e-9 * Math.max(1, one.loss));
  });

  it("a model with dropout stays on one thread, with a note", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "mlpc-threads-"));
    const r = await runCli(["train", join(root, "examples/digits_dropout.mlp"), "--data", join(root, "examples/data/digits.csv"), "--label", "label", "--epochs", "1", "--threads", "2", "--json"], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--threads 2: a model with dropout trains on one thread/);
  });
});
