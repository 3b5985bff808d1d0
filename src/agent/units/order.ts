// Name ordering shared by everything that lists units: Go sorts strings by
// UTF-8 bytes, which is code-point order — not JavaScript's default UTF-16
// code-unit order (they differ above U+FFFF). Pure; must never import anything.

/** Negative, zero or positive like a sort comparator, in Go's string order. */
export function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const l = left.next();
    const r = right.next();
    if (l.done === true || r.done === true) return l.done === true ? (r.done === true ? 0 : -1) : 1;
    const diff = (l.value.codePointAt(0) ?? 0) - (r.value.codePointAt(0) ?? 0);
    if (diff !== 0) return diff;
  }
}
