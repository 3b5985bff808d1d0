// Forwards local keyboard input to the agent in the order it was typed: one
// raw POST per chunk, never two in flight, so bytes cannot overtake each
// other. Ctrl+C (`\x03`) is the detach key: it and everything after it in its
// chunk are never sent (the agent must not see the user's way out).
// Must never read the terminal itself or decide what detaching does.

export const DETACH_BYTE = '\x03';

export type InputVerdict = 'forwarded' | 'detach';

export class RawInputForwarder {
  private tail: Promise<void> = Promise.resolve();
  private stopped = false;
  private failed = false;

  /**
   * `send` posts one chunk; `onSendError` hears about the first failure,
   * after which nothing more is sent (later bytes would arrive out of context).
   */
  constructor(
    private readonly send: (content: string) => Promise<void>,
    private readonly onSendError: (err: unknown) => void,
  ) {}

  /** Queues the bytes of `chunk` before any Ctrl+C; says whether the user asked to detach. */
  accept(chunk: string): InputVerdict {
    if (this.stopped) return 'detach';
    const at = chunk.indexOf(DETACH_BYTE);
    const forwarded = at === -1 ? chunk : chunk.slice(0, at);
    if (forwarded !== '') this.enqueue(forwarded);
    if (at === -1) return 'forwarded';
    this.stopped = true;
    return 'detach';
  }

  /** Resolves when everything queued so far has been sent (or has failed). */
  drained(): Promise<void> {
    return this.tail;
  }

  private enqueue(content: string): void {
    this.tail = this.tail.then(async () => {
      if (this.failed) return;
      try {
        await this.send(content);
      } catch (err) {
        this.failed = true;
        this.onSendError(err);
      }
    });
  }
}
