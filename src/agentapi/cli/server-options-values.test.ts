import { describe, expect, it } from 'vitest';
import {
  parseGoBool,
  parseGoInt64,
  parseGoUint,
  splitListEnvValue,
  splitListFlagValue,
  stripTrailingNewline,
} from './server-options-values.js';

describe('parseGoBool (strconv.ParseBool)', () => {
  it.each([
    ['1', true], ['t', true], ['T', true], ['TRUE', true], ['true', true], ['True', true],
    ['0', false], ['f', false], ['F', false], ['FALSE', false], ['false', false], ['False', false],
  ])('%s → %s', (input, expected) => {
    expect(parseGoBool(input)).toEqual({ ok: true, value: expected });
  });

  it.each(['', 'yes', 'no', 'tRUE', 'on', ' true', 'true\n', '2'])('rejects %j', (input) => {
    const quoted = JSON.stringify(input);
    expect(parseGoBool(input)).toEqual({ ok: false, cause: `strconv.ParseBool: parsing ${quoted}: invalid syntax` });
  });
});

describe('parseGoInt64 (strconv.ParseInt(s, 0, 64))', () => {
  it.each([
    ['0', 0n], ['3284', 3284n], ['+5', 5n], ['-5', -5n], ['0x10', 16n], ['0X1f', 31n], ['0o17', 15n],
    ['017', 15n], ['0b101', 5n], ['1_000', 1000n], ['0x_10', 16n], ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
  ])('%s → %s', (input, expected) => {
    expect(parseGoInt64(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', 'invalid syntax'], ['abc', 'invalid syntax'], ['12a', 'invalid syntax'], ['08', 'invalid syntax'],
    ['0x', 'invalid syntax'], ['1__0', 'invalid syntax'], ['_1', 'invalid syntax'], ['1_', 'invalid syntax'],
    [' 1', 'invalid syntax'], ['1.5', 'invalid syntax'], ['--1', 'invalid syntax'], ['١', 'invalid syntax'],
    ['9223372036854775808', 'value out of range'], ['-9223372036854775809', 'value out of range'],
    ['99999999999999999999', 'value out of range'],
  ])('%j → %s', (input, what) => {
    expect(parseGoInt64(input)).toEqual({ ok: false, cause: `strconv.ParseInt: parsing ${JSON.stringify(input)}: ${what}` });
  });
});

describe('parseGoUint (strconv.ParseUint(s, 0, 16))', () => {
  it.each([
    ['80', 80], ['0', 0], ['65535', 65535], ['0x50', 80], ['010', 8], ['1_0', 10],
  ])('%s → %d', (input, expected) => {
    expect(parseGoUint(input, 16)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['65536', 'value out of range'], ['70000', 'value out of range'], ['99999999999999999999999', 'value out of range'],
    ['-1', 'invalid syntax'], ['+1', 'invalid syntax'], ['', 'invalid syntax'], ['wide', 'invalid syntax'],
  ])('%j → %s', (input, what) => {
    expect(parseGoUint(input, 16)).toEqual({ ok: false, cause: `strconv.ParseUint: parsing ${JSON.stringify(input)}: ${what}` });
  });
});

describe('stripTrailingNewline', () => {
  it.each([
    ['f', 'f'], ['f\n', 'f'], ['f\n\n', 'f\n'], ['f\r\n', 'f\r'], ['\n', ''], ['', ''], ['a\nb', 'a\nb'],
  ])('%j → %j', (input, expected) => {
    expect(stripTrailingNewline(input)).toBe(expected);
  });
});

describe('splitListFlagValue (one pflag stringSlice occurrence, CSV)', () => {
  it.each<[string, string[]]>([
    ['a.com', ['a.com']],
    ['a.com,b.com', ['a.com', 'b.com']],
    ['', []],
    ['\n', []],
    ['a.com\n', ['a.com']],
    ['a.com\r\n', ['a.com']],
    ['a.com,', ['a.com', '']],
    [',', ['', '']],
    ['a b,c', ['a b', 'c']],
    [' a.com', [' a.com']],
    ['"a,b",c', ['a,b', 'c']],
    ['"say ""hi"""', ['say "hi"']],
    ['"",x', ['', 'x']],
    ['a\nb', ['a\nb']],
  ])('%j → %j', (input, expected) => {
    expect(splitListFlagValue(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['a"b', 'parse error on line 1, column 2: bare " in non-quoted field'],
    ['x, "b"', 'parse error on line 1, column 4: bare " in non-quoted field'],
    ['"ab', 'parse error on line 1, column 4: extraneous or missing " in quoted-field'],
    ['"a"b', 'parse error on line 1, column 4: extraneous or missing " in quoted-field'],
  ])('%j → error', (input, cause) => {
    expect(splitListFlagValue(input)).toEqual({ ok: false, cause });
  });
});

describe('splitListEnvValue (strings.Fields)', () => {
  it.each<[string, string[]]>([
    ['a.com\tb.com', ['a.com', 'b.com']],
    ['a.com b.com', ['a.com', 'b.com']],
    ['  a.com \n\t b.com  ', ['a.com', 'b.com']],
    ['a.com\u00a0b.com\u3000c', ['a.com', 'b.com', 'c']],
    ['a.com,b.com', ['a.com,b.com']],
    ['   ', []],
    ['', []],
  ])('%j → %j', (input, expected) => {
    expect(splitListEnvValue(input)).toEqual(expected);
  });
});
