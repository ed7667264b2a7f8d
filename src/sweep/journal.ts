/**
 * DIR/journal.jsonl: a header line naming the model, the data and the settings, then one line per
 * finished trial. Lines are only ever appended, so a Ctrl-C or a crash loses at most the line being
 * written; a resumed sweep skips every trial whose key (a content hash of its concrete program,
 * epochs, seeds, folds and data) is already there.
 */
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import type { TrialCurves } from "./trial.js";

export const JOURNAL_FORMAT = "mlpc-sweep-journal";
export const JOURNAL_VERSION = 1;

export interface JournalHeader {
  readonly kind: "header";
  readonly format: typeof JOURNAL_FORMAT;
  readonly version: number;
  readonly model: string;
  readonly data: { readonly file: string; readonly rows: number; readonly checksum: string };
  readonly settings: Readonly<Record<string, unknown>>;
}

export interface JournalTrial {
  readonly kind: "trial";
  readonly key: string;
  readonly trial: number;
  readonly config: Readonly<Record<string, string>>;
  readonly epochs: number;
  readonly scores: readonly (number | null)[];
  readonly diverged: boolean;
  readonly seconds: number;
  readonly curves: TrialCurves;
}

export class JournalError extends Error {}

export function trialKey(parts: unknown): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 32);
}

/** The finished trials of an existing journal, after checking it belongs to this sweep. */
export function readJournal(path: string, header: JournalHeader): Map<string, JournalTrial> {
  const trials = new Map<string, JournalTrial>();
  if (!existsSync(path)) return trials;
  const lines = readFileSync(path, "utf8").split("\n");
  const first = parseLine(lines[0] ?? "");
  if (first === null || first.kind !== "header" || first.format !== JOURNAL_FORMAT) {
    throw new JournalError(`${path}: not an mlpc sweep journal (line 1); use another --out-dir`);
  }
  const old = first as unknown as JournalHeader;
  if (old.model !== header.model) throw new JournalError(`${path}: the journal is from another program (model ${JSON.stringify(old.model)}, not ${JSON.stringify(header.model)}); use another --out-dir`);
  if (old.data.checksum !== header.data.checksum || old.data.rows !== header.data.rows) {
    throw new JournalError(`${path}: the journal is from other data (${old.data.file}, ${old.data.rows} rows, checksum ${old.data.checksum}); resume needs the same data, or use another --out-dir`);
  }
  const a = JSON.stringify(old.settings);
  const b = JSON.stringify(header.settings);
  if (a !== b) throw new JournalError(`${path}: the journal was written with other sweep settings (${a}, now ${b}); use another --out-dir`);
  for (let i = 1; i < lines.length; i++) {
    const line = parseLine(lines[i]!);
    // An unreadable line is a write cut short; the trial simply runs again.
    if (line !== null && line.kind === "trial" && typeof line.key === "string") trials.set(line.key, line as unknown as JournalTrial);
  }
  return trials;
}

function parseLine(text: string): Record<string, unknown> | null {
  if (text.trim() === "") return null;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Opens the journal for appending: writes the header to a new one; ends a cut-short last line. */
export function openJournal(path: string, header: JournalHeader): (entry: JournalTrial) => void {
  if (!existsSync(path)) appendFileSync(path, JSON.stringify(header) + "\n");
  else {
    const text = readFileSync(path, "utf8");
    if (text.length > 0 && !text.endsWith("\n")) appendFileSync(path, "\n");
  }
  return (entry) => appendFileSync(path, JSON.stringify(entry, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v)) + "\n");
}
