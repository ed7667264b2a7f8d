// The benchmark: mlpc against TensorFlow.js (cpu, wasm), brain.js, synaptic, a plain Float64Array
// loop baseline and, when /usr/bin/python3 has them, PyTorch (float32, 1 thread and every core) and
// scikit-learn's MLPClassifier, on the same data with the same initial weights.
//
//   npm run bench                      # build, then everything (a few minutes on 2 cores)
//   npm run bench -- --update          # the same, and refresh the committed bench/RESULTS.md and .json
//   BENCH_QUICK=1 npm run bench        # smoke run: one short timed epoch each, tiny epochs
//   BENCH_ONLY=W4,W1b1 npm run bench   # workloads whose id starts with one of these
//   BENCH_IMPLS=mlpc,tfjs-wasm ...     # only these implementations
//   BENCH_ROUNDS=2                     # interleaved rounds; each cell keeps its best median (default 2)
//   BENCH_COMPILE_RUNS=5               # cold `mlpc compile` runs per program (default 5)
//
// Every (workload, implementation) pair runs in its own process (bench/worker.mjs): ArrayBuffer
// detaching and wasm memory growth slow typed-array code for the rest of a process. Results go to
// bench/results/ (git-ignored: running the bench leaves the checkout clean); a full run with
// --update also writes bench/RESULTS.md and bench/RESULTS.json. docs/performance.md explains the method.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem, type, release } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileWorkload } from "./compile-workloads.mjs";
import { WORKLOADS, WORKLOAD_DIR, flopsPerSample, initialParams, macsPerSample, makeData } from "./workloads.mjs";

const BENCH = fileURLToPath(new URL(".", import.meta.url));
const ROOT = join(BENCH, "..");
const quick = process.env.BENCH_QUICK === "1";
const only = (process.env.BENCH_ONLY ?? "").split(",").map((s) => s.trim()).filter(Boolean);
const implFilter = (process.env.BENCH_IMPLS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
const compileRuns = Number(process.env.BENCH_COMPILE_RUNS ?? (quick ? 1 : 5));
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 2));
const partial = quick || only.length > 0 || implFilter.length > 0;
const update = process.argv.includes("--update");
const RESULTS_DIR = join(BENCH, "results");
const resultsPath = process.env.BENCH_RESULTS ?? join(update && !partial ? BENCH : RESULTS_DIR, partial ? "RESULTS.partial.md" : "RESULTS.md");
const PYTHON = "/usr/bin/python3";

export const IMPLS = ["mlpc", "baseline", "tfjs-cpu", "tfjs-wasm", "brain", "synaptic"];
/** PyTorch and scikit-learn (bench/peers/python_peer.py), on the workloads the targets compare. */
export const PY_IMPLS = { "torch-1t": ["W3", "W4b32", "W4b128", "W5b256"], "torch-all": ["W4b32", "W4b128"], sklearn: ["W3", "W4b32", "W4b128"] };
/** The default f32 module trained data-parallel on every core (src/parallel). */
const THREADS = new Set(["W4b32", "W4b128"]);
const LABEL = {
  // The impl keys predate SIMD by default: "mlpc" is the module compiled with --no-simd, and
  // "mlpc-simd-f64" / "mlpc-simd" are what `mlpc compile` now emits by default (f64 / --dtype f32).
  mlpc: "mlpc --no-simd",
  "mlpc-f32": "mlpc --no-simd --dtype f32",
  "mlpc-simd": "mlpc --dtype f32",
  "mlpc-simd-f64": "mlpc (default)",
  "mlpc-simd-threads": "mlpc --dtype f32, all cores",
  "torch-1t": "PyTorch 1 thread",
  "torch-all": "PyTorch all cores",
  sklearn: "scikit-learn",
  baseline: "plain loops",
  "tfjs-cpu": "tfjs-cpu",
  "tfjs-wasm": "tfjs-wasm",
  brain: "brain.js",
  synaptic: "synaptic",
};
/** Workloads whose mlpc run is repeated with --dtype f32. */
const F32 = new Set(["W3", "W4b32", "W4b128", "W5b1", "W5b256"]);
/** Workloads also run with --simd (f32x4 and f64x2 kernels): the networks with layers big enough for them. */
const SIMD = new Set(["W3", "W4b32", "W4b128", "W5b1", "W5b256"]);
/** Per-sample peers do not see the batch size: one run serves every workload of the same network and mode. */
const SAME_NETWORK = { W1b1: "W1b32", W4b128: "W4b32", W5b256: "W5b1" };

const selected = WORKLOADS.filter((w) => only.length === 0 || only.some((p) => w.id.toLowerCase().startsWith(p.toLowerCase())));
const wanted = (impl) => implFilter.length === 0 || implFilter.includes(impl) || (impl.startsWith("mlpc-") && implFilter.includes("mlpc"));

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 === 1 ? s[k] : (s[k - 1] + s[k]) / 2;
}

