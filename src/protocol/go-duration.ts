// Parses Go duration syntax (`300s`, `30m`, `1h30m`, `1.5s`, `0`) — the form
// of duration flags such as `--stop-grace-period`, shared by the server's
// and the CLI's flag parsing. Parsing only: it never formats or rounds
// beyond whole nanoseconds.

const UNIT_NS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const TERM = /(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/y;

/** Milliseconds of a Go duration string, or undefined when it is not one. Signs are rejected. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  if (text === '') return undefined;
  let ns = 0;
  let index = 0;
  while (index < text.length) {
    TERM.lastIndex = index;
    const match = TERM.exec(text);
    if (!match) return undefined;
    const [, whole = '', fraction = '', unit = ''] = match;
    if (whole === '' && fraction === '') return undefined;
    const scale = UNIT_NS[unit]!;
    ns += Number(whole || '0') * scale + (fraction === '' ? 0 : Number(`0.${fraction}`) * scale);
    index = TERM.lastIndex;
  }
  return Number.isFinite(ns) ? Math.round(ns) / 1e6 : undefined;
}
