// A column read through shared field-text ids stores exactly what it stores with a map of its own:
// the same numbers, codes, levels, missing counts and problems, whatever the ids' capacity (none,
// some texts, all of them) and however many columns share them.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FieldTexts, fieldTextsFor } from "../../src/data/field-texts.js";
import { MAX_AUTO_LEVELS, RawColumnBuilder, type ColumnMode } from "../../src/data/raw-column.js";

/** Field texts of the kinds a CSV holds: numbers (some written two ways), missing markers, words, stray spaces, non-finite numbers. */
const field = fc.oneof(
  fc.integer({ min: 0, max: 40 }).map(String),
  fc.integer({ min: 0, max: 40 }).map((n) => `${n}.0`),
  fc.constantFrom("", " ", "NA", "?", "null", "NaN", "nan"),
  fc.constantFrom("red", "green", " blue ", "x"),
  fc.constantFrom("inf", "-nan", "1e999"),
);

function readColumns(columns: readonly (readonly string[])[], mode: ColumnMode, texts: () => FieldTexts) {
  const shared = texts();
  const builders = columns.map((_, c) => new RawColumnBuilder(`c${c}`, mode, shared));
  const problems: unknown[] = [];
  const rows = columns[0]!.length;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns.length; c++) {
      const problem = builders[c]!.add(columns[c]![r]!, r + 2);
      if (problem !== null) problems.push({ r, c, ...problem });
    }
  }
  return { columns: builders.map((b) => b.finish()), problems };
}

describe("shared field-text ids", () => {
  it("give every column what a map of its own gives, at any capacity", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }).chain((width) => fc.integer({ min: 1, max: 60 }).chain((rows) => fc.array(fc.array(field, { minLength: rows, maxLength: rows }), { minLength: width, maxLength: width }))),
        fc.constantFrom<ColumnMode>("auto", "numeric", "categorical"),
        fc.integer({ min: 0, max: 12 }),
        (columns, mode, capacity) => {
          const own = readColumns(columns, mode, () => new FieldTexts(0));
          expect(readColumns(columns, mode, () => new FieldTexts(capacity))).toEqual(own);
          expect(readColumns(columns, mode, () => fieldTextsFor(columns.length))).toEqual(own);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it("an all-numeric column still drops its texts past MAX_AUTO_LEVELS, with ids or without", () => {
    const column = Array.from({ length: MAX_AUTO_LEVELS + 5 }, (_, i) => (i / 1000).toFixed(3));
    for (const texts of [new FieldTexts(0), new FieldTexts(10), fieldTextsFor(1)]) {
      const { columns } = readColumns([column], "auto", () => texts);
      expect(columns[0]!.codes).toBeNull();
      expect(columns[0]!.levels).toEqual([]);
      expect(columns[0]!.numbers[MAX_AUTO_LEVELS + 4]).toBe(1.004);
    }
  });

  it("hands out ids up to its capacity, then -1; a text keeps its id", () => {
    const texts = new FieldTexts(2);
    expect([texts.idOf("1"), texts.idOf("2"), texts.idOf("3"), texts.idOf("1")]).toEqual([0, 1, -1, 0]);
    expect(texts.reading(1)).toEqual({ ok: true, value: 2 });
    expect(fieldTextsFor(785).capacity).toBe(5343);
    expect(fieldTextsFor(1).capacity).toBe(65536);
    expect(fieldTextsFor(100000).capacity).toBe(256);
  });
});
