/**
 * Text helpers for the emitter: number literals, validated identifiers, comment-safe text, folded
 * integer index expressions and a line builder that does its own indentation.
 *
 * Security rule of the emitter: nothing from the source program reaches the generated code except
 * identifiers checked here and numbers printed here. Comments are guarded against `*\/`.
 */

/**
 * A TypeScript literal for a finite double that parses back to the same value (String() is the
 * shortest round-trip form). Negative values are parenthesised so the literal fits any expression.
 */
export function num(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`mlpc codegen: cannot emit the non-finite number ${value}`);
  if (Object.is(value, -0)) return "(-0)";
  const text = String(value);
  return value < 0 ? `(${text})` : text;
}

/** A non-negative integer (an index, a size, an offset): printed plainly, never parenthesised. */
export function int(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`mlpc codegen: expected a non-negative integer, got ${value}`);
  return String(value);
}

/**
 * `name * k` for an integer k, folded: `name` when k is 1, `0` when k is 0. Only for integer index
 * arithmetic, where the fold is exact.
 */
export function times(name: string, k: number): string {
  if (k === 0) return "0";
  return k === 1 ? name : `${name} * ${int(k)}`;
}

/**
 * An integer index expression: the symbolic terms in order, the integer constants summed into one
 * where the first of them stands (`index("w", 128, 1)` is `w + 129`, `index(320, "j")` is
 * `320 + j`); zero terms and a zero constant are dropped. Integer sums below 2^53 are exact, so
 * folding them never changes a result (float sums are never folded).
 */
export function index(...parts: readonly (string | number)[]): string {
  let constant = 0;
  let constantAt = -1;
  const terms: string[] = [];
  for (const part of parts) {
    if (typeof part === "string") {
      if (part !== "0") terms.push(part);
      continue;
    }
    if (constantAt < 0) constantAt = terms.length;
    constant += part;
  }
  if (constant !== 0) terms.splice(constantAt, 0, int(constant));
  return terms.length === 0 ? "0" : terms.join(" + ");
}

/**
 * A read `array[index]!` of an element the code knows is in bounds (the entry points check the
 * lengths): the `!` tells noUncheckedIndexedAccess so, and is erased in JavaScript.
 */
export function read(array: string, ...at: readonly (string | number)[]): string {
  return `${array}[${index(...at)}]!`;
}

/** The place `array[index]`, to assign to. */
export function place(array: string, ...at: readonly (string | number)[]): string {
  return `${array}[${index(...at)}]`;
}

/** A loop index: the loop variable's name, or its one value when the loop runs once. */
export type Counter = string | number;

/** `v * k` for a counter: folded to a number when the counter is one. */
export function scaled(v: Counter, k: number): Counter {
  return typeof v === "number" ? v * k : times(v, k);
}

/**
 * `for (let v = from; v < to; v += step) { body }` over constant bounds: nothing when it would
 * never run, the body in a block with v folded to `from` when it would run once.
 */
export function countedLoop(out: CodeLines, v: string, from: number, to: number, step: number, body: (v: Counter) => void): void {
  const runs = Math.ceil((to - from) / step);
  if (runs <= 0) return;
  if (runs === 1) {
    out.block("", () => body(from));
    return;
  }
  out.block(`for (let ${v} = ${int(from)}; ${v} < ${int(to)}; ${v}${step === 1 ? "++" : ` += ${int(step)}`})`, () => body(v));
}

/** A one-statement counted loop on one line; the bare statement when it would run once. */
export function countedLine(out: CodeLines, v: string, from: number, to: number, statement: (v: Counter) => string): void {
  if (to - from <= 0) return;
  if (to - from === 1) out.line(statement(from));
  else out.line(`for (let ${v} = ${int(from)}; ${v} < ${int(to)}; ${v}++) ${statement(v)}`);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** A name from the program (already validated by the front end) checked again before it is printed. */
export function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`mlpc codegen: ${JSON.stringify(name)} is not a valid identifier`);
  return name;
}

