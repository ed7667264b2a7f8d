/** The page's state in the URL hash: the program and the data settings, so a link restores both. */
import { DATASETS, type DataSettings, type DatasetName } from "./datasets.js";

export interface PageState {
  readonly program: string;
  readonly data: DataSettings;
}

export const DEFAULT_PROGRAM = `# XOR-like data: two inputs, one hidden layer, a probability out.
input 2 -> dense 6 tanh -> dense 1 sigmoid
adam lr=0.03
train batch=16 epochs=300 seed=1`;

export const DEFAULT_DATA: DataSettings = { name: "xor", noise: 0, trainRatio: 0.5, seed: 1, points: 400 };

function clamp(value: number, low: number, high: number, fallback: number): number {
  return Number.isFinite(value) ? Math.min(high, Math.max(low, value)) : fallback;
}

export function readHash(hash: string): PageState {
  const q = new URLSearchParams(hash.replace(/^#/, ""));
  const name = q.get("data");
  const number = (key: string): number => (q.has(key) ? Number(q.get(key)) : NaN);
  return {
    program: q.get("program") ?? DEFAULT_PROGRAM,
    data: {
      name: name !== null && name in DATASETS ? (name as DatasetName) : DEFAULT_DATA.name,
      noise: clamp(number("noise"), 0, 0.5, DEFAULT_DATA.noise),
      trainRatio: clamp(number("ratio"), 0.1, 0.9, DEFAULT_DATA.trainRatio),
      seed: Math.trunc(clamp(number("seed"), 0, 999_999, DEFAULT_DATA.seed)),
      points: Math.trunc(clamp(number("points"), 20, 2000, DEFAULT_DATA.points)),
    },
  };
}

export function writeHash(state: PageState): string {
  const q = new URLSearchParams({
    program: state.program,
    data: state.data.name,
    noise: String(state.data.noise),
    ratio: String(state.data.trainRatio),
    seed: String(state.data.seed),
    points: String(state.data.points),
  });
  return `#${q.toString()}`;
}
