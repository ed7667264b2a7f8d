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
  E0104: (span: Span, what: string): Diagnostic => ({
    code: "E0104",
    severity: "error",
    message: `${what} makes this program a search space`,
    span,
    help: "run it with `mlpc sweep FILE --data CSV`; `mlpc check FILE` prints the space",
  }),
  E0105: (span: Span, text: string, limit: number): Diagnostic => ({
    code: "E0105",
    severity: "error",
    message: `a group's repeat count must be an integer from 1 to ${limit}, found \`${text}\``,
    span,
  }),
} as const;
