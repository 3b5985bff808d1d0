import { afterEach, describe, expect, it, vi } from 'vitest';
import { Backoff, DEFAULT_BACKOFF, sleep } from './backoff.js';

describe('Backoff', () => {
  it('starts at 1 s and doubles up to 30 s by default', () => {
    const b = new Backoff();
    expect(Array.from({ length: 8 }, () => b.next())).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(DEFAULT_BACKOFF).toEqual({ initialMs: 1_000, maxMs: 30_000 });
  });

  it('reset() starts over', () => {
    const b = new Backoff({ initialMs: 5, maxMs: 12 });
    expect([b.next(), b.next(), b.next()]).toEqual([5, 10, 12]);
    b.reset();
    expect(b.next()).toBe(5);
  });
});

describe('sleep', () => {
  afterEach(() => vi.useRealTimers());

  it('resolves after the delay, or at once when aborted', async () => {
    vi.useFakeTimers();
    let done = false;
    const slept = sleep(1_000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await slept;
    const abort = new AbortController();
    const cut = sleep(60_000, abort.signal);
    abort.abort();
    await cut;
    expect(vi.getTimerCount()).toBe(0);
  });
});
