/**
 * Numeric fingerprints: what a generated module computes, pinned bit for bit, so that a refactor
 * of the code generator can prove it changed no number. A fingerprint holds the loss history as
 * numbers (readable in a diff) and SHA-256 digests of the exact bytes: final parameters, optimizer
 * buffers, every float64 of the history, per-batch losses and predictions. It never looks at the
 * generated text, only at what the module computes from a program's source.
 *
 * Accepting new fingerprints is deliberate: MLPC_ACCEPT_FINGERPRINT=1 npx vitest run test/fingerprint
 * (npm run accept does not touch them; numbers must never move silently).
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { compile, type CompileOptions } from "../../src/compile.js";
import { importTypeScript, type TrainingModule } from "../training/support.js";

export type Fingerprint = Readonly<Record<string, unknown>>;

export const ACCEPT_FINGERPRINTS = process.env["MLPC_ACCEPT_FINGERPRINT"] === "1";

/** Every code shape the compiler can emit for one program. */
export interface EmitMode {
  readonly unroll: "auto" | "full" | "none";
  readonly dtype: "f64" | "f32";
  readonly simd: boolean;
}

export const EMIT_MODES: readonly EmitMode[] = (["auto", "full", "none"] as const).flatMap((unroll) =>
  (["f64", "f32"] as const).flatMap((dtype) => [false, true].map((simd) => ({ unroll, dtype, simd }))),
);

export function modeName(mode: EmitMode): string {
  return `unroll=${mode.unroll} ${mode.dtype}${mode.simd ? " simd" : ""}`;
}

const loaded = new Map<string, Promise<TrainingModule>>();

/** A program's source -> the live generated module (through the public compile()), cached per source and options. */
export function loadProgram(source: string, options: CompileOptions & Partial<EmitMode> = {}): Promise<TrainingModule> {
  const key = JSON.stringify([source, options]);
  let module = loaded.get(key);
  if (module === undefined) {
    const result = compile(source, { defaultName: "fingerprint", ...options });
    if (result.typescript === null) throw new Error(`fingerprint program does not compile: ${result.diagnostics.map((d) => d.message).join("; ")}\n${source}`);
    module = importTypeScript<TrainingModule>(result.typescript);
    loaded.set(key, module);
  }
  return module;
}

/** SHA-256 of a typed array's bytes, prefixed by its element type (f32 and f64 storage differ). */
export function digestArray(values: Float64Array | Float32Array): string {
  const kind = values instanceof Float32Array ? "f32" : "f64";
  return `${kind}:${createHash("sha256").update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest("hex")}`;
}

/** SHA-256 of the float64 bits of plain numbers (tells -0 from 0 and keeps NaN payloads). */
export function digestNumbers(values: readonly number[]): string {
  return digestArray(Float64Array.from(values));
}

/** The optimizer buffers of a train state (m, v for Adam; buf for momentum), digested. */
export function digestState(state: { m?: Float64Array; v?: Float64Array; buf?: Float64Array; step: number }): Record<string, string | number> {
  const out: Record<string, string | number> = { step: state.step };
  for (const key of ["m", "v", "buf"] as const) {
    const buffer = state[key];
    if (buffer !== undefined) out[key] = digestArray(buffer);
  }
  return out;
}

/**
 * The committed fingerprints of one test file: check() compares a computed fingerprint with the
 * stored one; with MLPC_ACCEPT_FINGERPRINT=1 it records it instead, and save() writes the file.
 */
export class FingerprintStore {
  private readonly stored: Record<string, Fingerprint>;
  private readonly computed: Record<string, Fingerprint> = {};

  constructor(private readonly file: URL) {
    this.stored = ACCEPT_FINGERPRINTS ? {} : (JSON.parse(readFileSync(file, "utf8")) as Record<string, Fingerprint>);
  }

  check(id: string, fingerprint: Fingerprint, expectEqual: (actual: unknown, expected: unknown, message: string) => void): void {
    // A JSON round trip: the stored file holds exactly what JSON keeps of the numbers; the digests hold every bit.
    const actual = JSON.parse(JSON.stringify(fingerprint)) as Fingerprint;
    this.computed[id] = actual;
    if (ACCEPT_FINGERPRINTS) return;
    expectEqual(actual, this.stored[id], `${id}: the numbers changed (or the case is new: MLPC_ACCEPT_FINGERPRINT=1 records it)`);
  }

  storedIds(): string[] {
    return Object.keys(this.stored).sort();
  }

  save(): void {
    if (!ACCEPT_FINGERPRINTS) return;
    const sorted = Object.fromEntries(Object.keys(this.computed).sort().map((k) => [k, this.computed[k]]));
    writeFileSync(this.file, `${JSON.stringify(sorted, null, 1)}\n`);
  }
}
