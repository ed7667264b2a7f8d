/** Canvas pictures: line charts, the decision-boundary heatmap with its points, unit heatmaps. */

export interface Series {
  readonly values: readonly (number | null)[];
  readonly color: string;
  readonly label: string;
  readonly dashed?: boolean;
  /** x of each value; default 0, 1, 2, ... */
  readonly xs?: readonly number[];
}

export interface ChartOptions {
  readonly log?: boolean;
  readonly yRange?: readonly [number, number];
  /** Keep 0 inside the y range (a learning rate). */
  readonly zero?: boolean;
  /** A vertical marker at this x. */
  readonly marker?: number;
  readonly empty?: string;
}

/** Canvas backing store at the device's pixel ratio; returns the context and the CSS size. */
function prepare(canvas: HTMLCanvasElement): { g: CanvasRenderingContext2D; w: number; h: number } {
  const g = canvas.getContext("2d")!;
  const w = Number(canvas.getAttribute("width"));
  const h = Number(canvas.getAttribute("height"));
  g.setTransform(1, 0, 0, 1, 0, 0);
  g.clearRect(0, 0, w, h);
  return { g, w, h };
}

function formatTick(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1000 || a < 0.01 ? v.toExponential(0) : String(Number(v.toPrecision(2)));
}

export function lineChart(canvas: HTMLCanvasElement, series: readonly Series[], options: ChartOptions = {}): void {
  const { g, w, h } = prepare(canvas);
  const left = 40;
  const right = 6;
  const top = 14;
  const bottom = 14;
  const tf = (v: number): number => (options.log === true ? Math.log10(Math.max(v, 1e-12)) : v);
  let lo = Infinity;
  let hi = -Infinity;
  let xMin = Infinity;
  let xMax = -Infinity;
  for (const s of series) {
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) return;
      lo = Math.min(lo, tf(v));
      hi = Math.max(hi, tf(v));
      xMin = Math.min(xMin, s.xs?.[i] ?? i);
      xMax = Math.max(xMax, s.xs?.[i] ?? i);
    });
  }
  g.font = "10px system-ui, sans-serif";
  g.fillStyle = "#6b6b70";
  if (lo === Infinity) {
    g.fillText(options.empty ?? "no data yet", left, h / 2);
    return;
  }
  if (options.yRange !== undefined) [lo, hi] = [tf(options.yRange[0]), tf(options.yRange[1])];
  if (options.zero === true) [lo, hi] = [Math.min(lo, 0), Math.max(hi, 0)];
  if (xMax - xMin < 1e-9) xMax = xMin + 1;
  if (hi - lo < 1e-12) [lo, hi] = [lo - 0.5, hi + 0.5];
  const px = (x: number): number => left + ((x - xMin) / (xMax - xMin)) * (w - left - right);
  const py = (v: number): number => top + (1 - (tf(v) - lo) / (hi - lo)) * (h - top - bottom);
  g.strokeStyle = "#e3e3e8";
  g.lineWidth = 1;
  g.beginPath();
  g.moveTo(left, top);
  g.lineTo(left, h - bottom);
  g.lineTo(w - right, h - bottom);
  g.stroke();
  const label = (t: number): string => formatTick(options.log === true ? 10 ** t : t);
  g.fillText(label(hi), 2, top + 4);
  g.fillText(label(lo), 2, h - bottom);
  g.fillText(formatTick(xMin), left, h - 2);
  const xLabel = formatTick(xMax);
  g.fillText(xLabel, w - right - g.measureText(xLabel).width, h - 2);
  if (options.marker !== undefined) {
    g.strokeStyle = "#c8c8d0";
    g.beginPath();
    g.moveTo(px(options.marker), top);
    g.lineTo(px(options.marker), h - bottom);
    g.stroke();
  }
  let legendX = left + 4;
  for (const s of series) {
    g.strokeStyle = s.color;
    g.lineWidth = 1.5;
    g.setLineDash(s.dashed === true ? [4, 3] : []);
    g.beginPath();
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) {
        pen = false;
        return;
      }
      const x = px(s.xs?.[i] ?? i);
      const y = Math.min(h - bottom, Math.max(top, py(v)));
      if (pen) g.lineTo(x, y);
      else g.moveTo(x, y);
      pen = true;
    });
    g.stroke();
    g.setLineDash([]);
    g.fillStyle = s.color;
    g.fillText(s.label, legendX, 10);
    legendX += g.measureText(s.label).width + 10;
  }
}