export function si(v) {
  if (v === undefined || v === null || !Number.isFinite(v)) return "-";
  if (v >= 1e6) return `${(v / 1e6).toFixed(v >= 1e7 ? 1 : 2)}M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(v >= 1e5 ? 0 : v >= 1e4 ? 1 : 2)}k`;
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function ratio(a, b) {
  if (!(a > 0) || !(b > 0)) return "-";
  const r = a / b;
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}x`;
}

const percent = (fraction) => (typeof fraction === "number" && Number.isFinite(fraction) ? `${(100 * fraction).toFixed(1)} %` : "-");

/** At most this share of an epoch of mlpc train beyond its training steps, on digits and MNIST-sized data, by default. */
const CLI_OVERHEAD_TARGET = 0.15;

const bytes = (n) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(2)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

function runWorker(impl, w, modules) {
  const t0 = performance.now();
  const child = spawnSync(process.execPath, ["--expose-gc", join(BENCH, "worker.mjs"), impl, w.id], {
    cwd: ROOT,
    env: { ...process.env, BENCH_MODULES: modules },
    encoding: "utf8",
    timeout: quick ? 120_000 : 300_000,
    maxBuffer: 16 << 20,
  });
  const wall = (performance.now() - t0) / 1000;
  const line = (child.stdout ?? "").split("\n").find((l) => l.startsWith("RESULT "));
  if (line === undefined) {
    const why = child.error ? String(child.error) : `exit ${child.status} ${child.signal ?? ""}: ${(child.stderr ?? "").trim().split("\n").slice(-3).join(" / ")}`;
    return { impl, workload: w.id, error: why, wall };
  }
  return { ...JSON.parse(line.slice(7)), wall };
}

/** Can /usr/bin/python3 import torch and sklearn? Their versions, or null. */
function pythonPeers() {
  const r = spawnSync(PYTHON, ["-c", "import torch, sklearn; print(torch.__version__, sklearn.__version__)"], { encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) return null;
  const [torch, sklearn] = r.stdout.trim().split(/\s+/);
  return { torch, sklearn };
}

/** The workload's data and initial parameters as raw float64 files plus a JSON spec, for the Python peers. */
function writePythonSpec(w, dir) {
  const data = makeData(w);
  const params = Float64Array.from(initialParams(w));
  const file = (name, array) => {
    const path = join(dir, `${w.id}.${name}.f64`);
    writeFileSync(path, Buffer.from(array.buffer, array.byteOffset, array.byteLength));
    return path;
  };
  const spec = { id: w.id, sizes: w.sizes, activations: w.activations, loss: w.loss, optimizer: w.optimizer, batch: w.batch, mode: w.mode, rows: data.rows, x: file("x", data.x), y: file("y", data.y), params: file("params", params) };
  const path = join(dir, `${w.id}.spec.json`);
  writeFileSync(path, JSON.stringify(spec));
  return path;
}

function runPython(impl, w, specPath) {
  const t0 = performance.now();
  const child = spawnSync(PYTHON, [join(BENCH, "peers/python_peer.py"), impl, specPath], { cwd: ROOT, encoding: "utf8", timeout: quick ? 120_000 : 300_000, maxBuffer: 16 << 20 });
  const wall = (performance.now() - t0) / 1000;
  const line = (child.stdout ?? "").split("\n").find((l) => l.startsWith("RESULT "));
  if (line === undefined) {
    const why = child.error ? String(child.error) : `exit ${child.status} ${child.signal ?? ""}: ${(child.stderr ?? "").trim().split("\n").slice(-3).join(" / ")}`;
    return { impl, workload: w.id, error: why, wall };
  }
  return { ...JSON.parse(line.slice(7)), wall };
}

function log(text) {
  process.stdout.write(text);
}

/** The committed run's medians (bench/RESULTS.json), for the no-regression targets. */
function previousMedians() {
  try {
    const previous = JSON.parse(readFileSync(join(BENCH, "RESULTS.json"), "utf8"));
    return { date: previous.machine?.date ?? null, cells: previous.results.filter((r) => !r.error).map((r) => ({ impl: r.impl, workload: r.workload, median: r.median })) };
  } catch {
    return null;
  }
}

async function main() {
  const started = new Date();
  const previous = previousMedians();
  const t0 = performance.now();
  const cpu = cpus();
  const machine = {
    cpu: cpu[0]?.model ?? "unknown CPU",
    cores: cpu.length,
    memory: totalmem(),
    os: `${type()} ${release()}`,
    node: process.version,
    date: started.toISOString(),
    loadStart: loadavg(),
    python: pythonPeers(),
  };
  log(`mlpc benchmark${quick ? " (BENCH_QUICK: smoke run, not a measurement)" : ""}\n`);
  log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.date}\n`);
  log(`load average at start: ${machine.loadStart.map((l) => l.toFixed(2)).join(" ")}\n`);
  log(machine.python ? `PyTorch ${machine.python.torch}, scikit-learn ${machine.python.sklearn} (${PYTHON})\n\n` : `PyTorch / scikit-learn: not installed for ${PYTHON}\n\n`);

  const modules = mkdtempSync(join(tmpdir(), "mlpc-bench-"));
  process.on("exit", () => rmSync(modules, { recursive: true, force: true }));
  const programs = [...new Set(selected.map((w) => w.program))];
  const sizes = {};
  for (const p of programs) {
    for (const dtype of ["f64", "f32"]) {
      sizes[`${p}.${dtype}`] = await compileWorkload(p, dtype, modules);
      sizes[`${p}.${dtype}.simd`] = await compileWorkload(p, dtype, modules, true);
    }
  }

  // Training and inference throughput, one process each, in `rounds` interleaved rounds; each cell
  // keeps the round with the higher median (the machine may be shared: a round that ran next to
  // someone else's work is slower, never faster).
  const runs = [];
  const specs = {};
  for (let round = 1; round <= rounds; round++) {
    for (const w of selected) {
      log(`${w.id}: ${w.title}${rounds > 1 ? ` (round ${round} of ${rounds})` : ""}\n`);
      const py = Object.keys(PY_IMPLS).filter((impl) => PY_IMPLS[impl].includes(w.id));
      const impls = [
        ...IMPLS,
        ...(F32.has(w.id) ? ["mlpc-f32"] : []),
        ...(SIMD.has(w.id) ? ["mlpc-simd", "mlpc-simd-f64"] : []),
        ...(THREADS.has(w.id) ? ["mlpc-simd-threads"] : []),
        ...py,
      ].filter(wanted);
      for (const impl of impls) {
        const reuse = (impl === "brain" || impl === "synaptic") && SAME_NETWORK[w.id];
        const earlier = reuse ? runs.find((r) => r.impl === impl && r.workload === reuse && r.round === round) : undefined;
        let r;
        if (earlier) r = { ...earlier, workload: w.id, sameRunAs: reuse };
        else if (impl in PY_IMPLS) {
          if (machine.python === null) {
            r = { impl, workload: w.id, notInstalled: true, error: "not installed", round };
            runs.push(r);
            continue;
          }
          specs[w.id] ??= writePythonSpec(w, modules);
          r = { ...runPython(impl, w, specs[w.id]), round };
        } else r = { ...runWorker(impl, w, modules), round };
        runs.push(r);
        if (r.error) log(`  ${LABEL[impl].padEnd(24)} FAILED: ${r.error.split("\n")[0]}\n`);
        else {
          log(
            `  ${LABEL[impl].padEnd(24)} ${si(r.median).padStart(7)} samples/s  (${si(r.min)}-${si(r.max)}, ${r.epochs} epochs x ${r.rowsPerEpoch} rows${
              r.sameRunAs ? `, same run as ${r.sameRunAs}` : `, ${r.wall.toFixed(1)} s`
            })\n`,
          );
        }
      }
    }
  }
  const results = [];
  for (const r of runs) {
    const cell = runs.filter((x) => x.impl === r.impl && x.workload === r.workload);
    if (cell[0] !== r) continue;
    const ok = cell.filter((x) => !x.error);
    const best = ok.length > 0 ? ok.reduce((a, b) => (b.median > a.median ? b : a)) : cell[0];
    results.push({ ...best, roundMedians: cell.map((x) => (x.error ? null : x.median)) });
  }

  // Cold `mlpc compile` (a fresh process each time, as a user runs it) and the generated size.
  const compileResults = [];
  const compileDir = mkdtempSync(join(tmpdir(), "mlpc-bench-compile-"));
  for (const p of ["w1", "w3", "w4"].filter((p) => programs.includes(p))) {
    const times = [];
    const out = join(compileDir, `${p}.ts`);
    for (let k = 0; k < compileRuns; k++) {
      const s = performance.now();
      const child = spawnSync(process.execPath, [join(ROOT, "dist/cli/main.js"), "compile", join(WORKLOAD_DIR, `${p}.mlp`), "-o", out], { encoding: "utf8" });
      times.push((performance.now() - s) / 1000);
      if (child.status !== 0) throw new Error(`mlpc compile ${p}.mlp failed: ${child.stderr}`);
    }
    compileResults.push({ program: p, median: median(times), min: Math.min(...times), max: Math.max(...times), runs: times.length, tsBytes: statSync(out).size, jsBytes: sizes[`${p}.f64`].jsBytes });
    log(`mlpc compile ${p}.mlp: ${median(times).toFixed(2)} s (median of ${times.length} cold processes), ${bytes(statSync(out).size)} of TypeScript\n`);
  }
  rmSync(compileDir, { recursive: true, force: true });

  // The limit: the machine's wasm SIMD multiply-add peak and the kernels in isolation (one process).
  const limitsRun = spawnSync(process.execPath, [join(BENCH, "simd-peak.mjs"), "--json"], { cwd: ROOT, encoding: "utf8", timeout: 300_000 });
  const limits = limitsRun.status === 0 ? JSON.parse(limitsRun.stdout.trim().split("\n").at(-1)) : null;
  if (limits) log(`wasm SIMD multiply-add peak: f32x4 ${limits.peak.f32.toFixed(1)}, f64x2 ${limits.peak.f64.toFixed(1)} GFLOP/s\n`);

  // What mlpc train spends beyond its steps (a full run only: it trains digits and MNIST-sized data, not the workloads).
  let cliOverhead = null;
  if (only.length === 0 && implFilter.length === 0) {
    const args = quick ? ["6", "1"] : ["20", "3"];
    const run = spawnSync(process.execPath, [join(BENCH, "cli-overhead.mjs"), ...args, "--json"], { cwd: ROOT, encoding: "utf8", timeout: 900_000 });
    cliOverhead = run.status === 0 ? { epochs: Number(args[0]), rounds: Number(args[1]), rows: JSON.parse(run.stdout.trim().split("\n").at(-1)) } : { error: (run.stderr ?? String(run.error)).trim().split("\n").slice(-3).join(" / ") };
    if (cliOverhead.rows) for (const r of cliOverhead.rows) log(`mlpc train ${r.data}, ${r.threadsFlag === null ? "default" : "--threads 1"}: ${percent(r.overhead)} beyond its steps\n`);
  }

  machine.loadEnd = loadavg();
  machine.uptime = spawnSync("uptime", { encoding: "utf8" }).stdout?.trim() ?? null;
  machine.seconds = (performance.now() - t0) / 1000;
  const report = { machine, quick, rounds, only, implFilter, results, compile: compileResults, limits, cliOverhead, previous };
  const markdown = renderMarkdown(report);
  const jsonPath = resultsPath.replace(/\.md$/, ".json");
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(resultsPath, markdown);
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 1)}\n`);
  log(`\n${markdown}\nwrote ${resultsPath} and ${jsonPath} (${machine.seconds.toFixed(0)} s)${update && partial ? "; --update refreshes bench/RESULTS.md only after a full run" : ""}\n`);
}

const find = (report, impl, workload) => report.results.find((r) => r.impl === impl && r.workload === workload && !r.error);

/**
 * The issue's targets: [workload, peer (or null for an absolute figure), minimum, text, mlpc variant].
 * The plain-TypeScript module (default) is judged on every target; the --simd rows show what the
 * opt-in WebAssembly kernels reach where plain TypeScript cannot (the issue asks for them apart).
 */
const TARGETS = [
  ["W1b32", null, 8e6, "W1 b32 >= 8M samples/s"],
  ["W1b32", "tfjs-cpu", 150, "W1 b32 >= 150x tfjs-cpu"],
  ["W1b32", "synaptic", 1.5, "W1 b32 >= 1.5x synaptic (per-sample SGD loop)"],
  ["W1b1", "tfjs", 1000, "W1 b1 >= 1000x tfjs (the faster backend)"],
  ["W2", "synaptic", 1.2, "W2 >= 1.2x synaptic"],
  ["W3", "tfjs-wasm", 5, "W3 >= 5x tfjs-wasm"],
  ["W3", "baseline", 1.0, "W3 >= 1.0x plain Float64Array loops"],
  ["W4b32", "tfjs-wasm", 1.5, "W4 b32 >= 1.5x tfjs-wasm"],
  ["W4b128", "tfjs-wasm", 1.5, "W4 b128 >= 1.5x tfjs-wasm"],
  ["W5b256", "tfjs-wasm", 0.5, "W5 b256 >= 0.5x tfjs-wasm (plain TS)"],
  ["W4b32", "tfjs-wasm", 1.5, "W4 b32 >= 1.5x tfjs-wasm, with --simd (opt-in)", "mlpc-simd"],
  ["W4b128", "tfjs-wasm", 1.5, "W4 b128 >= 1.5x tfjs-wasm, with --simd (opt-in)", "mlpc-simd"],
  ["W5b256", "tfjs-wasm", 0.5, "W5 b256 >= 0.5x tfjs-wasm, with --simd (opt-in, measured apart)", "mlpc-simd"],
];

export function evaluateTargets(report) {
  const rows = [];
  for (const [workload, peer, min, text, variant = "mlpc"] of TARGETS) {
    const mine = find(report, variant, workload);
    if (!report.results.some((r) => r.workload === workload)) continue;
    if (variant !== "mlpc" && mine === undefined) continue;
    let value;
    let figure;
    if (peer === null) {
      value = mine?.median;
      figure = `${si(value)} samples/s`;
    } else {
      let other = find(report, peer, workload);
      let name = peer;
      if (peer === "tfjs") {
        const cpu = find(report, "tfjs-cpu", workload);
        const wasm = find(report, "tfjs-wasm", workload);
        other = (cpu?.median ?? 0) >= (wasm?.median ?? 0) ? cpu : wasm;
        name = other?.impl ?? "tfjs";
      }
      value = mine && other ? mine.median / other.median : undefined;
      figure = mine && other ? `${ratio(mine.median, other.median)} (${si(mine.median)} vs ${LABEL[name] ?? name} ${si(other.median)})` : "not measured";
    }
    rows.push({ text, figure, met: value !== undefined && value >= min, measured: value !== undefined });
  }
  return rows;
}

/**
 * For each target the plain module misses: the FLOP rate it runs at, the rate the target needs, and
 * the --simd figures of the same run. Scalar JavaScript does one multiply and one add per
 * instruction on one double; the issue's own figure for register-blocked scalar kernels on this
 * machine is ~5.9 GFLOP/s, so a target that needs more is out of reach of plain TypeScript.
 */
function explainMisses(report) {
  const lines = [];
  for (const [workload, peer, min, text, variant = "mlpc"] of TARGETS) {
    if (variant !== "mlpc" || peer === null) continue;
    const w = WORKLOADS.find((x) => x.id === workload);
    const mine = find(report, "mlpc", workload);
    const other = find(report, peer, workload);
    if (!w || !mine || !other || mine.median / other.median >= min) continue;
    const gflops = (r) => (r.median * flopsPerSample(w)) / 1e9;
    const needed = (min * other.median * flopsPerSample(w)) / 1e9;
    const simd = ["mlpc-simd-f64", "mlpc-simd"]
      .map((impl) => find(report, impl, workload))
      .filter(Boolean)
      .map((r) => `${LABEL[r.impl]} ${ratio(r.median, other.median)} (${si(r.median)} samples/s, ${gflops(r).toFixed(1)} GFLOP/s)`);
    lines.push(
      `- ${text}: plain TypeScript runs at ${gflops(mine).toFixed(2)} GFLOP/s (${si(mine.median)} samples/s). ${LABEL[peer]}, whose matrix products run in ` +
        `f32x4 SIMD kernels (XNNPACK), reaches ${gflops(other).toFixed(2)} GFLOP/s, so the target needs ${needed.toFixed(2)} GFLOP/s: ${(needed / 5.9).toFixed(2)}x ` +
        "the ~5.9 GFLOP/s the issue measured for register-blocked scalar kernels on this machine (scalar JavaScript does one multiply or add on one number an instruction). " +
        (simd.length > 0 ? `Closed by the opt-in WebAssembly SIMD kernels: ${simd.join("; ")}.` : "What closes it: the opt-in --simd kernels (not measured in this run)."),
    );
  }
  return lines;
}

/** The default module of a workload: the SIMD one where the network has kernel layers (W3-W5), else the plain one. */
const defaultImpl = (workload) => (SIMD.has(workload) ? "mlpc-simd-f64" : "mlpc");

/** The reference whose same-run speed measures the machine's drift between two runs: this repo's plain loops (bench/baseline-loops.mjs), code that does not change with mlpc. */
const DRIFT_REFERENCE = "baseline";

/**
 * The no-regression target of workload w: the default module now against the same module in the
 * previous RESULTS.md, divided by how much faster or slower the drift reference ran between the two
 * runs (this shared VM's speed moves 5-15 % from day to day, the same for every cell: a regression
 * of the module shows against the same run's reference, a slow machine does not). Met at >= 0.97.
 */
export function regressionRow(report, w) {
  const impl = defaultImpl(w);
  const previousMedian = (name) => report.previous?.cells.find((c) => c.impl === name && c.workload === w)?.median;
  const text = `${w}: default module no regression beyond 3 % against the previous RESULTS.md (the machine's drift taken out)`;
  const [now, before] = [find(report, impl, w)?.median, previousMedian(impl)];
  if (now === undefined || before === undefined) return { text, met: false, measured: false, figure: "not measured" };
  const [refNow, refBefore] = [find(report, DRIFT_REFERENCE, w)?.median, previousMedian(DRIFT_REFERENCE)];
  const raw = now / before;
  const drift = refNow !== undefined && refBefore !== undefined ? refNow / refBefore : null;
  const adjusted = drift === null ? raw : raw / drift;
  const date = report.previous.date?.slice(0, 10);
  const figure =
    `${adjusted.toFixed(2)}x: ${ratio(now, before)} raw (${si(now)} now, ${si(before)} in the run of ${date})` +
    (drift === null ? ", the plain loops not in both runs" : `, the plain loops at ${drift.toFixed(2)}x their speed then (${si(refNow)} vs ${si(refBefore)})`);
  return { text, met: adjusted >= 0.97, measured: true, figure };
}

