// An in-memory AgentTerminal for engine tests: the test sets the screen and
// sees every write with its time. Not used outside tests.
import type { AgentTerminal } from './terminal-port.js';

export interface RecordedWrite {
  data: string;
  at: number;
}

export class FakeTerminal implements AgentTerminal {
  screen = '';
  readonly writes: RecordedWrite[] = [];
  /** Lets a test react to input, e.g. redraw when Enter is pressed. */
  onWrite: ((data: string) => void) | undefined;
  private readonly listeners = new Set<() => void>();

  setScreen(screen: string): void {
    this.screen = screen;
    for (const l of this.listeners) l();
  }

  readScreen(): Promise<string> {
    return Promise.resolve(this.screen);
  }

  write(data: string): void {
    this.writes.push({ data, at: Date.now() });
    this.onWrite?.(data);
  }

  onOutput(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  writesOf(data: string): RecordedWrite[] {
    return this.writes.filter((w) => w.data === data);
  }
}
