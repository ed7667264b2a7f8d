// One measurement in its own process: node bench/worker.mjs IMPL WORKLOAD
// (run.mjs starts it; its last stdout line is `RESULT {json}`). IMPL: mlpc, mlpc-f32, baseline,
// tfjs-cpu, tfjs-wasm, brain, synaptic. Env: BENCH_MODULES (compiled workload modules, required
// for mlpc), BENCH_QUICK=1 (one short timed epoch).
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { setupImpl } from "./impls.mjs";
import { initialParams, makeData, workload } from "./workloads.mjs";

const [implName, workloadId] = process.argv.slice(2);
const quick = process.env.BENCH_QUICK === "1";

const now = () => performance.now() / 1000;

/**
 * Warm-up, then timed epochs. An epoch is one pass over `rows` rows of the data set in the
 * implementation's steps; rows = the whole set unless a pass would take much over `epochTarget`
 * seconds, then a prefix (a multiple of the step). Warm-up doubles the rows from one step while a
 * pass is short and runs until at least `warmMin` s have passed and the last 3 passes are no faster
 * than the best before them (V8 has tiered up), at most `warmMax` s. Timed: at least `minEpochs`
 * epochs and `timedMin` s (at most `maxEpochs`). Returns samples/s per timed epoch.
 */
function measure(impl, maxRows) {
  const cfg = quick
    ? { warmMin: 0.05, warmMax: 0.3, epochTarget: 0.02, timedMin: 0, minEpochs: 1, maxEpochs: 1 }
    : { warmMin: 0.8, warmMax: 8, epochTarget: 0.15, timedMin: 1.2, minEpochs: 5, maxEpochs: 5000 };
  const unit = impl.batch;
  const limit = Math.floor(maxRows / unit) * unit;
  let rows = unit;
  const warmRates = [];
  const start = now();
  for (;;) {
    const s = now();
    impl.epoch(rows);
    const dt = now() - s;
    warmRates.push(rows / dt);
    if (dt < cfg.epochTarget / 2 && rows < limit) {
      rows = Math.min(limit, rows * 2);
      warmRates.length = 0;
      continue;
    }
    const elapsed = now() - start;
    const n = warmRates.length;
    const settled = n >= 6 && Math.max(...warmRates.slice(n - 3)) < 1.1 * Math.max(...warmRates.slice(0, n - 3));
    if (elapsed >= cfg.warmMax || (elapsed >= cfg.warmMin && settled)) break;
  }
  const warmSeconds = now() - start;
  const best = Math.max(...warmRates.slice(-3));
  rows = Math.max(unit, Math.min(limit, Math.floor((best * cfg.epochTarget) / unit) * unit));
  const rates = [];
  const timedStart = now();
  while (rates.length < cfg.minEpochs || (now() - timedStart < cfg.timedMin && rates.length < cfg.maxEpochs)) {
    const s = now();
    impl.epoch(rows);
    rates.push(rows / (now() - s));
  }
  return { rates, rowsPerEpoch: rows, warmSeconds, timedSeconds: now() - timedStart };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 === 1 ? s[k] : (s[k - 1] + s[k]) / 2;
}

async function main() {
  const w = workload(workloadId);
  const setupStart = now();
  const data = makeData(w);
  const initial = initialParams(w);
  const impl = await setupImpl(implName, w, data, initial, process.env.BENCH_MODULES);
  const setupSeconds = now() - setupStart;
  const load = loadavg()[0];
  const m = measure(impl, quick ? Math.min(data.rows, 64 * w.batch) : data.rows);
  const result = {
    impl: implName,
    workload: w.id,
    median: median(m.rates),
    min: Math.min(...m.rates),
    max: Math.max(...m.rates),
    epochs: m.rates.length,
    rowsPerEpoch: m.rowsPerEpoch,
    stepRows: impl.batch,
    perSample: impl.perSample === true,
    warmSeconds: m.warmSeconds,
    timedSeconds: m.timedSeconds,
    setupSeconds,
    loss: impl.lastLoss(),
    memory: impl.memory ?? null,
    stateBytes: impl.stateBytes?.() ?? null,
    info: impl.info ?? null,
    notes: impl.notes,
    loadBefore: load,
    loadAfter: loadavg()[0],
    node: process.version,
  };
  if (impl.tensors) result.tensors = impl.tensors();
  await impl.close?.();
  process.stdout.write(`\nRESULT ${JSON.stringify(result)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stdout.write(`\nRESULT ${JSON.stringify({ impl: implName, workload: workloadId, error: String(error?.stack ?? error) })}\n`);
    process.exitCode = 1;
  });
}
