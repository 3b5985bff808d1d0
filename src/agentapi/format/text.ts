// Whitespace and line helpers shared by the formatter, the engine and the CLI.
// Two notions of whitespace exist on purpose: WS (six ASCII characters, used to
// trim message text) and TrimU (Go's unicode.IsSpace set, used on screen lines).

const WS_CHARS = ' \t\n\r\f\v';
const UNICODE_SPACE = new Set([
  '\t', '\n', '\v', '\f', '\r', ' ', '\u0085', '\u00a0', '\u1680',
  '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200a',
  '\u2028', '\u2029', '\u202f', '\u205f', '\u3000',
]);

export function isWs(ch: string): boolean {
  return ch.length === 1 && WS_CHARS.includes(ch);
}

export function isUnicodeSpace(ch: string): boolean {
  return UNICODE_SPACE.has(ch);
}

/** Trims the six ASCII whitespace characters from both ends. */
export function trimWs(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isWs(s[start]!)) start++;
  while (end > start && isWs(s[end - 1]!)) end--;
  return s.slice(start, end);
}

/** Trims Unicode whitespace (Go's strings.TrimSpace) from both ends. */
export function trimU(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && UNICODE_SPACE.has(s[start]!)) start++;
  while (end > start && UNICODE_SPACE.has(s[end - 1]!)) end--;
  return s.slice(start, end);
}

/** Trims Unicode whitespace from the end only. */
export function trimRightU(s: string): string {
  let end = s.length;
  while (end > 0 && UNICODE_SPACE.has(s[end - 1]!)) end--;
  return s.slice(0, end);
}

export function isBlank(line: string): boolean {
  return trimU(line) === '';
}

export function splitLines(s: string): string[] {
  return s.split('\n');
}

/** Drops leading and trailing blank lines; inner lines and trailing spaces stay. */
export function trimEmptyLines(s: string): string {
  const lines = splitLines(s);
  let first = 0;
  let last = lines.length - 1;
  while (first <= last && isBlank(lines[first]!)) first++;
  while (last >= first && isBlank(lines[last]!)) last--;
  if (first > last) return '';
  return lines.slice(first, last + 1).join('\n');
}
