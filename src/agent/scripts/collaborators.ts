// The small interfaces through which the script runner talks to the rest of
// the agent: where output lines go, where timings go, and what time it is.
// The agent (composition root) supplies real ones; tests supply recorders.
// Types and the system clock only: this file must never hold behaviour that
// reaches the network or a global.
import type { LogEntry, ScriptTiming } from '../../protocol/agent-reports.js';

/**
 * Receives script output lines, tagged with their log source. Batching and
 * sending to the control plane are the sink's business; `send` must not block
 * or throw (a failing sink must never fail a script).
 */
export interface LogSink {
  send(logSourceId: string, entry: LogEntry): void;
}

/**
 * Delivers one script timing to the control plane. A rejection means "try
 * again": the runner retries until its report window (30 s) ends, then aborts
 * `signal` so a reporter with its own retries can stop too.
 */
export interface TimingReporter {
  report(timing: ScriptTiming, signal: AbortSignal): Promise<void>;
}

/** Wall-clock source for timestamps and elapsed times; timers stay Node's own. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
