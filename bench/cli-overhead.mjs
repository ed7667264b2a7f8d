// How much of an epoch of `mlpc train` goes beyond its training steps (gathering batches, the
// running accuracy, the gradient-norm diagnostic, the safety checks of each update, progress,
// yielding to the event loop, and the validation pass, or on one thread by default, posting the
// epoch's weights to the thread that validates them while the next epoch trains), measured inside the CLI's own process: the
// built CLI with --json runs with a preloaded hook that (1) times, in the generated module it
// imports, each call of the Trainer's step (the batch's gradient, outputs and update) and of its
// end-of-epoch metrics (the running accuracy and the validation pass), by rewriting those two call
// sites as the module loads, and (2) notes the clock and those sums as each epoch ends (in the
// Trainer, not when its line goes out: with the validation pass on another thread a line goes out
// during the next epoch, and several at once while that thread starts).
// Overhead = (epoch wall time - its steps) / its steps, the median over epochs 2..1+K, so
// start-up, reading the CSV and the final report do not count. Both sides come from the same
// process: on this VM the same single-thread loop runs up to 1.5x slower in one process than in the
// next (memory placement), which a comparison with a separate steps-only process would count as
// overhead or as a saving. That comparison is still printed (the module's trainStep over as many
// batches of the same size, in a fresh process) for reference. Each case runs ROUNDS times; every
// figure is the median of its rounds.
//   npm run build && node bench/cli-overhead.mjs [K] [ROUNDS] [--json]
// With --json the last line is the rows as JSON (npm run bench takes them for its table).
// Data: examples/data/digits.csv (64 features, 1797 rows) and a seeded MNIST-sized CSV (784
// features, 10 classes, 8000 rows) written to a temp directory.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeMnistLikeCsv } from "./workloads.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "dist/cli/main.js");
const json = process.argv.includes("--json");
const [kArg, roundsArg] = process.argv.slice(2).filter((a) => a !== "--json");
const K = Number(kArg ?? 4);
const ROUNDS = Number(roundsArg ?? 3);

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

/**
 * Load hook: in the generated module (a data: URL holding the Trainer), each run.step call and the
 * end-of-epoch addEpochMetrics call add their milliseconds to globalThis.__benchStepMs and
 * __benchMetricsMs, and each end of an epoch (both of the Trainer's loops) pushes the clock and
 * those sums to globalThis.__benchClocks. Fails loudly if a call site is missing (the Trainer
 * changed shape).
 */
const TIMING_LOADER = `
const TIMED = [
  [/const loss = run\\.step\\([^;]*\\);/, "__benchStepMs"],
  [/addEpochMetrics\\(logs, [^;]*\\);/, "__benchMetricsMs"],
];
const EPOCH_END = /const \\[epoch, logs\\] = this\\.endEpoch\\(run\\);/g;
export async function load(url, context, next) {
  const loaded = await next(url, context);
  if (!url.startsWith("data:text/javascript")) return loaded;
  let source = String(loaded.source);
  if (!source.includes("class Trainer")) return loaded;
  for (const [site, sum] of TIMED) {
    if (!site.test(source)) throw new Error("cli-overhead: no call site " + site + " in the generated module");
    source = source.replace(site, (call) => "const __t0 = performance.now(); " + call + " globalThis." + sum + " = (globalThis." + sum + " ?? 0) + performance.now() - __t0;");
  }
  if (source.match(EPOCH_END) === null) throw new Error("cli-overhead: no end of epoch in the generated module");
  source = source.replace(EPOCH_END, (call) => call + " (globalThis.__benchClocks ??= []).push({ wall: performance.now(), steps: globalThis.__benchStepMs ?? 0, metrics: globalThis.__benchMetricsMs ?? 0 });");
  return { ...loaded, source, shortCircuit: true };
}`;

