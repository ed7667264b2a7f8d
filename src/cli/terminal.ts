/** Text from data (class and column names) shown on a terminal: control characters made visible. */

/**
 * Escapes C0 and C1 control characters (ESC, BEL, backspace, carriage return, ...) and DEL as
 * \x1b-style text, keeping tabs and line breaks: a class name must not move the cursor, recolour
 * or retitle the terminal.
 */
export function terminalText(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
