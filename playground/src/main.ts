/**
 * The playground page: the program in an editor, the real compiler in a worker (diagnostics,
 * summary, generated TypeScript), the generated trainer in another worker, and the pictures.
 */
import { CLASS_COLORS, drawPoints, gridPoints, lineChart, outputColor, paintGrid, type Point, type Series } from "./draw.js";
import { csvDataset, DATASETS, generate, parseCsv, type CsvTable, type DataSettings, type DatasetName } from "./datasets.js";
import { loadModule, type GeneratedModule } from "./generated-module.js";
import { highlight, layerLine } from "./highlight.js";
import type { CompilerReply, Dataset, EpochPoint, ModelView, ModuleCode, Snapshot, TrainerReply, TrainerRequest } from "./protocol.js";
import { readHash, writeHash } from "./url-state.js";

const GRID = 48;
const COMPILE_DELAY_MS = 250;
const MAX_POINTS = 2000;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const programInput = $<HTMLTextAreaElement>("program");
const gutter = $<HTMLPreElement>("gutter");
const diagnosticsView = $<HTMLPreElement>("diagnostics");
const summaryView = $<HTMLPreElement>("summary");
const codeView = $<HTMLPreElement>("code");
const datasetSelect = $<HTMLSelectElement>("dataset");
const noiseInput = $<HTMLInputElement>("noise");
const ratioInput = $<HTMLInputElement>("ratio");
const pointsInput = $<HTMLInputElement>("points");
const seedInput = $<HTMLInputElement>("seed");
const labelColumn = $<HTMLSelectElement>("label-column");
const statusView = $<HTMLParagraphElement>("status");
const messageView = $<HTMLParagraphElement>("message");
const boundary = $<HTMLCanvasElement>("boundary");

// ---------------------------------------------------------------------------------------------
// State

const initial = readHash(location.hash);
let data: DataSettings = initial.data;
let csv: { name: string; table: CsvTable } | null = null;
let dataset: Dataset = generate(data);
let extent = 1.1;
let model: ModelView | null = null;
let typescript: string | null = null;
let mainCode: ModuleCode | null = null;
let pageModule: GeneratedModule | null = null;
let prefixes: readonly ModuleCode[] = [];
let history: EpochPoint[] = [];
let snapshot: Snapshot | null = null;
let running = false;
/** The network the trainer works on (bumped at each load), and whether it has answered for it. */
let network = 0;
let ready = false;
let compileId = 0;
let compileStarted = 0;
let firstCompileMs: number | null = null;
let analysisMs = 0;
let emitMs = 0;
let startupMs = 0;
let dirty = true;
let compareCurves: { batchSize: number | "all"; losses: readonly number[] }[] = [];
let pendingWeights = false;
const frameTimes: number[] = [];
/** Smoothed time one redraw takes. */
let drawMs = 0;

// ---------------------------------------------------------------------------------------------
// Workers

const compiler = new Worker(new URL("./compiler-worker.ts", import.meta.url), { type: "module" });
const trainer = new Worker(new URL("./trainer-worker.ts", import.meta.url), { type: "module" });
let comparer: Worker | null = null;

function send(worker: Worker, request: TrainerRequest): void {
  worker.postMessage(request);
}