/** Preloaded into the CLI: registers TIMING_LOADER; at exit, one line with the epochs' clocks. */
const CLOCK_HOOK = `
import { register } from "node:module";
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(TIMING_LOADER)}`)});
process.on("exit", () => process.stdout.write(JSON.stringify({ event: "bench-clocks", clocks: globalThis.__benchClocks ?? [] }) + "\\n"));`;

/** Median seconds of an epoch after the first (wall, in its steps, in its metrics), from the clocks at the ends of the epochs. */
function cliEpochSeconds(args, cwd) {
  const hook = `data:text/javascript,${encodeURIComponent(CLOCK_HOOK)}`;
  const r = spawnSync(process.execPath, ["--import", hook, CLI, ...args], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`mlpc ${args.join(" ")}: ${r.stderr}`);
  const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
  const start = events.find((e) => e.event === "start");
  const threads = Number(events.find((e) => e.event === "note" && /^training on \d+ threads/.test(e.message))?.message.match(/\d+/)[0] ?? 1);
  const validatesAside = events.some((e) => e.event === "note" && e.message.startsWith("validating each epoch on a second thread"));
  const clocks = events.find((e) => e.event === "bench-clocks")?.clocks ?? [];
  if (clocks.length < 2 || clocks.at(-1).steps === 0) throw new Error("cli-overhead: the timing hook did not run");
  const epochs = clocks.slice(1).map((c, i) => ({ wall: c.wall - clocks[i].wall, steps: c.steps - clocks[i].steps, metrics: c.metrics - clocks[i].metrics }));
  const overhead = median(epochs.map((e) => (e.wall - e.steps) / e.steps));
  const withoutValidation = median(epochs.map((e) => (e.wall - e.steps - e.metrics) / e.steps));
  const seconds = (key) => median(epochs.map((e) => e[key])) / 1000;
  return { wall: seconds("wall"), steps: seconds("steps"), metrics: seconds("metrics"), overhead, withoutValidation, start, threads, validatesAside };
}

/** Seconds an epoch of trainStep takes on `batches` batches of `batch` rows (the module the CLI compiles, in a fresh process of its own). */
function stepsOnly(program, inputs, outputs, trainRows, batch) {
  const script = `
    import { readFileSync } from "node:fs";
    const { compile, emitRunnableJavaScript } = await import(${JSON.stringify(join(ROOT, "dist/compile.js"))});
    const r = compile(readFileSync(${JSON.stringify(program)}, "utf8"), {});
    const js = emitRunnableJavaScript(r.typescript);
    const m = await import("data:text/javascript;base64," + Buffer.from(js).toString("base64"));
    const state = m.createTrainState(m.initParams(1));
    const x = new Float64Array(${batch} * ${inputs}).map((_, i) => ((i * 37) % 101) / 101);
    const y = new Float64Array(${batch} * ${outputs}); for (let i = 0; i < ${batch}; i++) y[i * ${outputs} + (i % ${outputs})] = 1;
    const batches = Math.ceil(${trainRows} / ${batch});
    const last = ${trainRows} - (batches - 1) * ${batch};
    const epoch = () => { for (let b = 0; b < batches; b++) m.trainStep(state, x, y, b === batches - 1 ? last : ${batch}); };
    for (let e = 0; e < 2; e++) epoch();
    const times = [];
    for (let e = 0; e < ${K}; e++) { const t0 = performance.now(); epoch(); times.push((performance.now() - t0) / 1000); }
    console.log(JSON.stringify({ steps: times.sort((a, b) => a - b)[times.length >> 1] }));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim());
}

const dir = mkdtempSync(join(tmpdir(), "mlpc-overhead-"));
try {
  writeMnistLikeCsv(join(dir, "mnist.csv"));
  const cases = [
    { name: "digits", program: join(ROOT, "examples/digits.mlp"), data: join(ROOT, "examples/data/digits.csv"), inputs: 64, outputs: 10 },
    { name: "mnist-sized", program: join(ROOT, "examples/mnist.mlp"), data: join(dir, "mnist.csv"), inputs: 784, outputs: 10 },
  ];
  const rows = [];
  const print = json ? () => {} : console.log;
  print(
    `| data | threads | train rows | validation rows | batch | batches | CLI s/epoch | its steps s/epoch | its epoch metrics s/epoch | overhead | without the epoch metrics | steps-only process: trainStep s/epoch | CLI against it |`,
  );
  print(`|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`);
  // One thread, and the default (the threads that pay: docs/performance.md, Threads), which the
  // JSON start event names; the steps-only process is one thread either way.
  for (const [c, threads] of cases.flatMap((c) => [[c, ["--threads", "1"]], [c, []]])) {
    const base = ["train", c.program, "--data", c.data, "--label", "label", "--json", ...threads, "-o", join(dir, `${c.name}.weights.json`)];
    const rounds = [];
    for (let r = 0; r < ROUNDS; r++) {
      const cli = cliEpochSeconds([...base, "--epochs", String(1 + K)], dir);
      const batch = Math.ceil(cli.start.trainRows / cli.start.batchesPerEpoch);
      const alone = stepsOnly(c.program, c.inputs, c.outputs, cli.start.trainRows, batch);
      rounds.push({ ...cli, batch, alone: alone.steps, againstAlone: cli.wall / alone.steps - 1 });
    }
    const { start, batch, threads: used, validatesAside } = rounds[0];
    const { trainRows, validationRows, batchesPerEpoch } = start;
    const m = (key) => median(rounds.map((r) => r[key]));
    const percent = (fraction) => `${(100 * fraction).toFixed(1)} %`;
    rows.push({ data: c.name, threadsFlag: threads.length === 0 ? null : 1, threads: used, validatesAside, trainRows, validationRows, batch, batches: batchesPerEpoch, wall: m("wall"), steps: m("steps"), metrics: m("metrics"), overhead: m("overhead"), withoutValidation: m("withoutValidation"), rounds: ROUNDS, epochs: K });
    print(
      `| ${c.name} | ${threads.length === 0 ? `default: ${used}${validatesAside ? " (+ validation on a second)" : ""}` : "1"} | ${trainRows} | ${validationRows} | ${batch} | ${batchesPerEpoch} | ${m("wall").toFixed(4)} | ${m("steps").toFixed(4)} | ${m("metrics").toFixed(4)} | ` +
        `**${percent(m("overhead"))}** | ${percent(m("withoutValidation"))} | ${m("alone").toFixed(4)} | ${percent(m("againstAlone"))} |`,
    );
  }
  if (json) console.log(JSON.stringify(rows));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
