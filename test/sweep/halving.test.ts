/**
 * Successive halving through the library API on iris: the rungs (configurations shrinking by
 * `factor`, epochs growing by it up to the program's), who survives a rung (the best of the one
 * before by the metric), and a resumed run taking every rung from the journal.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readCsvFile, sweep, type Dataset, type SweepEvent, type SweepResult } from "../../src/sweep/index.js";
import { rungPlan } from "../../src/sweep/sweep.js";

const root = join(import.meta.dirname, "../..");
// 9 configurations, factor 3 from 2 epochs: rungs of 9 x 2, 3 x 6 and 1 x 18 epochs.
const SPACE = `model iris_halving
input 4 -> dense {3, 6, 12} tanh -> dense 3 softmax
adam lr={3e-3, 1e-2, 3e-2}
train batch=16 epochs=18 seed=5
sweep halving factor=3 min_epochs=2 metric=val_loss
`;

describe("sweep halving", () => {
  let iris: Dataset;
  beforeAll(async () => {
    const read = await readCsvFile(join(root, "examples/data/iris.csv"), { target: { kind: "class", column: "label", classCount: 3 }, features: null });
    if (!read.ok) throw new Error("iris.csv did not read");
    iris = read.value;
  });

  it("plans rungs that shrink by the factor while the epochs grow to the program's", () => {
    const settings = { mode: "halving", factor: 3, minEpochs: 2 } as Parameters<typeof rungPlan>[0];
    expect(rungPlan(settings, 9, 18)).toEqual([
      { epochs: 2, configurations: 9 },
      { epochs: 6, configurations: 3 },
      { epochs: 18, configurations: 1 },
    ]);
    // The last rung always trains the full epochs, even when the factor overshoots them.
    expect(rungPlan(settings, 10, 10)).toEqual([
      { epochs: 2, configurations: 10 },
      { epochs: 6, configurations: 4 },
      { epochs: 10, configurations: 2 },
    ]);
  });

  it("keeps the best third of each rung and ranks the survivor of the last rung first; a rerun takes it all from the journal", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "mlpc-halving-"));
    const events: SweepEvent[] = [];
    const result: SweepResult = await sweep({ source: SPACE, dataset: iris, workers: 1, outDir, onEvent: (e) => events.push(e) });
    const rungs = events.flatMap((e) => (e.kind === "rung" ? [{ epochs: e.epochs, configurations: e.configurations }] : []));
    expect(rungs).toEqual([
      { epochs: 2, configurations: 9 },
      { epochs: 6, configurations: 3 },
      { epochs: 18, configurations: 1 },
    ]);
    expect(result.ran).toBe(13);

    // Every rung's trials, from the journal (one line per finished trial, after the header).
    const trials = readFileSync(join(outDir, "journal.jsonl"), "utf8").trim().split("\n").slice(1).map((l) => JSON.parse(l) as { trial: number; epochs: number; scores: number[] });
    const mean = (s: number[]): number => s.reduce((a, b) => a + b, 0) / s.length;
    const rung = (epochs: number): { trial: number; loss: number }[] => trials.filter((t) => t.epochs === epochs).map((t) => ({ trial: t.trial, loss: mean(t.scores) }));
    const first = rung(2);
    const second = rung(6);
    const last = rung(18);
    expect([first.length, second.length, last.length]).toEqual([9, 3, 1]);
    const bestThird = [...first].sort((a, b) => a.loss - b.loss || a.trial - b.trial).slice(0, 3).map((t) => t.trial);
    expect(second.map((t) => t.trial).sort()).toEqual([...bestThird].sort());
    const bestOfSecond = [...second].sort((a, b) => a.loss - b.loss || a.trial - b.trial)[0]!.trial;
    expect(last[0]!.trial).toBe(bestOfSecond);

    // The leaderboard holds each configuration once, at its last rung; the winner trained 18 epochs.
    expect(result.leaderboard).toHaveLength(9);
    expect(result.best!.trial).toBe(bestOfSecond);
    expect(result.best!.rung).toBe(2);
    expect(result.best!.epochs).toBe(18);

    const again = await sweep({ source: SPACE, dataset: iris, workers: 1, outDir });
    expect(again.ran).toBe(0);
    expect(again.leaderboard.map((e) => [e.trial, e.mean])).toEqual(result.leaderboard.map((e) => [e.trial, e.mean]));
  });
});
