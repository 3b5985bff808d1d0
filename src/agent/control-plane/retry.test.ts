// The retry policy of agent.md §3.2.1 with the spec's own numbers under fake
// timers: what is retried, the backoff schedule, the 5-minute 401 window,
// budgets, caller aborts and closing.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isControlPlaneError, type ControlPlaneError } from './errors.js';
import { DEFAULT_RETRY_TIMING, Retrier } from './retry.js';
import type { Exchange } from './transport.js';

const silent = pino({ level: 'silent' });

/** An attempt that answers from `script` (a number = that status, an Error = network failure), then 204. */
function scripted(script: (number | Error)[]) {
  const times: number[] = [];
  const attempt = async (): Promise<Exchange> => {
    times.push(Date.now());
    const next = script.shift() ?? 204;
    if (next instanceof Error) throw next;
    return { status: next, text: '' };
  };
  return { attempt, times };
}

let fatal: ControlPlaneError[];
let retrier: Retrier;

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  fatal = [];
  retrier = new Retrier({ timing: DEFAULT_RETRY_TIMING, logger: silent, onFatal: (e) => fatal.push(e) });
});

afterEach(() => {
  retrier.close();
  vi.useRealTimers();
});

describe('Retrier', () => {
  it.each([
    ['network failures', [new TypeError('fetch failed'), new TypeError('fetch failed')]],
    ['5xx', [500, 502, 503]],
    ['401 while the build is being recorded', [401, 401]],
  ])('retries %s with backoff 1 s, 2 s, 4 s …', async (_name, failures) => {
    const { attempt, times } = scripted([...failures]);
    const run = retrier.run('POST x', attempt);
    await vi.runAllTimersAsync();
    await expect(run).resolves.toEqual({ status: 204, text: '' });
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps).toEqual([1_000, 2_000, 4_000].slice(0, failures.length));
  });

  it('caps the backoff at 30 s', async () => {
    const { attempt, times } = scripted(Array.from({ length: 8 }, () => 503));
    const run = retrier.run('POST x', attempt);
    await vi.runAllTimersAsync();
    await run;
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it.each([400, 404, 409, 413])('does not retry %i', async (status) => {
    const { attempt, times } = scripted([status]);
    await expect(retrier.run('POST x', attempt)).rejects.toMatchObject({ code: 'REQUEST_REJECTED', status });
    expect(times).toHaveLength(1);
  });

  it('401s persisting for 5 minutes reject the token: every run fails, onFatal fires once', async () => {
    const always401 = async (): Promise<Exchange> => ({ status: 401, text: '{"message":"Workspace agent not authorized."}' });
    const a = retrier.run('GET manifest', always401).catch((e: unknown) => e);
    const b = retrier.run('POST lifecycle', always401).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5 * 60_000 - 1);
    expect(fatal).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    const [ea, eb] = (await Promise.all([a, b])) as ControlPlaneError[];
    expect(isControlPlaneError(ea, 'TOKEN_REJECTED') && ea.message === 'agent token rejected').toBe(true);
    expect(isControlPlaneError(eb, 'TOKEN_REJECTED')).toBe(true);
    expect(fatal).toHaveLength(1);
    expect(Date.now()).toBe(5 * 60_000);
    await expect(retrier.run('POST later', always401)).rejects.toMatchObject({ code: 'TOKEN_REJECTED' });
  });

  it('any other answer resets the 401 window', async () => {
    let answered500 = false;
    // 401 for 4 minutes, one 500, then 401 again: the window restarts at the next 401.
    const attempt = async (): Promise<Exchange> => {
      if (!answered500 && Date.now() >= 4 * 60_000) {
        answered500 = true;
        return { status: 500, text: '' };
      }
      return { status: 401, text: '' };
    };
    const run = retrier.run('GET manifest', attempt).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(6 * 60_000);
    expect(fatal).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(fatal).toHaveLength(1);
    await run;
  });

  it('gives up with NOT_DELIVERED when the budget runs out', async () => {
    const { attempt, times } = scripted([503, 503, 503, 503]);
    const run = retrier.run('POST app-status', attempt, { budgetMs: 5_000 }).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await run).toMatchObject({ code: 'NOT_DELIVERED' });
    expect(times).toEqual([0, 1_000, 3_000]);
  });

  it('stops with the caller’s abort reason', async () => {
    const abort = new AbortController();
    const run = retrier.run('POST x', async () => ({ status: 503, text: '' }), { signal: abort.signal }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1_500);
    abort.abort(new Error('window elapsed'));
    expect(await run).toEqual(new Error('window elapsed'));
  });

  it('close() fails pending and later runs with CLOSED, without onFatal', async () => {
    const run = retrier.run('POST x', async () => ({ status: 503, text: '' })).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    retrier.close();
    expect(await run).toMatchObject({ code: 'CLOSED' });
    await expect(retrier.run('POST y', async () => ({ status: 204, text: '' }))).rejects.toMatchObject({ code: 'CLOSED' });
    expect(fatal).toHaveLength(0);
  });
});
