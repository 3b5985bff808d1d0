import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UnitManager } from '../units/manager.js';
import { systemClock } from './collaborators.js';
import { notRegisteredLine, waitForDependencies, type DependencyWaitOutcome } from './dependency-wait.js';
import { RecordingSink } from './testdata/harness.js';

const SOURCE = 'b-source';
let manager: UnitManager;
let sink: RecordingSink;

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
  manager = new UnitManager();
  sink = new RecordingSink();
});
afterEach(() => vi.useRealTimers());

function wait(deps: string[], signal = new AbortController().signal): { outcome: () => DependencyWaitOutcome | undefined; done: Promise<DependencyWaitOutcome> } {
  let outcome: DependencyWaitOutcome | undefined;
  const done = waitForDependencies({ manager, sink, clock: systemClock, heartbeatMs: 30_000 }, deps, SOURCE, signal).then((o) => (outcome = o));
  return { outcome: () => outcome, done };
}

describe('waitForDependencies', () => {
  it('returns at once, silently, when every dependency is already completed', async () => {
    manager.register('A');
    manager.updateStatus('A', 'completed');
    expect(await wait(['A']).done).toBe('satisfied');
    expect(sink.sent).toEqual([]);
  });

  it('writes the 30 s heartbeat lines in Go format until A completes (A takes 65 s)', async () => {
    manager.register('A');
    manager.updateStatus('A', 'started');
    const w = wait(['A']);
    await vi.advanceTimersByTimeAsync(65_000);
    expect(w.outcome()).toBeUndefined();
    manager.updateStatus('A', 'completed');
    expect(await w.done).toBe('satisfied');
    expect(sink.outputs(SOURCE)).toEqual(['Waiting for "A"... (30s)', 'Waiting for "A"... (1m0s)', 'Dependencies satisfied after 1m5s']);
    expect(sink.sent.every((l) => l.level === 'info')).toBe(true);
  });

  it('says which dependency is still unregistered, and only lists unmet ones', async () => {
    manager.register('A');
    const w = wait(['A', 'X']);
    await vi.advanceTimersByTimeAsync(30_000);
    manager.updateStatus('A', 'completed');
    await vi.advanceTimersByTimeAsync(60_000);
    manager.register('X');
    await vi.advanceTimersByTimeAsync(30_000);
    manager.updateStatus('X', 'started');
    manager.updateStatus('X', 'completed');
    await w.done;
    expect(sink.outputs(SOURCE)).toEqual([
      'Waiting for "A"... (30s)',
      'Waiting for "X" (not registered)... (30s)',
      'Waiting for "X" (not registered)... (1m0s)',
      'Waiting for "X" (not registered)... (1m30s)',
      'Waiting for "X"... (2m0s)',
      'Dependencies satisfied after 2m0s',
    ]);
  });

  it('requires `completed` exactly: started is not enough, and a failed dependency still counts', async () => {
    manager.register('A');
    const w = wait(['A']);
    manager.updateStatus('A', 'started');
    await vi.advanceTimersByTimeAsync(1);
    expect(w.outcome()).toBeUndefined();
    manager.updateStatus('A', 'completed');
    expect(await w.done).toBe('satisfied');
  });

  it('never polls: no manager reads between notifications except the heartbeat', async () => {
    manager.register('A');
    const reads = vi.spyOn(manager, 'unit');
    const w = waitForDependencies({ manager, sink, clock: systemClock, heartbeatMs: 3_600_000 }, ['A'], SOURCE, new AbortController().signal);
    const initialReads = reads.mock.calls.length;
    await vi.advanceTimersByTimeAsync(600_000);
    expect(reads.mock.calls.length).toBe(initialReads);
    manager.register('unrelated');
    expect(reads.mock.calls.length).toBeGreaterThan(initialReads);
    manager.updateStatus('A', 'completed');
    expect(await w).toBe('satisfied');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('is abandoned on abort, leaving no timer or listener behind', async () => {
    manager.register('A');
    const controller = new AbortController();
    const w = wait(['A'], controller.signal);
    await vi.advanceTimersByTimeAsync(10_000);
    controller.abort();
    expect(await w.done).toBe('abandoned');
    expect(vi.getTimerCount()).toBe(0);
    expect(sink.sent).toEqual([]);
  });

  it('formats the not-registered line', () => {
    expect(notRegisteredLine('X')).toBe('Dependency "X" is not registered; waiting for it to be registered and completed');
  });
});
