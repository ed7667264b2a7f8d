/**
 * The playground's data: seeded generators (TensorFlow Playground's shapes) and CSV files.
 * Points live in [-1, 1]^2; noise moves them (or the target, for regression) by a share of that.
 */
import type { Dataset } from "./protocol.js";
import { mulberry32 } from "../../src/data/split.js";

export const DATASETS = {
  xor: "XOR",
  circles: "circles",
  spirals: "two spirals",
  gauss2: "blobs, 2 classes",
  gauss3: "blobs, 3 classes",
  gauss4: "blobs, 4 classes",
  plane: "regression plane",
} as const;
export type DatasetName = keyof typeof DATASETS;

export interface DataSettings {
  readonly name: DatasetName;
  /** 0..0.5 */
  readonly noise: number;
  /** Share of rows used for training, 0.1..0.9. */
  readonly trainRatio: number;
  readonly seed: number;
  readonly points: number;
}

function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

interface Sample {
  readonly x: [number, number];
  readonly y: number;
}

function xor(n: number, noise: number, random: () => number): Sample[] {
  const pad = 0.06;
  return Array.from({ length: n }, () => {
    let a = random() * 2 - 1;
    let b = random() * 2 - 1;
    a += a > 0 ? pad : -pad;
    b += b > 0 ? pad : -pad;
    const y = a * b >= 0 ? 1 : 0;
    return { x: [a + noise * (random() * 2 - 1), b + noise * (random() * 2 - 1)], y };
  });
}

function circles(n: number, noise: number, random: () => number): Sample[] {
  return Array.from({ length: n }, (_, i) => {
    const inside = i % 2 === 0;
    const r = inside ? random() * 0.45 : 0.65 + random() * 0.3;
    const angle = random() * 2 * Math.PI;
    return { x: [r * Math.cos(angle) + noise * (random() * 2 - 1), r * Math.sin(angle) + noise * (random() * 2 - 1)], y: inside ? 1 : 0 };
  });
}

function spirals(n: number, noise: number, random: () => number): Sample[] {
  return Array.from({ length: n }, (_, i) => {
    const cls = i % 2;
    const t = (Math.floor(i / 2) / (n / 2)) * 1.75 * 2 * Math.PI;
    const r = (t / (3.5 * Math.PI)) * 0.95;
    const angle = t + cls * Math.PI;
    return { x: [r * Math.sin(angle) + noise * (random() * 2 - 1), r * Math.cos(angle) + noise * (random() * 2 - 1)], y: cls };
  });
}

function blobs(classes: number) {
  return (n: number, noise: number, random: () => number): Sample[] =>
    Array.from({ length: n }, (_, i) => {
      const cls = i % classes;
      const angle = (2 * Math.PI * cls) / classes + Math.PI / 4;
      const spread = 0.12 + noise;
      return { x: [0.55 * Math.cos(angle) + spread * normal(random), 0.55 * Math.sin(angle) + spread * normal(random)], y: cls };
    });
}

function plane(n: number, noise: number, random: () => number): Sample[] {
  return Array.from({ length: n }, () => {
    const a = random() * 2 - 1;
    const b = random() * 2 - 1;
    return { x: [a, b], y: (a + b) / 2 + noise * (random() * 2 - 1) };
  });
}

const GENERATORS: Record<DatasetName, { classes: number | null; make: (n: number, noise: number, random: () => number) => Sample[] }> = {
  xor: { classes: 2, make: xor },
  circles: { classes: 2, make: circles },
  spirals: { classes: 2, make: spirals },
  gauss2: { classes: 2, make: blobs(2) },
  gauss3: { classes: 3, make: blobs(3) },
  gauss4: { classes: 4, make: blobs(4) },
  plane: { classes: null, make: plane },
};

