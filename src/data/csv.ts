/**
 * Reading a CSV file into a typed dataset, streaming: csv-parse turns bytes into records, and each
 * field goes straight into a growable typed array: feature columns as numbers plus, while they have
 * few distinct values, level codes (raw-column.ts); class ids; regression and multilabel targets.
 * Nothing keeps the text of the rows, only each column's distinct values.
 * The delimiter (, ; tab |) is given or detected from the header line (delimiter.ts).
 *
 * Accepted: a header row, a UTF-8 byte-order mark, CRLF or LF line ends, quoted fields (with commas
 * or line breaks inside), blank lines, spaces around fields. Refused with a DataError naming file,
 * row and column: everything else (see errors.ts for the list).
 */
import { open } from "node:fs/promises";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { CsvError, parse, type Info } from "csv-parse";
import { planColumns, type ColumnPlan, type PlanOptions, type TargetSpec } from "./columns.js";
import { dataError, fail, ok, quoteName, type DataError, type Result } from "./errors.js";
import { GrowableFloat64, GrowableInt32 } from "./growable.js";
import { delimiterMismatch, delimiterName, detectDelimiter, firstLine, type Delimiter } from "./delimiter.js";
import { ClassLabelEncoder } from "./labels.js";
import { MISSING_VALUE, parseNumberField } from "./number.js";
import { fieldTextsFor } from "./field-texts.js";
import { MAX_AUTO_LEVELS, RawColumnBuilder, type ColumnMode, type FieldProblem, type RawColumn } from "./raw-column.js";

export type Targets =
  | {
      readonly kind: "class";
      readonly column: string;
      /** One class id per row, 0..classCount-1. */
      readonly ids: Int32Array;
      readonly classCount: number;
      /** Names by id (the labels as written, sorted); null when the file held ids 0..K-1. */
      readonly classNames: readonly string[] | null;
    }
  | { readonly kind: "multilabel" | "regression"; readonly columns: readonly string[]; /** rows x columns, row-major */ readonly y: Float64Array }
  | { readonly kind: "none" };

export interface Dataset {
  /** The file name as given (used in messages). */
  readonly file: string;
  readonly rows: number;
  /** The field separator, and whether it was detected rather than given. */
  readonly delimiter: Delimiter;
  readonly delimiterDetected: boolean;
  /** The feature columns, raw (the preprocessing plan decides how each becomes inputs). */
  readonly columns: readonly RawColumn[];
  readonly featureNames: readonly string[];
  /** The header's columns that are not features: the targets, and ignored or unused columns. */
  readonly otherColumns: readonly string[];
  /** The file line of each row (messages about a row found after reading). */
  readonly rowLines: Int32Array;
  readonly targets: Targets;
}

export interface ReadOptions extends PlanOptions {
  /** The field separator; detected from the header line when null or absent. */
  readonly delimiter?: Delimiter | null;
  /** How to store each feature column (a trained model's plan fixes them); "auto" when absent. */
  readonly columnModes?: ReadonlyMap<string, ColumnMode> | null;
}

/** One record larger than this is a broken file (e.g. a quote never closed), not data. */
const MAX_RECORD_BYTES = 8 * 1024 * 1024;
/** The header line is looked for in this much of the start of the file. */
const HEADER_PEEK_BYTES = 64 * 1024;

export async function readCsvFile(path: string, options: ReadOptions, displayName: string = path): Promise<Result<Dataset>> {
  let handle;
  let head: string;
  try {
    handle = await open(path, "r");
    const st = await handle.stat();
    if (st.isDirectory()) {
      await handle.close();
      return fail(dataError("cannot-read", displayName, null, null, "is a directory, not a CSV file"));
    }
    const buffer = Buffer.alloc(HEADER_PEEK_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEADER_PEEK_BYTES, 0);
    head = buffer.subarray(0, bytesRead).toString("utf8");
  } catch (e) {
    await handle?.close();
    return fail(dataError("cannot-read", displayName, null, null, `cannot read the file (${describeFsError(e)})`));
  }
  const stream = handle.createReadStream({ start: 0 });
  try {
    return await readCsvStream(stream, options, displayName, head);
  } finally {
    stream.destroy();
    await handle.close().catch(() => undefined);
  }
}

