// How many terminal cells a character occupies, so a remote screen row can be
// cut to the local terminal's width without a wide character spilling over the
// edge. A deliberately small table (East Asian wide/fullwidth blocks, emoji,
// combining marks), close to what xterm.js's Unicode 6 tables say for text
// agents print; it must never be used to lay out text for the server side,
// whose screen already is in cells.

/** [first, last] code point ranges of two-cell characters. */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], // Hangul Jamo initials
  [0x2e80, 0x303e], // CJK radicals, Kangxi, CJK symbols and punctuation
  [0x3041, 0x33ff], // Hiragana … CJK compatibility
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe30, 0xfe4f], // CJK compatibility forms
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6], // fullwidth signs
  [0x1f300, 0x1f64f], // pictographs, emoticons
  [0x1f680, 0x1f6ff], // transport and map symbols
  [0x1f900, 0x1f9ff], // supplemental symbols and pictographs
  [0x20000, 0x3fffd], // CJK extensions B…
];

/** [first, last] code point ranges of zero-width characters (combining marks, joiners, selectors). */
const ZERO: readonly (readonly [number, number])[] = [
  [0x0300, 0x036f],
  [0x200b, 0x200f],
  [0x20d0, 0x20ff],
  [0xfe00, 0xfe0f],
  [0xfe20, 0xfe2f],
];

const inRanges = (cp: number, ranges: readonly (readonly [number, number])[]): boolean =>
  ranges.some(([first, last]) => cp >= first && cp <= last);

/** C0, DEL and C1: bytes that drive a terminal rather than draw on it. */
export function isControl(codePoint: number): boolean {
  return codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0);
}

/** Cells taken by one code point: 0, 1 or 2. Control characters take none (they are never drawn). */
export function cellWidth(codePoint: number): 0 | 1 | 2 {
  if (isControl(codePoint)) return 0;
  if (inRanges(codePoint, ZERO)) return 0;
  if (inRanges(codePoint, WIDE)) return 2;
  return 1;
}
