/**
 * Class labels while a file streams in: either class ids (whole numbers 0..K-1, decided by the
 * first value being a number) or class names, mapped to ids in sorted order so the mapping does
 * not depend on row order. The mapping is saved with the weights and reused by predict.
 */
import { dataError, quoteName, type DataError } from "./errors.js";
import { parseNumberField } from "./number.js";

export class ClassLabelEncoder {
  private mode: "unknown" | "ids" | "names";
  /** Name -> provisional id (order of first appearance, or the known mapping). */
  private readonly names = new Map<string, number>();
  private readonly fixed: boolean;

  constructor(
    private readonly file: string,
    private readonly column: string,
    private readonly classCount: number,
    known: readonly string[] | null,
  ) {
    this.fixed = known !== null;
    this.mode = known === null ? "unknown" : "names";
    known?.forEach((name, id) => this.names.set(name, id));
  }

  /** The provisional id of one field, or what is wrong with it. */
  encode(raw: string, row: number): number | DataError {
    // "setosa " and "setosa" are one class, whatever the quoting.
    const text = raw.trim();
    if (text === "") return this.error("missing-value", row, "missing value (every row needs a class)");
    if (this.mode === "unknown") this.mode = parseNumberField(text).ok ? "ids" : "names";
    return this.mode === "ids" ? this.encodeId(text, row) : this.encodeName(text, row);
  }

  /**
   * Rewrites provisional ids in place to final ids and returns the class names (null when the file
   * held ids). New names are numbered in sorted order, so shuffled copies of a file agree.
   */
  finish(ids: Int32Array): string[] | null {
    if (this.mode !== "names") return null;
    if (this.fixed) return [...this.names.keys()];
    const sorted = [...this.names.keys()].sort(compareCodeUnits);
    const remap = new Int32Array(sorted.length);
    sorted.forEach((name, finalId) => (remap[this.names.get(name)!] = finalId));
    for (let i = 0; i < ids.length; i++) ids[i] = remap[ids[i]!]!;
    return sorted;
  }

  private encodeId(text: string, row: number): number | DataError {
    const parsed = parseNumberField(text);
    if (!parsed.ok || !Number.isInteger(parsed.value)) {
      return this.error("not-a-class-id", row, `${quoteName(text)} is not a class id: the column starts with numbers, so every value must be a whole number from 0 to ${this.classCount - 1}`);
    }
    if (parsed.value < 0 || parsed.value >= this.classCount) {
      return this.error("class-out-of-range", row, `class id ${parsed.value} is out of range: the model has ${this.classCount} classes (ids ${rangeText(this.classCount)})`);
    }
    return parsed.value;
  }

  private encodeName(text: string, row: number): number | DataError {
    const id = this.names.get(text);
    if (id !== undefined) return id;
    const known = [...this.names.keys()].map(quoteName).join(", ");
    if (this.fixed) return this.error("unknown-class", row, `unknown class ${quoteName(text)}; the model knows ${known}`);
    if (this.names.size >= this.classCount) {
      return this.error("too-many-classes", row, `${quoteName(text)} would be class ${this.names.size + 1}, but the model has ${this.classCount} classes (already seen: ${known})`);
    }
    this.names.set(text, this.names.size);
    return this.names.size - 1;
  }

  private error(code: DataError["code"], row: number, message: string): DataError {
    return dataError(code, this.file, row, this.column, message);
  }
}

function rangeText(classCount: number): string {
  return classCount === 2 ? "0 and 1" : `0 to ${classCount - 1}`;
}

/** Plain code-unit order: the same on every machine and locale. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
