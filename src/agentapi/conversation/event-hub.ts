// Fan-out of published events to SSE subscribers, each with a bounded queue.
// A subscriber that falls 1024 events behind is dropped, so one stuck client can
// never make the engine buffer without bound or slow other subscribers.

export const SUBSCRIBER_QUEUE_CAPACITY = 1024;

export class Subscription<E> {
  private readonly queue: E[] = [];
  private waiter: ((value: E | undefined) => void) | undefined;
  private closed = false;
  /** Replay events still at the head of the queue; they do not count against capacity. */
  private replayQueued = 0;

  constructor(
    private readonly capacity: number,
    private readonly onClose: (s: Subscription<E>) => void,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Queues the replay a subscriber starts with. It is exempt from the capacity:
   * a long conversation must not get a new subscriber dropped before it read
   * anything; the limit guards against falling behind on live events.
   */
  preload(events: readonly E[]): void {
    this.queue.push(...events);
    this.replayQueued += events.length;
  }

  /** Queues a live event; closes the subscription when it is already `capacity` events behind. */
  push(event: E): void {
    if (this.closed) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(event);
      return;
    }
    if (this.queue.length - this.replayQueued >= this.capacity) {
      this.close();
      return;
    }
    this.queue.push(event);
  }

  /** Resolves with the next event, or `undefined` once closed and drained of nothing. */
  next(): Promise<E | undefined> {
    const head = this.queue.shift();
    if (head !== undefined) {
      if (this.replayQueued > 0) this.replayQueued--;
      return Promise.resolve(head);
    }
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Ends the stream: queued events are discarded, a pending `next()` gets `undefined`. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.replayQueued = 0;
    const w = this.waiter;
    this.waiter = undefined;
    w?.(undefined);
    this.onClose(this);
  }
}

export class EventHub<E> {
  private readonly subscribers = new Set<Subscription<E>>();

  /**
   * @param replay builds the events a new subscriber sees first; it is called
   * synchronously inside subscribe(), so no published event can slip between
   * the replay and the live deltas.
   */
  constructor(
    private readonly replay: () => E[],
    private readonly capacity = SUBSCRIBER_QUEUE_CAPACITY,
  ) {}

  subscribe(): Subscription<E> {
    const sub = new Subscription<E>(this.capacity, (s) => this.subscribers.delete(s));
    this.subscribers.add(sub);
    sub.preload(this.replay());
    return sub;
  }

  publish(event: E): void {
    for (const sub of [...this.subscribers]) sub.push(event);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  closeAll(): void {
    for (const sub of [...this.subscribers]) sub.close();
  }
}
