/**
 * Diagnostics as text, rustc-style:
 *
 *   model.mlp:1:20: error[E0214]: unknown activation `rleu`
 *     |
 *   1 | input 6 -> dense 7 rleu
 *     |                    ^^^^
 *     = help: did you mean `relu`?
 *
 * Colour is a parameter (the CLI decides: TTY and NO_COLOR). Source text is sanitized before it is
 * echoed, so a hostile file cannot send control sequences to the terminal.
 */
import { createColors } from "picocolors";
import { lineColOf, type Diagnostic } from "../syntax/diagnostic.js";

export interface RenderOptions {
  readonly color?: boolean;
  /** Characters of a long source line shown around the caret. */
  readonly window?: number;
}

const DEFAULT_WINDOW = 100;

export function renderDiagnostic(d: Diagnostic, file: string, source: string, options: RenderOptions = {}): string {
  const c = createColors(options.color ?? false);
  const window = options.window ?? DEFAULT_WINDOW;
  const { line, column } = lineColOf(source, d.span.start);
  const lineStart = d.span.start - (column - 1);
  let lineEnd = source.indexOf("\n", lineStart);
  if (lineEnd < 0) lineEnd = source.length;
  const text = source.slice(lineStart, lineEnd).replace(/\r$/, "");
  const caretFrom = column - 1;
  const caretTo = Math.max(caretFrom + 1, Math.min(d.span.end, lineStart + text.length) - lineStart);
  // Show at most `window` characters, keeping the caret in view.
  const from = text.length <= window ? 0 : Math.max(0, Math.min(caretFrom - Math.floor(window / 3), text.length - window));
  const shown = sanitize(text.slice(from, from + window));
  const prefix = from > 0 ? "…" : "";
  const suffix = from + window < text.length ? "…" : "";
  const gutter = String(line).length;
  const pad = " ".repeat(gutter);
  const severity = d.severity === "error" ? c.bold(c.red(`error[${d.code}]`)) : c.bold(c.yellow(`warning[${d.code}]`));
  const underline = " ".repeat(prefix.length + caretFrom - from) + "^".repeat(Math.max(1, Math.min(caretTo, from + window) - caretFrom));
  const lines = [
    `${c.bold(`${sanitize(file)}:${line}:${column}`)}: ${severity}: ${c.bold(sanitize(d.message))}`,
    `${pad} ${c.blue("|")}`,
    `${c.blue(String(line))} ${c.blue("|")} ${prefix}${shown}${suffix}`,
    `${pad} ${c.blue("|")} ${d.severity === "error" ? c.red(underline) : c.yellow(underline)}`,
  ];
  if (d.help !== undefined) lines.push(`${pad} ${c.blue("=")} help: ${sanitize(d.help)}`);
  return lines.join("\n") + "\n";
}

/** Every diagnostic, then a one-line tally ("2 errors, 1 warning"). */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], file: string, source: string, options: RenderOptions = {}): string {
  if (diagnostics.length === 0) return "";
  const body = diagnostics.map((d) => renderDiagnostic(d, file, source, options)).join("\n");
  return `${body}\n${tally(diagnostics)}\n`;
}

export function tally(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const parts: string[] = [];
  if (errors > 0) parts.push(`${errors} error${errors === 1 ? "" : "s"}`);
  if (warnings > 0) parts.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
  return parts.join(", ");
}

/** Control characters and non-ASCII become `?` (one column each, so carets stay aligned). */
function sanitize(s: string): string {
  return s.replace(/\t/g, " ").replace(/[^\x20-\x7e…`]/g, "?");
}
