// Parsers for the raw text of one `agentapi server` flag or env value, with
// Go's semantics and Go's error texts (strconv, pflag, encoding/csv), because
// upstream agentapi parses its flags with spf13/pflag and users see those
// messages. Pure functions: must never read argv, env or any other global.
import { goQuote } from './errors.js';
import { isUnicodeSpace } from '../format/text.js';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; cause: string };

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = <T>(cause: string): ParseResult<T> => ({ ok: false, cause });

const TRUE_VALUES = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_VALUES = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** strconv.ParseBool. */
export function parseGoBool(s: string): ParseResult<boolean> {
  if (TRUE_VALUES.has(s)) return ok(true);
  if (FALSE_VALUES.has(s)) return ok(false);
  return fail(`strconv.ParseBool: parsing ${goQuote(s)}: invalid syntax`);
}

const lower = (c: string): string => c.toLowerCase();

/** strconv's underscoreOK: `_` only between digits (a base prefix counts as a digit). */
function underscoreOk(input: string): boolean {
  let s = input;
  let saw: '^' | '0' | '_' | '!' = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(lower(s[1]!))) {
    i = 2;
    saw = '0';
    hex = lower(s[1]!) === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

type UintOutcome = { kind: 'ok'; value: bigint } | { kind: 'syntax' } | { kind: 'range' };

/** strconv.ParseUint(s, 0, bitSize) without the error text. */
function parseUintBase0(s0: string, bitSize: number): UintOutcome {
  if (s0 === '') return { kind: 'syntax' };
  let s = s0;
  let base = 10n;
  if (s[0] === '0') {
    const prefix = s.length >= 3 ? lower(s[1]!) : '';
    const prefixed = prefix === 'b' ? 2n : prefix === 'o' ? 8n : prefix === 'x' ? 16n : 0n;
    base = prefixed === 0n ? 8n : prefixed;
    s = s.slice(prefixed === 0n ? 1 : 2);
  }
  const max = (1n << BigInt(bitSize)) - 1n;
  let n = 0n;
  let underscores = false;
  // Go walks bytes; only ASCII digits and letters are digits.
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    let d: number;
    if (code === 0x5f /* _ */) {
      underscores = true;
      continue;
    } else if (code >= 0x30 && code <= 0x39) {
      d = code - 0x30;
    } else if ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a) {
      d = (code | 0x20) - 0x61 + 10;
    } else {
      return { kind: 'syntax' };
    }
    if (BigInt(d) >= base) return { kind: 'syntax' };
    n = n * base + BigInt(d);
    if (n > max) return { kind: 'range' };
  }
  if (underscores && !underscoreOk(s0)) return { kind: 'syntax' };
  return { kind: 'ok', value: n };
}

/** strconv.ParseUint(s, 0, bitSize) — what pflag's uint16 flag uses. */
export function parseGoUint(s: string, bitSize: number): ParseResult<number> {
  const r = parseUintBase0(s, bitSize);
  if (r.kind === 'ok') return ok(Number(r.value));
  const what = r.kind === 'syntax' ? 'invalid syntax' : 'value out of range';
  return fail(`strconv.ParseUint: parsing ${goQuote(s)}: ${what}`);
}

/**
 * strconv.ParseInt(s, 0, 64) — what pflag's int flag uses. The value is a
 * bigint because a Go int64 does not fit a JS number.
 */
export function parseGoInt64(s: string): ParseResult<bigint> {
  const neg = s.startsWith('-');
  const digits = s.startsWith('-') || s.startsWith('+') ? s.slice(1) : s;
  const r = parseUintBase0(digits, 64);
  const cutoff = 1n << 63n;
  const syntax = fail<bigint>(`strconv.ParseInt: parsing ${goQuote(s)}: invalid syntax`);
  const range = fail<bigint>(`strconv.ParseInt: parsing ${goQuote(s)}: value out of range`);
  if (r.kind === 'syntax') return syntax;
  if (r.kind === 'range') return range;
  if (!neg && r.value >= cutoff) return range;
  if (neg && r.value > cutoff) return range;
  return ok(neg ? -r.value : r.value);
}

/** A single trailing `\n` in a string value is not part of it (§2.2.3). */
export function stripTrailingNewline(s: string): string {
  return s.endsWith('\n') ? s.slice(0, -1) : s;
}

/**
 * One list-flag occurrence (`-a a.com,b.com`) as pflag reads it: one CSV
 * record, so `"a,b"` quotes a comma into an entry (which the allowed-list
 * validators then reject, as upstream). Differences from encoding/csv, on
 * purpose: a newline inside the value stays in the entry (csv would silently
 * drop everything after it; here the whitespace check reports it), and a
 * lone `\n` is an empty list instead of csv's `EOF` error.
 */
export function splitListFlagValue(raw: string): ParseResult<string[]> {
  const value = raw.endsWith('\r\n') ? raw.slice(0, -2) : stripTrailingNewline(raw);
  if (value === '') return ok([]);
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (value[i] === '"') {
      let field = '';
      let j = i + 1;
      for (;;) {
        if (j >= value.length) {
          return fail(csvError(j, 'extraneous or missing " in quoted-field'));
        }
        if (value[j] === '"') {
          if (value[j + 1] === '"') {
            field += '"';
            j += 2;
            continue;
          }
          break;
        }
        field += value[j];
        j++;
      }
      // j is the closing quote; only a separator or the end may follow it.
      const next = j + 1;
      if (next < value.length && value[next] !== ',') {
        return fail(csvError(next, 'extraneous or missing " in quoted-field'));
      }
      fields.push(field);
      if (next >= value.length) break;
      i = next + 1;
    } else {
      const comma = value.indexOf(',', i);
      const end = comma === -1 ? value.length : comma;
      const field = value.slice(i, end);
      const quote = field.indexOf('"');
      if (quote !== -1) return fail(csvError(i + quote, 'bare " in non-quoted field'));
      fields.push(field);
      if (comma === -1) break;
      i = comma + 1;
    }
  }
  return ok(fields);
}

function csvError(index: number, what: string): string {
  return `parse error on line 1, column ${index + 1}: ${what}`;
}

/** A list env var (`AGENTAPI_ALLOWED_HOSTS`): split on any whitespace run (Go's strings.Fields). */
export function splitListEnvValue(raw: string): string[] {
  const fields: string[] = [];
  let current = '';
  for (const ch of raw) {
    if (isUnicodeSpace(ch)) {
      if (current !== '') fields.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current !== '') fields.push(current);
  return fields;
}
