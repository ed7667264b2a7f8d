/**
 * Class labels while a file streams in. Labels are categories: whatever the column holds (names,
 * 0..K-1, 1..3, {-1, 1}), its sorted distinct values become classes 0..K-1 and keep their names, so
 * the mapping does not depend on row order. Numbers sort as numbers; names in code-unit order.
 * A column of whole numbers already inside 0..K-1 keeps its ids as they are (and no names), as
 * weights files from before names were kept expect. The mapping is saved with the weights and
 * reused by predict and evaluate.
 */
import { dataError, quoteName, type DataError } from "./errors.js";
import { parseNumberField } from "./number.js";

export class ClassLabelEncoder {
  /** Label key -> provisional id (order of first appearance, or the known mapping). */
  private readonly keys = new Map<string, number>();
  private readonly known: readonly string[] | null;
  private allNumeric = true;

  constructor(
    private readonly file: string,
    private readonly column: string,
    private readonly classCount: number,
    known: readonly string[] | null,
  ) {
    this.known = known;
    known?.forEach((name, id) => this.keys.set(keyOf(name), id));
  }

  /** The provisional id of one field, or what is wrong with it. */
  encode(raw: string, row: number): number | DataError {
    // "setosa " and "setosa" are one class, whatever the quoting; so are "1" and "1.0".
    const text = raw.trim();
    if (text === "") return this.error("missing-value", row, "missing value (every row needs a class)");
    const key = keyOf(text);
    const id = this.keys.get(key);
    if (id !== undefined) return id;
    const known = [...this.keys.keys()].map(quoteName).join(", ");
    if (this.known !== null) return this.error("unknown-class", row, `unknown class ${quoteName(text)}; the model knows ${known}`);
    if (this.keys.size >= this.classCount) {
      return this.error("too-many-classes", row, `${quoteName(text)} would be class ${this.keys.size + 1}, but the model has ${this.classCount} classes (already seen: ${known})`);
    }
    if (!parseNumberField(key).ok) this.allNumeric = false;
    this.keys.set(key, this.keys.size);
    return this.keys.size - 1;
  }

  /**
   * Rewrites provisional ids in place to final ids and returns the class names (null when the
   * column held ids 0..K-1). New labels are numbered in sorted order, so shuffled copies agree.
   */
  finish(ids: Int32Array): string[] | null {
    if (this.known !== null) return [...this.known];
    const keys = [...this.keys.keys()];
    const asIds = this.allNumeric && keys.every((k) => { const v = Number(k); return Number.isInteger(v) && v >= 0 && v < this.classCount; });
    const sorted = asIds ? null : this.allNumeric ? [...keys].sort((a, b) => Number(a) - Number(b)) : [...keys].sort(compareCodeUnits);
    const remap = new Int32Array(keys.length);
    keys.forEach((key, provisional) => (remap[provisional] = sorted === null ? Number(key) : sorted.indexOf(key)));
    for (let i = 0; i < ids.length; i++) ids[i] = remap[ids[i]!]!;
    return sorted;
  }

  private error(code: DataError["code"], row: number, message: string): DataError {
    return dataError(code, this.file, row, this.column, message);
  }
}

/** Numbers by value ("1.0" is "1"), names as written. */
function keyOf(text: string): string {
  const parsed = parseNumberField(text);
  return parsed.ok ? String(parsed.value) : text;
}

/** Plain code-unit order: the same on every machine and locale. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