compiler.onmessage = (event: MessageEvent<CompilerReply>) => {
  const reply = event.data;
  if (reply.kind === "exported") {
    download(`${modelName()}.predict.ts`, reply.typescript, "text/typescript");
    return;
  }
  if (reply.id !== compileId) return;
  switch (reply.kind) {
    case "analysis":
      analysisMs = reply.ms;
      // "compiled in" is shown again only once this program's module is loaded.
      if (reply.model !== null) $("compile-time").textContent = "compiling…";
      showAnalysis(reply);
      return;
    case "code":
      if (firstCompileMs === null) firstCompileMs = performance.now() - compileStarted;
      typescript = reply.typescript;
      mainCode = null;
      // The cut networks of the last program do not fit this one; the new ones follow.
      prefixes = [];
      emitMs = reply.ms;
      startupMs = reply.startupMs;
      $("compile-time").textContent = "compiling to JavaScript…";
      showCode();
      return;
    case "module":
      mainCode = reply.main;
      $("compile-time").textContent =
        `compiled in ${Math.round(performance.now() - compileStarted)} ms: check ${Math.round(analysisMs)}, emit ${Math.round(emitMs)}, to JavaScript ${Math.round(reply.ms)} ` +
        `(the compiler loaded in ${Math.round(startupMs)} ms; first TypeScript after ${Math.round(firstCompileMs ?? 0)} ms)`;
      void loadNetwork();
      return;
    case "probes":
      prefixes = reply.prefixes;
      send(trainer, { kind: "prefixes", prefixes });
      void drawActivations(reply.activations);
      return;
    case "failed":
      messageView.textContent = `the compiler failed: ${reply.message}`;
      return;
  }
};

trainer.onmessage = (event: MessageEvent<TrainerReply>) => {
  const reply = event.data;
  if (reply.kind === "error") {
    running = false;
    messageView.textContent = reply.message;
    updateButtons();
    return;
  }
  if (reply.kind !== "progress" || reply.network !== network) return;
  ready = true;
  for (const p of reply.points) history.push(p);
  // Every other epoch goes when the curves get long; the first and the last stay.
  if (history.length > MAX_POINTS) history = history.filter((_, i) => i % 2 === 0 || i === history.length - 1);
  snapshot = reply.snapshot;
  running = reply.running;
  if (reply.snapshot.checkpoint !== null && pendingWeights) {
    pendingWeights = false;
    download(`${modelName()}.weights.json`, reply.snapshot.checkpoint, "application/json");
  }
  updateStatus();
  updateButtons();
  dirty = true;
};

// ---------------------------------------------------------------------------------------------
// Program: compile while typing

function requestCompile(): void {
  compileId++;
  compileStarted = performance.now();
  compiler.postMessage({ kind: "compile", id: compileId, source: programInput.value });
}

let compileTimer: number | undefined;
programInput.addEventListener("input", () => {
  updateGutter([]);
  saveHash();
  clearTimeout(compileTimer);
  compileTimer = window.setTimeout(requestCompile, COMPILE_DELAY_MS);
});
programInput.addEventListener("scroll", () => (gutter.scrollTop = programInput.scrollTop));
for (const type of ["keyup", "click", "select"]) programInput.addEventListener(type, followCursor);

function updateGutter(marks: readonly { line: number; severity: string }[]): void {
  const lines = programInput.value.split("\n").length;
  const mark = new Map(marks.map((m) => [m.line, m.severity]));
  gutter.innerHTML = Array.from({ length: lines }, (_, k) => {
    const severity = mark.get(k + 1);
    return severity === undefined ? String(k + 1) : `<span class="${severity === "error" ? "bad" : "warn"}" title="${severity}">${k + 1}</span>`;
  }).join("\n");
}

function showAnalysis(reply: Extract<CompilerReply, { kind: "analysis" }>): void {
  updateGutter(reply.diagnostics);
  diagnosticsView.textContent = reply.diagnosticsText === "" ? "no problems" : reply.diagnosticsText;
  diagnosticsView.classList.toggle("clean", reply.diagnostics.every((d) => d.severity !== "error"));
  if (reply.summary !== null) summaryView.textContent = reply.summary;
  model = reply.model;
  updateButtons();
  if (model === null) {
    messageView.textContent = "fix the program to train it";
    summaryView.classList.add("stale");
  } else summaryView.classList.remove("stale");
}

function showCode(): void {
  if (typescript === null) return;
  codeView.innerHTML = highlight(typescript);
  $("code-info").textContent = `${typescript.split("\n").length} lines, ${model?.paramCount ?? 0} parameters`;
  followCursor();
}

