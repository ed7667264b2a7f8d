/**
 * Training progress in four voices: a progress bar per epoch on a terminal (cli-progress), one
 * plain line per epoch otherwise (logs, CI), JSON lines with --json, nothing with --quiet.
 * Everything goes through Io, so tests capture it.
 */
import cliProgress from "cli-progress";
import type { Colors, Io } from "./io.js";

export interface RunInfo {
  readonly model: string;
  /** Epoch index to train until (exclusive), and the first one of this run (resume). */
  readonly epochs: number;
  readonly initialEpoch: number;
  readonly batchesPerEpoch: number;
  readonly trainRows: number;
  readonly validationRows: number;
}

export interface EpochReport {
  /** 1-based */
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
  readonly accuracy?: number;
  readonly val_loss?: number;
  readonly val_accuracy?: number;
  readonly lr: number;
  readonly rowsPerSecond: number;
  /** Seconds left for the whole run, estimated from the speed so far. */
  readonly etaSeconds: number;
  /** True when this epoch improved the monitored loss (early stopping). */
  readonly best?: boolean;
}

export interface BatchReport {
  readonly epoch: number;
  readonly batch: number;
  readonly loss: number;
  readonly lr: number;
  readonly rowsPerSecond: number;
  readonly etaSeconds: number;
}

export interface Progress {
  start(info: RunInfo): void;
  /** Only where batches show (the bar): the caller builds no report a batch for the others. */
  batch?(report: BatchReport): void;
  epoch(report: EpochReport): void;
  /** A line that must not be overwritten by the bar (warnings, notes). */
  note(text: string): void;
  stop(): void;
}

export function shortNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(2);
  return x.toPrecision(4);
}

export function rate(rowsPerSecond: number): string {
  if (rowsPerSecond >= 1e6) return `${(rowsPerSecond / 1e6).toFixed(2)}M`;
  if (rowsPerSecond >= 1e4) return `${(rowsPerSecond / 1e3).toFixed(1)}k`;
  return String(Math.round(rowsPerSecond));
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** "epoch  12/150  loss 0.2345  acc 91.23%  val_loss 0.2511  val_acc 90.00%  lr 1.000e-2  18.2k rows/s" */
export function formatEpochLine(r: EpochReport): string {
  const width = String(r.epochs).length;
  const parts = [`epoch ${String(r.epoch).padStart(width)}/${r.epochs}`, `loss ${shortNumber(r.loss)}`];
  if (r.accuracy !== undefined) parts.push(`acc ${(r.accuracy * 100).toFixed(2)}%`);
  if (r.val_loss !== undefined) parts.push(`val_loss ${shortNumber(r.val_loss)}`);
  if (r.val_accuracy !== undefined) parts.push(`val_acc ${(r.val_accuracy * 100).toFixed(2)}%`);
  parts.push(`lr ${r.lr.toExponential(2)}`, `${rate(r.rowsPerSecond)} rows/s`);
  return parts.join("  ") + (r.best === true ? "  *" : "");
}

export function createProgress(io: Io, c: Colors, mode: "auto" | "json" | "quiet"): Progress {
  if (mode === "quiet") return QUIET;
  if (mode === "json") return jsonProgress(io);
  return io.isTTY ? barProgress(io, c) : plainProgress(io);
}

const QUIET: Progress = { start() {}, epoch() {}, note() {}, stop() {} };

function plainProgress(io: Io): Progress {
  return {
    start(info) {
      io.stdout(`training ${info.model}: ${info.trainRows} rows${info.validationRows > 0 ? `, ${info.validationRows} for validation` : ""}, epochs ${info.initialEpoch + 1}..${info.epochs}, ${info.batchesPerEpoch} batches each\n`);
    },
    epoch(r) {
      io.stdout(formatEpochLine(r) + "\n");
    },
    note(text) {
      io.stdout(text + "\n");
    },
    stop() {},
  };
}

function jsonProgress(io: Io): Progress {
  const emit = (event: string, data: object): void => io.stdout(JSON.stringify({ event, ...data }) + "\n");
  return {
    start: (info) => emit("start", info),
    epoch: (r) => emit("epoch", r),
    note: (text) => emit("note", { message: text }),
    stop() {},
  };
}

/**
 * A bar that fills with the batches of the current epoch; finished epochs leave a line now and
 * then (about 20 in all, plus the first, the last and each new best) so the log stays short.
 */
function barProgress(io: Io, c: Colors): Progress {
  const stream = {
    isTTY: true,
    columns: Number(process.env.COLUMNS) || 100,
    write(text: string): boolean {
      io.stdout(text);
      return true;
    },
  };
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as unknown as NodeJS.WritableStream,
      format: `${c.bold("epoch {epochText}")} ${c.cyan("{bar}")} {percentage}% | loss {loss} | {accText}lr {lr} | {speed} rows/s | ETA {eta_run}`,
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      gracefulExit: false,
      linewrap: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let info: RunInfo | null = null;
  let every = 1;
  let running = false;
  /** The epoch the bar counts the batches of. */
  let barEpoch = 0;
  let accuracy = "";
  const startEpoch = (epoch: number): void => {
    if (info === null) return;
    barEpoch = epoch;
    bar.start(info.batchesPerEpoch, 0, { epochText: `${String(epoch).padStart(String(info.epochs).length)}/${info.epochs}`, loss: "-", accText: accuracy, lr: "-", speed: "-", eta_run: "?" });
    running = true;
  };
  return {
    start(i) {
      info = i;
      every = Math.max(1, Math.ceil((i.epochs - i.initialEpoch) / 20));
      io.stdout(`training ${c.bold(i.model)}: ${i.trainRows} rows${i.validationRows > 0 ? `, ${i.validationRows} for validation` : ""}, ${i.batchesPerEpoch} batches per epoch\n`);
      startEpoch(i.initialEpoch + 1);
    },
    batch(r) {
      // An epoch validated on another thread reports after the next one has started: the bar follows the batches.
      if (running && r.epoch !== barEpoch) {
        bar.stop();
        running = false;
      }
      if (!running) startEpoch(r.epoch);
      bar.update(r.batch, { loss: shortNumber(r.loss), lr: r.lr.toExponential(2), speed: rate(r.rowsPerSecond), eta_run: duration(r.etaSeconds), accText: accuracy });
    },
    epoch(r) {
      if (running) bar.stop();
      running = false;
      if (r.accuracy !== undefined) accuracy = `acc ${(r.accuracy * 100).toFixed(1)}% | `;
      const last = r.epoch === r.epochs;
      if (last || r.epoch % every === 0 || r.epoch === (info?.initialEpoch ?? 0) + 1) io.stdout(formatEpochLine(r) + "\n");
      if (!last) startEpoch(r.epoch + 1);
    },
    note(text) {
      if (running) {
        bar.stop();
        running = false;
      }
      io.stdout(text + "\n");
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
