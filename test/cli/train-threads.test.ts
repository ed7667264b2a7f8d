/** mlpc train --threads: data-parallel training from the command line (the engine: test/parallel). */
import { mkdtempSync, readFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { FakeInterrupt, runCommand } from "./train-support.js";

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

  // The second core the pass moves to: on a one-core machine a run validates on its own thread.
  describe.skipIf(availableParallelism() < 2)("on one thread by default, the validation pass on a second core", () => {
    const args = ["train", join(root, "examples/digits.mlp"), "--data", join(root, "examples/data/digits.csv"), "--label", "label", "--epochs", "4", "--json"];
    const NOTE = "validating each epoch on a second thread while the next one trains";
    type Line = Record<string, unknown> & { event: string };
    /** The epoch events without the clock's fields (rows/s, ETA). */
    const epochFigures = (stdout: string): Line[] =>
      stdout.trim().split("\n").map((l) => JSON.parse(l) as Line).filter((e) => e.event === "epoch").map(({ rowsPerSecond: _r, etaSeconds: _e, ...rest }) => rest as Line);
    const weights = (dir: string): unknown => (JSON.parse(readFileSync(join(dir, "digits.weights.json"), "utf8")) as { trainer: { params: unknown } }).trainer.params;

    it("gives every epoch's line, in order, as validating on the training thread does, to the bit", async () => {
      const [a, b] = [mkdtempSync(join(tmpdir(), "mlpc-aside-")), mkdtempSync(join(tmpdir(), "mlpc-aside-"))];
      const aside = await runCommand(args, { cwd: a });
      const here = await runCommand([...args, "--threads", "1"], { cwd: b });
      expect([aside.code, here.code]).toEqual([0, 0]);
      expect(aside.stdout).toContain(NOTE);
      expect(here.stdout).not.toContain(NOTE);
      const lines = epochFigures(aside.stdout);
      expect(lines.map((l) => l.epoch)).toEqual([1, 2, 3, 4]);
      expect(lines).toEqual(epochFigures(here.stdout));
      expect(lines.every((l) => typeof l.val_loss === "number" && typeof l.val_accuracy === "number")).toBe(true);
      expect(weights(a)).toEqual(weights(b));
    });

    it("Ctrl-C waits for the epochs still being validated: the checkpoint's history has them, and --resume ends as an uninterrupted run", async () => {
      const [a, b] = [mkdtempSync(join(tmpdir(), "mlpc-aside-")), mkdtempSync(join(tmpdir(), "mlpc-aside-"))];
      const whole = await runCommand(args, { cwd: a });
      // 45 batches an epoch: batch 100 is the 10th of epoch 3.
      const stopped = await runCommand(args, { cwd: b, interrupts: new FakeInterrupt(100) });
      expect(stopped.code).toBe(130);
      expect(stopped.stdout).toContain(NOTE);
      const saved = JSON.parse(readFileSync(join(b, "digits.checkpoint.json"), "utf8")) as { history: { val_loss: number[]; loss: number[] } };
      const wholeLines = epochFigures(whole.stdout);
      expect(saved.history.val_loss).toEqual(wholeLines.slice(0, 2).map((l) => l.val_loss));
      const resumed = await runCommand([...args, "--resume", "digits.checkpoint.json"], { cwd: b });
      expect(resumed.code).toBe(0);
      expect(epochFigures(resumed.stdout)).toEqual(wholeLines.slice(2));
      expect(weights(b)).toEqual(weights(a));
    });

    it("stays on the training thread when something acts on an epoch's result before the next: early stopping, a checkpoint each epoch", async () => {
      for (const extra of [["--early-stopping", "3"], ["--checkpoint", "c.json"]]) {
        const r = await runCommand([...args, "--epochs", "1", ...extra], { cwd: mkdtempSync(join(tmpdir(), "mlpc-aside-")) });
        expect(r.code).toBe(0);
        expect(r.stdout).not.toContain(NOTE);
      }
    });
  });
});