/**
 * A file name as it may appear in a comment: letters, digits and `._-/+@` kept, anything else
 * (newlines, `*`, quotes, non-ASCII) replaced by `_`, at most 120 characters. Without `*` no
 * `*\/` can close the header early.
 */
export function safeFileName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._\-/+@]/g, "_");
  const short = cleaned.length > 120 ? `${cleaned.slice(0, 117)}...` : cleaned;
  return short === "" ? "(unnamed)" : short;
}

/** One line of comment text the emitter wrote itself; rejects anything that would end the comment. */
export function commentLine(text: string): string {
  if (text.includes("*/") || /[\r\n\u2028\u2029]/.test(text)) throw new Error(`mlpc codegen: unsafe comment text ${JSON.stringify(text)}`);
  return text;
}

/**
 * Lines of code with indentation written by hand (2 spaces per level). `open` / `close` bracket
 * a block; `comment` writes `// ...` lines.
 */
export class CodeLines {
  readonly lines: string[] = [];
  private depth = 0;

  line(text: string): this {
    this.lines.push(text === "" ? "" : "  ".repeat(this.depth) + text);
    return this;
  }

  blank(): this {
    if (this.lines.length > 0 && this.lines[this.lines.length - 1] !== "") this.lines.push("");
    return this;
  }

  comment(text: string): this {
    return this.line(`// ${commentLine(text)}`);
  }

  open(header: string): this {
    this.line(header === "" ? "{" : `${header} {`);
    this.depth++;
    return this;
  }

  close(trailer = "}"): this {
    this.depth--;
    if (this.depth < 0) throw new Error("mlpc codegen: unbalanced block");
    return this.line(trailer);
  }

  /** `} header {`: closes the open block and opens the next on the same line (`else`, `else if (...)`). */
  chain(header: string): this {
    this.close(`} ${header} {`);
    this.depth++;
    return this;
  }

  /** `header { body }` */
  block(header: string, body: () => void): this {
    this.open(header);
    body();
    return this.close();
  }

  /** Appends already-indented lines (relative to the current depth). */
  append(other: CodeLines | readonly string[]): this {
    const lines = other instanceof CodeLines ? other.lines : other;
    for (const l of lines) this.line(l);
    return this;
  }

  /**
   * `prefix term0 + term1 + ...;` wrapped `perLine` terms a line, continuation lines indented, so
   * a 64-term dot product stays readable.
   */
  sum(prefix: string, terms: readonly string[], suffix = ";", perLine = 8): this {
    if (terms.length === 0) return this.line(`${prefix}0${suffix}`);
    if (terms.length <= perLine + 1) return this.line(`${prefix}${terms.join(" + ")}${suffix}`);
    this.line(`${prefix}${terms.slice(0, perLine).join(" + ")}`);
    this.depth += 1;
    for (let k = perLine; k < terms.length; k += perLine) {
      const last = k + perLine >= terms.length;
      this.line(`+ ${terms.slice(k, k + perLine).join(" + ")}${last ? suffix : ""}`);
    }
    this.depth -= 1;
    return this;
  }

  /** Several short statements, `perLine` to a line (e.g. the per-weight gradient sums). */
  statements(list: readonly string[], perLine = 4): this {
    for (let k = 0; k < list.length; k += perLine) this.line(list.slice(k, k + perLine).join(" "));
    return this;
  }

  /** `keyword a = x, b = y, ...;` with at most `perLine` declarators a line. */
  declare(keyword: "const" | "let", declarators: readonly string[], perLine = 8): this {
    for (let k = 0; k < declarators.length; k += perLine) this.line(`${keyword} ${declarators.slice(k, k + perLine).join(", ")};`);
    return this;
  }

  toString(): string {
    return this.lines.join("\n");
  }
}

/** The typed-array type of parameters and gradients. */
export function paramArrayType(dtype: "f64" | "f32"): "Float64Array" | "Float32Array" {
  return dtype === "f32" ? "Float32Array" : "Float64Array";
}
