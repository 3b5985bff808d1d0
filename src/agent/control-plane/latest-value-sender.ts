// Delivery of reports where only the newest value matters (unit snapshots,
// app health, task app status): one delivery at a time, so reports never
// overtake each other; values that arrive while one is in flight are merged
// into a single pending value and sent next. It never retries by itself (the
// `deliver` function does) and never drops a value silently: every caller's
// promise settles with the delivery that covered its value.

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

export class LatestValueSender<T> {
  private pending: { value: T; waiters: Waiter[] } | undefined;
  private sending: Promise<void> | undefined;

  /**
   * @param deliver sends one value (retrying as its policy says); a rejection fails the callers it covered.
   * @param merge combines a pending value with a newer one (default: the newer one wins).
   */
  constructor(
    private readonly deliver: (value: T) => Promise<void>,
    private readonly merge: (older: T, newer: T) => T = (_older, newer) => newer,
  ) {}

  /** Resolves once `value`, or a newer value merged over it, has been delivered. */
  send(value: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.pending) {
        this.pending.value = this.merge(this.pending.value, value);
        this.pending.waiters.push({ resolve, reject });
      } else {
        this.pending = { value, waiters: [{ resolve, reject }] };
      }
      this.sending ??= this.drain();
    });
  }

  /** Resolves when nothing is pending or in flight. */
  async idle(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending) {
        const { value, waiters } = this.pending;
        this.pending = undefined;
        try {
          await this.deliver(value);
          for (const w of waiters) w.resolve();
        } catch (err) {
          for (const w of waiters) w.reject(err);
        }
      }
    } finally {
      this.sending = undefined;
    }
  }
}
