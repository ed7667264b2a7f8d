/**
 * DIR/report.html: one self-contained page (no script, no external asset). A parallel-coordinates
 * chart of every configuration coloured by the metric, every learning curve overlaid, batch vs
 * mini-batch vs SGD side by side when batch is a dimension, and the leaderboard.
 */
import { escapeHtml } from "../report/escape.js";
import { lineChart, type Series } from "../report/svg.js";
import { higherIsBetter, type LeaderboardEntry } from "./leaderboard.js";
import type { RefitSummary, SweepResult } from "./sweep.js";

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}table{border-collapse:collapse;font-size:13px}
td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f4f4}
td.cfg,th.cfg{text-align:left}tr.best td{font-weight:600;background:#eef7ee}svg{max-width:100%;height:auto}
.chart-title{font-weight:600;font-size:13px}.axis{stroke:#999}.grid{stroke:#eee}.tick{font-size:11px;fill:#555}
.empty{fill:#999}.legend{font-size:11px}code{background:#f4f4f4;padding:1px 4px}.row{display:flex;gap:8px;flex-wrap:wrap}`;

/** Red (worst) to green (best) through yellow, for t in [0, 1]. */
function colour(t: number): string {
  const x = Math.max(0, Math.min(1, t));
  const r = Math.round(x < 0.5 ? 215 : 215 - (x - 0.5) * 2 * 170);
  const g = Math.round(x < 0.5 ? 48 + x * 2 * 150 : 198 - (x - 0.5) * 2 * 40);
  return `rgb(${r},${g},60)`;
}

function goodness(result: SweepResult): (e: LeaderboardEntry) => number {
  const finite = result.leaderboard.filter((e) => Number.isFinite(e.mean)).map((e) => e.mean);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const up = higherIsBetter(result.metric);
  return (e) => (!Number.isFinite(e.mean) ? 0 : hi === lo ? 1 : up ? (e.mean - lo) / (hi - lo) : (hi - e.mean) / (hi - lo));
}

/** One vertical axis per dimension plus the metric; one polyline per configuration. */
export function parallelCoordinates(result: SweepResult): string {
  const axes = [...result.dimensions, result.metric];
  const entries = result.leaderboard;
  const width = Math.max(480, 120 * axes.length);
  const height = 320;
  const top = 40;
  const bottom = 40;
  const plotH = height - top - bottom;
  const x = (i: number): number => 60 + (i * (width - 120)) / Math.max(1, axes.length - 1);
  const score = goodness(result);
  // Each dimension's values, in a stable order: numbers ascending, words as first seen by trial.
  const positions = result.dimensions.map((dim) => {
    const values = [...new Set([...entries].sort((a, b) => a.trial - b.trial).map((e) => e.config[dim] ?? ""))];
    const numeric = values.every((v) => v !== "" && Number.isFinite(Number(v)));
    if (numeric) values.sort((a, b) => Number(a) - Number(b));
    return { values, numeric };
  });
  const metricValues = entries.map((e) => e.mean).filter(Number.isFinite);
  const mLo = Math.min(...metricValues);
  const mHi = Math.max(...metricValues);
  const yOf = (axis: number, e: LeaderboardEntry): number => {
    if (axis === result.dimensions.length) return Number.isFinite(e.mean) ? top + plotH - (mHi === mLo ? 0.5 : (e.mean - mLo) / (mHi - mLo)) * plotH : top + plotH;
    const p = positions[axis]!;
    const k = p.values.indexOf(e.config[result.dimensions[axis]!] ?? "");
    return top + plotH - (p.values.length === 1 ? 0.5 : k / (p.values.length - 1)) * plotH;
  };
  const lines = [...entries]
    .reverse()
    .map((e) => {
      const pts = axes.map((_, i) => `${x(i).toFixed(1)},${yOf(i, e).toFixed(1)}`).join(" ");
      return `<polyline fill="none" stroke="${colour(score(e))}" stroke-width="${e.rank === 1 ? 3 : 1.4}" stroke-opacity="0.8" points="${pts}"><title>trial ${e.trial}: ${escapeHtml(Object.entries(e.config).map(([k, v]) => `${k}=${v}`).join(" "))} ${result.metric}=${Number.isFinite(e.mean) ? e.mean.toFixed(4) : "n/a"}</title></polyline>`;
    })
    .join("");
  const axisMarks = axes
    .map((name, i) => {
      const labels =
        i === result.dimensions.length
          ? [`<text class="tick" x="${x(i) + 6}" y="${top + 4}">${Number.isFinite(mHi) ? mHi.toFixed(4) : ""}</text>`, `<text class="tick" x="${x(i) + 6}" y="${top + plotH + 4}">${Number.isFinite(mLo) ? mLo.toFixed(4) : ""}</text>`]
          : positions[i]!.values.map((v, k, all) => `<text class="tick" x="${x(i) + 6}" y="${(top + plotH - (all.length === 1 ? 0.5 : k / (all.length - 1)) * plotH + 4).toFixed(1)}">${escapeHtml(v)}</text>`);
      return `<line class="axis" x1="${x(i)}" x2="${x(i)}" y1="${top}" y2="${top + plotH}"/><text class="chart-title" x="${x(i)}" y="${top - 12}" text-anchor="middle">${escapeHtml(name)}</text>${labels.join("")}`;
    })
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="parallel coordinates">${lines}${axisMarks}</svg>`;
}

function curves(entries: readonly LeaderboardEntry[], result: SweepResult, key: "val_loss" | "val_accuracy" | "loss", title: string): string {
  const score = goodness(result);
  const series: Series[] = entries
    .filter((e) => e.curves[key] !== null)
    .map((e) => ({ label: `#${e.rank} trial ${e.trial}`, values: e.curves[key]!, color: colour(score(e)) }));
  // A legend for dozens of curves says nothing: keep the best few labelled.
  return lineChart(series.slice(0, 40), { title, xLabel: "epoch", yLabel: key, width: 480, height: 280, logY: key !== "val_accuracy" });
}

export function renderSweepReport(result: SweepResult, refit: RefitSummary | null): string {
  const s = result.summary;
  const entries = result.leaderboard;
  const dims = result.dimensions;
  const best = result.best;
  const head = `<h1>mlpc sweep: ${escapeHtml(s.model)}</h1>
<p>${escapeHtml(s.mode)} search over ${dims.length} dimension${dims.length === 1 ? "" : "s"}: ${entries.length} of ${s.configurations} configurations done${result.interrupted ? " (interrupted; run the same command again to continue)" : ""};
${s.folds === 1 ? "one stratified 80/20 validation split" : `stratified ${s.folds}-fold cross-validation`}${s.repeats > 1 ? ` x ${s.repeats} seeds` : ""}, ranked by ${escapeHtml(result.metric)};
${result.searchRows} rows searched${result.testRows > 0 ? `, ${result.testRows} held out for the test` : ""}; seed ${result.seed}.</p>`;
  const bestBlock =
    best === null
      ? "<p>No configuration finished.</p>"
      : `<h2>Best</h2><p>trial ${best.trial}: <code>${escapeHtml(Object.entries(best.config).map(([k, v]) => `${k}=${v}`).join(" "))}</code>, ${escapeHtml(result.metric)} ${best.mean.toFixed(4)} &plusmn; ${best.sd.toFixed(4)}</p>
<pre>${escapeHtml(best.program)}</pre>${
          refit === null
            ? ""
            : `<p>Refit on every searched row: ${escapeHtml(refit.trainMetric ?? "")}${refit.testMetric === null ? "" : `; held-out test: <b>${escapeHtml(refit.testMetric)}</b>`}. Reproduce with <code>${escapeHtml(refit.command)}</code>.</p>`
        }`;
  const table = `<h2>Leaderboard</h2><table><tr><th>rank</th><th>trial</th>${dims.map((d) => `<th class="cfg">${escapeHtml(d)}</th>`).join("")}<th>${escapeHtml(result.metric)}</th><th>sd</th><th>epochs</th><th>s</th></tr>${entries
    .map(
      (e) =>
        `<tr${e.rank === 1 ? ' class="best"' : ""}><td>${e.rank}</td><td>${e.trial}</td>${dims.map((d) => `<td class="cfg">${escapeHtml(e.config[d] ?? "")}</td>`).join("")}<td>${Number.isFinite(e.mean) ? e.mean.toFixed(4) : "diverged"}</td><td>${Number.isFinite(e.sd) ? e.sd.toFixed(4) : ""}</td><td>${e.epochs}</td><td>${e.seconds.toFixed(2)}</td></tr>`,
    )
    .join("")}</table>`;
  const hasAccuracy = entries.some((e) => e.curves.val_accuracy !== null);
  const learning = `<h2>Learning curves</h2><p>Every configuration's mean over its folds and seeds, coloured as above (green best).</p><div class="row">${curves(entries, result, "val_loss", "validation loss")}${hasAccuracy ? curves(entries, result, "val_accuracy", "validation accuracy") : curves(entries, result, "loss", "training loss")}</div>`;
  const batchBlock = dims.includes("batch") ? batchComparison(result) : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>mlpc sweep: ${escapeHtml(s.model)}</title><style>${CSS}</style></head><body>
${head}${bestBlock}<h2>Parallel coordinates</h2><p>One line per configuration, from each dimension's value to its ${escapeHtml(result.metric)}; green is best, red worst.</p>${parallelCoordinates(result)}
${learning}${batchBlock}${table}</body></html>\n`;
}

/** Batch (all rows), mini-batch and SGD (batch 1): the best configuration of each, side by side. */
function batchComparison(result: SweepResult): string {
  const groups = new Map<string, LeaderboardEntry>();
  for (const e of result.leaderboard) {
    const b = e.config["batch"] ?? "";
    if (!groups.has(b)) groups.set(b, e);
  }
  const label = (b: string): string => (b === "all" ? "batch gradient descent (all rows)" : b === "1" ? "stochastic gradient descent (batch 1)" : `mini-batch (${b} rows)`);
  const order = [...groups.keys()].sort((a, b) => (a === "all" ? -1 : b === "all" ? 1 : Number(b) - Number(a)));
  const charts = order.map((b) => {
    const e = groups.get(b)!;
    return lineChart(
      [
        { label: "training loss", values: e.curves.loss, color: "#1f77b4" },
        { label: "validation loss", values: e.curves.val_loss, color: "#d62728", dashed: true },
      ],
      { title: `${label(b)}: best trial ${e.trial}`, xLabel: "epoch", yLabel: "loss", width: 320, height: 240, logY: true },
    );
  });
  return `<h2>Batch vs mini-batch vs SGD</h2><p>The best configuration at each batch size: full-batch descent is smooth and slow per epoch, SGD fast and noisy, mini-batches between.</p><div class="row">${charts.join("")}</div>`;
}
