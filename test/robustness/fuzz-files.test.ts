/**
 * Fuzzing the readers of what mlpc reads back and the CSV bytes (fast-check, seeded): mutated
 * weights files and checkpoints go through the field-by-field checks and the generated
 * Trainer.fromJSON, mutated CSV bytes through the streaming reader. Every outcome is a value or a
 * message the CLI prints (CliError, DataError, the Trainer's plain Error): never a TypeError, a
 * RangeError or anything else that would surface as "internal error" or a stack trace.
 * CI runs RUNS / 10 of each; `npm run fuzz` (MLPC_FUZZ_RUNS=100000) runs 10,000.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze.js";
import { CliError } from "../../src/cli/io.js";
import { loadGeneratedModule, type GeneratedModule } from "../../src/cli/runtime.js";
import { parseCheckpoint, parseWeights } from "../../src/cli/saved.js";
import { readCsvStream } from "../../src/data/csv.js";
import type { ModelIR } from "../../src/ir/types.js";
import { runCli } from "../support/cli.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";

const RUNS = Math.max(100, Math.floor(Number(process.env.MLPC_FUZZ_RUNS ?? 10_000) / 10));
const SEED = Number(process.env.MLPC_FUZZ_SEED ?? 6);
const root = join(import.meta.dirname, "../..");

let ir: ModelIR;
let mod: GeneratedModule;
let weightsText: string;
let checkpointText: string;

beforeAll(async () => {
  const source = readFileSync(join(root, "examples/xor.mlp"), "utf8");
  const analyzed = analyze(source, { defaultName: "xor" });
  ir = analyzed.ir!;
  mod = await loadGeneratedModule(ir, "xor.mlp");
  const dir = mkdtempSync(join(tmpdir(), "mlpc-fuzz-files-"));
  const r = await runCli(["train", join(root, "examples/xor.mlp"), "--data", join(root, "examples/data/xor.csv"), "--epochs", "3", "--checkpoint", "ck.json", "--early-stopping", "5", "--quiet"], { cwd: dir });
  expect(r.code).toBe(0);
  weightsText = readFileSync(join(dir, "xor.weights.json"), "utf8");
  checkpointText = readFileSync(join(dir, "ck.json"), "utf8");
}, 60_000);

/** What may be thrown: the CLI's messages, or the generated Trainer's plain Errors (the CLI wraps those). */
function expected(e: unknown): boolean {
  return e instanceof CliError || (e instanceof Error && e.constructor === Error);
}

const JSON_VALUES: readonly unknown[] = [null, -1, 0, 1, 3.5, 1e12, 1e308, -0, "", "0.1", "all", true, [], {}, [null], [1, 2], { binary: "x.bin", id: "0", offset: 32, count: 1 }, { binary: "../etc", id: 1 }];

/** Every path into a JSON value (objects and arrays), shortest first. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (typeof value === "object" && value !== null) {
    const keys: (string | number)[] = Array.isArray(value) ? value.slice(0, 4).map((_, i) => i) : Object.keys(value);
    for (const key of keys) paths((value as Record<string | number, unknown>)[key], [...prefix, key], out);
  }
  return out;
}

function setAt(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** A file mutated structurally (fields replaced or deleted) or as bytes (inserted, deleted, flipped). */
function mutatedText(original: () => string): fc.Arbitrary<string> {
  const structural = fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...JSON_VALUES, undefined), fc.double(), fc.integer())), { minLength: 1, maxLength: 3 }).map((edits) => {
    let value: unknown = JSON.parse(original());
    for (const [at, replacement] of edits) {
      const all = paths(value);
      value = setAt(value, all[at % all.length]!, replacement);
    }
    return JSON.stringify(value) ?? "";
  });
  const bytes = fc.array(fc.tuple(fc.nat(), fc.constantFrom("insert", "delete", "replace"), fc.string({ unit: "binary", maxLength: 4 })), { minLength: 1, maxLength: 4 }).map((edits) => {
    let s = original();
    for (const [at, kind, text] of edits) {
      const i = at % (s.length + 1);
      s = kind === "insert" ? s.slice(0, i) + text + s.slice(i) : kind === "delete" ? s.slice(0, i) + s.slice(i + text.length + 1) : s.slice(0, i) + text + s.slice(i + text.length);
    }
    return s;
  });
  return fc.oneof({ weight: 3, arbitrary: structural }, { weight: 1, arbitrary: bytes });
}

