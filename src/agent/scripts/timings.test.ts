import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScriptTiming } from '../../protocol/agent-reports.js';
import { pipesLeftOpen, scriptTimedOut, ScriptRunnerError, wrapScriptError } from './errors.js';
import { RecordingReporter, recordingLogger } from './testdata/harness.js';
import { TimingDelivery, timingStatus } from './timings.js';

const timing: ScriptTiming = {
  script_id: '00000000-0000-4000-8000-000000000001',
  start: '2026-01-01T00:00:00.000Z',
  end: '2026-01-01T00:00:01.000Z',
  exit_code: 0,
  stage: 'START',
  status: 'ok',
};

describe('timingStatus', () => {
  it.each([
    ['timeout beats everything', 255, wrapScriptError('run agent script "x"', scriptTimedOut()), 'timed_out'],
    ['pipes left open', 255, pipesLeftOpen(), 'pipes_left_open'],
    ['non-zero exit', 3, new ScriptRunnerError('EXIT_FAILURE', 'exit status 3'), 'exit_failure'],
    ['killed by a foreign signal', -1, new ScriptRunnerError('EXIT_FAILURE', 'signal: SIGTERM'), 'exit_failure'],
    ['spawn failure', 255, new ScriptRunnerError('SPAWN_FAILED', 'start command: x'), 'exit_failure'],
    ['success', 0, undefined, 'ok'],
  ] as const)('%s', (_name, exitCode, error, status) => {
    expect(timingStatus(exitCode, error)).toBe(status);
  });
});

describe('TimingDelivery', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('delivers in the background and drain() waits for it', async () => {
    const reporter = new RecordingReporter();
    const delivery = new TimingDelivery({ reporter, logger: recordingLogger().logger, windowMs: 30_000, initialBackoffMs: 1_000 });
    delivery.dispatch(timing);
    await delivery.drain();
    expect(reporter.timings).toEqual([timing]);
  });

  it('retries with doubling backoff inside the window', async () => {
    vi.useFakeTimers();
    const reporter = new RecordingReporter();
    reporter.failNext = 3;
    const delivery = new TimingDelivery({ reporter, logger: recordingLogger().logger, windowMs: 30_000, initialBackoffMs: 1_000 });
    delivery.dispatch(timing);
    const drained = delivery.drain();
    await vi.advanceTimersByTimeAsync(999);
    expect(reporter.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(reporter.calls).toBe(2);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(reporter.calls).toBe(3);
    await vi.advanceTimersByTimeAsync(4_000);
    await drained;
    expect(reporter.calls).toBe(4);
    expect(reporter.timings).toEqual([timing]);
  });

  it('gives up at the end of the window, logs, and aborts a hung reporter', async () => {
    vi.useFakeTimers();
    const { logger, records } = recordingLogger();
    let signal: AbortSignal | undefined;
    const reporter = {
      report: (_t: ScriptTiming, s: AbortSignal) => {
        signal = s;
        return new Promise<void>(() => {});
      },
    };
    const delivery = new TimingDelivery({ reporter, logger, windowMs: 30_000, initialBackoffMs: 1_000 });
    delivery.dispatch(timing);
    let drained = false;
    void delivery.drain().then(() => (drained = true));
    await vi.advanceTimersByTimeAsync(29_999);
    expect(drained).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(drained).toBe(true);
    expect(signal?.aborted).toBe(true);
    expect(records).toContainEqual(expect.objectContaining({ level: 'error', msg: 'reporting script completed failed', script_id: timing.script_id }));
  });

  it('treats a synchronously throwing reporter as a failed attempt', async () => {
    const { logger, records } = recordingLogger();
    const reporter = {
      report: (): Promise<void> => {
        throw new Error('sync boom');
      },
    };
    const delivery = new TimingDelivery({ reporter, logger, windowMs: 50, initialBackoffMs: 10 });
    delivery.dispatch(timing);
    await delivery.drain();
    expect(records).toContainEqual(expect.objectContaining({ msg: 'reporting script completed failed', error: 'sync boom' }));
  });
});
