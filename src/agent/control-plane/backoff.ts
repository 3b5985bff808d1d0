// Retry delays for talking to the control plane and to apps: 1 s doubling to
// 30 s (agent.md §3.2.1, §3.2.3, §3.5.2), and a sleep that an AbortSignal
// cuts short. It only counts and waits: it must never do I/O or decide what
// is worth retrying.

export interface BackoffTiming {
  /** First delay (default 1 s). */
  initialMs: number;
  /** Cap of the doubling (default 30 s). */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffTiming = { initialMs: 1_000, maxMs: 30_000 };

export class Backoff {
  private nextMs: number;

  constructor(private readonly timing: BackoffTiming = DEFAULT_BACKOFF) {
    this.nextMs = timing.initialMs;
  }

  /** The delay before the next attempt; each call doubles the one after it, up to the cap. */
  next(): number {
    const delay = this.nextMs;
    this.nextMs = Math.min(this.nextMs * 2, this.timing.maxMs);
    return delay;
  }

  /** After a success the next failure starts from the initial delay again. */
  reset(): void {
    this.nextMs = this.timing.initialMs;
  }
}

/** Resolves after `ms`, or early (without rejecting) once `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}
