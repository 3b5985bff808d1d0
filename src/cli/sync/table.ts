// The table layout of `taskyard sync status` and `list` (spec agent.md §5.6):
// upper-cased headers, every cell — the last one and the header included —
// left-aligned and padded to the column's widest cell (in code points) + 2.
// Pure text: it must never decide which columns or rows exist.

export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers.map((h) => h.toUpperCase()), ...rows];
  const widths = headers.map((_, column) => Math.max(...all.map((row) => codePoints(row[column] ?? ''))));
  return all.map((row) => `${headers.map((_, column) => pad(row[column] ?? '', (widths[column] ?? 0) + 2)).join('')}\n`).join('');
}

function codePoints(text: string): number {
  return [...text].length;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - codePoints(text)));
}
