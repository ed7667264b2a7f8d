/**
 * Phase 1: text -> AST.
 *
 * peggy stops at the first syntax error. To report every broken statement at once (as a user fixing
 * a file wants), parse() blanks out the statement that failed and parses again, collecting one
 * error per statement, up to MAX_SYNTAX_ERRORS.
 */
import type { Program, Span, SpaceProgram } from "./ast.js";
import { toConcrete } from "./concrete.js";
import type { Diagnostic } from "./diagnostic.js";
import { syntaxMessages } from "./messages.js";
import { parse as peggyParse } from "./parser.js";

export const MAX_SOURCE_CHARS = 4_000_000;
const MAX_SYNTAX_ERRORS = 20;

export interface ParseResult {
  /** null when there was any syntax error. */
  readonly program: Program | null;
  readonly diagnostics: readonly Diagnostic[];
}

interface PeggyExpectation {
  readonly type: string;
  readonly text?: string;
  readonly description?: string;
}

interface PeggyErrorShape {
  readonly expected: readonly PeggyExpectation[] | null;
  readonly found: string | null;
  readonly location: { readonly start: { readonly offset: number }; readonly end: { readonly offset: number } };
}

function isPeggyError(e: unknown): e is PeggyErrorShape {
  return typeof e === "object" && e !== null && "location" in e && "expected" in e;
}

export interface SpaceParseResult {
  /** null when there was any syntax error. */
  readonly program: SpaceProgram | null;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * A plain program: groups with a fixed count expanded; a choice, range or `sweep` statement is
 * E0104 (they belong to `mlpc sweep`, which reads the tree with parseSpace).
 */
export function parse(source: string): ParseResult {
  const parsed = parseSpace(source);
  if (parsed.program === null) return { program: null, diagnostics: parsed.diagnostics };
  return toConcrete(parsed.program);
}

/** The grammar's tree as written, search-space nodes (choices, ranges, groups) included. */
export function parseSpace(source: string): SpaceParseResult {
  if (source.length > MAX_SOURCE_CHARS) {
    return { program: null, diagnostics: [syntaxMessages.E0102({ start: 0, end: 0 }, MAX_SOURCE_CHARS)] };
  }
  const diagnostics: Diagnostic[] = [];
  let text = source;
  for (let attempt = 0; attempt <= MAX_SYNTAX_ERRORS; attempt++) {
    try {
      const program = peggyParse(text) as SpaceProgram;
      return { program: diagnostics.length === 0 ? program : null, diagnostics };
    } catch (e) {
      if (!isPeggyError(e)) throw e;
      diagnostics.push(syntaxError(source, e));
      const blanked = blankStatementAt(text, e.location.start.offset);
      if (blanked === text || attempt === MAX_SYNTAX_ERRORS) break;
      text = blanked;
    }
  }
  return { program: null, diagnostics };
}

function syntaxError(source: string, e: PeggyErrorShape): Diagnostic {
  const start = e.location.start.offset;
  const found = e.found;
  const span: Span = { start, end: found === null ? start : Math.min(source.length, start + found.length) };
  if (found !== null && !isPrintableAscii(found)) {
    return syntaxMessages.E0103(span, describeChar(found));
  }
  return syntaxMessages.E0101(span, describeExpected(e.expected ?? []), found === null ? "end of input" : describeFound(found));
}

function isPrintableAscii(s: string): boolean {
  const c = s.charCodeAt(0);
  return (c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x09 || c === 0x0d;
}

function describeChar(s: string): string {
  const cp = s.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}

function describeFound(found: string): string {
  if (found === "\n") return "end of line";
  return `\`${found}\``;
}

/** "number, identifier or `->`" from peggy's expectations, deduplicated and in a stable order. */
export function describeExpected(expected: readonly PeggyExpectation[]): string {
  const names = new Set<string>();
  for (const x of expected) {
    if (x.type === "end") names.add("end of input");
    else if (x.type === "literal" && x.text !== undefined) names.add(`\`${x.text}\``);
    else if (x.description === "comment") continue; // allowed almost anywhere: noise in a list
    else if (x.description !== undefined) names.add(x.description.replace(/^"(.*)"$/, "`$1`"));
  }
  const list = [...names].sort();
  if (list.length === 0) return "something else";
  if (list.length === 1) return list[0]!;
  return `${list.slice(0, -1).join(", ")} or ${list[list.length - 1]}`;
}

/**
 * Replaces the statement containing `offset` with spaces (offsets are kept, so later diagnostics
 * still point at the right place). A statement ends at `;` or a line end outside a comment.
 */
export function blankStatementAt(text: string, offset: number): string {
  const separators = statementSeparators(text);
  let start = 0;
  let end = text.length;
  for (const s of separators) {
    if (s < offset) start = s + 1;
    else {
      end = s;
      break;
    }
  }
  if (end <= start) {
    // The error is at a separator itself: drop that separator's statement before it.
    end = Math.min(text.length, offset + 1);
  }
  const segment = text.slice(start, end);
  const blank = segment.replace(/[^\n]/g, " ");
  return blank === segment ? text : text.slice(0, start) + blank + text.slice(end);
}

function statementSeparators(text: string): number[] {
  const out: number[] = [];
  let inComment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      inComment = false;
      out.push(i);
    } else if (inComment) continue;
    else if (c === 35) inComment = true;
    else if (c === 59) out.push(i);
  }
  return out;
}
