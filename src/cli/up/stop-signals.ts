// What a stop signal (SIGINT/SIGTERM/SIGHUP) received by `taskyard up` means.
// A terminal's Ctrl+C reaches every process of the foreground group, and
// some npm versions forward it to their child once more, so one key press
// can arrive twice within milliseconds: repeats inside `duplicateWindowMs` of
// the first are the same request. A later signal is the user pressing
// Ctrl+C again: stop faster. Pure (the clock is injected); it never signals anything.

export type StopAction =
  /** First request: pause the tasks, then stop the server. */
  | 'stop'
  /** The same key press delivered twice: nothing to do. */
  | 'duplicate'
  /** A second request: stop waiting for the pauses. */
  | 'force'
  /** Already forcing: the server is stopping PostgreSQL; nothing faster is safe. */
  | 'still_stopping';

export class StopSignals {
  private firstAt: number | undefined;
  private forced = false;

  constructor(
    private readonly duplicateWindowMs = 500,
    private readonly now: () => number = Date.now,
  ) {}

  next(): StopAction {
    const at = this.now();
    if (this.firstAt === undefined) {
      this.firstAt = at;
      return 'stop';
    }
    if (!this.forced && at - this.firstAt < this.duplicateWindowMs) return 'duplicate';
    if (this.forced) return 'still_stopping';
    this.forced = true;
    return 'force';
  }
}
