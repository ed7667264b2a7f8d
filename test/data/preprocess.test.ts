/**
 * Real data in: delimiters, labels as categories, and the preprocessing plan (one-hot, imputation,
 * scaling) fitted on training rows and applied to other files, with exact expected numbers
 * computed here from the formulas.
 */
import { describe, expect, it } from "vitest";
import type { TargetSpec } from "../../src/data/columns.js";
import { readCsvText, type Dataset, type ReadOptions } from "../../src/data/csv.js";
import { detectDelimiter, delimiterMismatch } from "../../src/data/delimiter.js";
import { formatDataError } from "../../src/data/errors.js";
import { applyPlan, columnModes, describeWidth, fitPlan, inputNames, planFromJSON, rowsWithoutMissing, type PlanFitOptions, type PreprocessingPlan } from "../../src/data/preprocess.js";
import { range } from "../../src/data/split.js";

const cls = (classCount: number, classNames: string[] | null = null): TargetSpec => ({ kind: "class", column: "label", classCount, ...(classNames === null ? {} : { classNames }) });

async function read(text: string, options: Partial<ReadOptions> & { target?: TargetSpec } = {}, name = "f.csv"): Promise<Dataset> {
  const r = await readCsvText(text, { target: cls(2), ...options }, name);
  if (!r.ok) throw new Error(formatDataError(r.error));
  return r.value;
}

async function readError(text: string, options: Partial<ReadOptions> & { target?: TargetSpec } = {}): Promise<string> {
  const r = await readCsvText(text, { target: cls(2), ...options }, "f.csv");
  if (r.ok) throw new Error("accepted");
  return formatDataError(r.error);
}

function fit(d: Dataset, options: PlanFitOptions = {}, rows: Int32Array = range(d.rows)): PreprocessingPlan {
  const p = fitPlan(d, rows, options);
  if (!p.ok) throw new Error(formatDataError(p.error));
  return p.value;
}

function apply(plan: PreprocessingPlan, d: Dataset): number[] {
  const x = applyPlan(plan, d);
  if (!x.ok) throw new Error(formatDataError(x.error));
  return [...x.value];
}

const MESSY = "id;age;city;plan;label\nA1;20;lyon;pro;yes\nA2;;paris;basic;no\nA3;40;lyon;;yes\nA4;30;nantes;basic;no\n";

describe("delimiters", () => {
  it("detects , ; tab | from the header, outside quotes, comma on ties", () => {
    expect(detectDelimiter("a;b;c")).toBe(";");
    expect(detectDelimiter("a\tb\tc")).toBe("\t");
    expect(detectDelimiter("a|b")).toBe("|");
    expect(detectDelimiter('"a;b",c')).toBe(",");
    expect(detectDelimiter("single")).toBe(",");
    expect(delimiterMismatch("a;b;c", ",")).toBe(";");
    expect(delimiterMismatch("a,b", ",")).toBeNull();
  });

  it("reads a semicolon file and says the delimiter was detected", async () => {
    const d = await read(MESSY, { ignore: ["id"] });
    expect(d.delimiter).toBe(";");
    expect(d.delimiterDetected).toBe(true);
    expect(d.featureNames).toEqual(["age", "city", "plan"]);
  });

  it("a given delimiter that splits nothing names the one that would", async () => {
    expect(await readError(MESSY, { delimiter: "," })).toBe('f.csv, row 1: the delimiter "," splits nothing: the header is one column, but ";" would split it (drop --delimiter to detect it)');
  });
});

describe("columns", () => {
  it("--features takes those columns in order; --features or --ignore of the label is refused; unknown names are refused", async () => {
    expect((await read(MESSY, { features: ["plan", "age"] })).featureNames).toEqual(["plan", "age"]);
    expect(await readError(MESSY, { ignore: ["label"] })).toBe('f.csv, row 1, column "label": --ignore names the target column; the target is never a feature (and cannot be left out)');
    expect(await readError(MESSY, { features: ["age", "town"] })).toBe('f.csv, row 1: there is no column named "town" (columns: "id", "age", "city", "plan", "label")');
  });
});

