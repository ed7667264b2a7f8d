/**
 * `mlpc sweep` end to end on iris (in-process CLI, real worker threads from dist/): every output
 * file, the same leaderboard with 1 and 2 workers, resume after Ctrl-C without re-running
 * finished trials, `mlpc train best.mlp` reproducing best.weights.json bit for bit, and refusing
 * a journal from another program. Slow tier (trains a few dozen small nets).
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { beforeAll, describe, expect, it } from "vitest";
import { CliError, type Io } from "../../src/cli/io.js";
import { register as registerSweep } from "../../src/cli/sweep.js";
import { register as registerTrain } from "../../src/cli/train.js";
import type { InterruptSource, StopSignal } from "../../src/cli/train-run.js";
import { readCsvFile, sweep, type SweepEvent } from "../../src/sweep/index.js";

const root = join(import.meta.dirname, "../..");
const SPACE = `model iris_sweep
input 4 -> (dense {4, 8} tanh) x {1, 2} -> dense 3 softmax
adam lr={1e-2, 3e-2}
train batch={16, all} epochs=12 seed=42
sweep grid cv=3
`;

class PressAfter implements InterruptSource {
  private handler: ((signal: StopSignal) => void) | null = null;
  constructor(readonly lines: number) {}
  listen(handler: (signal: StopSignal) => void): () => void {
    this.handler = handler;
    return () => (this.handler = null);
  }
  seen(count: number): void {
    if (count >= this.lines) this.handler?.("SIGINT");
  }
}

async function mlpc(args: readonly string[], cwd: string, interrupts?: PressAfter): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  let trials = 0;
  const io: Io = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => {
      stderr += t;
      trials += (t.match(/^\[\s*\d+\//gm) ?? []).length;
      interrupts?.seen(trials);
    },
    isTTY: false,
    color: false,
    cwd,
  };
  const program = new Command("mlpc").exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerTrain(program, io);
  registerSweep(program, io, interrupts ?? { listen: () => () => undefined });
  try {
    await program.parseAsync([...args], { from: "user" });
    return { code: 0, stdout, stderr };
  } catch (e) {
    if (e instanceof CommanderError) return { code: e.exitCode === 0 ? 0 : 2, stdout, stderr };
    if (e instanceof CliError) return { code: e.exitCode, stdout, stderr: stderr + e.message + "\n" };
    throw e;
  }
}

const board = (dir: string): unknown => (JSON.parse(readFileSync(join(dir, "leaderboard.json"), "utf8")) as { leaderboard: { seconds: number }[] }).leaderboard.map((e) => ({ ...e, seconds: 0 }));
const params = (file: string): unknown => (JSON.parse(readFileSync(file, "utf8")) as { trainer: { params: number[] } }).trainer.params;

describe("mlpc sweep", () => {
  let cwd: string;
  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), "mlpc-sweep-"));
    writeFileSync(join(cwd, "space.mlp"), SPACE);
    copyFileSync(join(root, "examples/data/iris.csv"), join(cwd, "iris.csv"));
  });

  it("writes every output with 2 workers; 1 worker gives the same leaderboard; train reproduces the refit", async () => {
    const two = await mlpc(["sweep", "space.mlp", "--data", "iris.csv", "--workers", "2", "--test", "0.2", "--out-dir", "two"], cwd);
    expect(two.stderr).toContain("[16/16]");
    expect(two.code).toBe(0);
    for (const f of ["leaderboard.csv", "leaderboard.json", "best.mlp", "best.weights.json", "report.html", "journal.jsonl"]) expect(readFileSync(join(cwd, "two", f), "utf8").length).toBeGreaterThan(0);
    expect(readFileSync(join(cwd, "two", "journal.jsonl"), "utf8").trim().split("\n")).toHaveLength(17);
    const html = readFileSync(join(cwd, "two", "report.html"), "utf8");
    expect(html).toContain("parallel coordinates");
    expect(html).toContain("Batch vs mini-batch vs SGD");
    expect(readFileSync(join(cwd, "two", "best.mlp"), "utf8")).not.toMatch(/[{}]/);

    const one = await mlpc(["sweep", "space.mlp", "--data", "iris.csv", "--workers", "1", "--test", "0.2", "--out-dir", "one", "--quiet"], cwd);
    expect(one.code).toBe(0);
    expect(board(join(cwd, "one"))).toEqual(board(join(cwd, "two")));

    // train reads its program relative to the process, not Io's cwd: give it the whole path.
    const again = await mlpc(["train", join(cwd, "two/best.mlp"), "--data", "iris.csv", "--val", "0.2", "-o", "again.weights.json", "--quiet"], cwd);
    expect(again.code).toBe(0);
    expect(params(join(cwd, "again.weights.json"))).toEqual(params(join(cwd, "two", "best.weights.json")));
  });

  it("resumes after Ctrl-C, running only the unfinished trials, to the same leaderboard", async () => {
    const stopped = await mlpc(["sweep", "space.mlp", "--data", "iris.csv", "--workers", "2", "--test", "0.2", "--out-dir", "resumed"], cwd, new PressAfter(3));
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain("continue with: mlpc sweep space.mlp");
    const kept = readFileSync(join(cwd, "resumed", "journal.jsonl"), "utf8").trim().split("\n").length - 1;
    expect(kept).toBeGreaterThanOrEqual(3);
    expect(kept).toBeLessThan(16);
    const resumed = await mlpc(["sweep", "space.mlp", "--data", "iris.csv", "--workers", "2", "--test", "0.2", "--out-dir", "resumed"], cwd);
    expect(resumed.code).toBe(0);
    expect((resumed.stderr.match(/\(journal\)/g) ?? []).length).toBe(kept);
    expect(board(join(cwd, "resumed"))).toEqual(board(join(cwd, "two")));
  });

  it("refuses a journal from another program or data, and keeps it", async () => {
    writeFileSync(join(cwd, "other.mlp"), SPACE.replace("model iris_sweep", "model other"));
    const before = readFileSync(join(cwd, "two", "journal.jsonl"), "utf8");
    const r = await mlpc(["sweep", "other.mlp", "--data", "iris.csv", "--test", "0.2", "--out-dir", "two"], cwd);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the journal is from another program");
    const d = await mlpc(["sweep", "space.mlp", "--data", "iris.csv", "--out-dir", "two"], cwd);
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/other sweep settings|other data/);
    expect(readFileSync(join(cwd, "two", "journal.jsonl"), "utf8")).toBe(before);
  });

  it("takes train's data flags on the messy customers data: folds fit their own plan; train reproduces the refit and its plan", async () => {
    copyFileSync(join(root, "examples/data/customers.csv"), join(cwd, "customers.csv"));
    writeFileSync(join(cwd, "customers.mlp"), readFileSync(join(root, "examples/customers.mlp"), "utf8").replace("input 9 -> dense 16 relu", "input 9 -> dense {8, 16} relu").replace("epochs=60", "epochs={5, 10}") + "sweep grid cv=3\n");
    const flags = ["--label", "churned", "--ignore", "id", "--impute", "median", "--scale", "standard", "--class-weight", "balanced"];
    const r = await mlpc(["sweep", "customers.mlp", "--data", "customers.csv", ...flags, "--test", "0.2", "--workers", "2", "--out-dir", "cust"], cwd);
    expect(r.stderr).toContain("[4/4]");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--label churned --ignore id --impute median --scale standard --class-weight balanced --val 0.2");
    const weights = JSON.parse(readFileSync(join(cwd, "cust", "best.weights.json"), "utf8")) as { preprocessing: { columns: { column: string; kind: string; levels?: string[] }[]; impute: string } };
    expect(weights.preprocessing.impute).toBe("median");
    expect(weights.preprocessing.columns.find((c) => c.column === "city")).toMatchObject({ kind: "categorical" });
    const again = await mlpc(["train", join(cwd, "cust/best.mlp"), "--data", "customers.csv", ...flags, "--val", "0.2", "-o", "cust-again.weights.json", "--quiet"], cwd);
    expect(again.code).toBe(0);
    const reproduced = JSON.parse(readFileSync(join(cwd, "cust-again.weights.json"), "utf8")) as { preprocessing: unknown };
    expect(params(join(cwd, "cust-again.weights.json"))).toEqual(params(join(cwd, "cust", "best.weights.json")));
    expect(reproduced.preprocessing).toEqual(weights.preprocessing);
  });

  it("without --impute, an empty field is refused as train refuses it, before anything trains", async () => {
    const r = await mlpc(["sweep", "customers.mlp", "--data", "customers.csv", "--label", "churned", "--ignore", "id", "--out-dir", "cust-missing"], cwd);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/customers\.csv.*missing value.*--impute/s);
    expect(r.stderr).not.toContain("[1/");
  });

  it("a plain program is refused by train with E0104 pointing at the choice", async () => {
    const r = await mlpc(["train", join(cwd, "space.mlp"), "--data", "iris.csv"], cwd);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[E0104]");
  });

  it("the library API: sweep() with progress events, no files", async () => {
    const read = await readCsvFile(join(root, "examples/data/iris.csv"), { target: { kind: "class", column: "label", classCount: 3 }, features: null });
    if (!read.ok) throw new Error("iris");
    const events: SweepEvent[] = [];
    const result = await sweep({ source: "input 4 -> dense {4, 8} tanh -> dense 3 softmax\ntrain epochs=5\nsweep random=3 seed=3", dataset: read.value, workers: 2, onEvent: (e) => events.push(e) });
    expect(events[0]!.kind).toBe("start");
    expect(events.filter((e) => e.kind === "trial").map((e) => (e.kind === "trial" ? e.done : 0))).toEqual([1, 2, 3]);
    expect(result.leaderboard).toHaveLength(3);
    expect(result.best!.rank).toBe(1);
    expect(result.best!.program).toContain("input 4 -> dense");
  });
});
