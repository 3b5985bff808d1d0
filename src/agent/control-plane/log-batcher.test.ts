// Log batching limits of agent.md §3.2.5 with the spec's numbers: flush at
// 250 ms, 100 lines or 64 KiB; ≤ 1000 lines and ≤ 1 MiB per request; order
// per source; 413 stops everything; close() bounded by its timeout.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogBatch, LogEntry } from '../../protocol/agent-reports.js';
import { ControlPlaneError } from './errors.js';
import { LogBatcher } from './log-batcher.js';
import { captureLogger, type CapturedLogger } from './testdata/capture-logger.js';

const A = '00000000-0000-4000-8000-0000000000d1';
const B = '00000000-0000-4000-8000-0000000000d2';
const KiB = 1024;
const MiB = 1024 * 1024;

const line = (output: string, level: LogEntry['level'] = 'info'): LogEntry => ({ created_at: '2026-01-01T00:00:00.000Z', output, level });
const bodyBytes = (batch: LogBatch): number => Buffer.byteLength(JSON.stringify(batch));

interface Harness {
  batcher: LogBatcher;
  posted: LogBatch[];
  /** When set, posts wait for this promise. */
  gate: Promise<void> | undefined;
  log: CapturedLogger;
}

let h: Harness;

function harness(post?: (batch: LogBatch) => Promise<void>): Harness {
  const log = captureLogger();
  const state: Harness = { batcher: undefined!, posted: [], gate: undefined, log };
  state.batcher = new LogBatcher({
    logger: log.logger,
    post:
      post ??
      (async (batch, signal) => {
        state.posted.push(batch);
        if (state.gate) {
          await Promise.race([
            state.gate,
            new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true })),
          ]);
        }
      }),
  });
  return state;
}

beforeEach(() => {
  vi.useFakeTimers();
  h = harness();
});

afterEach(async () => {
  vi.useRealTimers();
  await h.batcher.close(0);
});

describe('flush triggers', () => {
  it('flushes 250 ms after the first queued line', async () => {
    h.batcher.send(A, line('a'));
    await vi.advanceTimersByTimeAsync(249);
    expect(h.posted).toHaveLength(0);
    h.batcher.send(A, line('b'));
    await vi.advanceTimersByTimeAsync(1);
    expect(h.posted.map((b) => b.logs.map((l) => l.output))).toEqual([['a', 'b']]);
  });

  it('flushes at once at 100 queued lines', async () => {
    for (let i = 0; i < 99; i++) h.batcher.send(A, line(`l${i}`));
    await vi.advanceTimersByTimeAsync(0);
    expect(h.posted).toHaveLength(0);
    h.batcher.send(A, line('l99'));
    await vi.advanceTimersByTimeAsync(0);
    expect(h.posted).toHaveLength(1);
    expect(h.posted[0]!.logs).toHaveLength(100);
  });

  it('flushes at once at 64 KiB queued', async () => {
    const big = 'x'.repeat(16 * KiB);
    for (let i = 0; i < 3; i++) h.batcher.send(A, line(big));
    await vi.advanceTimersByTimeAsync(0);
    expect(h.posted).toHaveLength(0);
    h.batcher.send(A, line(big));
    await vi.advanceTimersByTimeAsync(0);
    expect(h.posted).toHaveLength(1);
    expect(h.posted[0]!.logs).toHaveLength(4);
  });

  it('keeps sources apart, with their levels', async () => {
    h.batcher.send(A, line('out'));
    h.batcher.send(B, line('err', 'error'));
    h.batcher.send(A, line('out2'));
    await vi.advanceTimersByTimeAsync(250);
    expect(h.posted).toEqual([
      { log_source_id: A, logs: [line('out'), line('out2')] },
      { log_source_id: B, logs: [line('err', 'error')] },
    ]);
  });
});