export function readCsvText(text: string, options: ReadOptions, name: string): Promise<Result<Dataset>> {
  return readCsvStream(Readable.from([text]), options, name, text.slice(0, HEADER_PEEK_BYTES));
}

/** The delimiter to parse with: the given one (checked against the header) or the detected one. */
export function chooseDelimiter(file: string, head: string, given: Delimiter | null): Result<{ delimiter: Delimiter; detected: boolean }> {
  const header = firstLine(head);
  if (given === null) return ok({ delimiter: detectDelimiter(header), detected: true });
  const better = delimiterMismatch(header, given);
  if (better !== null) {
    return fail(dataError("delimiter", file, 1, null, `the delimiter ${delimiterName(given)} splits nothing: the header is one column, but ${delimiterName(better)} would split it (drop --delimiter to detect it)`));
  }
  return ok({ delimiter: given, detected: false });
}

export async function readCsvStream(source: Readable, options: ReadOptions, file: string, head: string): Promise<Result<Dataset>> {
  const chosen = chooseDelimiter(file, head, options.delimiter ?? null);
  if (!chosen.ok) return chosen;
  const parser = parse({
    bom: true,
    info: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    max_record_size: MAX_RECORD_BYTES,
    delimiter: chosen.value.delimiter,
  });
  const decoder = new Utf8Check();
  source.on("error", (e) => parser.destroy(e));
  decoder.on("error", (e) => parser.destroy(e));
  source.pipe(decoder).pipe(parser);
  let sink: RowSink | null = null;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      if (sink === null) {
        const plan = planColumns(file, item.record, options);
        if (!plan.ok) return plan;
        sink = new RowSink(file, plan.value, options.target, options.columnModes ?? null);
        continue;
      }
      const problem = sink.add(item.record, item.info);
      if (problem !== null) return fail(problem);
    }
  } catch (e) {
    return fail(csvSyntaxError(file, e));
  } finally {
    source.unpipe(decoder);
    decoder.unpipe(parser);
    decoder.destroy();
    parser.destroy();
  }
  if (sink === null) return fail(dataError("empty-file", file, null, null, "the file is empty: expected a header row, then one row per example"));
  if (sink.rows === 0) return fail(dataError("no-rows", file, null, null, "there are no data rows after the header"));
  return ok(sink.finish(chosen.value.delimiter, chosen.value.detected));
}

/** Accumulates validated rows: raw feature columns, typed targets. */
class RowSink {
  rows = 0;
  private readonly columns: RawColumnBuilder[];
  private readonly lines = new GrowableInt32(1024);
  private readonly y = new GrowableFloat64(1024);
  private readonly ids = new GrowableInt32(1024);
  private readonly encoder: ClassLabelEncoder | null;

  constructor(
    private readonly file: string,
    private readonly plan: ColumnPlan,
    private readonly target: TargetSpec,
    modes: ReadonlyMap<string, ColumnMode> | null,
  ) {
    this.encoder = target.kind === "class" ? new ClassLabelEncoder(file, target.column, target.classCount, target.classNames ?? null) : null;
    const texts = fieldTextsFor(plan.featureNames.length);
    this.columns = plan.featureNames.map((name) => new RawColumnBuilder(name, modes?.get(name) ?? "auto", texts));
  }

