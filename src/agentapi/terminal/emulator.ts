// The headless VT emulator (@xterm/headless) and the §4.1 screen rendering.
// Thread-agnostic: the emulator worker drives it, tests call it directly. It
// must never drop or reorder output, nor answer a request before the output
// written ahead of it is parsed.
import xterm from '@xterm/headless';

/**
 * Most output handed to xterm before it is parsed. xterm throws ("write data
 * discarded") past 50,000,000 unparsed characters; beyond this bound output
 * waits here, in order, instead.
 */
const MAX_UNPARSED_CHARS = 16 * 1024 * 1024;

export class Emulator {
  private readonly term: xterm.Terminal;
  private unparsedChars = 0;
  /** Output (strings) and parse waiters (functions) held back by MAX_UNPARSED_CHARS, in order. */
  private readonly held: Array<string | (() => void)> = [];

  constructor(
    readonly cols: number,
    readonly rows: number,
  ) {
    // No scrollback: the screen is the visible buffer only, as upstream's emulator.
    this.term = new xterm.Terminal({ cols, rows, scrollback: 0, allowProposedApi: true });
  }

  /** Queues agent output for parsing, after everything written before it. */
  write(data: string): void {
    if (this.held.length > 0 || this.unparsedChars >= MAX_UNPARSED_CHARS) this.held.push(data);
    else this.parse(data);
  }

  /** Calls `done` once everything written so far has been parsed. */
  whenParsed(done: () => void): void {
    if (this.held.length > 0) this.held.push(done);
    else this.term.write('', done);
  }

  /** Renders the visible rows, each padded to the terminal width, joined by `\n` (§4.1). */
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

  private parse(data: string): void {
    this.unparsedChars += data.length;
    this.term.write(data, () => {
      this.unparsedChars -= data.length;
      if (this.held.length > 0) this.releaseHeld();
    });
  }

  private releaseHeld(): void {
    while (this.unparsedChars < MAX_UNPARSED_CHARS) {
      const next = this.held.shift();
      if (next === undefined) return;
      if (typeof next === 'string') this.parse(next);
      else this.term.write('', next);
    }
  }
}
