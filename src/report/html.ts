/**
 * The training report: one self-contained HTML page (inline CSS and SVG, no script, no external
 * asset) that a person would rather look at than read the log: headline numbers first, then the
 * curves, then the per-class details, the diagnostics and the model itself.
 *
 * Every string that comes from the user (program text, file and column names, class names) goes
 * through escapeHtml; numbers are formatted here.
 */
import { escapeHtml } from "./escape.js";
import type { ClassificationMetrics, MultilabelMetrics, RegressionMetrics, RocCurve, TaskMetrics } from "./metrics.js";
import { layerDetail, type ModelSummary } from "./summary.js";
import { lineChart, type Series } from "./svg.js";
import { fixed, num, percent, type LossRow } from "./table.js";
import { DEAD_SHARE, EXPLODING_NORM, VANISHING_RATIO, type TrainingDiagnostics } from "./training-diagnostics.js";

export interface EpochHistory {
  readonly loss: readonly number[];
  readonly val_loss?: readonly number[];
  readonly accuracy?: readonly number[];
  readonly val_accuracy?: readonly number[];
  readonly lr: readonly number[];
}

export interface ReportData {
  readonly model: string;
  /** ISO date-time of the end of training. */
  readonly createdAt: string;
  readonly version: string;
  readonly programFile: string;
  readonly program: string;
  readonly dataFile: string;
  readonly summary: ModelSummary;
  /** The recipe as run (after command-line overrides): [name, value]. */
  readonly settings: readonly (readonly [string, string])[];
  readonly history: EpochHistory;
  /** The learning rate of each update (sampled when there are many). */
  readonly schedule: { readonly steps: readonly number[]; readonly lr: readonly number[] };
  readonly losses: readonly LossRow[];
  readonly metrics: { readonly train: TaskMetrics; readonly validation: TaskMetrics | null; readonly test?: TaskMetrics };
  /** ROC curve of a two-class model on the rows the results show (held-out test rows when there are some), or null. */
  readonly roc?: { readonly rows: string; readonly curve: RocCurve } | null;
  readonly diagnostics: TrainingDiagnostics | null;
  readonly outcome: {
    readonly epochs: number;
    readonly seconds: number;
    readonly rowsPerSecond: number;
    /** Why training ended early, if it did (early stopping, Ctrl-C, divergence). */
    readonly note: string | null;
    readonly weightsFile: string | null;
  };
}

const TRAIN_COLOR = "#2563eb";
const VAL_COLOR = "#ea580c";
const LAYER_COLORS = ["#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#ca8a04", "#db2777"];