  /** Adds one record; returns what is wrong with it, or null. */
  add(record: readonly string[], info: Info): DataError | null {
    const { plan } = this;
    const row = startLine(record, info);
    if (record.length !== plan.width) {
      return dataError("column-count", this.file, row, null, `this row has ${record.length} field${record.length === 1 ? "" : "s"}, but the header has ${plan.width} columns`);
    }
    for (let k = 0; k < plan.featureIndex.length; k++) {
      const column = plan.featureIndex[k]!;
      const problem = this.columns[k]!.add(record[column]!, row);
      if (problem !== null) return this.fieldProblem(problem, row, plan.featureNames[k]!);
    }
    if (this.encoder !== null) {
      const column = plan.targetIndex[0]!;
      const id = this.encoder.encode(record[column]!, row);
      if (typeof id !== "number") return id;
      this.ids.push(id);
    } else if (this.target.kind === "multilabel" || this.target.kind === "regression") {
      for (const column of plan.targetIndex) {
        const parsed = parseNumberField(record[column]!);
        const name = plan.targetNames[plan.targetIndex.indexOf(column)]!;
        if (!parsed.ok) return this.fieldProblem({ reason: parsed.reason === "missing" ? "missing" : parsed.reason, text: record[column]! }, row, name);
        if (this.target.kind === "multilabel" && parsed.value !== 0 && parsed.value !== 1) {
          return dataError("not-binary", this.file, row, name, `${quoteName(record[column]!)} is not a label: multilabel targets are 0 or 1`);
        }
        this.y.push(parsed.value);
      }
    }
    this.lines.push(row);
    this.rows++;
    return null;
  }

  finish(delimiter: Delimiter, delimiterDetected: boolean): Dataset {
    const { plan, file, rows } = this;
    let targets: Targets;
    switch (this.target.kind) {
      case "class": {
        const ids = this.ids.view();
        const classNames = this.encoder!.finish(ids);
        targets = { kind: "class", column: this.target.column, ids, classCount: this.target.classCount, classNames };
        break;
      }
      case "multilabel":
      case "regression":
        targets = { kind: this.target.kind, columns: plan.targetNames, y: this.y.view() };
        break;
      case "none":
        targets = { kind: "none" };
    }
    const columns = this.columns.map((c) => c.finish());
    return { file, rows, delimiter, delimiterDetected, columns, featureNames: plan.featureNames, otherColumns: plan.otherNames, rowLines: this.lines.view(), targets };
  }

  private fieldProblem(problem: FieldProblem | { reason: "missing"; text: string }, row: number, column: string): DataError {
    const text = problem.text;
    const at = (code: DataError["code"], message: string): DataError => dataError(code, this.file, row, column, message);
    switch (problem.reason) {
      case "missing":
        return at("missing-value", MISSING_VALUE);
      case "nan":
        return at("nan", `${quoteName(text)} is not allowed: values must be finite numbers`);
      case "infinity":
        return at("infinity", `${quoteName(text)} is not allowed: values must be finite numbers`);
      case "overflow":
        return at("infinity", `${quoteName(text)} is too large for a 64-bit float`);
      case "not-a-number":
        return at("not-a-number", `${quoteName(text)} is not a number (the model takes this column as numbers)`);
      case "too-many-levels":
        return at("too-many-levels", `${quoteName(text)} is not a number, and the column has more than ${MAX_AUTO_LEVELS} distinct numbers before it, too many to be a category (name it with --categorical to force one, or fix the value)`);
    }
  }
}

/**
 * The line a record starts on. csv-parse reports the line it ends on; a quoted field may span
 * lines, so subtract the line breaks inside the record. Only computed when there is an error.
 */
function startLine(record: readonly string[], info: Info): number {
  let breaks = 0;
  for (const field of record) for (let i = field.indexOf("\n"); i >= 0; i = field.indexOf("\n", i + 1)) breaks++;
  return info.lines - breaks;
}

/** Where the first invalid UTF-8 byte sequence is: line (header = 1), field number, byte offset. */
export class InvalidUtf8Error extends Error {
  constructor(
    readonly line: number,
    readonly field: number,
    readonly byte: number,
  ) {
    super(`invalid UTF-8 at byte ${byte}`);
  }
}

/**
 * Decodes the bytes as UTF-8, strictly: a byte that is not UTF-8 (a Latin-1 "é", say) would
 * otherwise become U+FFFD, and two different names would silently become one class. Counts lines
 * and fields (commas outside quotes) so the error can name its place.
 */
class Utf8Check extends Transform {
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private line = 1;
  private field = 1;
  private quoted = false;
  private bytes = 0;
  /** Bytes of an unfinished character carried from the previous chunk. */
  private carry = new Uint8Array(0);

