// Waiting for a start script's dependencies (agent.md §2.8.3–§2.8.4): until
// every dependency unit is `completed`, re-checked ONLY on the manager's change
// notification (never polled), with a heartbeat line per unmet dependency in
// the script's log stream and a closing `Dependencies satisfied after …`.
// No deadline; abandoned when `signal` aborts. It must never change a unit.
import type { UnitManagerApi } from '../units/types.js';
import type { Clock, LogSink } from './collaborators.js';
import { formatGoDuration, roundToSeconds } from './go-duration.js';
import { sendStreamLine } from './script-output.js';

export interface DependencyWaitContext {
  manager: UnitManagerApi;
  sink: LogSink;
  clock: Clock;
  /** Interval of the `Waiting for …` lines (default 30 s). */
  heartbeatMs: number;
}

export type DependencyWaitOutcome = 'satisfied' | 'abandoned';

export function notRegisteredLine(dep: string): string {
  return `Dependency ${JSON.stringify(dep)} is not registered; waiting for it to be registered and completed`;
}

export function waitForDependencies(
  ctx: DependencyWaitContext,
  dependencies: readonly string[],
  logSourceId: string,
  signal: AbortSignal,
): Promise<DependencyWaitOutcome> {
  const { manager, sink, clock } = ctx;
  const unmet = (): string[] => dependencies.filter((dep) => manager.unit(dep).status !== 'completed');
  if (signal.aborted) return Promise.resolve('abandoned');

  return new Promise((resolve) => {
    const startedAt = clock.now().getTime();
    const elapsed = (): string => formatGoDuration(roundToSeconds(clock.now().getTime() - startedAt));
    const timer: { heartbeat?: NodeJS.Timeout } = {};
    let finished = false;

    const finish = (outcome: DependencyWaitOutcome, waited: boolean): void => {
      if (finished) return;
      finished = true;
      unsubscribe();
      clearInterval(timer.heartbeat);
      signal.removeEventListener('abort', onAbort);
      if (outcome === 'satisfied' && waited) {
        sendStreamLine(sink, logSourceId, clock, `Dependencies satisfied after ${elapsed()}`);
      }
      resolve(outcome);
    };
    const onAbort = (): void => finish('abandoned', true);
    // Subscribe before the first read, so no change between the two is missed.
    const unsubscribe = manager.subscribe(() => {
      if (unmet().length === 0) finish('satisfied', true);
    });

    if (unmet().length === 0) {
      finish('satisfied', false);
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    timer.heartbeat = setInterval(() => {
      const since = elapsed();
      for (const dep of unmet()) {
        const registered = manager.unit(dep).status !== '';
        const subject = registered ? JSON.stringify(dep) : `${JSON.stringify(dep)} (not registered)`;
        sendStreamLine(sink, logSourceId, clock, `Waiting for ${subject}... (${since})`);
      }
    }, ctx.heartbeatMs);
  });
}
