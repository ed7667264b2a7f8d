/**
 * Field-by-field checks of the JSON files mlpc reads back (weights files, training checkpoints):
 * every field's type, range and length, each failure a message naming the file and the field
 * (`w.json: field trainer.step: expected a whole number >= 0, got -1`). People edit and mix up
 * these files, so nothing read here is trusted before it is checked.
 *
 * To add a field: read it with the reader matching its type in the parse function of its file
 * (saved.ts); the message and the place come for free.
 */
import { CliError, EXIT_PROGRAM_ERROR } from "./io.js";

export type JsonObject = Record<string, unknown>;

/** A reference to numbers stored in a binary sidecar file instead of inline (see docs/weights.md). */
export interface BinaryRef {
  readonly binary: string;
  readonly id: string;
  readonly offset: number;
  readonly count: number;
}

/** Resolves a sidecar reference to its numbers; throws a CliError naming the field when it cannot. */
export type BinaryLoader = (ref: BinaryRef, field: string) => Float64Array;

/** What a field holds, as a message shows it: short, control characters escaped. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object" && value !== null) return "an object";
  const text = typeof value === "number" && !Number.isFinite(value) ? String(value) : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Reads the fields of one JSON object, each failure naming the file and the field's path. */
export class FieldReader {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly value: JsonObject,
    private readonly binary: BinaryLoader | null = null,
  ) {}

  /** The reader of the whole file's top-level object. */
  static root(file: string, value: unknown, binary: BinaryLoader | null = null): FieldReader {
    if (!isObject(value)) throw new CliError(`mlpc: ${file}: expected a JSON object`, EXIT_PROGRAM_ERROR);
    return new FieldReader(file, "", value, binary);
  }

  fieldName(key: string): string {
    return this.path === "" ? key : `${this.path}.${key}`;
  }

  /** A failure of field `key`: what it should be and what it is. */
  fail(key: string, expected: string, value: unknown = this.value[key]): CliError {
    return new CliError(`mlpc: ${this.file}: field ${this.fieldName(key)}: expected ${expected}, got ${describeValue(value)}`, EXIT_PROGRAM_ERROR);
  }

  /** A failure about the field's meaning (consistency with the program or another field). */
  mismatch(key: string, message: string): CliError {
    return new CliError(`mlpc: ${this.file}: field ${this.fieldName(key)}: ${message}`, EXIT_PROGRAM_ERROR);
  }

  has(key: string): boolean {
    return this.value[key] !== undefined;
  }

  object(key: string): FieldReader {
    const v = this.value[key];
    if (!isObject(v)) throw this.fail(key, "an object");
    return new FieldReader(this.file, this.fieldName(key), v, this.binary);
  }

  /** null, or the object's reader. */
  nullableObject(key: string): FieldReader | null {
    return this.value[key] === null || this.value[key] === undefined ? null : this.object(key);
  }

  string(key: string): string {
    const v = this.value[key];
    if (typeof v !== "string") throw this.fail(key, "a string");
    return v;
  }

  /** An informational string: any string, or "" when missing. */
  optionalString(key: string): string {
    return this.value[key] === undefined ? "" : this.string(key);
  }

  literal<T extends string | number>(key: string, expected: T): T {
    if (this.value[key] !== expected) throw this.fail(key, JSON.stringify(expected));
    return expected;
  }

  boolean(key: string): boolean {
    const v = this.value[key];
    if (typeof v !== "boolean") throw this.fail(key, "true or false");
    return v;
  }

  /** A whole number in [min, max]. */
  integer(key: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.value[key];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) throw this.fail(key, integerRange(min, max));
    return v;
  }

  /** A finite number in [min, max] (or (min, max] with exclusiveMin). */
  number(key: string, range: { min?: number; max?: number; exclusiveMin?: boolean } = {}): number {
    const v = this.value[key];
    const min = range.min ?? -Infinity;
    const max = range.max ?? Infinity;
    const above = range.exclusiveMin === true ? (n: number): boolean => n > min : (n: number): boolean => n >= min;
    if (typeof v !== "number" || !Number.isFinite(v) || !above(v) || v > max) throw this.fail(key, numberRange(min, max, range.exclusiveMin === true));
    return v;
  }

  nullableInteger(key: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | null {
    return this.value[key] === null ? null : this.integer(key, min, max);
  }

  /** A list of strings, of `length` when given, all different when `unique`. */
  strings(key: string, options: { length?: number; unique?: boolean } = {}): string[] {
    const v = this.value[key];
    const what = `a list of ${options.length === undefined ? "" : `${options.length} `}${options.unique === true ? "different " : ""}strings`;
    if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) throw this.fail(key, what);
    if (options.length !== undefined && v.length !== options.length) throw this.fail(key, what);
    if (options.unique === true && new Set(v).size !== v.length) throw this.fail(key, what, v);
    return v as string[];
  }

  /** A list of finite numbers (of `length` when given): inline, or a binary sidecar reference. */
  numbers(key: string, length?: number): ArrayLike<number> {
    const v = this.value[key];
    const what = `${length === undefined ? "a list of" : String(length)} finite numbers`;
    if (isObject(v) && typeof v.binary === "string") {
      if (this.binary === null) throw this.fail(key, `${what} (binary sidecars are not read here)`);
      const ref = this.object(key);
      const numbers = this.binary({ binary: ref.string("binary"), id: ref.string("id"), offset: ref.integer("offset"), count: ref.integer("count") }, this.fieldName(key));
      if (length !== undefined && numbers.length !== length) throw this.fail(key, what, `${numbers.length} numbers`);
      if (!allFinite(numbers)) throw this.fail(key, what, "a non-finite number");
      return numbers;
    }
    if (!Array.isArray(v) || (length !== undefined && v.length !== length)) throw this.fail(key, what);
    for (let i = 0; i < v.length; i++) {
      const n: unknown = v[i];
      if (typeof n !== "number" || !Number.isFinite(n)) throw this.mismatch(`${key}[${i}]`, `expected a finite number, got ${describeValue(n)}`);
    }
    return v as number[];
  }

  /** A list of objects, each read by `each`. */
  objects<T>(key: string, each: (r: FieldReader, index: number) => T): T[] {
    const v = this.value[key];
    if (!Array.isArray(v)) throw this.fail(key, "a list of objects");
    return v.map((item, i) => {
      if (!isObject(item)) throw this.fail(`${key}[${i}]`, "an object", item);
      return each(new FieldReader(this.file, this.fieldName(`${key}[${i}]`), item, this.binary), i);
    });
  }

  /** The names of an object's fields (for maps such as trainer.buffers). */
  keys(): string[] {
    return Object.keys(this.value);
  }
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function allFinite(values: ArrayLike<number>): boolean {
  let zero = 0;
  for (let i = 0; i < values.length; i++) zero += values[i]! * 0;
  return zero === 0;
}

function integerRange(min: number, max: number): string {
  return max === Number.MAX_SAFE_INTEGER ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`;
}

function numberRange(min: number, max: number, exclusiveMin: boolean): string {
  const low = min === -Infinity ? "" : `${exclusiveMin ? ">" : ">="} ${min}`;
  const high = max === Infinity ? "" : `<= ${max}`;
  return `a finite number${low === "" && high === "" ? "" : ` ${[low, high].filter((s) => s !== "").join(" and ")}`}`;
}