/** Targets of "fast by default": [text, value or undefined, minimum, figure]. */
function defaultTargets(report) {
  const m = (impl, w) => find(report, impl, w)?.median;
  const row = (text, a, b, min, names) => {
    const measured = a !== undefined && b !== undefined;
    const notInstalled = !measured && names.some((n) => report.results.some((r) => r.impl === n && r.notInstalled));
    return { text, met: measured && a / b >= min, measured, figure: measured ? `${ratio(a, b)} (${si(a)} vs ${si(b)})` : notInstalled ? "PyTorch not installed" : "not measured" };
  };
  const load = report.machine.loadStart?.[0];
  const shared = `the machine's load average was ${load?.toFixed(1)} on ${report.machine.cores} cores at the start of the run`;
  const rows = [
    {
      ...row("default module (f64) W4 b128 >= 4x the plain scalar module", m("mlpc-simd-f64", "W4b128"), m("mlpc", "W4b128"), 4, []),
      why: "f64x2 does 2 multiply-adds an instruction where scalar code does 1, so 4x needs the f64x2 kernels at ~2x the plain loops' per-lane efficiency, and the per-step copies (parameters staged into the heap, the gradient copied out, the Adam kernel's copies of params, grad, m and v: ~3.2 MB a step in f64) do not shrink with SIMD",
      closes: "keeping the training state resident in the wasm heap (no per-step copies) and a wider f64 tile; or --dtype f32 (f32x4: 4 lanes), which is over 4x",
    },
    {
      ...row("--dtype f32 W4 b32, one thread >= 1.0x PyTorch one thread", m("mlpc-simd", "W4b32"), m("torch-1t", "W4b32"), 1, ["torch-1t"]),
      why: "PyTorch's CPU GEMMs use AVX2 with fused multiply-add (8 float32 lanes, 2 FLOPs an instruction) where wasm SIMD has 4 lanes and no FMA",
      closes: "relaxed SIMD's f32x4.relaxed_madd where the runtime has it, or more threads",
    },
    {
      ...row("--dtype f32 W4 b128, 2 threads >= 1.7x one thread", m("mlpc-simd-threads", "W4b128"), m("mlpc-simd", "W4b128"), 1.7, []),
      why: `one thread's step (its state resident in the kernels' heap) is 1.23 ms; on two threads, with the state and both threads' kernel heaps in one shared WebAssembly.Memory (nothing copied), each half slice takes 0.61-0.63 ms, each thread's in-place half update with the combine 0.05 ms and the barriers 0.02-0.04 ms: 0.69 ms, 1.79x, when each runs in a process of its own on a quiet spell (the bench's path with gatherRows, 2026-12-04; docs/performance.md, Threads), and 1.63x an hour later, when the half update, the memory-bound part (nine 200 KB passes a thread, both cores at once), took 0.105 ms; the same cells gave 1.53-1.74x in six bench runs that day, the two-thread cell spreading more than the one-thread one (145k-168k against 89k-98k), so this VM's slow spells move the cell across the line; ${shared}`,
      closes: "less memory traffic a step: each slice writes a whole weight gradient (400 KB) whatever its rows, and the update streams five arrays; larger batches (more compute a step for the same traffic) pass it, and a quiet machine does",
    },
    {
      ...row("--dtype f32 W4 b128, 2 threads >= 1.0x PyTorch one thread", m("mlpc-simd-threads", "W4b128"), m("torch-1t", "W4b128"), 1, ["torch-1t"]),
      why: `as above: ${shared}`,
      closes: "as above",
    },
    {
      ...row("W5 inference b256, default module f32 >= 1.0x tfjs-wasm", m("mlpc-simd", "W5b256"), m("tfjs-wasm", "W5b256"), 1, []),
      why: "both run f32x4 kernels near the same peak; the ratio moves with the load",
      closes: "a wider dense tile at 256 rows",
    },
  ];
  for (const w of ["W1b32", "W1b1", "W2", "W3"]) rows.push(regressionRow(report, w));
  for (const r of report.cliOverhead?.rows?.filter((r) => r.threadsFlag === null) ?? []) {
    const measured = typeof r.overhead === "number" && Number.isFinite(r.overhead);
    rows.push({
      text: `mlpc train, ${r.data}, by default: at most ${percent(CLI_OVERHEAD_TARGET)} of an epoch beyond its steps`,
      met: measured && r.overhead <= CLI_OVERHEAD_TARGET,
      measured,
      figure: measured ? `${percent(r.overhead)} (${(1000 * r.wall).toFixed(2)} ms an epoch, ${(1000 * r.steps).toFixed(2)} in its steps; ${r.threads} thread${r.threads === 1 ? "" : "s"}${r.validatesAside ? ", validation on a second" : ""})` : "not measured",
      why: `a batch of ${r.batch} rows trains in ${((1e6 * r.steps) / r.batches).toFixed(0)} us; beyond it come the batch's gather (random reads of rows out of the cache, 5-6.5 us a batch of digits with its rows touched first), the CLI's batch callback with the gradient-norm sums, the checks and counts, and each epoch's JSON line, yields and hand-over to the validation thread (docs/performance.md, Around the steps, has the breakdown); the same code spreads by about 5 points from process to process on this VM; ${shared}`,
      closes: "a gather that leaves the epoch's wall time (touching a small batch's rows first took 2 % off a digits epoch; a worker putting the next epoch in order lowered this figure but lengthened the steps as much: docs/performance.md), or fewer per-batch callbacks",
    });
  }
  const limits = report.limits;
  if (limits) {
    for (const k of limits.kernels.filter((k) => k.name.includes("128"))) {
      const share = k.share?.f32 ?? k.f32 / limits.peak.f32; // the alternated share when simd-peak.mjs gives it
      rows.push({ text: `kernel ${k.name} (f32x4) >= 70 % of the SIMD peak`, met: share >= 0.7, measured: true, figure: `${(100 * share).toFixed(0)} % (${k.f32.toFixed(1)} of ${limits.peak.f32.toFixed(1)} GFLOP/s)` });
    }
  }
  return rows;
}

