/**
 * Problems with a data file, as data: which file, which row (the line number a person sees in an
 * editor, header = row 1), which column, and what is wrong. Readers return these instead of
 * throwing, so the CLI can print them without a stack trace and tests can compare them exactly.
 */

export type DataErrorCode =
  | "cannot-read"
  | "empty-file"
  | "no-rows"
  | "csv-syntax"
  | "empty-header"
  | "duplicate-header"
  | "missing-column"
  | "column-count"
  | "missing-value"
  | "not-a-number"
  | "nan"
  | "infinity"
  | "class-out-of-range"
  | "not-a-class-id"
  | "too-many-classes"
  | "unknown-class"
  | "not-binary"
  | "feature-count"
  | "too-few-rows"
  | "too-large"
  | "target-as-feature"
  | "no-features"
  | "delimiter"
  | "all-missing"
  | "unknown-category"
  | "too-many-levels"
  | "invalid-utf8"
  | "non-finite-statistic";

export interface DataError {
  readonly code: DataErrorCode;
  readonly file: string;
  /** 1-based line in the file (the header is row 1), or null when the whole file is concerned. */
  readonly row: number | null;
  /** Column name as written in the header, or null. */
  readonly column: string | null;
  readonly message: string;
}

export type Result<T, E = DataError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): Result<T, never> {
  return { ok: true, value };
}

export function fail<E>(error: E): Result<never, E> {
  return { ok: false, error };
}

export function dataError(code: DataErrorCode, file: string, row: number | null, column: string | null, message: string): DataError {
  return { code, file, row, column, message };
}

/** `data.csv, row 12, column "petal width": missing value` */
export function formatDataError(e: DataError): string {
  const where = [e.file];
  if (e.row !== null) where.push(`row ${e.row}`);
  if (e.column !== null) where.push(`column ${quoteName(e.column)}`);
  return `${where.join(", ")}: ${e.message}`;
}

/** A column name or cell value quoted for a message: control characters made visible, long ones cut. */
export function quoteName(text: string): string {
  const cut = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return JSON.stringify(cut);
}
