/** Commands printed for people to paste into a POSIX shell. */

/** One word, quoted only when the shell would otherwise split or expand it. */
export function shellWord(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellCommand(words: readonly string[]): string {
  return words.map(shellWord).join(" ");
}
