// Ctrl+C handling of `taskyard up`: the same key press delivered twice is one
// request, a later press forces, anything after that only reports.
import { describe, expect, it } from 'vitest';
import { StopSignals, type StopAction } from './stop-signals.js';

function run(times: number[], windowMs = 500): StopAction[] {
  let now = 0;
  const signals = new StopSignals(windowMs, () => now);
  return times.map((t) => {
    now = t;
    return signals.next();
  });
}

describe('StopSignals', () => {
  it.each<[string, number[], StopAction[]]>([
    ['one press', [1000], ['stop']],
    ['terminal + npm forward of one press', [1000, 1003], ['stop', 'duplicate']],
    ['a second press later', [1000, 2000], ['stop', 'force']],
    ['duplicate then second press', [1000, 1001, 3000], ['stop', 'duplicate', 'force']],
    ['second press delivered twice', [1000, 3000, 3001], ['stop', 'force', 'still_stopping']],
    ['third press', [1000, 3000, 5000], ['stop', 'force', 'still_stopping']],
    ['just outside the window', [0, 500], ['stop', 'force']],
  ])('%s', (_name, times, expected) => expect(run(times)).toEqual(expected));
});