/** Class colours (TensorFlow Playground's orange and blue first). */
export const CLASS_COLORS: readonly (readonly [number, number, number])[] = [
  [245, 147, 34],
  [8, 119, 189],
  [46, 160, 67],
  [200, 50, 120],
  [120, 80, 200],
  [90, 90, 90],
];

function blend(a: readonly number[], b: readonly number[], t: number): [number, number, number] {
  return [0, 1, 2].map((k) => a[k]! + (b[k]! - a[k]!) * t) as [number, number, number];
}

const WHITE = [255, 255, 255];

/** The colour of one output row: a probability (1 output), the winning class (several) or a value. */
export function outputColor(out: Float64Array, offset: number, outputs: number, range: readonly [number, number]): [number, number, number] {
  if (outputs === 1) {
    const t = Math.min(1, Math.max(0, (out[offset]! - range[0]) / (range[1] - range[0])));
    return t < 0.5 ? blend(CLASS_COLORS[0]!, WHITE, t * 2) : blend(WHITE, CLASS_COLORS[1]!, (t - 0.5) * 2);
  }
  let best = 0;
  for (let j = 1; j < outputs; j++) if (out[offset + j]! > out[offset + best]!) best = j;
  const confidence = (out[offset + best]! - 1 / outputs) / (1 - 1 / outputs);
  return blend(WHITE, CLASS_COLORS[best % CLASS_COLORS.length]!, 0.25 + 0.75 * Math.max(0, confidence));
}

/** Paints a side x side grid of colours onto the canvas, smoothed by the browser's scaling. */
const scratches = new Map<number, { canvas: OffscreenCanvas; image: ImageData }>();

/** One small canvas and image per grid size, reused by every heatmap. */
function scratchFor(side: number): { canvas: OffscreenCanvas; image: ImageData } {
  let scratch = scratches.get(side);
  if (scratch === undefined) {
    scratch = { canvas: new OffscreenCanvas(side, side), image: new ImageData(side, side) };
    scratches.set(side, scratch);
  }
  return scratch;
}

export function paintGrid(canvas: HTMLCanvasElement, side: number, color: (cell: number) => readonly number[], alpha = 1): void {
  const { g, w, h } = prepare(canvas);
  const scratch = scratchFor(side);
  const image = scratch.image;
  for (let cell = 0; cell < side * side; cell++) {
    // Grid rows run bottom to top (y grows upwards); the image's rows run top to bottom.
    const row = side - 1 - Math.floor(cell / side);
    const px = (row * side + (cell % side)) * 4;
    const c = color(cell);
    image.data[px] = c[0]!;
    image.data[px + 1] = c[1]!;
    image.data[px + 2] = c[2]!;
    image.data[px + 3] = 255 * alpha;
  }
  scratch.canvas.getContext("2d")!.putImageData(image, 0, 0);
  g.imageSmoothingEnabled = true;
  g.drawImage(scratch.canvas, 0, 0, w, h);
}

export interface Point {
  readonly x: number;
  readonly y: number;
  /** Class id or value. */
  readonly label: number;
}

export function drawPoints(canvas: HTMLCanvasElement, points: readonly Point[], extent: number, test: boolean, color: (label: number) => string): void {
  const g = canvas.getContext("2d")!;
  const w = Number(canvas.getAttribute("width"));
  const h = Number(canvas.getAttribute("height"));
  g.lineWidth = 1.2;
  g.strokeStyle = test ? "#000" : "#fff";
  for (const p of points) {
    g.fillStyle = color(p.label);
    g.beginPath();
    g.arc(((p.x + extent) / (2 * extent)) * w, (1 - (p.y + extent) / (2 * extent)) * h, test ? 3.2 : 3.6, 0, 2 * Math.PI);
    g.fill();
    g.stroke();
  }
}

/** The grid's cells as points of [-extent, extent]^2, row by row from the bottom (flat, rows x 2). */
export function gridPoints(side: number, extent: number): Float64Array {
  const grid = new Float64Array(side * side * 2);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      const cell = r * side + c;
      grid[cell * 2] = -extent + ((c + 0.5) / side) * 2 * extent;
      grid[cell * 2 + 1] = -extent + ((r + 0.5) / side) * 2 * extent;
    }
  }
  return grid;
}
