/** A small TypeScript highlighter for the generated code: comments, strings, numbers, keywords, types. */

const KEYWORDS = new Set(
  "export import const let var function return if else for while do break continue new class extends this throw try catch finally typeof instanceof in of readonly interface type as static private get set async await void null undefined true false".split(
    " ",
  ),
);
const TYPES = new Set("number string boolean Float64Array Float32Array Uint32Array Math Error RangeError Record ArrayLike ReadonlyArray Promise".split(" "));

const TOKEN = /(\/\*[\s\S]*?\*\/|\/\/[^\n]*)|(`(?:\\.|[^`\\])*`|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')|\b(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\b|\b([A-Za-z_$][\w$]*)\b/g;

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function span(cls: string, text: string): string {
  // A token may span lines (block comments): close and reopen it at each line end.
  return text
    .split("\n")
    .map((part) => `<span class="${cls}">${escapeHtml(part)}</span>`)
    .join("\n");
}

/**
 * The source as HTML: one `<span class="l" data-n="LINE">` per line (the number is drawn from the
 * attribute: CSS counters would be recounted on every change anywhere in the page), tokens wrapped
 * in tok-* spans.
 */
export function highlight(source: string): string {
  let html = "";
  let last = 0;
  for (const m of source.matchAll(TOKEN)) {
    html += escapeHtml(source.slice(last, m.index));
    const [text, comment, str, num, word] = m;
    if (comment !== undefined) html += span("tok-c", comment);
    else if (str !== undefined) html += span("tok-s", str);
    else if (num !== undefined) html += span("tok-n", num);
    else if (word !== undefined && KEYWORDS.has(word)) html += span("tok-k", word);
    else if (word !== undefined && TYPES.has(word)) html += span("tok-t", word);
    else html += escapeHtml(text);
    last = m.index + text.length;
  }
  html += escapeHtml(source.slice(last));
  const lines = html.split("\n");
  // Each line keeps its newline inside its span, so the element's text is the source exactly.
  return lines.map((line, k) => `<span class="l" data-n="${k + 1}">${line}${k < lines.length - 1 ? "\n" : ""}</span>`).join("");
}

/** The 0-based line of the layer's first note in the code (`// dense_2: 4 -> 1, sigmoid`), or of its first mention. */
export function layerLine(source: string, layer: string): number {
  const lines = source.split("\n");
  const note = lines.findIndex((l) => l.trimStart().startsWith(`// ${layer}:`));
  if (note >= 0) return note;
  return Math.max(0, lines.findIndex((l) => new RegExp(`\\b${layer}\\b`).test(l)));
}
