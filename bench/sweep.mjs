// Trials per second of `mlpc sweep` with 1 and 2 workers on a digits grid, and the per-trial
// overhead (making the module on the main thread + loading it in the worker, encoding the folds;
// a trial that trains almost nothing).
//
//   node bench/sweep.mjs            # after npm run build; also the last step of npm run bench
//   node bench/sweep.mjs --update   # also refresh the committed bench/SWEEP.md
//   BENCH_QUICK=1 node bench/sweep.mjs
//
// Rounds alternate 1 and 2 workers (the machine is shared: quote medians and the ratio).
// Writes bench/results/SWEEP.md (git-ignored, so a run leaves the checkout clean), bench/SWEEP.md
// with --update, or BENCH_SWEEP_RESULTS=path.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const { sweep, readCsvFile } = await import(join(ROOT, "dist/sweep/index.js"));
const quick = process.env.BENCH_QUICK === "1";
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 3));
const update = process.argv.includes("--update") && !quick;
const resultsPath = process.env.BENCH_SWEEP_RESULTS ?? join(ROOT, "bench", update ? "" : "results", quick ? "SWEEP.partial.md" : "SWEEP.md");

const GRID = `model digits_grid
input 64 -> (dense {16, 32} relu) x {1, 2} -> dense 10 softmax
adam lr={1e-3, 3e-3}
train batch={32, 64} epochs=${quick ? 2 : 8} seed=42
sweep grid`;
const TINY = `model digits_tiny
input 64 -> dense {4, 5, 6, 7, 8, 9, 10, 11} relu -> dense 10 softmax
train batch=all epochs=1 seed=42
sweep grid`;

// The documented example: width x depth x lr x batch, each configuration 5-fold cross-validated
// (16 x 5 trainings of 15 epochs): a sweep whose trials, not the start-up, take the time.
const EXAMPLE = readFileSync(join(ROOT, "examples/sweep/digits.mlp"), "utf8");

const read = await readCsvFile(join(ROOT, "examples/data/digits.csv"), { target: { kind: "class", column: "label", classCount: 10 }, inputSize: 64, features: null });
if (!read.ok) throw new Error(JSON.stringify(read.error));
const dataset = read.value;

async function run(source, workers) {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const r = await sweep({ source, dataset, workers, outDir: null });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, trials: r.leaderboard.length, trialsPerSecond: r.leaderboard.length / seconds, compile: r.meanCompileSeconds, split: r.meanSplitSeconds, best: r.best?.mean ?? NaN, board: JSON.stringify(r.leaderboard.map((e) => [e.trial, e.mean])) };
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};

const one = [];
const two = [];
const tiny = [];
const exampleOne = [];
const exampleTwo = [];
for (let r = 0; r < rounds; r++) {
  one.push(await run(GRID, 1));
  two.push(await run(GRID, 2));
  tiny.push(await run(TINY, 1));
  if (!quick) {
    exampleOne.push(await run(EXAMPLE, 1));
    exampleTwo.push(await run(EXAMPLE, 2));
  }
}
const same = one.every((a) => two.every((b) => a.board === b.board)) && exampleOne.every((a) => exampleTwo.every((b) => a.board === b.board));
const t1 = median(one.map((x) => x.trialsPerSecond));
const t2 = median(two.map((x) => x.trialsPerSecond));
const lines = [
  "# mlpc sweep: trials per second",
  "",
  `Machine: ${cpus().length} x ${cpus()[0]?.model ?? "?"}, Node ${process.version}; load average at the end ${loadavg().map((l) => l.toFixed(2)).join(" ")}. Median of ${rounds} interleaved round(s).`,
  "",
  `Grid: digits (1797 rows), 16 configurations (width {16, 32} x depth {1, 2} x lr x batch {32, 64}), ${quick ? 2 : 8} epochs, one 80/20 split.`,
  "",
  "| workers | trials/s | wall s | CPU s (all threads) |",
  "|---|---|---|---|",
  `| 1 | ${t1.toFixed(3)} | ${median(one.map((x) => x.seconds)).toFixed(2)} | ${median(one.map((x) => x.cpuSeconds)).toFixed(2)} |`,
  `| 2 | ${t2.toFixed(3)} | ${median(two.map((x) => x.seconds)).toFixed(2)} | ${median(two.map((x) => x.cpuSeconds)).toFixed(2)} |`,
  "",
  `Speedup 2 vs 1 workers: **${(t2 / t1).toFixed(2)}x** (target >= 1.7x on 2 cores; needs a quiet machine). Leaderboards identical across all runs: ${same}.`,
  "CPU s is the process's CPU time over the run (every thread): about equal for 1 and 2 workers means the parallel run does no extra work, whatever the load.",
  "",
  ...(quick
    ? []
    : [
        "examples/sweep/digits.mlp (16 configurations, cv=5, 15 epochs: 80 trainings; the sweep of the docs):",
        "",
        "| workers | configurations/s | wall s | CPU s (all threads) |",
        "|---|---|---|---|",
        `| 1 | ${median(exampleOne.map((x) => x.trialsPerSecond)).toFixed(3)} | ${median(exampleOne.map((x) => x.seconds)).toFixed(2)} | ${median(exampleOne.map((x) => x.cpuSeconds)).toFixed(2)} |`,
        `| 2 | ${median(exampleTwo.map((x) => x.trialsPerSecond)).toFixed(3)} | ${median(exampleTwo.map((x) => x.seconds)).toFixed(2)} | ${median(exampleTwo.map((x) => x.cpuSeconds)).toFixed(2)} |`,
        "",
        `Speedup 2 vs 1 workers on the example: **${(median(exampleTwo.map((x) => x.trialsPerSecond)) / median(exampleOne.map((x) => x.trialsPerSecond))).toFixed(2)}x**. The small grid above is dominated by what does not parallelize (worker start-up, the first modules, the last trial alone); the example is a sweep a user runs.`,
        "",
      ]),
  `Per-trial overhead (mean over the grid's trials, 1 worker): making the module (emit + type-strip, main thread, once per module) and loading it in the worker ${(median(one.map((x) => x.compile)) * 1000).toFixed(0)} ms; encoding the fold's rows ${(median(one.map((x) => x.split)) * 1000).toFixed(1)} ms;`,
  `a trial that trains one full-batch epoch of 64-n-10 takes ${((median(tiny.map((x) => x.seconds)) / 8) * 1000).toFixed(0)} ms end to end (1 worker, worker start-up included, 8 trials).`,
  "",
];
mkdirSync(join(resultsPath, ".."), { recursive: true });
writeFileSync(resultsPath, lines.join("\n"));
process.stdout.write(lines.join("\n"));
