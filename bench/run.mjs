// The benchmark of issue 6: mlpc against TensorFlow.js (cpu, wasm), brain.js, synaptic and a plain
// Float64Array loop baseline, on the same data with the same initial weights.
//
//   npm run bench                      # build, then everything (a few minutes on 2 cores)
//   BENCH_QUICK=1 npm run bench        # smoke run: one short timed epoch each, tiny epochs
//   BENCH_ONLY=W4,W1b1 npm run bench   # workloads whose id starts with one of these
//   BENCH_IMPLS=mlpc,tfjs-wasm ...     # only these implementations
//   BENCH_ROUNDS=2                     # interleaved rounds; each cell keeps its best median (default 2)
//   BENCH_COMPILE_RUNS=5               # cold `mlpc compile` runs per program (default 5)
//
// Every (workload, implementation) pair runs in its own process (bench/worker.mjs): ArrayBuffer
// detaching and wasm memory growth slow typed-array code for the rest of a process. A full run
// writes bench/RESULTS.md and bench/RESULTS.json; a quick or filtered run writes
// bench/RESULTS.partial.md (or BENCH_RESULTS=path). docs/performance.md explains the method.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem, type, release } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileWorkload } from "./compile-workloads.mjs";
import { WORKLOADS, WORKLOAD_DIR, flopsPerSample, macsPerSample } from "./workloads.mjs";

const BENCH = fileURLToPath(new URL(".", import.meta.url));
const ROOT = join(BENCH, "..");
const quick = process.env.BENCH_QUICK === "1";
const only = (process.env.BENCH_ONLY ?? "").split(",").map((s) => s.trim()).filter(Boolean);
const implFilter = (process.env.BENCH_IMPLS ?? "").split(",").map((s) => s.trim()).filter(Boolean);
const compileRuns = Number(process.env.BENCH_COMPILE_RUNS ?? (quick ? 1 : 5));
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 2));
const partial = quick || only.length > 0 || implFilter.length > 0;
const resultsPath = process.env.BENCH_RESULTS ?? join(BENCH, partial ? "RESULTS.partial.md" : "RESULTS.md");

export const IMPLS = ["mlpc", "baseline", "tfjs-cpu", "tfjs-wasm", "brain", "synaptic"];
const LABEL = {
  mlpc: "mlpc",
  "mlpc-f32": "mlpc --dtype f32",
  "mlpc-simd": "mlpc --simd --dtype f32",
  "mlpc-simd-f64": "mlpc --simd",
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

function log(text) {
  process.stdout.write(text);
}

async function main() {
  const started = new Date();
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
  };
  log(`mlpc benchmark${quick ? " (BENCH_QUICK: smoke run, not a measurement)" : ""}\n`);
  log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.date}\n`);
  log(`load average at start: ${machine.loadStart.map((l) => l.toFixed(2)).join(" ")}\n\n`);

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
  for (let round = 1; round <= rounds; round++) {
    for (const w of selected) {
      log(`${w.id}: ${w.title}${rounds > 1 ? ` (round ${round} of ${rounds})` : ""}\n`);
      const impls = [...IMPLS, ...(F32.has(w.id) ? ["mlpc-f32"] : []), ...(SIMD.has(w.id) ? ["mlpc-simd", "mlpc-simd-f64"] : [])].filter(wanted);
      for (const impl of impls) {
        const reuse = (impl === "brain" || impl === "synaptic") && SAME_NETWORK[w.id];
        const earlier = reuse ? runs.find((r) => r.impl === impl && r.workload === reuse && r.round === round) : undefined;
        const r = earlier ? { ...earlier, workload: w.id, sameRunAs: reuse } : { ...runWorker(impl, w, modules), round };
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

  machine.loadEnd = loadavg();
  machine.seconds = (performance.now() - t0) / 1000;
  const report = { machine, quick, rounds, only, implFilter, results, compile: compileResults };
  const markdown = renderMarkdown(report);
  writeFileSync(resultsPath, markdown);
  if (!partial) writeFileSync(join(BENCH, "RESULTS.json"), `${JSON.stringify(report, null, 1)}\n`);
  log(`\n${markdown}\nwrote ${resultsPath} (${machine.seconds.toFixed(0)} s)\n`);
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
    `- Load average (1/5/15 min) at start ${machine.loadStart.map((l) => l.toFixed(2)).join(" ")}, at end ${machine.loadEnd.map((l) => l.toFixed(2)).join(" ")}`,
    wasm
      ? `- tfjs ${wasm.version}; wasm backend: SIMD ${wasm.simd ? "on" : "off"}, threads ${wasm.threads ? "on" : "off"}${wasm.threads ? "" : " (tfjs-backend-wasm 4.22 turns threads off under Node: its flag returns false when IS_NODE)"}; so tfjs-backend-wasm-simd.wasm, one thread`
      : "- tfjs-wasm not run",
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
      if (process.env.BENCH_SKIP_SWEEP !== "1" && only.length === 0 && implFilter.length === 0) spawnSync(process.execPath, [join(BENCH, "sweep.mjs")], { stdio: "inherit" });
    })
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
}
