// Go's time.ParseDuration for `taskyard sync start --timeout` (`300ms`, `30s`,
// `5m`, `1h30m`, `0`), with Go's exact error texts so flags read like
// upstream's. Parsing only, to milliseconds: it must never format durations.

const NS_PER_UNIT: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  '\u00b5s': 1e3, // µ (micro sign)
  '\u03bcs': 1e3, // μ (Greek mu)
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's time.Duration is an int64 of nanoseconds. */
const MAX_DURATION_NS = 2 ** 63 - 1;

/** Milliseconds in `text`; throws Go's `time: invalid duration "<text>"` family of errors. */
export function parseGoDuration(text: string): number {
  const quoted = JSON.stringify(text);
  const invalid = (): Error => new Error(`time: invalid duration ${quoted}`);
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw invalid();
  let totalNs = 0;
  while (rest !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest);
    const whole = number?.[1] ?? '';
    const fraction = number?.[2];
    if (whole === '' && (fraction === undefined || fraction === '')) throw invalid();
    rest = rest.slice(number?.[0].length ?? 0);
    const unitLength = rest.search(/[\d.]/);
    const unit = unitLength < 0 ? rest : rest.slice(0, unitLength);
    if (unit === '') throw new Error(`time: missing unit in duration ${quoted}`);
    const perUnit = NS_PER_UNIT[unit];
    if (perUnit === undefined) throw new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    rest = rest.slice(unit.length);
    totalNs += Number(`${whole === '' ? '0' : whole}.${fraction ?? ''}0`) * perUnit;
    if (totalNs > MAX_DURATION_NS) throw invalid();
  }
  const ms = Math.trunc(totalNs) / 1e6;
  return negative && ms !== 0 ? -ms : ms;
}