describe("labels are categories", () => {
  it("1..3 and -1/1 map their sorted values to classes and keep the names", async () => {
    const a = await read("x,label\n1,3\n2,1\n3,2\n", { target: cls(3) });
    expect(a.targets.kind === "class" && [a.targets.classNames, [...a.targets.ids]]).toEqual([["1", "2", "3"], [2, 0, 1]]);
    const b = await read("x,label\n1,1\n2,-1\n3,1.0\n");
    expect(b.targets.kind === "class" && [b.targets.classNames, [...b.targets.ids]]).toEqual([["-1", "1"], [1, 0, 1]]);
  });

  it("ids already in 0..K-1 stay ids (no names), as older weights files expect", async () => {
    const d = await read("x,label\n1,1\n2,0\n", {});
    expect(d.targets.kind === "class" && [d.targets.classNames, [...d.targets.ids]]).toEqual([null, [1, 0]]);
  });

  it("predict and evaluate map labels through the saved names, numbers by value", async () => {
    const d = await read("x,label\n1,1.0\n2,-1\n", { target: cls(2, ["-1", "1"]) });
    expect(d.targets.kind === "class" && [...d.targets.ids]).toEqual([1, 0]);
  });
});

describe("the preprocessing plan", () => {
  it("one-hot encodes text columns (sorted levels) and counts the width", async () => {
    const d = await read("a;city;plan;label\n1;lyon;pro;0\n2;paris;basic;1\n3;nantes;basic;0\n4;lyon;pro;1\n");
    const plan = fit(d);
    expect(inputNames(plan)).toEqual(["a", "city=lyon", "city=nantes", "city=paris", "plan=basic", "plan=pro"]);
    expect(describeWidth(plan)).toBe("6 = 1 numeric + 5 one-hot from city(3), plan(2)");
    expect(apply(plan, d)).toEqual([1, 1, 0, 0, 0, 1, 2, 0, 0, 1, 1, 0, 3, 0, 1, 0, 1, 0, 4, 1, 0, 0, 0, 1]);
  });

  it("--categorical one-hots numeric codes", async () => {
    const d = await read("code,label\n3,0\n1,1\n3,1\n", { columnModes: new Map([["code", "categorical"]]) });
    const plan = fit(d, { categorical: ["code"] });
    expect(inputNames(plan)).toEqual(["code=1", "code=3"]);
    expect(apply(plan, d)).toEqual([0, 1, 1, 0, 0, 1]);
  });

  it("standard and minmax scaling fitted on the training rows only, as the formulas say", async () => {
    const d = await read("a,label\n1,0\n2,1\n6,0\n100,1\n");
    const train = Int32Array.from([0, 1, 2]);
    const m = (1 + 2 + 6) / 3;
    const sd = Math.sqrt(((1 - m) ** 2 + (2 - m) ** 2 + (6 - m) ** 2) / 3);
    expect(apply(fit(d, { scale: "standard" }, train), d)).toEqual([1, 2, 6, 100].map((v) => (v - m) / sd));
    expect(apply(fit(d, { scale: "minmax" }, train), d)).toEqual([1, 2, 6, 100].map((v) => (v - 1) / 5));
    expect(apply(fit(d, { scale: "none" }, train), d)).toEqual([1, 2, 6, 100]);
  });

  it("imputes mean, median and most frequent from the training rows; a category takes its most frequent level", async () => {
    const d = await read("a,c,label\n1,x,0\n,y,1\n3,,0\n3,y,1\n");
    expect(apply(fit(d, { impute: "mean" }), d).filter((_, i) => i % 3 === 0)).toEqual([1, 7 / 3, 3, 3]);
    expect(apply(fit(d, { impute: "median" }), d).filter((_, i) => i % 3 === 0)).toEqual([1, 3, 3, 3]);
    expect(apply(fit(d, { impute: "most_frequent" }), d).filter((_, i) => i % 3 === 0)).toEqual([1, 3, 3, 3]);
    expect(apply(fit(d, { impute: "mean" }), d).slice(6, 9)).toEqual([3, 0, 1]);
  });

  it("NA, ?, NaN and null (any case, spaces around) read as missing like an empty field, in numeric and text columns", async () => {
    const d = await read("a,city,label\n1,lyon,0\nNA,na,1\n ? ,?,0\nnan,NULL,1\nNaN,null,0\n,,1\n5,paris,0\n");
    expect(d.columns.map((c) => c.missing)).toEqual([5, 5]);
    expect(d.columns[1]!.levels).toEqual(["lyon", "paris"]);
    // a: the mean of 1 and 5; city: its most frequent level, lyon (inputs a, city=lyon, city=paris).
    expect(apply(fit(d, { impute: "mean" }), d)).toEqual([1, 1, 0, ...[1, 2, 3, 4, 5].flatMap(() => [3, 1, 0]), 5, 0, 1]);
    // A signed "-nan" is not a hole: a number no model can use.
    expect(await readError("a,label\n1,0\n-nan,1\n")).toBe('f.csv, row 3, column "a": "-nan" is not allowed: values must be finite numbers');
    const r = fitPlan(await read("a,label\n1,0\nNA,1\n"), range(2), {});
    expect(!r.ok && formatDataError(r.error)).toMatch(/^f\.csv, row 3, column "a": missing value \(an empty field, NA, \?, NaN or null\); fill it/);
  });

  it("a missing value without --impute says how to fix it; --drop-missing leaves those rows out", async () => {
    const d = await read(MESSY, { ignore: ["id"] });
    const r = fitPlan(d, range(d.rows), {});
    expect(!r.ok && formatDataError(r.error)).toBe('f.csv, row 3, column "age": missing value (an empty field, NA, ?, NaN or null); fill it with --impute mean|median|most_frequent (fitted on the training split) or leave such rows out with --drop-missing');
    expect([...rowsWithoutMissing(d)]).toEqual([0, 3]);
  });

  it("standard scaling of values near 1e200 and 1e308 keeps the right mean and spread (no overflow to a silent 1)", async () => {
    const d = await read("a,b,label\n1e200,1e308,0\n3e200,-1e308,1\n5e200,1e308,0\n7e200,-1e308,1\n");
    const plan = fit(d, { scale: "standard" });
    const [a, b] = plan.columns as readonly { offset: number; scale: number }[];
    expect(a!.offset / 4e200).toBeCloseTo(1, 12);
    expect(a!.scale / (Math.sqrt(5) * 1e200)).toBeCloseTo(1, 12);
    expect(b!.offset).toBe(0);
    expect(b!.scale).toBe(1e308);
    expect(apply(plan, d).every(Number.isFinite)).toBe(true);
  });

  it("statistics that cannot be finite are refused naming the column (minmax over -1e308..1e308)", async () => {
    const d = await read("a,label\n1e308,0\n-1e308,1\n");
    const r = fitPlan(d, range(2), { scale: "minmax" });
    expect(!r.ok && formatDataError(r.error)).toBe('f.csv, column "a": cannot scale (--scale minmax): the fitted statistics of the column are not finite numbers');
  });

  it("a column missing in every training row is refused, naming it", async () => {
    const d = await read("a,b,label\n1,,0\n2,,1\n");
    const r = fitPlan(d, range(2), { impute: "mean" });
    expect(!r.ok && formatDataError(r.error)).toBe('f.csv, column "b": every value of the column is missing in the training rows; leave it out with --ignore');
  });

  it("a category seen only outside the training rows is an error naming row and column, or zeros with unknown ignore", async () => {
    const d = await read("c,label\nlyon,0\nparis,1\nrome,0\n");
    const plan = fit(d, {}, Int32Array.from([0, 1]));
    const r = applyPlan(plan, d);
    expect(!r.ok && formatDataError(r.error)).toBe('f.csv, row 4, column "c": unknown category "rome": the training rows had "lyon", "paris" (--unknown ignore encodes unseen ones as all zeros)');
    expect(apply({ ...plan, unknown: "ignore" }, d)).toEqual([1, 0, 0, 1, 0, 0]);
  });

  it("round trip: a plan saved as JSON and applied to another file (other column order, extra columns) gives the same inputs", async () => {
    const train = await read("id,a,city,label\n1,1.5,lyon,0\n2,,paris,1\n3,4.5,lyon,1\n", { ignore: ["id"] });
    const plan = fit(train, { impute: "median", scale: "standard" });
    const saved = planFromJSON(JSON.parse(JSON.stringify(plan)));
    expect(saved.ok && saved.value).toEqual(plan);
    const later = await read("city;note;a\nparis;x;4.5\nlyon;y;\n", { target: { kind: "none" }, features: plan.columns.map((c) => c.column), columnModes: columnModes(plan) });
    const m = (1.5 + 4.5 + 3) / 3;
    const sd = Math.sqrt(((1.5 - m) ** 2 + (4.5 - m) ** 2 + (3 - m) ** 2) / 3);
    expect(apply(plan, later)).toEqual([(4.5 - m) / sd, 0, 1, (3 - m) / sd, 1, 0]);
  });

  it("planFromJSON names the bad field", () => {
    expect(planFromJSON({ columns: [{ kind: "numeric", column: "a", fill: null, offset: 0, scale: 0 }], scale: "none", impute: null, unknown: "error" })).toEqual({ ok: false, error: "preprocessing.columns[0]: offset and scale must be finite numbers, scale not 0" });
    expect(planFromJSON({ columns: [{ kind: "categorical", column: "c", fill: "z", levels: ["a"] }], scale: "none", impute: "mean", unknown: "error" })).toEqual({ ok: false, error: "preprocessing.columns[0].fill must be null or one of its levels" });
  });
});
