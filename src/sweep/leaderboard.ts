/**
 * The leaderboard: one row per configuration (its last rung under halving), the metric's mean and
 * sample standard deviation over folds and repeats, ranked best first; ties go to the earlier
 * trial, so the order never depends on which trial finished first.
 */
import type { SweepMetric } from "./space.js";
import type { TrialCurves } from "./trial.js";

export interface LeaderboardEntry {
  readonly rank: number;
  readonly trial: number;
  readonly key: string;
  readonly config: Readonly<Record<string, string>>;
  /** The concrete program (canonical text). */
  readonly program: string;
  readonly mean: number;
  readonly sd: number;
  readonly scores: readonly number[];
  readonly epochs: number;
  /** Halving: the rung the configuration reached (0 = first); 0 otherwise. */
  readonly rung: number;
  readonly diverged: boolean;
  readonly seconds: number;
  readonly curves: TrialCurves;
}

export type Unranked = Omit<LeaderboardEntry, "rank" | "mean" | "sd">;

export function higherIsBetter(metric: SweepMetric): boolean {
  return metric !== "val_loss";
}

export function meanAndSd(scores: readonly number[]): { mean: number; sd: number } {
  if (scores.length === 0 || scores.some((s) => !Number.isFinite(s))) return { mean: Number.NaN, sd: Number.NaN };
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  if (scores.length === 1) return { mean, sd: 0 };
  const ss = scores.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(ss / (scores.length - 1)) };
}

/** Ranks: higher rung first, then the metric (NaN last), then trial number. */
export function rank(entries: readonly Unranked[], metric: SweepMetric): LeaderboardEntry[] {
  const sign = higherIsBetter(metric) ? -1 : 1;
  const scored = entries.map((e) => ({ ...e, ...meanAndSd(e.scores) }));
  scored.sort((a, b) => {
    if (a.rung !== b.rung) return b.rung - a.rung;
    const an = Number.isNaN(a.mean);
    const bn = Number.isNaN(b.mean);
    if (an !== bn) return an ? 1 : -1;
    if (!an && a.mean !== b.mean) return sign * (a.mean - b.mean);
    return a.trial - b.trial;
  });
  return scored.map((e, i) => ({ ...e, rank: i + 1 }));
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** leaderboard.csv: rank, trial, each dimension, metric mean and sd, epochs, rung, seconds. */
export function leaderboardCsv(entries: readonly LeaderboardEntry[], dimensions: readonly string[], metric: SweepMetric): string {
  const header = ["rank", "trial", ...dimensions, `${metric}_mean`, `${metric}_sd`, "folds", "epochs", "rung", "diverged", "seconds"];
  const rows = entries.map((e) =>
    [String(e.rank), String(e.trial), ...dimensions.map((d) => e.config[d] ?? ""), num(e.mean), num(e.sd), String(e.scores.length), String(e.epochs), String(e.rung), String(e.diverged), e.seconds.toFixed(3)].map(csvField).join(","),
  );
  return [header.map(csvField).join(","), ...rows].join("\n") + "\n";
}

function num(v: number): string {
  return Number.isFinite(v) ? String(v) : "";
}

/** leaderboard.json: the same rows with every fold's score and the program text. */
export function leaderboardJson(entries: readonly LeaderboardEntry[], metric: SweepMetric): string {
  const rows = entries.map((e) => ({
    rank: e.rank,
    trial: e.trial,
    config: e.config,
    metric,
    mean: Number.isFinite(e.mean) ? e.mean : null,
    sd: Number.isFinite(e.sd) ? e.sd : null,
    scores: e.scores.map((s) => (Number.isFinite(s) ? s : null)),
    epochs: e.epochs,
    rung: e.rung,
    diverged: e.diverged,
    seconds: Number(e.seconds.toFixed(3)),
    key: e.key,
    program: e.program,
  }));
  return JSON.stringify({ metric, leaderboard: rows }, null, 2) + "\n";
}