export function renderReport(d: ReportData): string {
  const e = escapeHtml;
  const body = [
    header(d),
    headline(d),
    notices(d),
    section("Training curves", `<div class="charts">${charts(d).join("")}</div>`),
    section("Results", resultsSection(d)),
    d.diagnostics === null ? "" : section("Diagnostics", diagnosticsSection(d.diagnostics)),
    section("Model", modelSection(d)),
    `<footer>Made by mlpc ${e(d.version)} on ${e(formatDate(d.createdAt))}. Self-contained page: no scripts, no external files.</footer>`,
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(d.model)} — mlpc training report</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body.filter((s) => s !== "").join("\n")}
</main>
</body>
</html>
`;
}

function header(d: ReportData): string {
  const e = escapeHtml;
  return `<header><h1>${e(d.model)}</h1><p class="sub">trained on <code>${e(d.dataFile)}</code> from <code>${e(d.programFile)}</code> · ${e(formatDate(d.createdAt))}</p></header>`;
}

/** The few numbers a person looks for first. */
function headline(d: ReportData): string {
  const cards: [string, string, string?][] = [];
  const main = d.metrics.validation ?? d.metrics.train;
  const where = d.metrics.validation === null ? "training" : "validation";
  if (main.kind === "classification") cards.push([`${where} accuracy`, percent(main.accuracy), `${main.rows} rows`]);
  if (main.kind === "multilabel") cards.push([`${where} accuracy (mean per label)`, percent(main.meanAccuracy), `all labels right: ${percent(main.exactMatch)}`]);
  if (main.kind === "regression") cards.push([`${where} R²`, fixed(main.r2, 4), `MSE ${num(main.mse)}`]);
  const lastVal = d.losses.find((l) => l.split === "validation");
  const lastTrain = d.losses.find((l) => l.split === "train");
  if (lastVal) cards.push(["validation loss", num(lastVal.loss)]);
  if (lastTrain) cards.push(["training loss", num(lastTrain.loss), lastTrain.accuracy === null ? undefined : `accuracy ${percent(lastTrain.accuracy)}`]);
  cards.push(["epochs", String(d.outcome.epochs), `${formatSeconds(d.outcome.seconds)} · ${Math.round(d.outcome.rowsPerSecond).toLocaleString("en-US")} rows/s`]);
  cards.push(["parameters", d.summary.totalParams.toLocaleString("en-US"), d.summary.layers.map((l) => l.outputShape[1]).join(" → ")]);
  return `<section class="cards">${cards
    .map(([label, value, detail]) => `<div class="card"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div>${detail === undefined ? "" : `<div class="detail">${escapeHtml(detail)}</div>`}</div>`)
    .join("")}</section>`;
}

function notices(d: ReportData): string {
  const items: string[] = [];
  if (d.outcome.note !== null) items.push(`<div class="notice info">${escapeHtml(d.outcome.note)}</div>`);
  for (const w of d.diagnostics?.warnings ?? []) items.push(`<div class="notice warn"><strong>Warning:</strong> ${escapeHtml(w.message)}</div>`);
  return items.length === 0 ? "" : `<section class="notices">${items.join("")}</section>`;
}

function charts(d: ReportData): string[] {
  const h = d.history;
  const pair = (train: readonly number[] | undefined, val: readonly number[] | undefined): Series[] => [
    ...(train && train.length > 0 ? [{ label: "train", values: train, color: TRAIN_COLOR }] : []),
    ...(val && val.length > 0 ? [{ label: "validation", values: val, color: VAL_COLOR, dashed: true }] : []),
  ];
  const out: string[] = [];
  const lossValues = [...h.loss, ...(h.val_loss ?? [])].filter((v) => Number.isFinite(v) && v > 0);
  const logLoss = lossValues.length > 1 && Math.max(...lossValues) / Math.min(...lossValues) > 30;
  out.push(figure(lineChart(pair(h.loss, h.val_loss), { title: "Loss per epoch", xLabel: "Epoch", yLabel: logLoss ? "loss (log scale)" : "loss", logY: logLoss })));
  if (h.accuracy !== undefined && h.accuracy.length > 0) {
    out.push(figure(lineChart(pair(h.accuracy, h.val_accuracy), { title: "Accuracy per epoch", xLabel: "Epoch", yLabel: "accuracy", formatY: (y) => `${Math.round(y * 1000) / 10}%` })));
  }
  out.push(
    figure(
      lineChart([{ label: "learning rate", values: d.schedule.lr, x: d.schedule.steps, color: "#16a34a" }], {
        title: "Learning-rate schedule",
        xLabel: "Update (step)",
        yLabel: "learning rate",
      }),
    ),
  );
  const norms = d.diagnostics?.gradientNorms ?? [];
  if (norms.length > 0) {
    const layers = norms[0]!.map((l) => l.name);
    const series = layers.map((name, k) => ({ label: name, values: norms.map((epoch) => epoch[k]?.norm ?? NaN), color: LAYER_COLORS[k % LAYER_COLORS.length]! }));
    out.push(figure(lineChart(series, { title: "Gradient norm per layer", xLabel: "Epoch", yLabel: "‖∇‖ (log scale)", logY: true })));
  }
  return out;
}

function figure(svg: string): string {
  return `<figure>${svg}</figure>`;
}

function resultsSection(d: ReportData): string {
  const e = escapeHtml;
  const withAccuracy = d.losses.some((l) => l.accuracy !== null);
  const lossTable = table(
    ["", "rows", "loss", ...(withAccuracy ? ["accuracy"] : [])],
    d.losses.map((l) => [e(l.split), String(l.rows), num(l.loss), ...(withAccuracy ? [l.accuracy === null ? "" : percent(l.accuracy)] : [])]),
  );
  const parts = [`<h3>Loss and accuracy (final weights)</h3>${lossTable}`];
  const shown = d.metrics.validation ?? d.metrics.train;
  const which = d.metrics.validation === null ? "training rows" : "validation rows";
  parts.push(...taskSection(shown, which));
  if (d.metrics.test !== undefined) parts.push(...taskSection(d.metrics.test, "held-out test rows"));
  if (d.roc !== undefined && d.roc !== null) parts.push(`<h3>ROC curve, on the ${escapeHtml(d.roc.rows)}</h3><div class="roc">${rocChart(d.roc.curve)}</div>`);
  return parts.join("");
}

/** True against false positive rate at every threshold, with the chance diagonal; AUC in the title. */
function rocChart(c: RocCurve): string {
  return figure(
    lineChart(
      [
        { label: `ROC (AUC ${fixed(c.auc, 3)})`, values: c.tpr, x: c.fpr, color: TRAIN_COLOR },
        { label: "chance", values: [0, 1], x: [0, 1], color: "#9ca3af", dashed: true },
      ],
      { title: `ROC curve, AUC ${fixed(c.auc, 3)}`, xLabel: "false positive rate", yLabel: "true positive rate", yRange: [0, 1] },
    ),
  );
}

function taskSection(m: TaskMetrics, which: string): string[] {
  switch (m.kind) {
    case "classification":
      return [`<h3>Per class, on the ${which}</h3>${classTable(m)}`, `<h3>Confusion matrix, on the ${which}</h3>${confusionMatrix(m)}`];
    case "multilabel":
      return [`<h3>Per label, on the ${which}</h3>${labelTable(m)}`];
    case "regression":
      return [`<h3>Errors, on the ${which}</h3>${regressionTable(m)}`];
  }
}

function classTable(m: ClassificationMetrics): string {
  const e = escapeHtml;
  const rows = m.classes.map((c) => [e(c.name), bar(c.precision), bar(c.recall), bar(c.f1), String(c.support)]);
  const foot = [
    ["macro avg", fixed(m.macro.precision), fixed(m.macro.recall), fixed(m.macro.f1), String(m.rows)],
    ["weighted avg", fixed(m.weighted.precision), fixed(m.weighted.recall), fixed(m.weighted.f1), String(m.rows)],
    ["accuracy", "", "", fixed(m.accuracy), String(m.rows)],
  ];
  return table(["class", "precision", "recall", "F1", "support"], rows, foot);
}

/** A number with a thin bar under it, so weak classes stand out at a glance. */
function bar(x: number): string {
  return `<span class="bar" style="--v:${Math.max(0, Math.min(1, x)).toFixed(3)}">${fixed(x)}</span>`;
}

/** Cells shaded by their share of the true class's row; the diagonal in blue, errors in orange. */
function confusionMatrix(m: ClassificationMetrics): string {
  const e = escapeHtml;
  const names = m.classes.map((c) => c.name);
  const head = `<tr><th class="corner">true ↓ / predicted →</th>${names.map((n) => `<th>${e(n)}</th>`).join("")}</tr>`;
  const rows = m.confusion.map((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    const cells = row.map((count, p) => {
      const share = total === 0 ? 0 : count / total;
      const rgb = p === t ? "37,99,235" : "234,88,12";
      const strong = share > 0.55 ? " strong" : "";
      return `<td class="cm${strong}" style="background:rgba(${rgb},${(count === 0 ? 0 : 0.08 + 0.85 * share).toFixed(3)})" title="${e(`${names[t]} predicted as ${names[p]}: ${count} of ${total}`)}">${count}</td>`;
    });
    return `<tr><th>${e(names[t]!)}</th>${cells.join("")}</tr>`;
  });
  return `<table class="confusion">${head}${rows.join("")}</table>`;
}

function labelTable(m: MultilabelMetrics): string {
  const rows = m.labels.map((l) => [escapeHtml(l.name), bar(l.accuracy), fixed(l.precision), fixed(l.recall), fixed(l.f1), String(l.support)]);
  return table(["label", "accuracy", "precision", "recall", "F1", "positives"], rows, [
    ["mean", percent(m.meanAccuracy), "", "", "", ""],
    ["all labels right", percent(m.exactMatch), "", "", "", String(m.rows)],
  ]);
}

function regressionTable(m: RegressionMetrics): string {
  const rows = m.outputs.map((o) => [escapeHtml(o.name), num(o.mse), num(o.mae), fixed(o.r2, 4)]);
  return table(["target", "MSE", "MAE", "R²"], rows, m.outputs.length > 1 ? [["mean", num(m.mse), num(m.mae), fixed(m.r2, 4)]] : []);
}

function diagnosticsSection(d: TrainingDiagnostics): string {
  const last = d.gradientNorms[d.gradientNorms.length - 1] ?? [];
  const dead = new Map(d.deadUnits.map((u) => [u.name, u]));
  const rows = last.map((l) => {
    const u = dead.get(l.name);
    const deadCell = u === undefined ? `<span class="muted">not relu</span>` : `${u.dead} / ${u.units} <span class="muted">(${percent(u.share)})</span>`;
    return [escapeHtml(l.name), num(l.norm), num(l.weightNorm), num(l.biasNorm), deadCell];
  });
  const verdict = d.warnings.length === 0 ? `<p class="ok">No vanishing or exploding gradients, no layer with mostly dead ReLU units.</p>` : "";
  return `${verdict}${table(["layer", "gradient norm", "‖∂J/∂W‖", "‖∂J/∂b‖", "dead ReLU units"], rows)}