/** Rows split into train and test after a seeded shuffle (generators emit classes in turn). */
function split(x: number[][], y: number[], trainRatio: number, random: () => number): Pick<Dataset, "trainX" | "trainY" | "testX" | "testY"> {
  const order = x.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const cut = Math.max(1, Math.min(order.length - 1, Math.round(order.length * trainRatio)));
  const pick = (from: number, to: number) => order.slice(from, to);
  return {
    trainX: pick(0, cut).map((i) => x[i]!),
    trainY: pick(0, cut).map((i) => y[i]!),
    testX: pick(cut, order.length).map((i) => x[i]!),
    testY: pick(cut, order.length).map((i) => y[i]!),
  };
}

export function generate(settings: DataSettings): Dataset {
  const random = mulberry32(settings.seed);
  const generator = GENERATORS[settings.name];
  const samples = generator.make(settings.points, settings.noise, random);
  return {
    features: 2,
    classes: generator.classes,
    featureNames: ["x1", "x2"],
    ...split(
      samples.map((s) => s.x),
      samples.map((s) => s.y),
      settings.trainRatio,
      random,
    ),
  };
}

export interface CsvTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** A small CSV reader: commas, optional quotes, a header row when the first row is not all numbers. */
export function parseCsv(text: string): CsvTable {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  const cells = lines.map(splitCsvLine);
  if (cells.length === 0) throw new Error("the CSV file is empty");
  const hasHeader = cells[0]!.some((c) => c.trim() !== "" && !Number.isFinite(Number(c)));
  const header = hasHeader ? cells[0]! : cells[0]!.map((_, k) => `column ${k + 1}`);
  return { header, rows: hasHeader ? cells.slice(1) : cells };
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      out.push(cell);
      cell = "";
    } else cell += c;
  }
  out.push(cell);
  return out.map((s) => s.trim());
}

/**
 * A CSV table as a dataset: every column but `label` is a numeric feature (standardized), the label
 * column is a class (text, or up to 20 distinct whole numbers) or a regression target.
 */
export function csvDataset(table: CsvTable, label: number, trainRatio: number, seed: number): Dataset {
  const width = table.header.length;
  if (width < 2) throw new Error("the CSV file needs at least two columns (features and a label)");
  const rows = table.rows.filter((r) => r.length === width);
  if (rows.length < 4) throw new Error(`the CSV file has ${rows.length} complete rows; at least 4 are needed`);
  const featureColumns = table.header.map((_, k) => k).filter((k) => k !== label);
  const x = rows.map((r, i) =>
    featureColumns.map((k) => {
      const v = Number(r[k]);
      if (!Number.isFinite(v)) throw new Error(`row ${i + 1}, column "${table.header[k]}": "${r[k]}" is not a number`);
      return v;
    }),
  );
  const scaling = standardize(x);
  const labels = rows.map((r) => r[label]!);
  const numeric = labels.every((v) => Number.isFinite(Number(v)));
  const distinct = [...new Set(labels)];
  const isClass = !numeric || (distinct.length <= 20 && labels.every((v) => Number.isInteger(Number(v))));
  let y: number[];
  let classes: number | null = null;
  if (isClass) {
    const sorted = numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
    const id = new Map(sorted.map((v, k) => [v, k]));
    y = labels.map((v) => id.get(v)!);
    classes = sorted.length;
  } else y = labels.map(Number);
  return { features: featureColumns.length, classes, featureNames: featureColumns.map((k) => table.header[k]!), scaling, ...split(x, y, trainRatio, mulberry32(seed)) };
}

/** Scales each column to mean 0 and standard deviation 1 in place; returns what it applied. */
function standardize(x: number[][]): { mean: number[]; std: number[] } {
  const width = x[0]?.length ?? 0;
  const scaling = { mean: [] as number[], std: [] as number[] };
  for (let k = 0; k < width; k++) {
    const mean = x.reduce((s, r) => s + r[k]!, 0) / x.length;
    const sd = Math.sqrt(x.reduce((s, r) => s + (r[k]! - mean) ** 2, 0) / x.length) || 1;
    for (const r of x) r[k] = (r[k]! - mean) / sd;
    scaling.mean.push(mean);
    scaling.std.push(sd);
  }
  return scaling;
}
