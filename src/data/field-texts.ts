/**
 * The distinct texts of one read's feature fields, shared by all its columns: each gets an id and
 * its reading as a number, parsed once. Feature fields repeat (pixels 0..255, values to three
 * decimals), and one map that every column looks up stays in cache, where a map a column misses it
 * on nearly every field of a wide file (measured on 785 columns x 4000 rows of 3-decimal values:
 * 680 ns a field with a string map a column, 44 ns with shared ids and a code table a column).
 * Only the first `capacity` distinct texts get ids, which bounds the columns' tables; the others
 * take a column's own map.
 */
import { parseNumberField, type NumberField } from "./number.js";

export class FieldTexts {
  private readonly ids = new Map<string, number>();
  private readonly readings: NumberField[] = [];

  constructor(readonly capacity: number) {}

  /** The id of a (trimmed) field text, given to it now while there is room; -1 once there is none. */
  idOf(text: string): number {
    const known = this.ids.get(text);
    if (known !== undefined) return known;
    if (this.readings.length >= this.capacity) return -1;
    const id = this.readings.length;
    this.ids.set(text, id);
    this.readings.push(parseNumberField(text));
    return id;
  }

  /** parseNumberField of the text of an id. */
  reading(id: number): NumberField {
    return this.readings[id]!;
  }
}

/**
 * Ids for a read of `columns` feature columns: at most 2^22 table entries over all of them (16 MB
 * of codes), between 256 and 65,536 a column.
 */
export function fieldTextsFor(columns: number): FieldTexts {
  return new FieldTexts(Math.max(256, Math.min(65536, Math.floor(2 ** 22 / Math.max(1, columns)))));
}
