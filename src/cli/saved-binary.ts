/**
 * The binary sidecar of a big model's weights file or checkpoint: JSON cannot hold tens of
 * millions of numbers (a string over V8's ~512 M characters throws "Invalid string length"), so
 * above SIDECAR_MIN_NUMBERS the arrays go to `NAME.bin` beside `NAME.json` as raw little-endian
 * float64, and the JSON holds `{ binary, id, offset, count }` in their place. Layout (docs/weights.md):
 * 8 bytes "MLPCBIN1", 16 ASCII hex characters of id, 8 zero bytes, then the arrays, 8-byte aligned.
 * The id ties a JSON file to the sidecar written with it, so a mismatched pair is refused.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { endianness } from "node:os";
import { basename, dirname, join } from "node:path";
import { CliError, EXIT_PROGRAM_ERROR } from "./io.js";
import type { BinaryLoader, BinaryRef } from "./saved-check.js";

/** Numbers in a file (params plus optimizer buffers) above which they go to a sidecar. */
export const SIDECAR_MIN_NUMBERS = 2_000_000;
const MAGIC = "MLPCBIN1";
const HEADER_BYTES = 32;

/** `w.weights.json` -> `w.weights.bin`; any other name gets `.bin` appended. */
export function sidecarPath(path: string): string {
  return path.endsWith(".json") ? `${path.slice(0, -".json".length)}.bin` : `${path}.bin`;
}

/** Collects the arrays of one file: inline lists when small, sidecar references when big. */
export class NumberStore {
  private readonly chunks: Uint8Array[] = [];
  private offset = HEADER_BYTES;
  private readonly id = randomBytes(8).toString("hex");

  /** `binaryName` is the sidecar's file name (beside the JSON), or null for inline numbers. */
  constructor(readonly binaryName: string | null) {}

  /** The field's JSON value. Refuses non-finite numbers: no file mlpc writes ever holds null, NaN or Infinity. */
  put(values: ArrayLike<number>, field: string): number[] | BinaryRef {
    let zero = 0;
    for (let i = 0; i < values.length; i++) zero += values[i]! * 0;
    if (zero !== 0) throw new CliError(`mlpc: internal error: refusing to save non-finite numbers in ${field}`, EXIT_PROGRAM_ERROR);
    if (this.binaryName === null) return Array.from(values);
    const f64 = values instanceof Float64Array ? values : Float64Array.from(values);
    this.chunks.push(new Uint8Array(f64.buffer, f64.byteOffset, f64.byteLength));
    const ref = { binary: this.binaryName, id: this.id, offset: this.offset, count: f64.length };
    this.offset += f64.byteLength;
    return ref;
  }

  /** The sidecar's bytes (header first), or null when every array was inline. */
  sidecar(): Uint8Array[] | null {
    if (this.binaryName === null) return null;
    const header = new Uint8Array(HEADER_BYTES);
    header.set(Buffer.from(MAGIC + this.id, "latin1"));
    return [header, ...this.chunks];
  }
}

/** A store for a file whose arrays hold `numbers` numbers in all. */
export function storeFor(jsonPath: string, numbers: number): NumberStore {
  return new NumberStore(numbers >= SIDECAR_MIN_NUMBERS ? basename(sidecarPath(jsonPath)) : null);
}

/** Reads the sidecars a JSON file at `jsonPath` (as shown: `shown`) refers to, each once. */
export function binaryLoaderFor(jsonPath: string, shown: string): BinaryLoader {
  const cache = new Map<string, Buffer>();
  return (ref: BinaryRef, field: string): Float64Array => {
    const fail = (why: string): CliError => new CliError(`mlpc: ${shown}: field ${field}: ${why}`, EXIT_PROGRAM_ERROR);
    if (ref.binary !== basename(ref.binary) || ref.binary === "" || ref.binary === "." || ref.binary === "..") throw fail(`the sidecar ${JSON.stringify(ref.binary)} must be a file name beside the JSON file`);
    if (endianness() !== "LE") throw fail("binary sidecars are little-endian float64; this machine is big-endian");
    let bytes = cache.get(ref.binary);
    if (bytes === undefined) {
      try {
        bytes = readFileSync(join(dirname(jsonPath), ref.binary));
      } catch (e) {
        throw fail(`cannot read the sidecar ${ref.binary} (${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file; it must stay beside the JSON file" : (e as Error).message})`);
      }
      if (bytes.length < HEADER_BYTES || bytes.toString("latin1", 0, MAGIC.length) !== MAGIC) throw fail(`${ref.binary} is not an mlpc binary sidecar`);
      cache.set(ref.binary, bytes);
    }
    if (bytes.toString("latin1", MAGIC.length, MAGIC.length + 16) !== ref.id) throw fail(`${ref.binary} was written with another file (its id differs); keep each JSON file with its own sidecar`);
    if (ref.offset < HEADER_BYTES || ref.offset % 8 !== 0 || ref.offset + ref.count * 8 > bytes.length) throw fail(`offset ${ref.offset} and count ${ref.count} lie outside ${ref.binary} (${bytes.length} bytes)`);
    const start = bytes.byteOffset + ref.offset;
    if (start % 8 === 0) return new Float64Array(bytes.buffer, start, ref.count);
    return new Float64Array(bytes.buffer.slice(start, start + ref.count * 8));
  };
}
