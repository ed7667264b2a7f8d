/**
 * The field separator: given (`,` `;` tab `|`) or detected from the header line, where the
 * candidate that splits it into the most fields (outside quotes) wins; a comma on a tie or when
 * nothing splits, since a one-column file is comma-separated by definition.
 */
import { fail, ok, type Result } from "./errors.js";

export const DELIMITERS = [",", ";", "\t", "|"] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** How a delimiter is named in messages and on the command line. */
export function delimiterName(d: Delimiter): string {
  return d === "\t" ? "tab" : JSON.stringify(d);
}

/** `--delimiter` values: the character itself, or the words tab, comma, semicolon, pipe. */
export function parseDelimiter(text: string): Result<Delimiter, string> {
  const words: Record<string, Delimiter> = { ",": ",", comma: ",", ";": ";", semicolon: ";", "\t": "\t", tab: "\t", "\\t": "\t", "|": "|", pipe: "|" };
  const d = words[text.toLowerCase()];
  return d === undefined ? fail(`expected one of , ; tab | (got ${JSON.stringify(text)})`) : ok(d);
}

/** Fields of the first line for each candidate, counting only separators outside quotes. */
export function countFields(line: string): Record<Delimiter, number> {
  const counts: Record<Delimiter, number> = { ",": 1, ";": 1, "\t": 1, "|": 1 };
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (DELIMITERS as readonly string[]).includes(ch)) counts[ch as Delimiter]++;
  }
  return counts;
}

/** The first line of the text (without a byte-order mark or line end). */
export function firstLine(text: string): string {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const end = body.search(/\r?\n/);
  return end < 0 ? body : body.slice(0, end);
}

export function detectDelimiter(header: string): Delimiter {
  const counts = countFields(header);
  let best: Delimiter = ",";
  for (const d of DELIMITERS) if (counts[d] > counts[best]) best = d;
  return best;
}

/**
 * A given delimiter that leaves the header as one field while another candidate would split it is
 * a mistake: name the one that would.
 */
export function delimiterMismatch(header: string, given: Delimiter): Delimiter | null {
  const counts = countFields(header);
  if (counts[given] > 1) return null;
  const detected = detectDelimiter(header);
  return counts[detected] > 1 ? detected : null;
}