/** Scrolls the generated code to the layer the cursor is in. */
function followCursor(): void {
  if (model === null || typescript === null) return;
  const at = programInput.selectionStart;
  const layer = model.layers.find((l) => at >= l.start && at <= l.end) ?? null;
  if (layer === null) return;
  const line = layerLine(typescript, layer.name);
  const lines = codeView.querySelectorAll<HTMLElement>(".l");
  codeView.querySelector(".l.here")?.classList.remove("here");
  const target = lines[line];
  if (target === undefined) return;
  target.classList.add("here");
  codeView.scrollTop = target.offsetTop - codeView.offsetTop - 8;
}

// ---------------------------------------------------------------------------------------------
// Data

datasetSelect.innerHTML =
  Object.entries(DATASETS)
    .map(([value, label]) => `<option value="${value}">${label}</option>`)
    .join("") + `<option value="csv" disabled>CSV file</option>`;

function showDataSettings(): void {
  datasetSelect.value = csv === null ? data.name : "csv";
  noiseInput.value = String(Math.round(data.noise * 100));
  $("noise-value").textContent = `${Math.round(data.noise * 100)}%`;
  ratioInput.value = String(Math.round(data.trainRatio * 100));
  $("ratio-value").textContent = `${Math.round(data.trainRatio * 100)}%`;
  pointsInput.value = String(data.points);
  seedInput.value = String(data.seed);
}

function readDataSettings(): void {
  const value = datasetSelect.value;
  if (value !== "csv" && csv !== null) {
    csv = null;
    $<HTMLInputElement>("csv-file").value = "";
  }
  data = {
    name: (value in DATASETS ? value : data.name) as DatasetName,
    noise: Number(noiseInput.value) / 100,
    trainRatio: Number(ratioInput.value) / 100,
    points: Math.min(2000, Math.max(20, Math.trunc(Number(pointsInput.value)) || 400)),
    seed: Math.max(0, Math.trunc(Number(seedInput.value)) || 0),
  };
  rebuildData();
}

function rebuildData(): void {
  try {
    if (csv !== null) {
      const option = datasetSelect.querySelector<HTMLOptionElement>('option[value="csv"]')!;
      option.disabled = false;
      option.textContent = `CSV: ${csv.name}`;
      dataset = csvDataset(csv.table, Number(labelColumn.value), data.trainRatio, data.seed);
    } else dataset = generate(data);
  } catch (error) {
    messageView.textContent = error instanceof Error ? error.message : String(error);
    return;
  }
  $("label-column-label").hidden = csv === null;
  const all = [...dataset.trainX, ...dataset.testX];
  extent = dataset.features === 2 ? Math.max(1.1, ...all.map((r) => Math.max(Math.abs(r[0]!), Math.abs(r[1]!)) * 1.05)) : 1;
  showDataSettings();
  saveHash();
  void loadNetwork();
}

for (const input of [datasetSelect, noiseInput, ratioInput, pointsInput, seedInput]) input.addEventListener("change", readDataSettings);
for (const input of [noiseInput, ratioInput]) input.addEventListener("input", () => showRangeValues());
labelColumn.addEventListener("change", rebuildData);

function showRangeValues(): void {
  $("noise-value").textContent = `${noiseInput.value}%`;
  $("ratio-value").textContent = `${ratioInput.value}%`;
}

async function readCsv(file: File): Promise<void> {
  try {
    const table = parseCsv(await file.text());
    csv = { name: file.name, table };
    labelColumn.innerHTML = table.header.map((h, k) => `<option value="${k}">${escapeHtml(h)}</option>`).join("");
    labelColumn.value = String(table.header.length - 1);
    messageView.textContent = "";
    rebuildData();
  } catch (error) {
    messageView.textContent = error instanceof Error ? error.message : String(error);
  }
}

$<HTMLInputElement>("csv-file").addEventListener("change", (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file !== undefined) void readCsv(file);
});
document.addEventListener("dragover", (event) => {
  event.preventDefault();
  document.body.classList.add("dragging");
});
document.addEventListener("dragleave", () => document.body.classList.remove("dragging"));
document.addEventListener("drop", (event) => {
  event.preventDefault();
  document.body.classList.remove("dragging");
  const file = event.dataTransfer?.files[0];
  if (file !== undefined) void readCsv(file);
});

