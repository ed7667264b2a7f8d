/**
 * Golden files: compared byte for byte (vitest file snapshots). A missing golden fails too,
 * unless the run is `npm run accept` (MLPC_ACCEPT=1 with -u), which writes them all.
 */
import { existsSync } from "node:fs";
import { relative } from "node:path";
import { expect } from "vitest";

const accepting = process.env.MLPC_ACCEPT === "1";

export async function expectGolden(actual: string | null | undefined, path: string): Promise<void> {
  if (!accepting && !existsSync(path)) {
    expect.fail(`golden file ${relative(process.cwd(), path)} is missing: run npm run accept and commit it`);
  }
  await expect(actual).toMatchFileSnapshot(path);
}
