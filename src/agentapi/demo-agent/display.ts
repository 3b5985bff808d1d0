// The demo agent's display: writes the screen protocol of transcript.ts to the
// terminal and owns the spinner timer while the agent "thinks". It must never
// decide what the transcript contains (the conversation does) and must never
// write after close().
import {
  renderScreen,
  renderSpinnerFrame,
  SPINNER_CLEAR,
  SPINNER_INTERVAL_MS,
  type Transcript,
} from './transcript.js';

export interface TerminalOutput {
  write(chunk: string): unknown;
}

export class Display {
  private spinner: NodeJS.Timeout | undefined;
  private thinkTimer: NodeJS.Timeout | undefined;
  private finishThinking: (() => void) | undefined;
  private closed = false;

  constructor(private readonly out: TerminalOutput) {}

  /** Redraws the transcript followed by the idle prompt. */
  showIdle(transcript: Transcript): void {
    this.write(renderScreen(transcript, 'idle'));
  }

  /**
   * Shows `Thinking... ` with a spinner for `durationMs`, then clears the
   * spinner line. Does nothing for a duration ≤ 0. The caller redraws after.
   */
  async think(transcript: Transcript, durationMs: number): Promise<void> {
    if (durationMs <= 0 || this.closed) return;
    this.write(renderScreen(transcript, 'thinking'));
    let tick = 0;
    this.spinner = setInterval(() => this.write(renderSpinnerFrame(tick++)), SPINNER_INTERVAL_MS);
    await new Promise<void>((resolve) => {
      this.finishThinking = resolve;
      this.thinkTimer = setTimeout(resolve, durationMs);
    });
    this.stopTimers();
    this.write(SPINNER_CLEAR);
  }

  /** Stops the spinner, ends a pending think() and drops all later writes. */
  close(): void {
    this.closed = true;
    const finish = this.finishThinking;
    this.stopTimers();
    finish?.();
  }

  private stopTimers(): void {
    clearInterval(this.spinner);
    clearTimeout(this.thinkTimer);
    this.spinner = undefined;
    this.thinkTimer = undefined;
    this.finishThinking = undefined;
  }

  private write(chunk: string): void {
    if (!this.closed) this.out.write(chunk);
  }
}
