import { describe, expect, it } from 'vitest';
import { formatTime } from './time.js';

describe('formatTime', () => {
  it.each([
    ['2025-01-01T00:00:00.500Z', '2025-01-01T00:00:00.5Z'],
    ['2025-01-01T00:00:01.000Z', '2025-01-01T00:00:01Z'],
    ['2025-01-01T00:00:01.120Z', '2025-01-01T00:00:01.12Z'],
    ['2025-01-01T00:00:01.123Z', '2025-01-01T00:00:01.123Z'],
  ])('%s → %s', (input, expected) => {
    expect(formatTime(new Date(input))).toBe(expected);
    expect(formatTime(Date.parse(input))).toBe(expected);
  });
});
