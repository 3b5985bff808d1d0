import { describe, expect, it } from 'vitest';
import { parseCronExpression } from './cron.js';

describe('parseCronExpression (robfig seconds-first)', () => {
  it.each([
    ['*/1 * * * * *', '*/1 * * * * *'],
    ['0 */5 * * * *', '0 */5 * * * *'],
    // Five fields: seconds first, day-of-week defaults to `*` (NOT minute-first).
    ['30 0 * * *', '30 0 * * * *'],
    ['  0   0 12 * * MON-FRI ', '0 0 12 * * MON-FRI'],
    ['@hourly', '0 0 * * * *'],
    ['@daily', '0 0 0 * * *'],
    ['0 0 0 ? * *', '0 0 0 ? * *'],
  ])('%j is valid as %j', (expression, pattern) => {
    expect(parseCronExpression(expression)).toEqual({ ok: true, pattern });
  });

  it.each([['* * * *'], ['* * * * * * *'], ['61 * * * * *'], ['nonsense'], ['@every 5s'], [''], ['* * 25 * * *']])(
    '%j is invalid',
    (expression) => {
      expect(parseCronExpression(expression).ok).toBe(false);
    },
  );
});
