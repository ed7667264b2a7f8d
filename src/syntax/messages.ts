/** Messages of the syntax phase (E01xx). */
import type { Span } from "./ast.js";
import type { Diagnostic } from "./diagnostic.js";

export const syntaxMessages = {
  E0101: (span: Span, expected: string, found: string): Diagnostic => ({
    code: "E0101",
    severity: "error",
    message: `syntax error: expected ${expected}, found ${found}`,
    span,
  }),
  E0102: (span: Span, maxBytes: number): Diagnostic => ({
    code: "E0102",
    severity: "error",
    message: `program is too large (more than ${maxBytes} characters)`,
    span,
  }),
  E0103: (span: Span, char: string): Diagnostic => ({
    code: "E0103",
    severity: "error",
    message: `unexpected character ${char}`,
    span,
    help: "mlpc programs are plain ASCII: words, numbers, `->`, `=`, `(`, `)`, `,`, `;` and `#` comments",
  }),
} as const;
