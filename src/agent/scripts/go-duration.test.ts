import { describe, expect, it } from 'vitest';
import { formatGoDuration, roundToSeconds } from './go-duration.js';

describe('formatGoDuration', () => {
  it.each([
    [0, '0s'],
    [30_000, '30s'],
    [60_000, '1m0s'],
    [90_000, '1m30s'],
    [10_000, '10s'],
    [200, '200ms'],
    [1_500, '1.5s'],
    [3_600_000, '1h0m0s'],
    [3_723_000, '1h2m3s'],
    [0.5, '500µs'],
    [0.0005, '500ns'],
    [-30_000, '-30s'],
    [61_250, '1m1.25s'],
  ])('%s ms → %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });
});

describe('roundToSeconds', () => {
  it.each([
    [29_400, 30_000 - 1_000],
    [29_500, 30_000],
    [30_020, 30_000],
    [59_999, 60_000],
    [499, 0],
  ])('%s → %s', (ms, rounded) => {
    expect(roundToSeconds(ms)).toBe(rounded);
  });
});