export function renderMarkdown(report) {
  const { machine } = report;
  const lines = [];
  const push = (...l) => lines.push(...l);
  const workloads = WORKLOADS.filter((w) => report.results.some((r) => r.workload === w.id));
  const wasm = report.results.find((r) => r.impl === "tfjs-wasm" && r.info)?.info;
  push(
    "# Benchmark results",
    "",
    `Written by \`npm run bench\` (bench/run.mjs)${report.quick ? " in BENCH_QUICK mode: a smoke run, not a measurement" : ""}${
      report.only.length > 0 ? `, BENCH_ONLY=${report.only.join(",")}` : ""
    }${report.implFilter.length > 0 ? `, BENCH_IMPLS=${report.implFilter.join(",")}` : ""}. Method and discussion: docs/performance.md.`,
    "",
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${bytes(machine.memory)} RAM, ${machine.os}`,
    `- Node ${machine.node}; ${machine.date}; the whole run took ${machine.seconds.toFixed(0)} s`,
    `- Load average (1/5/15 min) at start ${machine.loadStart.map((l) => l.toFixed(2)).join(" ")}, at end ${machine.loadEnd.map((l) => l.toFixed(2)).join(" ")}${machine.uptime ? `; \`uptime\` at the end: ${machine.uptime}` : ""}`,
    wasm
      ? `- tfjs ${wasm.version}; wasm backend: SIMD ${wasm.simd ? "on" : "off"}, threads ${wasm.threads ? "on" : "off"}${wasm.threads ? "" : " (tfjs-backend-wasm 4.22 turns threads off under Node: its flag returns false when IS_NODE)"}; so tfjs-backend-wasm-simd.wasm, one thread`
      : "- tfjs-wasm not run",
    ...(machine.loadStart[0] > machine.cores
      ? [
          "",
          `**A loaded machine.** The load average was ${machine.loadStart[0].toFixed(1)} at the start and ${machine.loadEnd[0].toFixed(1)} at the end, on ${machine.cores} cores: other`,
          "sessions' test suites ran throughout, so most cells shared a core and every figure here is below what the",
          "same code does on an idle machine (compare the rounds in the last table). Ratios between cells measured",
          "minutes apart are indicative only. The cells that need a second free core (mlpc all cores, PyTorch all",
          "cores) and PyTorch, whose thread pool spins and suffers most from sharing a core, are the least reliable.",
          "The kernels' shares of the peak are timed alternately with it in CPU time, which discounts the time the",
          "core went to others but not the caches they took: under load the kernels still lose, the peak hardly.",
        ]
      : []),
    "",
    "## Samples/s",
    "",
    "Median over the timed epochs of one process per cell, the better of the rounds (training: forward +",
    "backward + update; W5: inference with the outputs read back). In parentheses: mlpc's ratio to it.",
    "",
    `| workload | ${IMPLS.map((i) => LABEL[i]).join(" | ")} |`,
    `|---|${IMPLS.map(() => "---:").join("|")}|`,
  );
  for (const w of workloads) {
    const mine = find(report, "mlpc", w.id);
    const cells = IMPLS.map((impl) => {
      const r = report.results.find((x) => x.impl === impl && x.workload === w.id);
      if (r === undefined) return "-";
      if (r.error) return "failed";
      return impl === "mlpc" ? `**${si(r.median)}**` : `${si(r.median)} (${ratio(mine?.median, r.median)})`;
    });
    push(`| ${w.id} | ${cells.join(" | ")} |`);
  }
  const w5b1 = find(report, "mlpc", "W5b1");
  if (w5b1) {
    const lat = IMPLS.map((i) => find(report, i, "W5b1")).filter(Boolean);
    push("", `W5b1 latency per sample (1 / median): ${lat.map((r) => `${LABEL[r.impl]} ${(1e6 / r.median).toFixed(1)} us`).join(", ")}.`);
  }

  push(
    "",
    "## Fast by default: targets",
    "",
    "mlpc now compiles the WebAssembly SIMD kernels by default (plain loops where wasm SIMD is missing);",
    "\"mlpc --no-simd\" is the plain scalar module. Ratios from this one run.",
    "",
    "| target | measured | status |",
    "|---|---|---|",
  );
  const targetRows = defaultTargets(report);
  for (const t of targetRows) push(`| ${t.text} | ${t.figure} | ${t.measured ? (t.met ? "MET" : "**NOT MET**") : "-"} |`);
  const unmet = targetRows.filter((t) => t.measured && !t.met);
  if (unmet.length > 0) {
    push("", "Targets not met in this run: the measured figure, why, and what would close it:", "");
    for (const t of unmet) push(`- ${t.text}: ${t.figure}. Why: ${t.why ?? "run-to-run noise on a shared machine, or a real regression: compare the rounds in the last table"}. What would close it: ${t.closes ?? "a rerun on a quiet machine; if it persists, a profile of the cell"}.`);
  }

  const pyRows = workloads.filter((w) => Object.values(PY_IMPLS).some((list) => list.includes(w.id)) || THREADS.has(w.id));
  if (pyRows.length > 0) {
    const py = report.machine.python;
    push(
      "",
      "## Against PyTorch and scikit-learn",
      "",
      py
        ? `PyTorch ${py.torch} (float32; torch.set_num_threads(1), and every core) and scikit-learn ${py.sklearn} (MLPClassifier, float64,`
        : "PyTorch and scikit-learn are not installed for /usr/bin/python3 (Debian: apt-get install python3-torch python3-sklearn), so their columns say so.",
      py ? "partial_fit with batch_size = the batch) from /usr/bin/python3, one process per cell, same data and initial weights. In parentheses: mlpc --dtype f32 (one thread) / it." : "",
      "",
      "| workload | mlpc (default, f64) | mlpc --dtype f32 | mlpc --dtype f32, all cores | PyTorch 1 thread | PyTorch all cores | scikit-learn |",
      "|---|---:|---:|---:|---:|---:|---:|",
    );
    for (const w of pyRows) {
      const f32 = find(report, "mlpc-simd", w.id)?.median;
      const cell = (impl, compare) => {
        const r = report.results.find((x) => x.impl === impl && x.workload === w.id);
        if (r === undefined) return "-";
        if (r.notInstalled) return "not installed";
        if (r.error) return "failed";
        return compare ? `${si(r.median)} (${ratio(f32, r.median)})` : si(r.median);
      };
      push(`| ${w.id} | ${cell("mlpc-simd-f64", false)} | ${cell("mlpc-simd", false)} | ${cell("mlpc-simd-threads", false)} | ${cell("torch-1t", true)} | ${cell("torch-all", true)} | ${cell("sklearn", true)} |`);
    }
  }

  if (report.limits) {
    const { peak, kernels } = report.limits;
    push(
      "",
      "## The limit: wasm SIMD multiply-add peak",
      "",
      "bench/simd-peak.mjs: 8 independent accumulators, acc += x * b (no FMA in wasm SIMD: a multiply and an add,",
      "2 FLOPs a lane), one core. The kernels alone on the W4 layer (784 -> 128, bench/wasm-kernels.mjs) as a share of it",
      "(timed alternately with the peak in CPU time: the median of kernel / the peaks either side):",
      "",
      `Peak: f32x4 **${peak.f32.toFixed(1)} GFLOP/s**, f64x2 **${peak.f64.toFixed(1)} GFLOP/s**.`,
      "",
      "| kernel | f32x4 GFLOP/s | share of peak | f64x2 GFLOP/s | share of peak |",
      "|---|---:|---:|---:|---:|",
    );
    const share = (k, lane) => k.share?.[lane] ?? k[lane] / peak[lane];
    for (const k of kernels) push(`| ${k.name} | ${k.f32.toFixed(1)} | ${(100 * share(k, "f32")).toFixed(0)} % | ${k.f64.toFixed(1)} | ${(100 * share(k, "f64")).toFixed(0)} % |`);
    const w4 = WORKLOADS.find((w) => w.id === "W4b128");
    const e2e = find(report, "mlpc-simd", "W4b128");
    if (e2e && w4) {
      // Real arithmetic of a W4 training sample: forward and weight gradient of both layers, the input delta of layer 2 only.
      const real = 2 * (784 * 128 + 128 * 10) * 2 + 2 * 128 * 10;
      push("", `End to end, mlpc --dtype f32 W4b128 trains at ${si(e2e.median)} samples/s = ${((e2e.median * real) / 1e9).toFixed(1)} GFLOP/s of real multiply-adds (${real} FLOPs a sample), ${((100 * e2e.median * real) / 1e9 / peak.f32).toFixed(0)} % of the f32x4 peak.`);
    }
  }

  const overhead = report.cliOverhead;
  if (overhead) {
    push("", "## Around the steps: mlpc train", "");
    if (overhead.error) push(`bench/cli-overhead.mjs failed: ${overhead.error}`);
    else {
      push(
        `bench/cli-overhead.mjs ${overhead.epochs} ${overhead.rounds}: the built CLI with --json on digits and a seeded MNIST-sized CSV, its steps timed in its own process;`,
        `overhead = (epoch wall time - its steps) / its steps, the median epoch of 2..${overhead.epochs + 1}, the median of ${overhead.rounds} round${overhead.rounds === 1 ? "" : "s"}.`,
        "",
        "| data | threads | train rows | batch | batches | CLI ms/epoch | its steps ms/epoch | overhead | without the validation pass |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
      );
      for (const r of overhead.rows) {
        const threads = r.threadsFlag === null ? `default: ${r.threads}${r.validatesAside ? " (+ validation on a second)" : ""}` : "--threads 1";
        push(`| ${r.data} | ${threads} | ${r.trainRows} | ${r.batch} | ${r.batches} | ${(1000 * r.wall).toFixed(2)} | ${(1000 * r.steps).toFixed(2)} | **${percent(r.overhead)}** | ${percent(r.withoutValidation)} |`);
      }
    }
  }

  push("", "## Targets (issue 6)", "", "| target | measured | status |", "|---|---|---|");
  for (const t of evaluateTargets(report)) push(`| ${t.text} | ${t.figure} | ${t.measured ? (t.met ? "MET" : "**NOT MET**") : "-"} |`);
  const missed = explainMisses(report);
  if (missed.length > 0) push("", "Targets not met by the plain-TypeScript module: the reason, and what closes them (measured in this run):", "", ...missed);

  const flopRows = workloads.filter((w) => w.sizes[0] >= 64);
  if (flopRows.length > 0) {
    push(
      "",
      "## Achieved GFLOP/s",
      "",
      "FLOPs per sample: training 6 x MACs (forward 2, weight gradient 2, input delta 2), inference 2 x MACs;",
      "activations, loss and the optimizer update not counted. The register-blocked kernel figure the issue",
      "quotes for this machine is ~5.9 GFLOP/s (plain dot-product loops ~3).",
      "",
      "| workload | MACs/sample | FLOPs/sample | mlpc | mlpc f32 | --simd f64x2 | --simd f32x4 | plain loops | tfjs-cpu | tfjs-wasm |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const w of flopRows) {
      const g = (impl) => {
        const r = find(report, impl, w.id);
        return r ? ((r.median * flopsPerSample(w)) / 1e9).toFixed(2) : "-";
      };
      push(
        `| ${w.id} | ${macsPerSample(w)} | ${flopsPerSample(w)} | ${g("mlpc")} | ${g("mlpc-f32")} | ${g("mlpc-simd-f64")} | ${g("mlpc-simd")} | ${g("baseline")} | ${g("tfjs-cpu")} | ${g("tfjs-wasm")} |`,
      );
    }
  }

  const simd = workloads.filter((w) => find(report, "mlpc-simd", w.id) || find(report, "mlpc-simd-f64", w.id));
  if (simd.length > 0) {
    push(
      "",
      "## --simd: the opt-in WebAssembly SIMD kernels",
      "",
      "`mlpc compile --simd` runs the layers too big to unroll in WebAssembly kernels mlpc assembles itself",
      "(f32x4 with --dtype f32, f64x2 with f64); the module still imports nothing. Measured apart from the",
      "plain-TypeScript default above. Ratios: to tfjs-wasm (XNNPACK, f32 SIMD) and to mlpc's plain module.",
      "",
      "| workload | mlpc (plain TS) | --simd (f64x2) | --simd --dtype f32 (f32x4) | tfjs-wasm | f64x2 / tfjs-wasm | f32x4 / tfjs-wasm | f32x4 / plain |",
      "|---|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const w of simd) {
      const m = find(report, "mlpc", w.id)?.median;
      const a = find(report, "mlpc-simd-f64", w.id)?.median;
      const b = find(report, "mlpc-simd", w.id)?.median;
      const t = find(report, "tfjs-wasm", w.id)?.median;
      push(`| ${w.id} | ${si(m)} | ${si(a)} | ${si(b)} | ${si(t)} | ${ratio(a, t)} | ${ratio(b, t)} | ${ratio(b, m)} |`);
    }
    const lat = ["mlpc", "mlpc-simd-f64", "mlpc-simd", "tfjs-wasm"].map((i) => find(report, i, "W5b1")).filter(Boolean);
    if (lat.length > 0) push("", `W5b1 latency per sample: ${lat.map((r) => `${LABEL[r.impl]} ${(1e6 / r.median).toFixed(1)} us`).join(", ")}.`);
  }

  const f32 = workloads.filter((w) => find(report, "mlpc-f32", w.id));
  if (f32.length > 0) {
    push(
      "",
      "## --dtype f32 vs f64 (mlpc)",
      "",
      "Memory: the typed arrays the training state holds (params, grad, optimizer buffers) and, measured, the",
      "growth of ArrayBuffer memory from creating the state to after the first step (adds the scratch arrays).",
      "",
      "| workload | f64 samples/s | f32 samples/s | f32 / f64 | state f64 | state f32 | measured f64 | measured f32 |",
      "|---|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const w of f32) {
      const a = find(report, "mlpc", w.id);
      const b = find(report, "mlpc-f32", w.id);
      const mem = (r, k) => (r && r[k] !== null && r[k] !== undefined ? bytes(r[k]) : "-");
      push(`| ${w.id} | ${si(a?.median)} | ${si(b?.median)} | ${ratio(b?.median, a?.median)} | ${mem(a, "stateBytes")} | ${mem(b, "stateBytes")} | ${mem(a, "memory")} | ${mem(b, "memory")} |`);
    }
  }

  if (report.compile.length > 0) {
    push(
      "",
      "## mlpc compile",
      "",
      "`node dist/cli/main.js compile FILE -o OUT.ts`, each run a cold process (wall time includes Node's start",
      "and loading TypeScript/ts-morph); size of the generated module.",
      "",
      "| program | network | median | min - max | runs | .ts | .js |",
      "|---|---|---:|---:|---:|---:|---:|",
    );
    for (const c of report.compile) {
      const w = WORKLOADS.find((x) => x.program === c.program);
      push(`| bench/workloads/${c.program}.mlp | ${w.sizes.join("-")} | ${c.median.toFixed(2)} s | ${c.min.toFixed(2)} - ${c.max.toFixed(2)} s | ${c.runs} | ${bytes(c.tsBytes)} | ${bytes(c.jsBytes)} |`);
    }
  }

  push(
    "",
    "## Every measurement",
    "",
    `Each cell ran in ${report.rounds} interleaved round(s), one process each; the round with the higher median is shown,`,
    "rounds = every round's median (their difference is the run-to-run noise). min, max, spread = (max - min) /",
    "median over the kept round's timed epochs; epochs x rows = timed epochs x rows per epoch (a prefix of the",
    "workload's data set when a full pass would be slow); step = rows per update; load = 1-minute load average",
    "when the process started (2 cores: above ~1 means something else was running).",
    "",
    "| workload | implementation | median | rounds | min | max | spread | epochs x rows | step | load | notes |",
    "|---|---|---:|---|---:|---:|---:|---|---:|---:|---|",
  );
  for (const w of workloads) {
    for (const r of report.results.filter((x) => x.workload === w.id)) {
      if (r.error) {
        push(`| ${w.id} | ${LABEL[r.impl]} | failed | | | | | | | | ${r.error.split("\n")[0].replace(/\|/g, "/")} |`);
        continue;
      }
      const notes = [...(r.notes ?? []), r.sameRunAs ? `same run as ${r.sameRunAs}` : null].filter(Boolean).join("; ");
      push(
        `| ${w.id} | ${LABEL[r.impl]} | ${si(r.median)} | ${r.roundMedians.map(si).join(", ")} | ${si(r.min)} | ${si(r.max)} | ${(((r.max - r.min) / r.median) * 100).toFixed(0)}% | ${r.epochs} x ${r.rowsPerEpoch} | ${r.stepRows} | ${r.loadBefore.toFixed(2)} | ${notes} |`,
      );
    }
  }
  push(
    "",
    "## Notes",
    "",
    "- Same data (bench/workloads.mjs, seeded mulberry32) and the same initial weights and biases for every",
    "  implementation: tfjs via tf.variable values, brain.js and synaptic written into their weight",
    "  structures (test/bench/harness.test.ts checks each forward pass against the shared parameters).",
    "- mlpc: the generated module's trainStep (fused forward + backward + optimizer update), forwardBatch for",
    "  inference (forward at batch 1). Plain loops: bench/baseline-loops.mjs, the same formulas in",
    "  straightforward Float64Array loops.",
    "- tfjs: float32; tf.variable weights, tf.fused.matMul, tf.losses on the logits, optimizer.minimize per",
    "  batch (the leanest tfjs path; model.fit adds overhead); batch tensors built before timing; inference",
    "  reads the outputs back with dataSync.",
    "- mlpc --simd: the same module compiled with --simd (bench/compile-workloads.mjs): the big layers'",
    "  forward, weight gradient and input delta in the emitted WebAssembly kernels, parameters copied into",
    "  the kernels' memory once per call; --dtype f32 computes in float32 like tfjs.",
    "- brain.js 1.6.1: per-sample updates only; one activation for every layer (the hidden one, so its",
    "  output layer is relu/tanh, not sigmoid/softmax); Adam via praxis: 'adam', momentum SGD for W2;",
    "  float32 weights. Its figure does not depend on the batch size, so W1b1/W4b128/W5b256 reuse the run",
    "  of W1b32/W4b32/W5b1.",
    "- synaptic 1.1.4: Architect.Perceptron, activate + propagate(rate, target) per sample: plain SGD (no",
    "  Adam, no momentum, no mini-batches), logistic outputs instead of softmax. Same reuse as brain.js.",
    "- Each cell is its own process; cells run one after another. The machine may be shared: see the",
    "  load column and docs/performance.md for run-to-run variation.",
    "",
  );
  return lines.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "--render") {
  // `node bench/run.mjs --render bench/RESULTS.json`: rewrite RESULTS.md from a run's JSON (after a
  // change to the report's text; no measurement).
  const { readFileSync } = await import("node:fs");
  writeFileSync(join(BENCH, "RESULTS.md"), renderMarkdown(JSON.parse(readFileSync(process.argv[3], "utf8"))));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main()
    // The sweep's trials/s with 1 and 2 workers: its own process and file (bench/sweep.mjs).
    .then(() => {
      if (process.env.BENCH_SKIP_SWEEP !== "1" && only.length === 0 && implFilter.length === 0) spawnSync(process.execPath, [join(BENCH, "sweep.mjs"), ...(update && !partial ? ["--update"] : [])], { stdio: "inherit" });
    })
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}