describe("fuzz: files read back", () => {
  it(`${RUNS} mutated weights files are read or refused with a message`, { timeout: 10 * 60_000 }, () => {
    fc.assert(
      fc.property(mutatedText(() => weightsText), (text) => {
        try {
          const w = parseWeights(text, "w.json", { ir });
          mod.Trainer.fromJSON(w.trainer, { paramsOnly: true });
        } catch (e) {
          expect(expected(e), String((e as Error).stack)).toBe(true);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`${RUNS} mutated checkpoints are read or refused with a message`, { timeout: 10 * 60_000 }, () => {
    fc.assert(
      fc.property(mutatedText(() => checkpointText), (text) => {
        try {
          const c = parseCheckpoint(text, "ck.json", { ir });
          mod.Trainer.fromJSON(c.trainer);
        } catch (e) {
          expect(expected(e), String((e as Error).stack)).toBe(true);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe("fuzz: CSV bytes", () => {
  const files = ["xor.csv", "iris.csv"].map((f) => readFileSync(join(root, "examples/data", f)).subarray(0, 2000));
  const BYTES = [0x00, 0x0a, 0x0d, 0x22, 0x2c, 0x80, 0xc3, 0xe9, 0xef, 0xbb, 0xbf, 0xf0, 0xff, 0x20, 0x31, 0x2e, 0x65];
  const mutatedBytes = fc
    .tuple(fc.constantFrom(0, 1), fc.array(fc.tuple(fc.nat(), fc.constantFrom("insert", "delete", "replace"), fc.array(fc.constantFrom(...BYTES), { minLength: 1, maxLength: 4 })), { minLength: 1, maxLength: 6 }))
    .map(([which, edits]) => {
      let b = Buffer.from(files[which]!);
      for (const [at, kind, bytes] of edits) {
        const i = at % (b.length + 1);
        const insert = Buffer.from(bytes);
        b = kind === "insert" ? Buffer.concat([b.subarray(0, i), insert, b.subarray(i)]) : kind === "delete" ? Buffer.concat([b.subarray(0, i), b.subarray(i + bytes.length)]) : Buffer.concat([b.subarray(0, i), insert, b.subarray(i + bytes.length)]);
      }
      return { which, bytes: b };
    });

  it(`${RUNS} mutated CSV files are read or refused with file, row and column, in chunks of any size`, { timeout: 10 * 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(mutatedBytes, fc.integer({ min: 1, max: 64 }), async ({ which, bytes }, chunk) => {
        const pieces: Buffer[] = [];
        for (let i = 0; i < bytes.length; i += chunk) pieces.push(bytes.subarray(i, i + chunk));
        const target = which === 0 ? ({ kind: "class", column: "label", classCount: 2 } as const) : ({ kind: "class", column: "label", classCount: 3 } as const);
        const r = await readCsvStream(Readable.from(pieces), { target }, "f.csv", bytes.subarray(0, 4096).toString("utf8"));
        if (!r.ok) expect(r.error.file).toBe("f.csv");
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("invalid UTF-8 is found at the same place whatever the chunk size", async () => {
    const bytes = Buffer.concat([Buffer.from("x0,x1,label\n0,0,a\n1,\u00e9,b\n0,1,"), Buffer.from([0xc3, 0x28]), Buffer.from("\n")]);
    for (const chunk of [1, 2, 3, 7, 1000]) {
      const pieces: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += chunk) pieces.push(bytes.subarray(i, i + chunk));
      const r = await readCsvStream(Readable.from(pieces), { target: { kind: "class", column: "label", classCount: 2 } }, "f.csv", bytes.subarray(0, 4096).toString("utf8"));
      expect(r.ok ? null : [r.error.code, r.error.row, r.error.message.slice(0, 8)], `chunk ${chunk}`).toEqual(["invalid-utf8", 4, "field 3:"]);
    }
  });
});
