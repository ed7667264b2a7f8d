/**
 * A tiny WebAssembly binary encoder: just enough to write the SIMD kernel module (kernels.ts) by
 * hand, so mlpc needs no assembler or runtime dependency. Everything is a plain `number[]` of
 * bytes; a function body is built with `Fn`, which also hands out locals.
 *
 * Opcode numbers follow the WebAssembly core spec (MVP) and the fixed-width SIMD proposal, whose
 * instructions are the prefix byte 0xFD followed by a LEB128-encoded sub-opcode (so e.g.
 * f32x4.add, 228, takes two bytes after the prefix).
 */

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

/** MVP opcodes used by the kernels. */
export const Op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  /** Untyped select: valid on v128 too (the SIMD proposal extends it to vector types). */
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  f32Load: 0x2a,
  f64Load: 0x2b,
  f32Store: 0x38,
  f64Store: 0x39,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32GtS: 0x4a,
  i32GeS: 0x4e,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32And: 0x71,
  f32Sqrt: 0x91,
  f32Add: 0x92,
  f32Sub: 0x93,
  f32Mul: 0x94,
  f32Div: 0x95,
  f64Sqrt: 0x9f,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
} as const;

/** Block type of a block or loop that takes and leaves nothing on the stack. */
export const EMPTY_BLOCK = 0x40;

/** The prefix byte of every SIMD instruction. */
export const SIMD_PREFIX = 0xfd;

/** SIMD sub-opcodes (after 0xFD), from the fixed-width SIMD proposal's opcode table. */
export const Simd = {
  v128Load: 0,
  /** Load one 32-bit element and splat it to all 4 lanes (saves a scalar load + f32x4.splat). */
  v128Load32Splat: 9,
  v128Load64Splat: 10,
  v128Store: 11,
  v128Const: 12,
  f32x4Splat: 19,
  f64x2Splat: 20,
  f32x4ExtractLane: 31,
  f64x2ExtractLane: 33,
  f32x4Sqrt: 227,
  f32x4Add: 228,
  f32x4Sub: 229,
  f32x4Mul: 230,
  f32x4Div: 231,
  f64x2Sqrt: 239,
  f64x2Add: 240,
  f64x2Sub: 241,
  f64x2Mul: 242,
  f64x2Div: 243,
} as const;

/** Unsigned LEB128: 7 bits a byte, low first, the high bit says "more follows". */
export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`uleb: ${n} is not a u32`);
  const out: number[] = [];
  let v = n;
  for (;;) {
    const byte = v % 128;
    v = Math.floor(v / 128);
    if (v === 0) return [...out, byte];
    out.push(byte | 0x80);
  }
}

/**
 * Signed LEB128 (i32.const immediates): like uleb, but stops once the rest is pure sign and the
 * last byte's bit 6 agrees with that sign, so 64 needs two bytes (0xC0 0x00) and -1 one (0x7F).
 */
export function sleb(n: number): number[] {
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw new RangeError(`sleb: ${n} is not an i32`);
  const out: number[] = [];
  let v = n;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7; // arithmetic shift keeps the sign
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    if (done) return [...out, byte];
    out.push(byte | 0x80);
  }
}

