// Go's time.Duration.String() for the durations the runner prints into
// script logs (`30s`, `1m0s`, `1m30s`, `10s`, `200ms`), so lines read exactly
// like upstream's. Formatting only: it must never parse or round implicitly.

const NS_PER_US = 1_000n;
const NS_PER_MS = 1_000_000n;
const NS_PER_S = 1_000_000_000n;

/** Formats `ms` milliseconds (fractions down to a nanosecond kept) like Go. */
export function formatGoDuration(ms: number): string {
  let ns = BigInt(Math.round(ms * 1e6));
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  if (ns < 0n) ns = -ns;
  if (ns < NS_PER_S) {
    if (ns < NS_PER_US) return `${sign}${ns}ns`;
    if (ns < NS_PER_MS) return `${sign}${fraction(ns, NS_PER_US)}µs`;
    return `${sign}${fraction(ns, NS_PER_MS)}ms`;
  }
  const hours = ns / (3600n * NS_PER_S);
  ns -= hours * 3600n * NS_PER_S;
  const minutes = ns / (60n * NS_PER_S);
  ns -= minutes * 60n * NS_PER_S;
  const seconds = `${fraction(ns, NS_PER_S)}s`;
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

/** Go's `d.Round(time.Second)` (halves away from zero), in milliseconds. */
export function roundToSeconds(ms: number): number {
  return Math.sign(ms) * Math.round(Math.abs(ms) / 1000) * 1000;
}

/** `value / unit` with the remainder as a decimal fraction without trailing zeros. */
function fraction(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const rest = value % unit;
  if (rest === 0n) return whole.toString();
  const digits = unit.toString().length - 1;
  return `${whole}.${rest.toString().padStart(digits, '0').replace(/0+$/, '')}`;
}
