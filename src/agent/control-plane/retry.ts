// The retry policy of agent.md §3.2.1 for every exchange with the control
// plane: network failures, 5xx and 401 (the server may still be recording
// the build that issued the token) are retried with backoff 1 s doubling to
// 30 s; any other status is final. It also owns the agent-wide 401 clock:
// once 401s have persisted for 5 minutes with no other answer in between, the
// token is rejected for good — every pending and later request fails with
// `agent token rejected` and `onFatal` fires once. It never builds requests
// or reads bodies; the caller's `attempt` does that.
import type { Logger } from 'pino';
import { Backoff, DEFAULT_BACKOFF, sleep, type BackoffTiming } from './backoff.js';
import { clientClosed, ControlPlaneError, errorText, tokenRejected } from './errors.js';
import { describeStatus, type Exchange } from './transport.js';

export interface RetryTiming {
  backoff: BackoffTiming;
  /** How long 401s may persist before the token counts as rejected (default 5 min). */
  tokenRejectedAfterMs: number;
}

export const DEFAULT_RETRY_TIMING: RetryTiming = { backoff: DEFAULT_BACKOFF, tokenRejectedAfterMs: 5 * 60_000 };

export interface RetrierOptions {
  timing: RetryTiming;
  logger: Logger;
  /** Called once when the token is rejected for good. */
  onFatal: (error: ControlPlaneError) => void;
  /** Milliseconds clock for the 401 window (tests inject one). */
  now?: () => number;
}

export interface RunOptions {
  /** The caller's own cancellation (e.g. the runner's timing window). */
  signal?: AbortSignal;
  /** Give up with NOT_DELIVERED when the next attempt would start after this many ms. */
  budgetMs?: number;
}

const isSuccess = (status: number): boolean => status >= 200 && status < 300;
const isTransient = (status: number): boolean => status === 401 || status >= 500;

export class Retrier {
  /** Aborted when the client dies: token rejected or closed. Every wait listens to it. */
  private readonly dead = new AbortController();
  private unauthorizedSince: number | undefined;
  private readonly now: () => number;

  constructor(private readonly options: RetrierOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Aborted (with the fatal or closing error as reason) once no request may be made any more. */
  get signal(): AbortSignal {
    return this.dead.signal;
  }

  /**
   * Feeds the 401 clock with the status of any exchange, streams included.
   * Any answer other than 401 proves the token is accepted and resets it.
   */
  noteStatus(status: number): void {
    if (status !== 401) {
      this.unauthorizedSince = undefined;
      return;
    }
    const now = this.now();
    this.unauthorizedSince ??= now;
    if (now - this.unauthorizedSince >= this.options.timing.tokenRejectedAfterMs) this.die(tokenRejected());
  }

  /** Milliseconds until persisting 401s turn fatal; undefined while the token is accepted. */
  untilTokenRejected(): number | undefined {
    if (this.unauthorizedSince === undefined) return undefined;
    return Math.max(0, this.unauthorizedSince + this.options.timing.tokenRejectedAfterMs - this.now());
  }

  /** Stops every pending and future request with `reason` (default: client closed). */
  close(reason: ControlPlaneError = clientClosed()): void {
    this.die(reason, false);
  }

  /**
   * Runs `attempt` until it yields a 2xx (resolved) or a final status
   * (REQUEST_REJECTED). Rejects with the fatal/closing error once the client
   * dies, with the caller's abort reason when its signal aborts, and with
   * NOT_DELIVERED when the budget runs out.
   */
  async run(what: string, attempt: (signal: AbortSignal) => Promise<Exchange>, options: RunOptions = {}): Promise<Exchange> {
    const signals = [this.dead.signal, ...(options.signal ? [options.signal] : [])];
    const signal = signals.length === 1 ? this.dead.signal : AbortSignal.any(signals);
    const backoff = new Backoff(this.options.timing.backoff);
    const started = this.now();
    for (;;) {
      this.throwIfStopped(options.signal);
      let failure: string;
      let unauthorized = false;
      try {
        const exchange = await attempt(signal);
        this.noteStatus(exchange.status);
        this.throwIfStopped(options.signal);
        if (isSuccess(exchange.status)) return exchange;
        if (!isTransient(exchange.status)) {
          throw new ControlPlaneError('REQUEST_REJECTED', describeStatus(what, exchange), { status: exchange.status });
        }
        unauthorized = exchange.status === 401;
        failure = describeStatus(what, exchange);
      } catch (err) {
        if (err instanceof ControlPlaneError) throw err;
        this.throwIfStopped(options.signal);
        failure = `${what}: ${errorText(err)}`;
      }
      let delay = backoff.next();
      // Retry a 401 right at the end of the window, so rejection is decided on time.
      const untilRejected = unauthorized ? this.untilTokenRejected() : undefined;
      if (untilRejected !== undefined) delay = Math.min(delay, untilRejected);
      if (options.budgetMs !== undefined && this.now() + delay - started > options.budgetMs) {
        throw new ControlPlaneError('NOT_DELIVERED', `${failure} (gave up after ${this.now() - started} ms)`);
      }
      this.options.logger.warn({ error: failure, retry_in_ms: delay }, 'control plane request failed; retrying');
      await sleep(delay, signal);
    }
  }

  private throwIfStopped(callerSignal: AbortSignal | undefined): void {
    if (this.dead.signal.aborted) throw this.dead.signal.reason as ControlPlaneError;
    if (callerSignal?.aborted) throw callerSignal.reason;
  }

  private die(reason: ControlPlaneError, fatal = true): void {
    if (this.dead.signal.aborted) return;
    this.dead.abort(reason);
    if (fatal) this.options.onFatal(reason);
  }
}
