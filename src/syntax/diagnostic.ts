/**
 * Diagnostics are data: a stable code, a severity, a message and the span it is about.
 * Every phase returns them instead of throwing; rendering is src/report/diagnostics.ts.
 */
import type { Span } from "./ast.js";

export type Severity = "error" | "warning";

export interface Diagnostic {
  /** Stable code, e.g. "E0101". Documented in docs/language.md; tests key on it. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  /** One line of advice shown under the frame ("did you mean ...", "use ..."). */
  readonly help?: string;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

export interface LineCol {
  /** 1-based */
  readonly line: number;
  /** 1-based, in UTF-16 code units as editors count for ASCII text */
  readonly column: number;
}

/** 1-based line and column of a source offset. */
export function lineColOf(source: string, offset: number): LineCol {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), source.length);
  for (let i = 0; i < end; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** Sorted by position, errors before warnings at the same place; stable. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => a.span.start - b.span.start || (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1),
  );
}

/** User text quoted in a message, cut to a readable length (a 1 MB word stays a short message). */
export function excerpt(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
