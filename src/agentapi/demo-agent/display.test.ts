// The display's writes and timer ownership, on fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Display } from './display.js';
import type { Transcript } from './transcript.js';

const transcript: Transcript = [{ speaker: 'agent', text: 'Hi' }];

describe('Display', () => {
  let written: string[];
  let display: Display;

  beforeEach(() => {
    vi.useFakeTimers();
    written = [];
    display = new Display({ write: (chunk: string) => written.push(chunk) });
  });

  afterEach(() => {
    display.close();
    vi.useRealTimers();
  });

  it('redraws with the idle prompt', () => {
    display.showIdle(transcript);
    expect(written).toEqual(['\x1b[2J\x1b[HHi\n> ']);
  });

  it('does not think for a zero duration', async () => {
    await display.think(transcript, 0);
    expect(written).toEqual([]);
  });

  it('spins every 200 ms while thinking, then clears the spinner line', async () => {
    const done = display.think(transcript, 1000);
    await vi.advanceTimersByTimeAsync(999);
    expect(written).toEqual([
      '\x1b[2J\x1b[HHi\nThinking... ',
      '\rThinking |',
      '\rThinking /',
      '\rThinking -',
      '\rThinking \\',
    ]);
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(written.at(-1)).toBe(`\r${' '.repeat(20)}\r`);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('close() ends a pending think, stops its timers and drops later writes', async () => {
    const done = display.think(transcript, 10_000);
    await vi.advanceTimersByTimeAsync(250);
    display.close();
    await done;
    const count = written.length;
    display.showIdle(transcript);
    expect(written).toHaveLength(count);
    expect(vi.getTimerCount()).toBe(0);
  });
});
