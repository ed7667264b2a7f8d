/**
 * Line charts as inline SVG, written by hand: no library, no script, no external asset, so the
 * report is one file that renders anywhere. Axes with "nice" ticks (1, 2, 5 x 10^k), optional log
 * scale, a legend, and a hover title on each point when there are few enough to tell apart.
 */
import { escapeHtml } from "./escape.js";

export interface Series {
  readonly label: string;
  /** y values; non-finite values leave a gap. */
  readonly values: readonly number[];
  /** x of each value; default 1, 2, 3, ... (epochs). */
  readonly x?: readonly number[];
  readonly color: string;
  readonly dashed?: boolean;
}

export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly width?: number;
  readonly height?: number;
  /** Log10 y axis (losses spanning decades, gradient norms). Non-positive values leave a gap. */
  readonly logY?: boolean;
  /** Format of y tick labels and point titles. */
  readonly formatY?: (y: number) => string;
  /** Fixed y range, e.g. [0, 1] for accuracy. */
  readonly yRange?: readonly [number, number];
}

const MARGIN = { left: 64, right: 18, top: 34, bottom: 44 };
const MAX_POINT_MARKERS = 60;

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step - 1e-9) * step; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Powers of ten covering [min, max] (both > 0). */
export function logTicks(min: number, max: number): number[] {
  const from = Math.floor(Math.log10(min));
  const to = Math.ceil(Math.log10(max));
  const every = Math.max(1, Math.ceil((to - from) / 6));
  const ticks: number[] = [];
  for (let e = from; e <= to; e += every) ticks.push(10 ** e);
  return ticks;
}

export function defaultFormat(y: number): string {
  if (y === 0) return "0";
  const a = Math.abs(y);
  if (a >= 1e5 || a < 1e-3) return y.toExponential(0).replace("e+", "e");
  return String(Number(y.toPrecision(4)));
}

export function lineChart(series: readonly Series[], options: ChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 280;
  const logY = options.logY === true;
  const format = options.formatY ?? defaultFormat;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const usable = (y: number): boolean => Number.isFinite(y) && (!logY || y > 0);

  const points = series.map((s) => s.values.map((y, i) => ({ x: s.x?.[i] ?? i + 1, y })));
  const all = points.flat().filter((p) => usable(p.y));
  const title = `<text class="chart-title" x="${MARGIN.left}" y="18">${escapeHtml(options.title)}</text>`;
  if (all.length === 0) {
    return svgRoot(width, height, options.title, `${title}<text class="empty" x="${width / 2}" y="${height / 2}" text-anchor="middle">no data</text>`);
  }

  let xMin = Math.min(...all.map((p) => p.x));
  let xMax = Math.max(...all.map((p) => p.x));
  if (xMax === xMin) {
    xMin -= 1;
    xMax += 1;
  }
  let [yMin, yMax] = options.yRange ?? [Math.min(...all.map((p) => p.y)), Math.max(...all.map((p) => p.y))];
  if (logY) {
    yMin = Math.log10(yMin);
    yMax = Math.log10(yMax);
  }
  if (yMax === yMin) {
    const pad = Math.abs(yMax) * 0.1 || 1;
    yMin -= pad;
    yMax += pad;
  } else if (options.yRange === undefined) {
    const pad = (yMax - yMin) * 0.05;
    yMin -= pad;
    yMax += pad;
  }
  const sx = (x: number): number => MARGIN.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const sy = (y: number): number => MARGIN.top + (1 - ((logY ? Math.log10(y) : y) - yMin) / (yMax - yMin)) * plotH;

  const yTicks = (logY ? logTicks(10 ** yMin, 10 ** yMax) : niceTicks(yMin, yMax)).filter((t) => {
    const v = logY ? Math.log10(t) : t;
    return v >= yMin - 1e-12 && v <= yMax + 1e-12;
  });
  const xTicks = niceTicks(xMin, xMax, 6).filter((t) => t >= xMin && t <= xMax && (xMax - xMin > 6 || Number.isInteger(t)));

  const grid = [
    ...yTicks.map((t) => `<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${r(sy(t))}" y2="${r(sy(t))}"/>` +
      `<text class="tick" x="${MARGIN.left - 8}" y="${r(sy(t) + 4)}" text-anchor="end">${escapeHtml(format(t))}</text>`),
    ...xTicks.map((t) => `<line class="tickmark" x1="${r(sx(t))}" x2="${r(sx(t))}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 5}"/>` +
      `<text class="tick" x="${r(sx(t))}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${escapeHtml(defaultFormat(t))}</text>`),
  ];
  const axes = `<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}"/>` +
    `<text class="axis-label" x="${MARGIN.left + plotW / 2}" y="${height - 6}" text-anchor="middle">${escapeHtml(options.xLabel)}</text>` +
    `<text class="axis-label" transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(options.yLabel)}</text>`;

  const lines = series.map((s, k) => {
    const segments: string[][] = [[]];
    for (const p of points[k]!) {
      if (usable(p.y)) segments[segments.length - 1]!.push(`${r(sx(p.x))},${r(sy(p.y))}`);
      else if (segments[segments.length - 1]!.length > 0) segments.push([]);
    }
    const paths = segments
      .filter((seg) => seg.length > 0)
      .map((seg) => `<polyline fill="none" stroke="${escapeHtml(s.color)}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""} points="${seg.join(" ")}"/>`);
    const markers =
      points[k]!.length <= MAX_POINT_MARKERS
        ? points[k]!
            .filter((p) => usable(p.y))
            .map((p) => `<circle cx="${r(sx(p.x))}" cy="${r(sy(p.y))}" r="2.5" fill="${escapeHtml(s.color)}"><title>${escapeHtml(`${s.label} at ${options.xLabel.toLowerCase()} ${defaultFormat(p.x)}: ${format(p.y)}`)}</title></circle>`)
        : [];
    return `<g class="series">${paths.join("")}${markers.join("")}</g>`;
  });

  let legendX = width - MARGIN.right;
  const legend = [...series].reverse().map((s) => {
    const textWidth = s.label.length * 6.6 + 30;
    legendX -= textWidth;
    return `<g class="legend"><line x1="${r(legendX)}" x2="${r(legendX + 20)}" y1="14" y2="14" stroke="${escapeHtml(s.color)}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="5 3"' : ""}/>` +
      `<text x="${r(legendX + 25)}" y="18">${escapeHtml(s.label)}</text></g>`;
  });

  return svgRoot(width, height, options.title, [title, ...grid, axes, ...lines, ...legend].join(""));
}

function svgRoot(width: number, height: number, label: string, body: string): string {
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(label)}">${body}</svg>`;
}

function r(v: number): string {
  return String(Math.round(v * 10) / 10);
}
