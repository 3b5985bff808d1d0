// A headless VT emulator (@xterm/headless) that turns the agent's output into
// the text screen the conversation engine reads. It never drops or reorders
// output, and a read always reflects everything received before it.
import xterm from '@xterm/headless';

const VSYNC_WAIT_MS = 16;
const VSYNC_MAX_RETRIES = 3;

export class TerminalScreen {
  private readonly term: xterm.Terminal;
  private lastOutputAt = 0;

  constructor(
    readonly cols: number,
    readonly rows: number,
  ) {
    // No scrollback: the screen is the visible buffer only, as upstream's emulator.
    this.term = new xterm.Terminal({ cols, rows, scrollback: 0, allowProposedApi: true });
  }

  /** Feeds agent output to the emulator, in arrival order. */
  feed(data: string): void {
    this.lastOutputAt = Date.now();
    this.term.write(data);
  }

  /** Resolves once every byte fed so far has been parsed. */
  flush(): Promise<void> {
    return new Promise((resolve) => this.term.write('', resolve));
  }

  /**
   * The screen after a "vsync": if output arrived in the last 16 ms, wait and
   * retry (at most 3 times) so a redraw in progress is not read half-done.
   */
  async read(): Promise<string> {
    for (let i = 0; i < VSYNC_MAX_RETRIES && Date.now() - this.lastOutputAt < VSYNC_WAIT_MS; i++) {
      await sleep(VSYNC_WAIT_MS);
    }
    await this.flush();
    return this.render();
  }

  /** Renders the visible rows, each padded to the terminal width, joined by `\n`. */
  render(): string {
    const buffer = this.term.buffer.active;
    const lines: string[] = new Array<string>(this.rows);
    for (let i = 0; i < this.rows; i++) {
      const line = buffer.getLine(buffer.baseY + i);
      // translateToString(false) pads empty cells with spaces and emits a wide
      // character once for its two cells, which is exactly the screen format.
      lines[i] = line ? line.translateToString(false) : ' '.repeat(this.cols);
    }
    return lines.join('\n');
  }

  dispose(): void {
    this.term.dispose();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
