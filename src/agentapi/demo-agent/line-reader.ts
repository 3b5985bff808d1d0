// Reads the demo agent's input line by line (spec §10.3). Lines end at `\n`
// (the PTY's icrnl turns the `\r` agentapi sends into `\n`); a `\r` before
// the `\n` is dropped and a last unterminated line is returned at end of
// input, like Go's bufio.ScanLines. Lines that arrive while nobody is waiting
// are queued in order. It must never clean or interpret a line, and must never
// change the terminal mode.
//
// Why the PTY stays in cooked mode with echo on: the kernel then does the line
// editing and delivers whole lines, and it echoes the typed bytes (shown as
// `x^H^[[200~hello^[[201~`) before the `\r` arrives. agentapi's send procedure
// (§5.7.3 phase 1) waits for exactly that screen change before it writes `\r`;
// without echo every message would wait for the 2 s echo timeout instead.
// The echoed bytes never reach the transcript: the redraw after the line
// clears the screen.
import { StringDecoder } from 'node:string_decoder';

/** Where the conversation takes its lines from; `null` means end of input. */
export interface LineSource {
  next(): Promise<string | null>;
}

/** Splits a stream of text into lines; pure bookkeeping, no I/O. */
export class LineSplitter {
  private pending = '';

  /** Adds text and returns the lines it completed. */
  push(text: string): string[] {
    const parts = (this.pending + text).split('\n');
    this.pending = parts.pop() ?? '';
    return parts.map(dropCarriageReturn);
  }

  /** At end of input: the unterminated rest, if any. */
  flush(): string | null {
    const rest = this.pending;
    this.pending = '';
    return rest === '' ? null : dropCarriageReturn(rest);
  }
}

function dropCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

export class LineReader implements LineSource {
  private readonly splitter = new LineSplitter();
  private readonly decoder = new StringDecoder('utf8');
  private readonly queued: string[] = [];
  private readonly waiting: ((line: string | null) => void)[] = [];
  private ended = false;

  private readonly onData = (chunk: Buffer | string): void => {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    for (const line of this.splitter.push(text)) this.deliver(line);
  };

  // A read error (EIO once the PTY is gone) means no more input, like EOF.
  private readonly onEnd = (): void => {
    if (this.ended) return;
    for (const line of this.splitter.push(this.decoder.end())) this.deliver(line);
    const rest = this.splitter.flush();
    if (rest !== null) this.deliver(rest);
    this.ended = true;
    for (const resolve of this.waiting.splice(0)) resolve(null);
  };

  constructor(private readonly input: NodeJS.ReadableStream) {
    input.on('data', this.onData);
    input.on('end', this.onEnd);
    input.on('error', this.onEnd);
  }

  next(): Promise<string | null> {
    const line = this.queued.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Stops reading; pending next() calls resolve with `null`. */
  close(): void {
    this.input.off('data', this.onData);
    this.input.off('end', this.onEnd);
    this.input.off('error', this.onEnd);
    this.input.pause();
    this.ended = true;
    for (const resolve of this.waiting.splice(0)) resolve(null);
  }

  private deliver(line: string): void {
    const resolve = this.waiting.shift();
    if (resolve) resolve(line);
    else this.queued.push(line);
  }
}
