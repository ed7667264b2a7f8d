// How much of an epoch of `mlpc train` goes beyond its training steps (gathering batches, the
// running accuracy, the gradient-norm diagnostic, the safety checks of each update, progress,
// yielding to the event loop, and the validation pass). Per-epoch time of the CLI: the built CLI
// with --json, whose stdout writes a preloaded hook wraps to note the clock (wall and the process's
// CPU time) as each epoch line goes out; the median over epochs 2..1+K of one epoch's time, so
// start-up, reading the CSV and the final report do not count. The steps alone = the same
// module's trainStep over the same number of batches of the same size; the validation = its lossOf
// over as many rows as the validation split (what the Trainer's validation pass runs); both
// medians of K epochs in a fresh process. The CLI run and the steps-only run alternate ROUNDS times
// and each figure is the median of its rounds, so a burst of load on a shared machine moves one round,
// not the ratio. Prints the overhead with and without the validation pass, by wall-clock time (the
// figure on a quiet machine) and by CPU time (steadier on a loaded one, where wall time is mostly
// the scheduler's share).
//   npm run build && node bench/cli-overhead.mjs [K] [ROUNDS]
// Data: examples/data/digits.csv (64 features, 1797 rows) and a seeded MNIST-sized CSV (784
// features, 10 classes, 8000 rows) written to a temp directory.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { prng as mulberry32 } from "./workloads.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "dist/cli/main.js");
const K = Number(process.argv[2] ?? 4);
const ROUNDS = Number(process.argv[3] ?? 3);

function mnistLike(path, rows = 8000) {
  const next = mulberry32(7);
  const lines = [[...Array(784).keys()].map((i) => `p${i}`).concat("label").join(",")];
  for (let r = 0; r < rows; r++) {
    const label = r % 10;
    const v = [];
    for (let k = 0; k < 784; k++) v.push((next() * 0.5 + (k % 10 === label ? 0.5 : 0)).toFixed(3));
    lines.push(`${v.join(",")},${label}`);
  }
  writeFileSync(path, `${lines.join("\n")}\n`);
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** Preloaded into the CLI: a clock line (wall and CPU seconds) just before each --json epoch line. */
const CLOCK_HOOK = `
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  if (typeof chunk === "string" && chunk.startsWith('{"event":"epoch"')) {
    const c = process.cpuUsage();
    write(JSON.stringify({ event: "bench-clock", wall: performance.now() / 1000, cpu: (c.user + c.system) / 1e6 }) + "\\n");
  }
  return write(chunk, ...rest);
};`;

/** Median wall and CPU seconds of an epoch after the first, from the clock lines before the run's --json epoch lines. */
function cliEpochSeconds(args, cwd) {
  const hook = `data:text/javascript,${encodeURIComponent(CLOCK_HOOK)}`;
  const r = spawnSync(process.execPath, ["--import", hook, CLI, ...args], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`mlpc ${args.join(" ")}: ${r.stderr}`);
  const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
  const start = events.find((e) => e.event === "start");
  const clocks = events.filter((e) => e.event === "bench-clock");
  const perEpoch = (key) => median(clocks.slice(1).map((c, i) => c[key] - clocks[i][key]));
  return { wall: perEpoch("wall"), cpu: perEpoch("cpu"), start };
}

/**
 * Seconds an epoch of trainStep takes on `batches` batches of `batch` rows, and lossOf on
 * `valRows` rows (the module the CLI compiles, in its own process).
 */
function stepsOnly(program, inputs, outputs, trainRows, batch, valRows) {
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
    const vx = new Float64Array(${Math.max(valRows, 1)} * ${inputs}).map((_, i) => ((i * 53) % 97) / 97);
    const vy = new Float64Array(${Math.max(valRows, 1)} * ${outputs}); for (let i = 0; i < ${valRows}; i++) vy[i * ${outputs} + (i % ${outputs})] = 1;
    const vout = new Float64Array(vy.length);
    const validation = () => { if (${valRows} > 0) m.lossOf(state.params, vx, vy, ${valRows}, vout); };
    const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1e6; };
    const median = (f, clock) => {
      for (let e = 0; e < 2; e++) f();
      const times = [];
      for (let e = 0; e < ${K}; e++) { const t0 = clock(); f(); times.push(clock() - t0); }
      return times.sort((a, b) => a - b)[times.length >> 1];
    };
    const wall = () => performance.now() / 1000;
    console.log(JSON.stringify({ steps: median(epoch, wall), validation: median(validation, wall), stepsCpu: median(epoch, cpu), validationCpu: median(validation, cpu) }));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim());
}

const dir = mkdtempSync(join(tmpdir(), "mlpc-overhead-"));
try {
  mnistLike(join(dir, "mnist.csv"));
  const cases = [
    { name: "digits", program: join(ROOT, "examples/digits.mlp"), data: join(ROOT, "examples/data/digits.csv"), inputs: 64, outputs: 10 },
    { name: "mnist-sized", program: join(ROOT, "examples/mnist.mlp"), data: join(dir, "mnist.csv"), inputs: 784, outputs: 10 },
  ];
  console.log(`| data | train rows | validation rows | batch | batches | CLI s/epoch | trainStep s/epoch | validation s/epoch | overhead | without validation | CPU time: overhead | CPU time: without validation |`);
  console.log(`|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`);
  for (const c of cases) {
    const base = ["train", c.program, "--data", c.data, "--label", "label", "--json", "--threads", "1", "-o", join(dir, `${c.name}.weights.json`)];
    const rounds = [];
    for (let r = 0; r < ROUNDS; r++) {
      const { wall, cpu, start } = cliEpochSeconds([...base, "--epochs", String(1 + K)], dir);
      const batch = Math.ceil(start.trainRows / start.batchesPerEpoch);
      rounds.push({ cli: wall, cliCpu: cpu, start, batch, ...stepsOnly(c.program, c.inputs, c.outputs, start.trainRows, batch, start.validationRows) });
    }
    const { start, batch } = rounds[0];
    const { trainRows, validationRows, batchesPerEpoch } = start;
    const [cli, steps, validation, cliCpu, stepsCpu, validationCpu] = ["cli", "steps", "validation", "cliCpu", "stepsCpu", "validationCpu"].map((key) =>
      median(rounds.map((r) => r[key])),
    );
    const percent = (seconds, base) => `${(100 * (seconds / base - 1)).toFixed(1)} %`;
    console.log(
      `| ${c.name} | ${trainRows} | ${validationRows} | ${batch} | ${batchesPerEpoch} | ${cli.toFixed(4)} | ${steps.toFixed(4)} | ${validation.toFixed(4)} | ` +
        `${percent(cli, steps)} | ${percent(cli - validation, steps)} | ${percent(cliCpu, stepsCpu)} | ${percent(cliCpu - validationCpu, stepsCpu)} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
