import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { TargetSpec } from "../../src/data/columns.js";
import { readCsvFile, readCsvText, type Dataset } from "../../src/data/csv.js";
import { formatDataError } from "../../src/data/errors.js";

/** The feature columns as numbers, row-major (what the reader stored). */
function matrix(d: Dataset): number[] {
  const out: number[] = [];
  for (let r = 0; r < d.rows; r++) for (const c of d.columns) out.push(c.numbers[r]!);
  return out;
}

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/csv/${name}`, import.meta.url));
const label = (classCount = 3): TargetSpec => ({ kind: "class", column: "label", classCount });

async function load(name: string, target: TargetSpec = label(), extra: { features?: string[] } = {}): Promise<Dataset> {
  const r = await readCsvFile(fixture(name), { target, ...extra }, name);
  if (!r.ok) throw new Error(formatDataError(r.error));
  return r.value;
}

async function errorOf(name: string, target: TargetSpec = label(), extra: { features?: string[] } = {}): Promise<string> {
  const r = await readCsvFile(fixture(name), { target, ...extra }, name);
  if (r.ok) throw new Error(`${name} was accepted`);
  return formatDataError(r.error);
}

describe("reading good CSV", () => {
  it("accepts a byte-order mark and CRLF line ends", async () => {
    const d = await load("bom-crlf.csv");
    expect(d.featureNames).toEqual(["a", "b"]);
    expect(matrix(d)).toEqual([1, 2, 3, 4]);
    expect(d.targets.kind === "class" && [...d.targets.ids]).toEqual([0, 1]);
  });

  it("reads quoted fields, names with spaces and commas, blank lines, and maps class names to sorted ids", async () => {
    const d = await load("quoted-names.csv");
    expect(d.featureNames).toEqual(["name with space", "quoted, comma"]);
    expect(d.rows).toBe(4);
    expect(matrix(d)).toEqual([1.5, 2, 3, 4, 5, 6, 7, 8]);
    if (d.targets.kind !== "class") throw new Error("expected classes");
    expect(d.targets.classNames).toEqual(["setosa", "versicolor", "virginica"]);
    expect([...d.targets.ids]).toEqual([0, 2, 1, 0]);
  });

  it("reuses a known class mapping (predict, resume) whatever the order of first appearance", async () => {
    const d = await load("quoted-names.csv", { kind: "class", column: "label", classCount: 3, classNames: ["virginica", "setosa", "versicolor"] });
    expect(d.targets.kind === "class" && [...d.targets.ids]).toEqual([1, 0, 2, 1]);
  });

  it("reads regression targets and takes every other column as a feature", async () => {
    const d = await load("regression.csv", { kind: "regression", columns: ["y"] });
    expect(d.featureNames).toEqual(["x0", "x1"]);
    expect(d.targets.kind === "regression" && [...d.targets.y]).toEqual([0.5, -12.5]);
  });

  it("reads multilabel targets", async () => {
    const d = await readCsvText("x,y0,y1\n1,0,1\n2,1,1\n", { target: { kind: "multilabel", columns: ["y0", "y1"] } }, "m.csv");
    expect(d.ok && matrix(d.value)).toEqual([1, 2]);
    expect(d.ok && d.value.targets.kind === "multilabel" && [...d.value.targets.y]).toEqual([0, 1, 1, 1]);
  });

  it("takes named feature columns in the model's order and ignores the rest (predict)", async () => {
    const d = await load("bom-crlf.csv", { kind: "none" }, { features: ["b", "a"] });
    expect(matrix(d)).toEqual([2, 1, 4, 3]);
  });

  it("accepts class names even when the known mapping is given and values look numeric", async () => {
    const r = await readCsvText("a,label\n1,yes\n2,no\n", { target: { kind: "class", column: "label", classCount: 2 } }, "yn.csv");
    expect(r.ok && r.value.targets.kind === "class" && r.value.targets.classNames).toEqual(["no", "yes"]);
  });
});

describe("refusing bad CSV with file, row and column", () => {
  const cases: [string, string, TargetSpec?][] = [
    ["empty.csv", "empty.csv: the file is empty: expected a header row, then one row per example"],
    ["blank-lines.csv", "blank-lines.csv: the file is empty: expected a header row, then one row per example"],
    ["header-only.csv", "header-only.csv: there are no data rows after the header"],
    ["duplicate-header.csv", 'duplicate-header.csv, row 1, column "a": the column name appears twice (columns 1 and 3); column names must be unique'],
    ["short-row.csv", "short-row.csv, row 3: this row has 2 fields, but the header has 3 columns"],
    ["nan.csv", 'nan.csv, row 3, column "b": missing value (an empty field, NA, ?, NaN or null)', { kind: "regression", columns: ["b"] }],
    ["infinity.csv", 'infinity.csv, row 3, column "b": "-Infinity" is not allowed: values must be finite numbers'],
    ["unclosed-quote.csv", 'unclosed-quote.csv, row 4: a quoted field is never closed (a " without its closing ")'],
    ["multilabel-bad.csv", 'multilabel-bad.csv, row 3, column "y1": "2" is not a label: multilabel targets are 0 or 1', { kind: "multilabel", columns: ["y0", "y1"] }],
    ["regression.csv", 'regression.csv, row 1: there is no column named "label" (columns: "x0", "x1", "y")'],
    ["regression.csv", 'regression.csv, row 1: there is no column named "Y"; did you mean "y"? (columns: "x0", "x1", "y")', { kind: "regression", columns: ["Y"] }],
    ["does-not-exist.csv", "does-not-exist.csv: cannot read the file (no such file)"],
  ];
  for (const [file, message, target] of cases) {
    it(`${file}: ${message.slice(file.length + 2)}`, async () => {
      expect(await errorOf(file, target)).toBe(message);
    });
  }

  it("a column the model takes as numbers holding text (predict with a trained plan)", async () => {
    const r = await readCsvFile(fixture("not-a-number.csv"), { target: label(), columnModes: new Map([["b", "numeric"]]) }, "not-a-number.csv");
    expect(!r.ok && formatDataError(r.error)).toBe('not-a-number.csv, row 3, column "b": "abc" is not a number (the model takes this column as numbers)');
  });

  it("more class names than the model has outputs", async () => {
    const r = await readCsvText("a,label\n1,cat\n2,dog\n3,cow\n", { target: label(2) }, "f.csv");
    expect(!r.ok && formatDataError(r.error)).toBe('f.csv, row 4, column "label": "cow" would be class 3, but the model has 2 classes (already seen: "cat", "dog")');
  });

  it("a class name the trained model does not know", async () => {
    const r = await readCsvText("a,label\n1,cat\n2,cow\n", { target: { kind: "class", column: "label", classCount: 2, classNames: ["cat", "dog"] } }, "f.csv");
    expect(!r.ok && formatDataError(r.error)).toBe('f.csv, row 3, column "label": unknown class "cow"; the model knows "cat", "dog"');
  });

  it("a missing class", async () => {
    const r = await readCsvText("a,label\n1,\n", { target: label(2) }, "f.csv");
    expect(!r.ok && formatDataError(r.error)).toBe('f.csv, row 2, column "label": missing value (every row needs a class)');
  });

  it("a number too large for float64", async () => {
    const r = await readCsvText("a,y\n1e400,1\n", { target: { kind: "regression", columns: ["y"] } }, "f.csv");
    expect(!r.ok && formatDataError(r.error)).toBe('f.csv, row 2, column "a": "1e400" is too large for a 64-bit float');
  });

  it("hexadecimal and other things Number() would accept are not numbers", async () => {
    for (const text of ["0x1A", "1_000", "1,5", "one"]) {
      const r = await readCsvText(`a,y\n"${text}",1\n`, { target: { kind: "regression", columns: ["y"] }, columnModes: new Map([["a", "numeric"]]) }, "f.csv");
      expect(!r.ok && r.error.code).toBe("not-a-number");
    }
  });

  it("an empty column name", async () => {
    const r = await readCsvText("a,,label\n1,2,0\n", { target: label() }, "f.csv");
    expect(!r.ok && formatDataError(r.error)).toBe("f.csv, row 1: column 2 has no name (the header row names every column)");
  });

  it("a quote inside an unquoted field", async () => {
    const r = await readCsvText('a,label\n1"2,0\n', { target: label() }, "f.csv");
    expect(!r.ok && formatDataError(r.error)).toBe('f.csv, row 2: a quote (") inside an unquoted field; quote the whole field and double the inner quotes');
  });
});
