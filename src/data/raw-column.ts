/**
 * One feature column as it streams in, before anything is fitted: its values as numbers (NaN
 * where missing or not a number) and, while the column has few enough distinct values to be a
 * category, the index of each field's text in the column's levels. Which of the two the model
 * uses is decided afterwards by the preprocessing plan (preprocess.ts), from the training rows.
 */
import { fieldTextsFor, type FieldTexts } from "./field-texts.js";
import { GrowableFloat64, GrowableInt32 } from "./growable.js";
import { parseNumberField } from "./number.js";

/** How the reader stores a column: decide later (auto), numbers only, or categories only. */
export type ColumnMode = "auto" | "numeric" | "categorical";

/** Above this many distinct values an all-numeric column stops keeping its texts (memory stays 8 bytes a value). */
export const MAX_AUTO_LEVELS = 1000;

export interface RawColumn {
  readonly name: string;
  /** One number per row; NaN where the field is missing (isMissingField) or not a number. */
  readonly numbers: Float64Array;
  /** Per row the index of its text in `levels`, -1 where missing; null once a numeric column had too many distinct values. */
  readonly codes: Int32Array | null;
  /** The distinct texts of present values, in order of first appearance. */
  readonly levels: readonly string[];
  /** Missing fields (empty, NA, ?, NaN, null). */
  readonly missing: number;
  /** The row (file line) of the first missing field, or null. */
  readonly firstMissingRow: number | null;
  /** The first field that is not a number, or null when every non-empty field is one. */
  readonly firstText: { readonly row: number; readonly text: string } | null;
}

/** What went wrong with one field while storing it (the reader turns it into a DataError). */
export type FieldProblem = { readonly reason: "nan" | "infinity" | "overflow" | "not-a-number" | "too-many-levels"; readonly text: string };

export class RawColumnBuilder {
  private readonly numbers = new GrowableFloat64(1024);
  private codes: GrowableInt32 | null = new GrowableInt32(1024);
  /** Code by text, for texts without an id in `texts`. */
  private readonly levelIndex = new Map<string, number>();
  /** Code by text id (-1: not seen in this column), for texts with one. */
  private codeById = new Int32Array(0);
  private readonly levels: string[] = [];
  private missing = 0;
  private firstMissingRow: number | null = null;
  private firstText: { row: number; text: string } | null = null;

  constructor(
    readonly name: string,
    private readonly mode: ColumnMode,
    private readonly texts: FieldTexts = fieldTextsFor(1),
  ) {
    if (mode === "numeric") this.codes = null;
  }

  /** Stores one field; returns what is wrong with it, or null. */
  add(raw: string, row: number): FieldProblem | null {
    const text = raw.trim();
    const id = this.texts.idOf(text);
    const parsed = id < 0 ? parseNumberField(text) : this.texts.reading(id);
    if (!parsed.ok && parsed.reason === "missing") {
      this.missing++;
      this.firstMissingRow ??= row;
      this.numbers.push(Number.NaN);
      this.codes?.push(-1);
      return null;
    }
    if (parsed.ok) {
      this.numbers.push(parsed.value);
    } else {
      // "inf" and a signed "-nan" are not categories: they are numbers no model can use.
      if (parsed.reason !== "not-a-number" && parsed.reason !== "missing" && this.mode !== "categorical") return { reason: parsed.reason, text };
      if (this.mode === "numeric") return { reason: "not-a-number", text };
      if (this.codes === null) return { reason: "too-many-levels", text };
      this.firstText ??= { row, text };
      this.numbers.push(Number.NaN);
    }
    if (this.codes !== null) {
      let code = this.codeOf(id, text);
      if (code === undefined) {
        code = this.levels.length;
        if (this.mode === "auto" && code >= MAX_AUTO_LEVELS && this.firstText === null) {
          this.codes = null;
          this.levelIndex.clear();
          this.codeById = new Int32Array(0);
          this.levels.length = 0;
          return null;
        }
        if (id < 0) this.levelIndex.set(text, code);
        else this.setCodeOfId(id, code);
        this.levels.push(text);
      }
      this.codes.push(code);
    }
    return null;
  }

  /** The column's code of a text (by its id when it has one), or undefined when the column has not seen it. */
  private codeOf(id: number, text: string): number | undefined {
    if (id < 0) return this.levelIndex.get(text);
    const code = id < this.codeById.length ? this.codeById[id]! : -1;
    return code >= 0 ? code : undefined;
  }

  private setCodeOfId(id: number, code: number): void {
    if (id >= this.codeById.length) {
      const grown = new Int32Array(Math.min(this.texts.capacity, Math.max(64, this.codeById.length * 2, id + 1))).fill(-1);
      grown.set(this.codeById);
      this.codeById = grown;
    }
    this.codeById[id] = code;
  }

  finish(): RawColumn {
    return {
      name: this.name,
      numbers: this.numbers.view(),
      codes: this.codes === null ? null : this.codes.view(),
      levels: this.levels,
      missing: this.missing,
      firstMissingRow: this.firstMissingRow,
      firstText: this.firstText,
    };
  }
}