describe('request limits', () => {
  it('sends at most 1000 lines per request, in order', async () => {
    let release!: () => void;
    h.gate = new Promise((r) => (release = r));
    for (let i = 0; i < 2600; i++) h.batcher.send(A, line(`l${i}`));
    await vi.advanceTimersByTimeAsync(0);
    h.gate = undefined;
    release();
    await vi.advanceTimersByTimeAsync(300);
    expect(h.posted.map((b) => b.logs.length)).toEqual([100, 1000, 1000, 500]);
    expect(h.posted.flatMap((b) => b.logs.map((l) => l.output))).toEqual(Array.from({ length: 2600 }, (_, i) => `l${i}`));
  });

  it('keeps each request body within 1 MiB', async () => {
    let release!: () => void;
    h.gate = new Promise((r) => (release = r));
    const chunk = 'y'.repeat(100 * KiB);
    for (let i = 0; i < 30; i++) h.batcher.send(A, line(chunk));
    await vi.advanceTimersByTimeAsync(0);
    h.gate = undefined;
    release();
    await vi.advanceTimersByTimeAsync(300);
    expect(h.posted.flatMap((b) => b.logs)).toHaveLength(30);
    for (const batch of h.posted) expect(bodyBytes(batch)).toBeLessThanOrEqual(MiB);
    expect(h.posted.length).toBeLessThan(30); // batched, not one line per request
    expect(bodyBytes(h.posted[1]!)).toBeGreaterThan(900 * KiB);
  });

  it('truncates a single line that alone would exceed 1 MiB', async () => {
    h.batcher.send(A, line('é'.repeat(MiB)));
    await vi.advanceTimersByTimeAsync(0);
    expect(h.posted).toHaveLength(1);
    const size = bodyBytes(h.posted[0]!);
    expect(size).toBeLessThanOrEqual(MiB);
    expect(size).toBeGreaterThan(MiB - 1024);
  });
});

describe('failures and close', () => {
  it('a 413 stops all log sending and warns once', async () => {
    let calls = 0;
    h = harness(async () => {
      calls++;
      throw new ControlPlaneError('REQUEST_REJECTED', 'POST logs: HTTP 413: Logs limit exceeded.', { status: 413 });
    });
    h.batcher.send(A, line('a'));
    h.batcher.send(B, line('b'));
    await vi.advanceTimersByTimeAsync(250);
    h.batcher.send(A, line('c'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toBe(1);
    expect(h.log.withMsg('control plane log limit exceeded; no more script output will be sent')).toHaveLength(1);
  });

  it('a rejected batch (e.g. 400) is dropped with a warning and later lines still go out', async () => {
    let calls = 0;
    const posted: LogBatch[] = [];
    h = harness(async (batch) => {
      if (++calls === 1) throw new ControlPlaneError('REQUEST_REJECTED', 'POST logs: HTTP 400: bad', { status: 400 });
      posted.push(batch);
    });
    h.batcher.send(A, line('lost'));
    await vi.advanceTimersByTimeAsync(250);
    h.batcher.send(A, line('kept'));
    await vi.advanceTimersByTimeAsync(250);
    expect(posted.map((b) => b.logs[0]!.output)).toEqual(['kept']);
    expect(h.log.withMsg('failed to send script output')).toHaveLength(1);
  });

  it('close() flushes right away', async () => {
    h.batcher.send(A, line('last words'));
    await h.batcher.close(5_000);
    expect(h.posted).toHaveLength(1);
    h.batcher.send(A, line('after close'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.posted).toHaveLength(1);
  });

  it('close() gives up after its timeout and reports the undelivered lines', async () => {
    h.gate = new Promise(() => {}); // the control plane never answers
    h.batcher.send(A, line('stuck'));
    const closing = h.batcher.close(5_000);
    await vi.advanceTimersByTimeAsync(4_999);
    let closed = false;
    void closing.then(() => (closed = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await closing;
    expect(h.log.withMsg('script output lines were not delivered')[0]).toMatchObject({ lines: 1 });
  });
});
