/**
 * Small text helpers for the training section: number literals that round-trip, indentation,
 * doc comments. Kept apart so each emitter reads as the code it writes.
 */

/**
 * A TypeScript literal for a finite double that parses back to the same value
 * (String() gives the shortest round-trip form). Negative values are parenthesised so the
 * literal can sit anywhere in an expression.
 */
export function num(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot emit non-finite number ${value}`);
  if (Object.is(value, -0)) return "(-0)";
  const text = String(value);
  return value < 0 ? `(${text})` : text;
}

/** Indents every non-empty line by `levels` x 2 spaces. */
export function indent(text: string, levels: number): string {
  const pad = "  ".repeat(levels);
  return text
    .split("\n")
    .map((line) => (line.length > 0 ? pad + line : line))
    .join("\n");
}

/** A JSDoc block from lines of text (blank strings give blank comment lines). */
export function docComment(lines: readonly string[]): string {
  return ["/**", ...lines.map((l) => (l.length > 0 ? ` * ${l}` : " *")), " */"].join("\n");
}

/** The typed-array type that holds parameters, gradients and optimizer state. */
export function arrayType(dtype: "f64" | "f32"): "Float64Array" | "Float32Array" {
  return dtype === "f32" ? "Float32Array" : "Float64Array";
}