/** Why this network cannot train on this data, or null when it can. */
function mismatch(m: ModelView, d: Dataset): string | null {
  if (m.inputSize !== d.features) return `the data has ${d.features} feature${d.features === 1 ? "" : "s"}: start the program with input ${d.features}`;
  if (d.classes === null) return m.loss === "mse" ? null : "the data is a regression: end with a linear unit (e.g. dense 1) for mse";
  if (m.outputSize === 1) return d.classes === 2 ? null : `the data has ${d.classes} classes: end with dense ${d.classes} softmax`;
  if (m.outputSize !== d.classes) return `the data has ${d.classes} classes but the network has ${m.outputSize} outputs`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Training

async function loadNetwork(): Promise<void> {
  comparer?.terminate();
  comparer = null;
  compareCurves = [];
  $("compare-caption").textContent = "same network, same initial weights";
  history = [];
  snapshot = null;
  running = false;
  ready = false;
  network++;
  dirty = true;
  if (model === null || mainCode === null) return updateButtons();
  const problem = mismatch(model, dataset);
  messageView.textContent = problem ?? "";
  if (problem !== null) return updateButtons();
  const code = mainCode;
  const mine = network;
  pageModule = await loadModule(code.js);
  if (mine !== network) return;
  send(trainer, { kind: "load", network, js: code.js, prefixes, data: dataset, batchSize: batchSize(), seed: model.seed, grid: dataset.features === 2 ? gridPoints(GRID, extent) : null });
  updateButtons();
}

function batchSize(): number | "all" {
  return model?.batch ?? 32;
}

function trainable(): boolean {
  return ready && model !== null && mainCode !== null && mismatch(model, dataset) === null;
}

function updateButtons(): void {
  const ok = trainable();
  $<HTMLButtonElement>("train").disabled = !ok || running;
  $<HTMLButtonElement>("pause").disabled = !running;
  $<HTMLButtonElement>("step").disabled = !ok || running;
  $<HTMLButtonElement>("reset").disabled = !ok;
  $<HTMLButtonElement>("compare").disabled = !ok;
  $<HTMLButtonElement>("download-ts").disabled = typescript === null;
  $<HTMLButtonElement>("download-weights").disabled = !ok || snapshot === null;
  $<HTMLButtonElement>("download-export").disabled = !ok || snapshot === null;
}

$("train").addEventListener("click", () => {
  running = true;
  updateButtons();
  send(trainer, { kind: "run" });
  $("pause").focus();
});
$("pause").addEventListener("click", () => {
  send(trainer, { kind: "pause" });
  $("train").focus();
});
$("step").addEventListener("click", () => send(trainer, { kind: "step" }));
$("reset").addEventListener("click", () => {
  history = [];
  send(trainer, { kind: "reset" });
});

function fixed(v: number | null, digits: number): string {
  return v === null || !Number.isFinite(v) ? "-" : v.toFixed(digits);
}

function updateStatus(): void {
  const p = history.at(-1);
  if (p === undefined) {
    statusView.textContent = "epoch 0";
    $("test-status").textContent = "";
    return;
  }
  const fields = [`epoch ${p.epoch}`, `loss ${fixed(p.loss, 4)}`];
  if (p.accuracy !== null) fields.push(`accuracy ${fixed(p.accuracy * 100, 1)}%`);
  statusView.textContent = fields.join("  ");
  const test = [];
  if (p.testLoss !== null) test.push(`test loss ${fixed(p.testLoss, 4)}`);
  if (p.testAccuracy !== null) test.push(`test accuracy ${fixed(p.testAccuracy * 100, 1)}%`);
  $("test-status").textContent = test.join("  ");
  const speed = snapshot?.updatesPerSecond ?? 0;
  $("speed").textContent = speed > 0 ? `${Math.round(speed)} updates/s, ${framesPerSecond()} redraws/s (${drawMs.toFixed(1)} ms each)` : "";
}

$("compare").addEventListener("click", () => {
  if (model === null || mainCode === null) return;
  comparer?.terminate();
  comparer = new Worker(new URL("./trainer-worker.ts", import.meta.url), { type: "module" });
  const mini = typeof model.batch === "number" ? model.batch : 32;
  const sizes: (number | "all")[] = ["all", mini === 1 ? 32 : mini, 1];
  compareCurves = [];
  $("compare-caption").textContent = "same network, same initial weights (running…)";
  comparer.onmessage = (event: MessageEvent<TrainerReply>) => {
    const reply = event.data;
    if (reply.kind === "compare") {
      compareCurves = [...reply.curves];
      const last = compareCurves.map((c) => `${c.batchSize === "all" ? "batch" : c.batchSize === 1 ? "SGD" : `mini-batch ${c.batchSize}`} ${fixed(c.losses.at(-1) ?? null, 4)}`);
      $("compare-caption").textContent = `same network, same initial weights; loss after ${compareCurves[0]?.losses.length ?? 0} epochs: ${last.join(", ")}${reply.done ? "" : " (running…)"}`;
      dirty = true;
    } else if (reply.kind === "error") messageView.textContent = reply.message;
  };
  send(comparer, { kind: "load", network: 0, js: mainCode.js, prefixes: [], data: dataset, batchSize: batchSize(), seed: model.seed, grid: null });
  send(comparer, { kind: "compare", epochs: Math.min(500, Math.max(5, Number($<HTMLInputElement>("compare-epochs").value) || 60)), batchSizes: sizes });
});

// ---------------------------------------------------------------------------------------------
// Pictures, redrawn on animation frames when something changed

function labelColor(label: number): string {
  if (dataset.classes === null) return `rgb(${outputColor(Float64Array.of(label), 0, 1, [-1, 1]).map(Math.round).join(",")})`;
  return `rgb(${CLASS_COLORS[label % CLASS_COLORS.length]!.join(",")})`;
}

function points(xs: number[][], ys: number[]): Point[] {
  return xs.map((r, i) => ({ x: r[0]!, y: r[1]!, label: ys[i]! }));
}

function drawBoundary(): void {
  if (dataset.features !== 2) {
    const g = boundary.getContext("2d")!;
    g.clearRect(0, 0, boundary.width, boundary.height);
    g.fillStyle = "#6b6b70";
    g.font = "14px system-ui, sans-serif";
    g.fillText(`the data has ${dataset.features} features: no plane to draw`, 16, boundary.height / 2);
    return;
  }
  const out = snapshot?.gridOut ?? null;
  const outputs = model?.outputSize ?? 1;
  const range: [number, number] = dataset.classes === null ? [-1, 1] : [0, 1];
  if (out === null) paintGrid(boundary, GRID, () => [250, 250, 250]);
  else paintGrid(boundary, GRID, (cell) => outputColor(out, cell * outputs, outputs, range), 0.85);
  drawPoints(boundary, points(dataset.trainX, dataset.trainY), extent, false, labelColor);
  drawPoints(boundary, points(dataset.testX, dataset.testY), extent, true, labelColor);
}

let hiddenLayout = "";
function drawHiddenUnits(): void {
  const box = $("hidden-units");
  const layers = model?.layers.slice(0, -1) ?? [];
  const grids = snapshot?.gridHidden ?? [];
  const layout = layers.map((l) => `${l.name}:${Math.min(l.units, 16)}`).join(",") + `|${grids.length}|${dataset.features}`;
  if (layout !== hiddenLayout) {
    hiddenLayout = layout;
    box.innerHTML = layers
      .map(
        (l, k) =>
          `<div class="layer"><span>${l.name} (${l.activation})${l.units > 16 ? `: first 16 of ${l.units} units` : ""}</span>${Array.from(
            { length: Math.min(l.units, 16) },
            (_, j) => `<canvas width="40" height="40" data-layer="${k}" data-unit="${j}" role="img" aria-label="${l.name} unit ${j + 1}"></canvas>`,
          ).join("")}</div>`,
      )
      .join("");
    if (dataset.features !== 2) box.textContent = "shown when the data has 2 features";
  }
  if (dataset.features !== 2) return;
  for (const canvas of box.querySelectorAll<HTMLCanvasElement>("canvas")) {
    const k = Number(canvas.dataset["layer"]);
    const j = Number(canvas.dataset["unit"]);
    const grid = grids[k];
    const units = layers[k]!.units;
    if (grid === undefined) {
      paintGrid(canvas, GRID, () => [245, 245, 245]);
      continue;
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (let c = 0; c < GRID * GRID; c++) {
      const v = grid[c * units + j]!;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const scale = Math.max(Math.abs(lo), Math.abs(hi), 1e-9);
    const value = new Float64Array(1);
    paintGrid(canvas, GRID, (c) => {
      value[0] = (grid[c * units + j]! / scale + 1) / 2;
      return outputColor(value, 0, 1, [0, 1]);
    });
  }
}

function drawCharts(): void {
  const epochs = history.map((p) => p.epoch);
  const series = (pick: (p: EpochPoint) => number | null, color: string, label: string, dashed = false): Series => ({ values: history.map(pick), xs: epochs, color, label, dashed });
  lineChart($("loss-chart"), [series((p) => p.loss, "#0b63c5", "train"), series((p) => p.testLoss, "#f59322", "test", true)], { log: true });
  const hasAccuracy = history.some((p) => p.accuracy !== null);
  lineChart($("accuracy-chart"), hasAccuracy ? [series((p) => p.accuracy, "#0b63c5", "train"), series((p) => p.testAccuracy, "#f59322", "test", true)] : [], {
    yRange: [0, 1],
    empty: model?.loss === "mse" ? "regression: no accuracy" : "no data yet",
  });
  drawSchedule();
  const layers = model?.layers ?? [];
  const colors = ["#0b63c5", "#f59322", "#2ea043", "#c83278", "#7850c8", "#5a5a5a"];
  lineChart(
    $("grad-chart"),
    layers.map((l, k) => series((p) => p.gradNorms[k] ?? null, colors[k % colors.length]!, l.name)),
    { log: true },
  );
  const relu = layers.map((l, k) => ({ l, k })).filter(({ l }) => l.activation === "relu");
  lineChart(
    $("dead-chart"),
    relu.map(({ l, k }) => series((p) => p.deadShare[k] ?? null, colors[k % colors.length]!, l.name)),
    { yRange: [0, 1], empty: relu.length === 0 ? "no relu layers" : "no data yet" },
  );
  const compareColors = ["#0b63c5", "#2ea043", "#f59322"];
  lineChart(
    $("compare-chart"),
    compareCurves.map((c, k) => ({ values: c.losses, color: compareColors[k]!, label: c.batchSize === "all" ? "batch (all)" : c.batchSize === 1 ? "SGD (1)" : `mini-batch (${c.batchSize})` })),
    { log: true, empty: "press Compare" },
  );
}

function drawSchedule(): void {
  if (pageModule === null || model === null) return lineChart($("lr-chart"), []);
  const rows = dataset.trainX.length;
  const perEpoch = model.batch === "all" ? 1 : Math.ceil(rows / Math.min(model.batch, rows));
  const total = Math.max(1, model.epochs * perEpoch);
  const stride = Math.max(1, Math.floor(total / 300));
  const xs: number[] = [];
  const values: number[] = [];
  for (let step = 0; step < total; step += stride) {
    xs.push(step);
    values.push(pageModule.learningRate(step));
  }
  lineChart($("lr-chart"), [{ values, xs, color: "#7850c8", label: "lr" }], { marker: history.at(-1)?.step ?? 0, zero: true });
}

/** f and f' of each activation from its probe module (weight 1, bias 0; see the compiler worker). */
async function drawActivations(probes: readonly { activation: string; js: string | null }[]): Promise<void> {
  const box = $("activations");
  box.innerHTML = "";
  for (const probe of probes) {
    const figure = document.createElement("figure");
    const canvas = document.createElement("canvas");
    canvas.width = 136;
    canvas.height = 90;
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `${probe.activation} and its derivative`);
    const caption = document.createElement("figcaption");
    caption.textContent = probe.js === null ? `${probe.activation} (needs several units)` : `${probe.activation} on z in [-4, 4]`;
    figure.append(canvas, caption);
    box.append(figure);
    if (probe.js === null) continue;
    const m = await loadModule(probe.js);
    const params = new Float64Array([1, 0]);
    const grad = new Float64Array(2);
    const xs: number[] = [];
    const f: number[] = [];
    const df: number[] = [];
    for (let i = 0; i <= 120; i++) {
      const z = -4 + (8 * i) / 120;
      const a = m.forwardBatch(params, [z], 1)[0]!;
      m.lossAndGradient(params, [z], [a - 0.5], 1, grad);
      xs.push(z);
      f.push(a);
      df.push(grad[1]!);
    }
    lineChart(canvas, [
      { values: f, xs, color: "#0b63c5", label: "f" },
      { values: df, xs, color: "#f59322", label: "f′", dashed: true },
    ]);
  }
}

function framesPerSecond(): number {
  const now = performance.now();
  while (frameTimes.length > 0 && now - frameTimes[0]! > 1000) frameTimes.shift();
  return frameTimes.length;
}

/** The heatmaps follow every frame that has news; the curves are redrawn at most this often. */
const CHART_INTERVAL_MS = 100;
let chartsDrawn = 0;
let chartsDirty = true;

function frame(now: number): void {
  if (dirty) {
    dirty = false;
    chartsDirty = true;
    frameTimes.push(now);
    const start = performance.now();
    drawBoundary();
    drawHiddenUnits();
    drawMs = 0.9 * drawMs + 0.1 * (performance.now() - start);
  }
  if (chartsDirty && now - chartsDrawn >= CHART_INTERVAL_MS) {
    chartsDirty = false;
    chartsDrawn = now;
    drawCharts();
  }
  requestAnimationFrame(frame);
}

// ---------------------------------------------------------------------------------------------
// Sharing and downloads

function modelName(): string {
  return /^\s*model\s+([A-Za-z_][A-Za-z0-9_]*)/m.exec(programInput.value)?.[1] ?? "playground";
}

function saveHash(): void {
  history_replace(writeHash({ program: programInput.value, data }));
}

function history_replace(hash: string): void {
  window.history.replaceState(null, "", hash);
}

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

$("download-mlp").addEventListener("click", () => download(`${modelName()}.mlp`, programInput.value.endsWith("\n") ? programInput.value : `${programInput.value}\n`, "text/plain"));
$("download-ts").addEventListener("click", () => typescript !== null && download(`${modelName()}.ts`, typescript, "text/typescript"));
$("download-export").addEventListener("click", () => {
  if (snapshot === null) return;
  compiler.postMessage({
    kind: "export",
    id: compileId,
    source: programInput.value,
    params: Array.from(snapshot.params),
    features: dataset.featureNames,
    classes: dataset.classes,
    scaling: dataset.scaling ?? null,
  });
});
$("download-weights").addEventListener("click", () => {
  pendingWeights = true;
  send(trainer, { kind: "checkpoint" });
});
$("copy-link").addEventListener("click", () => {
  void navigator.clipboard?.writeText(location.href).then(
    () => ($("copy-link").textContent = "Link copied"),
    () => ($("copy-link").textContent = "Copy the address bar"),
  );
});

window.addEventListener("hashchange", () => {
  const state = readHash(location.hash);
  if (state.program !== programInput.value) {
    programInput.value = state.program;
    requestCompile();
  }
  data = state.data;
  csv = null;
  showDataSettings();
  rebuildData();
});

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

// ---------------------------------------------------------------------------------------------
// Start

programInput.value = initial.program;
showDataSettings();
updateGutter([]);
updateButtons();
rebuildData();
requestCompile();
requestAnimationFrame(frame);
