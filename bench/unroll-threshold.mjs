// The measurement behind the unroll/loop thresholds in src/codegen/plan.ts (docs/architecture.md).
//
//   npm run build && node bench/unroll-threshold.mjs            # about a minute
//   MLPC_DIST=/some/dist node bench/unroll-threshold.mjs        # another build of the compiler
//
// For square layers n x n (the net: input n -> dense n relu -> dense 1 linear, mse) it emits the
// same network four ways and times lossAndGradient (forward + backward, batch 32) and forwardBatch
// (batch 32) in samples/s, median of 5 timed runs after a warm-up:
//   fused     every pass unrolled into one straight-line function per entry point
//   unrolled  one function per layer and pass, every pass unrolled (straight-line per row)
//   fwd-only  forward unrolled, backward in register-blocked loops
//   loops     register-blocked loops everywhere
// Then the seed network 6-7-4-1 (issue 5/6's W1) end to end with trainStep (adam), fused vs loops.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ts } from "ts-morph";

const dist = process.env.MLPC_DIST ?? new URL("../dist", import.meta.url).pathname;
const { emitModule, planEmission } = await import(pathToFileURL(join(dist, "codegen/module.js")).href);
const { layoutLayers } = await import(pathToFileURL(join(dist, "ir/layout.js")).href);

const dir = mkdtempSync(join(tmpdir(), "mlpc-unroll-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

function irOf(sizes, activations, loss) {
  const layers = layoutLayers(
    sizes[0],
    sizes.slice(1).map((units, k) => ({ units, activation: { kind: activations[k] } })),
  );
  const last = layers[layers.length - 1];
  return {
    name: "bench",
    inputSize: sizes[0],
    outputSize: last.units,
    paramCount: layers.reduce((s, l) => s + l.paramCount, 0),
    layers,
    loss: { kind: loss, task: loss === "mse" ? "regression" : "binary", explicit: true },
    optimizer: { kind: "adam", lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, clip: null },
    schedule: { warmup: 0, decay: { kind: "none" } },
    regularization: { l1: 0, l2: 0 },
    training: { batch: 32, epochs: 1, shuffle: false, seed: 1 },
    origins: {},
  };
}

async function load(ir, unroll, tuning) {
  const source = emitModule(ir, { unroll, dtype: "f64", sourceName: "bench.mlp", version: "bench", tuning });
  const js = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
  const file = join(dir, `m${counter++}.mjs`);
  writeFileSync(file, js);
  return { module: await import(pathToFileURL(file).href), plan: planEmission(ir, unroll, tuning), bytes: source.length };
}

/**
 * Samples/s of `step` (which processes `rows` samples): median of 5 runs of ~80 ms after a ~500 ms
 * warm-up (big straight-line functions take TurboFan a while to compile). The machine this ran on
 * is shared, so main() keeps the better of two interleaved rounds.
 */
function samplesPerSecond(step, rows) {
  const runFor = (ms) => {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      for (let k = 0; k < 20; k++) step();
      n += 20;
      now = performance.now();
    }
    return (n * rows) / ((now - start) / 1000);
  };
  runFor(500);
  const runs = Array.from({ length: 5 }, () => runFor(80)).sort((a, b) => a - b);
  return runs[2];
}

function randomData(ir, rows, seed = 1) {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  return {
    params: Float64Array.from({ length: ir.paramCount }, () => rand() * 0.3),
    x: Float64Array.from({ length: rows * ir.inputSize }, rand),
    y: Float64Array.from({ length: rows * ir.outputSize }, () => (rand() > 0 ? 1 : 0)),
  };
}

const VARIANTS = [
  ["fused", "auto", { fusedMaxMacs: Infinity, forwardMaxMacs: Infinity, backwardMaxMacs: Infinity }],
  ["unrolled", "auto", { forwardMaxMacs: Infinity, backwardMaxMacs: Infinity, fuse: false }],
  ["fwd-only", "auto", { forwardMaxMacs: Infinity, backwardMaxMacs: 0, fuse: false }],
  ["loops", "none", {}],
];

const fmt = (v) => (v === undefined ? "-" : `${(v / 1e6).toFixed(2)}M`);

console.log(`# unroll threshold, ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`);
console.log("samples/s at batch 32 (M = million); train = lossAndGradient, fwd = forwardBatch\n");
console.log("| layer | MACs | " + VARIANTS.map(([n]) => `${n} train | ${n} fwd`).join(" | ") + " |");
console.log("|---|---|" + VARIANTS.map(() => "---|---").join("|") + "|");
const rows = 32;
for (const n of [4, 8, 12, 16, 20, 24, 32, 48]) {
  const ir = irOf([n, n, 1], ["relu", "linear"], "mse");
  const d = randomData(ir, rows);
  const grad = new Float64Array(ir.paramCount);
  const out = new Float64Array(rows);
  const cells = [];
  const loaded = [];
  for (const [name, unroll, tuning] of VARIANTS) loaded.push({ name, ...(await load(ir, unroll, tuning)) });
  const best = new Map();
  for (let round = 0; round < 2; round++) {
    for (const { name, module: m } of loaded) {
      const train = samplesPerSecond(() => m.lossAndGradient(d.params, d.x, d.y, rows, grad), rows);
      const fwd = samplesPerSecond(() => m.forwardBatch(d.params, d.x, rows, out), rows);
      const prev = best.get(name) ?? [0, 0];
      best.set(name, [Math.max(prev[0], train), Math.max(prev[1], fwd)]);
    }
  }
  for (const { name, plan } of loaded) {
    const l = plan.layers[0];
    const matches =
      name === "fused"
        ? plan.strategy === "fused"
        : name === "unrolled"
          ? plan.strategy === "layered" && l.forward === "unrolled" && l.backward === "unrolled"
          : name === "fwd-only"
            ? l.forward === "unrolled" && l.backward === "loop"
            : true;
    if (!matches) {
      cells.push("-", "-");
      continue;
    }
    cells.push(fmt(best.get(name)[0]), fmt(best.get(name)[1]));
  }
  console.log(`| ${n}x${n} | ${n * n} | ${cells.join(" | ")} |`);
}

console.log("\n## W1: 6 -> 7 relu -> 4 relu -> 1 sigmoid, bce, adam, trainStep at batch 32 and 1\n");
const seed = irOf([6, 7, 4, 1], ["relu", "relu", "sigmoid"], "bce");
for (const [name, unroll] of [
  ["fused (auto)", "auto"],
  ["loops", "none"],
]) {
  const { module: m } = await load(seed, unroll, {});
  for (const batch of [32, 1]) {
    const d = randomData(seed, batch);
    const state = m.createTrainState(m.initParams(1));
    const rate = samplesPerSecond(() => m.trainStep(state, d.x, d.y, batch), batch);
    console.log(`${name.padEnd(14)} batch ${String(batch).padStart(2)}: ${fmt(rate)} samples/s`);
  }
}
