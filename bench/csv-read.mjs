// How long the CSV reader takes on a wide file: readCsvFile (the reader every command uses) on the
// seeded MNIST-sized CSV (784 feature columns of 3-decimal values and a label, 8000 rows, 38 MB),
// ROUNDS runs, each in a fresh process; prints each and the median.
//   npm run build && node bench/csv-read.mjs [ROUNDS]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeMnistLikeCsv } from "./workloads.mjs";

const CSV_MODULE = fileURLToPath(new URL("../dist/data/csv.js", import.meta.url));
const ROUNDS = Number(process.argv[2] ?? 3);
const dir = mkdtempSync(join(tmpdir(), "mlpc-csv-read-"));
try {
  const file = join(dir, "mnist.csv");
  writeMnistLikeCsv(file);
  const script = `
    const { readCsvFile } = await import(${JSON.stringify(CSV_MODULE)});
    const t0 = performance.now();
    const r = await readCsvFile(${JSON.stringify(file)}, { target: { kind: "class", column: "label", classCount: 10 } });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    console.log((performance.now() - t0) / 1000);`;
  const seconds = [];
  for (let i = 0; i < ROUNDS; i++) {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    seconds.push(Number(r.stdout.trim()));
  }
  const median = [...seconds].sort((a, b) => a - b)[seconds.length >> 1];
  console.log(`readCsvFile, 8000 x 785 (38 MB): ${seconds.map((s) => s.toFixed(2)).join(", ")} s; median ${median.toFixed(2)} s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
