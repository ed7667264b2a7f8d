/**
 * Reading a CSV file into a typed dataset, streaming: csv-parse turns bytes into records, and each
 * field goes straight into a growable Float64Array (features, regression and multilabel targets)
 * or Int32Array (class ids). Nothing keeps the text of the rows, so memory stays at 8 bytes a value.
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
import { ClassLabelEncoder } from "./labels.js";
import { parseNumberField, type NumberField } from "./number.js";

export type Targets =
  | {
      readonly kind: "class";
      readonly column: string;
      /** One class id per row, 0..classCount-1. */
      readonly ids: Int32Array;
      readonly classCount: number;
      /** Names by id when the file held names; null when it held ids. */
      readonly classNames: readonly string[] | null;
    }
  | { readonly kind: "multilabel" | "regression"; readonly columns: readonly string[]; /** rows x columns, row-major */ readonly y: Float64Array }
  | { readonly kind: "none" };

export interface Dataset {
  /** The file name as given (used in messages). */
  readonly file: string;
  readonly rows: number;
  readonly featureNames: readonly string[];
  /** rows x featureNames.length, row-major. */
  readonly x: Float64Array;
  readonly targets: Targets;
}

export type ReadOptions = PlanOptions;

/** One record larger than this is a broken file (e.g. a quote never closed), not data. */
const MAX_RECORD_BYTES = 8 * 1024 * 1024;

export async function readCsvFile(path: string, options: ReadOptions, displayName: string = path): Promise<Result<Dataset>> {
  let handle;
  try {
    handle = await open(path, "r");
    const st = await handle.stat();
    if (st.isDirectory()) return fail(dataError("cannot-read", displayName, null, null, "is a directory, not a CSV file"));
  } catch (e) {
    await handle?.close();
    return fail(dataError("cannot-read", displayName, null, null, `cannot read the file (${describeFsError(e)})`));
  }
  const stream = handle.createReadStream();
  try {
    return await readCsvStream(stream, options, displayName);
  } finally {
    stream.destroy();
    await handle.close().catch(() => undefined);
  }
}

export function readCsvText(text: string, options: ReadOptions, name: string): Promise<Result<Dataset>> {
  return readCsvStream(Readable.from([text]), options, name);
}

export async function readCsvStream(source: Readable, options: ReadOptions, file: string): Promise<Result<Dataset>> {
  const parser = parse({
    bom: true,
    info: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    max_record_size: MAX_RECORD_BYTES,
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
        sink = new RowSink(file, plan.value, options.target);
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
  return ok(sink.finish());
}

/** Accumulates validated rows into typed arrays. */
class RowSink {
  rows = 0;
  private readonly x = new GrowableFloat64(4096);
  private readonly y = new GrowableFloat64(1024);
  private readonly ids = new GrowableInt32(1024);
  private readonly encoder: ClassLabelEncoder | null;

  constructor(
    private readonly file: string,
    private readonly plan: ColumnPlan,
    private readonly target: TargetSpec,
  ) {
    this.encoder = target.kind === "class" ? new ClassLabelEncoder(file, target.column, target.classCount, target.classNames ?? null) : null;
  }

  /** Adds one record; returns what is wrong with it, or null. */
  add(record: readonly string[], info: Info): DataError | null {
    const { plan } = this;
    if (record.length !== plan.width) {
      const row = startLine(record, info);
      return dataError("column-count", this.file, row, null, `this row has ${record.length} field${record.length === 1 ? "" : "s"}, but the header has ${plan.width} columns`);
    }
    for (let k = 0; k < plan.featureIndex.length; k++) {
      const column = plan.featureIndex[k]!;
      const parsed = parseNumberField(record[column]!);
      if (!parsed.ok) return this.numberError(parsed, record, column, info);
      this.x.push(parsed.value);
    }
    if (this.encoder !== null) {
      const column = plan.targetIndex[0]!;
      const id = this.encoder.encode(record[column]!, startLine(record, info));
      if (typeof id !== "number") return id;
      this.ids.push(id);
    } else if (this.target.kind === "multilabel" || this.target.kind === "regression") {
      for (const column of plan.targetIndex) {
        const parsed = parseNumberField(record[column]!);
        if (!parsed.ok) return this.numberError(parsed, record, column, info);
        if (this.target.kind === "multilabel" && parsed.value !== 0 && parsed.value !== 1) {
          return this.fieldError("not-binary", record, column, info, `${quoteName(record[column]!)} is not a label: multilabel targets are 0 or 1`);
        }
        this.y.push(parsed.value);
      }
    }
    this.rows++;
    return null;
  }

  finish(): Dataset {
    const { plan, file, rows } = this;
    const x = this.x.view();
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
    return { file, rows, featureNames: plan.featureNames, x, targets };
  }

  private numberError(parsed: Exclude<NumberField, { ok: true }>, record: readonly string[], column: number, info: Info): DataError {
    const text = record[column]!;
    switch (parsed.reason) {
      case "missing":
        return this.fieldError("missing-value", record, column, info, "missing value (an empty field)");
      case "nan":
        return this.fieldError("nan", record, column, info, `${quoteName(text)} is not allowed: values must be finite numbers`);
      case "infinity":
        return this.fieldError("infinity", record, column, info, `${quoteName(text)} is not allowed: values must be finite numbers`);
      case "overflow":
        return this.fieldError("infinity", record, column, info, `${quoteName(text)} is too large for a 64-bit float`);
      case "not-a-number":
        return this.fieldError("not-a-number", record, column, info, `${quoteName(text)} is not a number`);
    }
  }

  private fieldError(code: DataError["code"], record: readonly string[], column: number, info: Info, message: string): DataError {
    // The header is the first record, so the column's name is what the plan recorded at that index.
    return dataError(code, this.file, startLine(record, info), this.columnName(column), message);
  }

  private columnName(column: number): string {
    const f = this.plan.featureIndex.indexOf(column);
    if (f >= 0) return this.plan.featureNames[f]!;
    return this.plan.targetNames[this.plan.targetIndex.indexOf(column)]!;
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
