// Script timings (agent.md §2.4.8): the status of a finished run, by priority
// timed_out → pipes_left_open → exit_failure → ok, and their asynchronous
// delivery — retried with backoff for up to 30 s, never blocking the script,
// awaited by close(). It must never throw at its caller: a lost report is
// logged, not propagated.
import type { Logger } from 'pino';
import type { ScriptTiming, TimingStatus } from '../../protocol/agent-reports.js';
import type { TimingReporter } from './collaborators.js';
import { errorText, isScriptError } from './errors.js';

export function timingStatus(exitCode: number, error: unknown): TimingStatus {
  if (isScriptError(error, 'SCRIPT_TIMED_OUT')) return 'timed_out';
  if (isScriptError(error, 'PIPES_LEFT_OPEN')) return 'pipes_left_open';
  if (exitCode !== 0) return 'exit_failure';
  return 'ok';
}

export interface TimingDeliveryOptions {
  reporter: TimingReporter;
  logger: Logger;
  /** How long one timing may be retried (default 30 s). */
  windowMs: number;
  /** First retry delay, doubled after each failure (default 1 s). */
  initialBackoffMs: number;
}

export class TimingDelivery {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: TimingDeliveryOptions) {}

  /** Starts delivering `timing` in the background. */
  dispatch(timing: ScriptTiming): void {
    const delivery = this.deliver(timing).finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  /** Resolves once every dispatched timing was delivered or given up on. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async deliver(timing: ScriptTiming): Promise<void> {
    const { reporter, logger, windowMs } = this.options;
    const deadline = Date.now() + windowMs;
    const window = new AbortController();
    const windowTimer = setTimeout(() => window.abort(new Error('script timing report window elapsed')), windowMs);
    let backoff = this.options.initialBackoffMs;
    let lastError: unknown;
    try {
      for (;;) {
        const attempt = await settleWithin(
          (async () => reporter.report(timing, window.signal))(),
          window.signal,
        );
        if (attempt.ok) return;
        lastError = attempt.error;
        const wait = Math.min(backoff, deadline - Date.now());
        if (wait <= 0 || window.signal.aborted) break;
        await sleep(wait, window.signal);
        if (window.signal.aborted) break;
        backoff *= 2;
      }
      logger.error({ script_id: timing.script_id, error: errorText(lastError) }, 'reporting script completed failed');
    } finally {
      clearTimeout(windowTimer);
    }
  }
}

type Attempt = { ok: true } | { ok: false; error: unknown };

/** The report's outcome, or a failure as soon as the window closes (a hung reporter must not hold close()). */
function settleWithin(report: Promise<void>, window: AbortSignal): Promise<Attempt> {
  return new Promise((resolve) => {
    const onAbort = (): void => resolve({ ok: false, error: window.reason });
    if (window.aborted) onAbort();
    window.addEventListener('abort', onAbort, { once: true });
    report.then(
      () => resolve({ ok: true }),
      (error: unknown) => resolve({ ok: false, error }),
    ).finally(() => window.removeEventListener('abort', onAbort));
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
