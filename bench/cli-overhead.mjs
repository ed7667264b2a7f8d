// How much of an epoch of `mlpc train` goes beyond its training steps (gathering batches, the
// running accuracy, the gradient-norm diagnostic, the safety checks of each update, progress,
// yielding to the event loop, and the validation pass). Per-epoch time of the CLI: from its --json
// epoch lines (rows/s is rows seen over the seconds since training started, so each line gives the
// time training had run when that epoch ended), the median over epochs 2..1+K of one epoch's time,
// so start-up, reading the CSV and the final report do not count. The steps alone = the same
// module's trainStep over the same number of batches of the same size; the validation = its lossOf
// over as many rows as the validation split (what the Trainer's validation pass runs); both
// medians of K epochs in a fresh process. Prints the overhead with and without the validation pass.
//   npm run build && node bench/cli-overhead.mjs [K]
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

/** Median seconds of an epoch after the first, from the run's own --json epoch lines. */
function cliEpochSeconds(args, cwd) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`mlpc ${args.join(" ")}: ${r.stderr}`);
  const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
  const start = events.find((e) => e.event === "start");
  const epochs = events.filter((e) => e.event === "epoch");
  const elapsed = epochs.map((e) => (e.epoch * start.trainRows) / e.rowsPerSecond);
  return { perEpoch: median(elapsed.slice(1).map((t, i) => t - elapsed[i])), start };
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
    const median = (f) => {
      for (let e = 0; e < 2; e++) f();
      const times = [];
      for (let e = 0; e < ${K}; e++) { const t0 = performance.now(); f(); times.push((performance.now() - t0) / 1000); }
      return times.sort((a, b) => a - b)[times.length >> 1];
    };
    console.log(JSON.stringify({ steps: median(epoch), validation: median(validation) }));`;
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
  console.log(`| data | train rows | validation rows | batch | batches | CLI s/epoch | trainStep s/epoch | validation s/epoch | overhead | without validation |`);
  console.log(`|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|`);
  for (const c of cases) {
    const base = ["train", c.program, "--data", c.data, "--label", "label", "--json", "--threads", "1", "-o", join(dir, `${c.name}.weights.json`)];
    const { perEpoch: cli, start } = cliEpochSeconds([...base, "--epochs", String(1 + K)], dir);
    const { trainRows, validationRows, batchesPerEpoch } = start;
    const batch = Math.ceil(trainRows / batchesPerEpoch);
    const { steps, validation } = stepsOnly(c.program, c.inputs, c.outputs, trainRows, batch, validationRows);
    const percent = (seconds) => `${(100 * (seconds / steps - 1)).toFixed(1)} %`;
    console.log(
      `| ${c.name} | ${trainRows} | ${validationRows} | ${batch} | ${batchesPerEpoch} | ${cli.toFixed(4)} | ${steps.toFixed(4)} | ${validation.toFixed(4)} | ${percent(cli)} | ${percent(cli - validation)} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