  constructor() {
    super({ readableObjectMode: false, decodeStrings: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      done(this.locate(Buffer.concat([this.carry, chunk])));
      return;
    }
    this.count(chunk);
    done(null, text);
  }

  override _flush(done: TransformCallback): void {
    try {
      done(null, this.decoder.decode());
    } catch {
      done(this.locate(this.carry));
    }
  }

  /** Advances line and field counters over valid bytes; keeps an unfinished character's bytes. */
  private count(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) this.step(chunk[i]!);
    this.bytes += chunk.length;
    let tail = 0;
    for (let i = chunk.length - 1; i >= 0 && i >= chunk.length - 3 && (chunk[i]! & 0xc0) === 0x80; i--) tail++;
    const lead = chunk.length - tail - 1;
    this.carry = lead >= 0 && chunk[lead]! >= 0xc0 ? chunk.slice(lead) : new Uint8Array(0);
  }

  private step(b: number): void {
    if (b === 0x22) this.quoted = !this.quoted;
    else if (b === 0x2c && !this.quoted) this.field++;
    else if (b === 0x0a) {
      this.line++;
      if (!this.quoted) this.field = 1;
    }
  }

  /** The place of the first invalid sequence in `bytes` (which starts at a character boundary). */
  private locate(bytes: Uint8Array): InvalidUtf8Error {
    const start = this.bytes - this.carry.length;
    // Counters were advanced over the carry already; rewind them over it.
    let line = this.line;
    let field = this.field;
    let quoted = this.quoted;
    for (let i = 0; i < this.carry.length; i++) {
      const b = this.carry[i]!;
      if (b === 0x0a) line--;
    }
    let i = 0;
    while (i < bytes.length) {
      const n = utf8Length(bytes, i);
      if (n === 0) return new InvalidUtf8Error(line, field, start + i);
      if (i >= this.carry.length) {
        const b = bytes[i]!;
        if (b === 0x22) quoted = !quoted;
        else if (b === 0x2c && !quoted) field++;
        else if (b === 0x0a) {
          line++;
          if (!quoted) field = 1;
        }
      }
      i += n;
    }
    return new InvalidUtf8Error(line, field, start + bytes.length);
  }
}

/** Length of the valid UTF-8 sequence at bytes[i] (1-4), 0 when invalid or cut short. */
function utf8Length(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!;
  if (b < 0x80) return 1;
  const n = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
  if (n === 0 || i + n > bytes.length) return 0;
  for (let k = 1; k < n; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return 0;
  const b1 = bytes[i + 1]!;
  if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 > 0x9f) || (b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 > 0x8f)) return 0;
  return n;
}

function csvSyntaxError(file: string, e: unknown): DataError {
  if (e instanceof InvalidUtf8Error) {
    return dataError("invalid-utf8", file, e.line, null, `field ${e.field}: bytes that are not UTF-8 (at byte ${e.byte}); save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)`);
  }
  if (e instanceof CsvError) {
    const lines: unknown = (e as unknown as { lines?: unknown }).lines;
    const row = typeof lines === "number" ? lines : null;
    switch (e.code) {
      case "CSV_QUOTE_NOT_CLOSED":
        return dataError("csv-syntax", file, row, null, "a quoted field is never closed (a \" without its closing \")");
      case "INVALID_OPENING_QUOTE":
        return dataError("csv-syntax", file, row, null, "a quote (\") inside an unquoted field; quote the whole field and double the inner quotes");
      case "CSV_INVALID_CLOSING_QUOTE":
        return dataError("csv-syntax", file, row, null, "unexpected characters after a closing quote (\")");
      case "CSV_MAX_RECORD_SIZE":
        return dataError("too-large", file, row, null, `a row is longer than ${MAX_RECORD_BYTES / (1024 * 1024)} MiB (an unclosed quote?)`);
      default:
        return dataError("csv-syntax", file, row, null, e.message);
    }
  }
  return dataError("cannot-read", file, null, null, `cannot read the file (${describeFsError(e)})`);
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  return e instanceof Error ? e.message : String(e);
}