<p class="note">Gradient norms of the mean training loss in the last epoch: the mean of the gradients its steps computed over its final batches (at least 1024 rows, each batch at the weights it trained with). A ReLU unit is dead when none of the ${d.sampledRows} sampled training rows activates it.
Warnings: vanishing when a layer's norm is below ${VANISHING_RATIO} × the output layer's; exploding when a norm exceeds ${EXPLODING_NORM}; dead ReLU when ${percent(DEAD_SHARE)} or more of a layer's units are dead.</p>`;
}

function modelSection(d: ReportData): string {
  const e = escapeHtml;
  const s = d.summary;
  const layers = table(
    ["layer", "activation", "output shape", "parameters", "(C[i-1] + 1) × C[i]", "init"],
    [
      ["input", "", `(None, ${s.inputSize})`, "0", "", ""],
      ...s.layers.map((l) => [e(l.name), e(layerDetail(l)), `(None, ${l.outputShape[1]})`, l.params.toLocaleString("en-US"), e(l.formula), e(l.init)]),
    ],
    [["total", "", "", s.totalParams.toLocaleString("en-US"), "", ""]],
    [1, 4, 5],
  );
  const settings = `<dl class="settings">${[
    ["loss", `${s.loss.kind} (${s.loss.task})`],
    ["optimizer", s.optimizer],
    ["schedule", s.schedule],
    ["regularization", s.regularization],
    ...d.settings,
  ]
    .map(([k, v]) => `<dt>${e(k!)}</dt><dd>${e(v!)}</dd>`)
    .join("")}</dl>`;
  return `${layers}<div class="two"><div><h3>Recipe</h3>${settings}</div><div><h3>Program <span class="muted">${e(d.programFile)}</span></h3><pre>${e(d.program)}</pre></div></div>`;
}

