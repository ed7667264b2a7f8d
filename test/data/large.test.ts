/**
 * One million rows stream through with bounded memory: the reader keeps numbers in typed arrays,
 * never the text of the rows. The file is written to a temp folder (46 MB) and removed afterwards.
 */
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { afterAll, describe, expect, it } from "vitest";
import { readCsvFile } from "../../src/data/csv.js";

const dir = mkdtempSync(join(tmpdir(), "mlpc-large-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeRows(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write("x0,x1,x2,x3,label\n");
  let chunk = "";
  for (let i = 0; i < rows; i++) {
    chunk += `${(i % 997) / 10},${(i % 13) - 6},${i % 2},0.125,${i % 3}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  out.end(chunk);
  await once(out, "finish");
}

describe("a million rows", () => {
  it("reads 1M rows into typed arrays without holding the text", async () => {
    const file = join(dir, "big.csv");
    await writeRows(file, 1_000_000);
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const r = await readCsvFile(file, { target: { kind: "class", column: "label", classCount: 3 } });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.rows).toBe(1_000_000);
    expect(r.value.columns[1]!.numbers[999_999]).toBe((999_999 % 13) - 6);
    expect(r.value.targets.kind === "class" && r.value.targets.ids[999_999]).toBe(999_999 % 3);
    // Typed arrays live outside the JS heap; strings for 5M fields would add hundreds of MB here.
    const grown = process.memoryUsage().heapUsed - before;
    expect(grown).toBeLessThan(100 * 1024 * 1024);
  }, 120_000);
});
