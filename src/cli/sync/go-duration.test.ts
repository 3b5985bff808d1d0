// parseGoDuration against Go's time.ParseDuration: values and exact errors.
// In-process only: must never open sockets or spawn processes.
import { describe, expect, it } from 'vitest';
import { parseGoDuration } from './go-duration.js';

describe('parseGoDuration', () => {
  it.each<[string, number]>([
    ['0', 0],
    ['+0', 0],
    ['-0', 0],
    ['5m', 300_000],
    ['1s', 1000],
    ['300ms', 300],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['.5s', 500],
    ['1.s', 1000],
    ['2h45m30.5s', 9_930_500],
    ['1500us', 1.5],
    ['1500\u00b5s', 1.5],
    ['1500\u03bcs', 1.5],
    ['1000000ns', 1],
    ['-2s', -2000],
    ['0s', 0],
  ])('%s → %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBe(ms);
  });

  it.each<[string, string]>([
    ['', 'time: invalid duration ""'],
    ['abc', 'time: invalid duration "abc"'],
    ['-', 'time: invalid duration "-"'],
    ['.s', 'time: invalid duration ".s"'],
    ['s', 'time: invalid duration "s"'],
    ['5', 'time: missing unit in duration "5"'],
    ['1.5.3s', 'time: missing unit in duration "1.5.3s"'],
    ['5x', 'time: unknown unit "x" in duration "5x"'],
    ['5 s', 'time: unknown unit " s" in duration "5 s"'],
    ['3000000h', 'time: invalid duration "3000000h"'],
  ])('%j → %s', (text, message) => {
    expect(() => parseGoDuration(text)).toThrow(new Error(message));
  });
});
