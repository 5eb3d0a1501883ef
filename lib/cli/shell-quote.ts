// POSIX shell quoting, so the "to resume, run:" line can be pasted back as it is.

/** Words joined with spaces, each single-quoted unless it is made only of safe characters. */
export function shellQuote(words: string[]): string {
  return words.map(quoteWord).join(' ');
}

function quoteWord(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