function section(title: string, content: string): string {
  return `<section><h2>${escapeHtml(title)}</h2>${content}</section>`;
}

/** Cells are already-escaped HTML. The first column is a header cell, the others numbers. */
function table(headers: readonly string[], rows: readonly (readonly string[])[], foot: readonly (readonly string[])[] = [], textColumns: readonly number[] = []): string {
  const cls = (k: number): string => (textColumns.includes(k) ? ' class="text"' : "");
  const tr = (cells: readonly string[]): string => `<tr>${cells.map((c, k) => (k === 0 ? `<th>${c}</th>` : `<td${cls(k)}>${c}</td>`)).join("")}</tr>`;
  return `<table><thead><tr>${headers.map((h, k) => `<th${cls(k)}>${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows.map(tr).join("")}</tbody>${
    foot.length === 0 ? "" : `<tfoot>${foot.map(tr).join("")}</tfoot>`
  }</table>`;
}

function formatDate(iso: string): string {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : t.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

function formatSeconds(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 120) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

const CSS = `
:root { --fg:#1f2937; --muted:#6b7280; --line:#e5e7eb; --bg:#f8fafc; --card:#fff; --accent:#2563eb; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--fg); font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; }
main { max-width:1120px; margin:0 auto; padding:28px 24px 40px; }
header h1 { margin:0; font-size:28px; letter-spacing:-0.01em; }
.sub { margin:4px 0 0; color:var(--muted); }
code, pre { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:13px; }
h2 { font-size:19px; margin:34px 0 12px; padding-bottom:6px; border-bottom:1px solid var(--line); }
h3 { font-size:15px; margin:20px 0 8px; color:#374151; }
.cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(165px,1fr)); gap:12px; margin-top:22px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:12px 16px; }
.card .label { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.card .value { font-size:26px; font-weight:650; font-variant-numeric:tabular-nums; }
.card .detail { color:var(--muted); font-size:12.5px; }
.notices { margin-top:16px; display:grid; gap:8px; }
.notice { border-radius:8px; padding:9px 14px; border:1px solid; }
.notice.info { background:#eff6ff; border-color:#bfdbfe; }
.notice.warn { background:#fff7ed; border-color:#fed7aa; }
.roc { max-width:520px; }
.charts { display:grid; grid-template-columns:repeat(auto-fit,minmax(440px,1fr)); gap:14px; }
figure { margin:0; background:var(--card); border:1px solid var(--line); border-radius:10px; padding:8px; }
svg.chart { width:100%; height:auto; display:block; font-family:inherit; }
.chart-title { font-size:14px; font-weight:600; fill:#111827; }
.grid { stroke:#eef0f3; } .axis, .tickmark { stroke:#9ca3af; }
.tick { font-size:11px; fill:#6b7280; font-variant-numeric:tabular-nums; }
.axis-label { font-size:12px; fill:#4b5563; }
.legend text { font-size:12px; fill:#374151; }
table { border-collapse:collapse; background:var(--card); border:1px solid var(--line); border-radius:8px; font-variant-numeric:tabular-nums; }
th, td { padding:6px 14px; border-bottom:1px solid var(--line); text-align:right; }
th:first-child, th.text, td.text { text-align:left; }
thead th { font-size:12px; text-transform:uppercase; letter-spacing:.03em; color:var(--muted); background:#f9fafb; }
tbody th { font-weight:500; }
tfoot th, tfoot td { color:#374151; background:#f9fafb; }
.bar { display:inline-block; min-width:56px; padding-bottom:2px; background:linear-gradient(90deg,var(--accent) calc(var(--v)*100%),#e5e7eb 0) bottom/100% 3px no-repeat; }
table.confusion td.cm { text-align:center; min-width:56px; font-weight:600; }
table.confusion td.strong { color:#fff; }
table.confusion th.corner { font-size:11px; color:var(--muted); font-weight:500; }
.muted { color:var(--muted); font-weight:400; }
.ok { color:#15803d; }
.note { color:var(--muted); font-size:13px; max-width:860px; }
.two { display:grid; grid-template-columns:minmax(0,1fr) minmax(0,1fr); gap:22px; }
dl.settings { display:grid; grid-template-columns:max-content 1fr; gap:4px 16px; margin:0; }
dl.settings dt { color:var(--muted); } dl.settings dd { margin:0; font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:13px; word-break:break-word; }
pre { background:#0f172a; color:#e2e8f0; padding:14px 16px; border-radius:8px; overflow:auto; white-space:pre-wrap; word-break:break-word; margin:0; }
footer { margin-top:40px; color:var(--muted); font-size:12.5px; }
@media (max-width:720px) { .two { grid-template-columns:1fr; } .charts { grid-template-columns:1fr; } }
@media print { body { background:#fff; } figure, .card, table { break-inside:avoid; } }
`;