/** A vector: element count, then the elements. */
export function vec(items: readonly (readonly number[])[]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** A name: UTF-8 byte length, then the bytes. */
export function utf8(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

/** A section: id, payload size, payload. */
export function section(id: number, payload: readonly number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

export const SectionId = { type: 1, import: 2, function: 3, export: 7, code: 10 } as const;

/** A function type: 0x60, params, results. */
export function funcType(params: readonly ValType[], results: readonly ValType[]): number[] {
  return [0x60, ...uleb(params.length), ...params, ...uleb(results.length), ...results];
}

/** A memory access immediate: log2 of the alignment hint, then a constant byte offset. */
export function memarg(alignLog2: number, offset: number): number[] {
  return [...uleb(alignLog2), ...uleb(offset)];
}

/** One SIMD instruction with its immediates. */
export function simd(sub: number, ...immediates: number[]): number[] {
  return [SIMD_PREFIX, ...uleb(sub), ...immediates];
}

/**
 * A function body under construction: the params are locals 0..n-1, `local()` hands out the
 * next index, and the code is appended with the small helpers below.
 */
export class Fn {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];

  constructor(private readonly paramCount: number) {}

  local(type: ValType): number {
    this.localTypes.push(type);
    return this.paramCount + this.localTypes.length - 1;
  }

  emit(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  get(index: number): this {
    return this.emit(Op.localGet, ...uleb(index));
  }

  set(index: number): this {
    return this.emit(Op.localSet, ...uleb(index));
  }

  tee(index: number): this {
    return this.emit(Op.localTee, ...uleb(index));
  }

  i32(value: number): this {
    return this.emit(Op.i32Const, ...sleb(value));
  }

  /** local[target] = local[a] + local[b]. */
  addLocals(target: number, a: number, b: number): this {
    return this.get(a).get(b).emit(Op.i32Add).set(target);
  }

  /** local[target] += constant. */
  addConst(target: number, value: number): this {
    return this.get(target).i32(value).emit(Op.i32Add).set(target);
  }

  /** block { loop { if (exit()) break; body(); continue } }: a loop tested at the top. */
  whileNot(exit: () => void, body: () => void): this {
    this.emit(Op.block, EMPTY_BLOCK, Op.loop, EMPTY_BLOCK);
    exit();
    this.emit(Op.brIf, 1);
    body();
    return this.emit(Op.br, 0, Op.end, Op.end);
  }

  /** loop { body(); if (again()) continue }: one branch per iteration, for hot loops. */
  doWhile(body: () => void, again: () => void): this {
    this.emit(Op.loop, EMPTY_BLOCK);
    body();
    again();
    return this.emit(Op.brIf, 0, Op.end);
  }

  /** block { if (skip()) break; body() }. */
  unless(skip: () => void, body: () => void): this {
    this.emit(Op.block, EMPTY_BLOCK);
    skip();
    this.emit(Op.brIf, 0);
    body();
    return this.emit(Op.end);
  }

  /** The encoded body: locals run-length encoded by type, the code, and the final `end`. */
  encode(): number[] {
    const groups: number[][] = [];
    let i = 0;
    while (i < this.localTypes.length) {
      let j = i;
      while (j < this.localTypes.length && this.localTypes[j] === this.localTypes[i]) j++;
      groups.push([...uleb(j - i), this.localTypes[i]]);
      i = j;
    }
    const body = [...vec(groups), ...this.code, Op.end];
    return [...uleb(body.length), ...body];
  }
}

export interface ModuleParts {
  /** One function type per function (duplicates are fine, just a few bytes). */
  readonly functions: readonly { readonly name: string; readonly params: readonly ValType[]; readonly results?: readonly ValType[]; readonly body: Fn }[];
  /**
   * Imported memory: module and field name, minimum and maximum pages (the host's memory must
   * declare a maximum no bigger), and whether it is shared between threads (a shared memory needs
   * the maximum). The two kinds differ in one byte, the limits flag (MEMORY_LIMITS_FLAG).
   */
  readonly memory: { readonly module: string; readonly field: string; readonly minPages: number; readonly maxPages: number; readonly shared?: boolean };
}

/** A memory type's limits flag: minimum and maximum (0x01), and shared as well (0x03). */
export const MEMORY_LIMITS_FLAG = { bounded: 0x01, shared: 0x03 } as const;

/** A whole module: magic, version, then type, import, function, export and code sections in order. */
export function encodeModule(parts: ModuleParts): Uint8Array {
  const fns = parts.functions;
  const types = vec(fns.map((f) => funcType(f.params, f.results ?? [])));
  const { module, field, minPages, maxPages, shared } = parts.memory;
  const memoryImport = [...utf8(module), ...utf8(field), 0x02, shared === true ? MEMORY_LIMITS_FLAG.shared : MEMORY_LIMITS_FLAG.bounded, ...uleb(minPages), ...uleb(maxPages)];
  const imports = vec([memoryImport]);
  // The memory import takes no function index, so function i is index i (and uses type i).
  const funcs = vec(fns.map((_, i) => uleb(i)));
  const exports = vec(fns.map((f, i) => [...utf8(f.name), 0x00, ...uleb(i)]));
  const codes = vec(fns.map((f) => f.body.encode()));
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, // "\0asm"
    0x01, 0x00, 0x00, 0x00, // version 1
    ...section(SectionId.type, types),
    ...section(SectionId.import, imports),
    ...section(SectionId.function, funcs),
    ...section(SectionId.export, exports),
    ...section(SectionId.code, codes),
  ]);
}
