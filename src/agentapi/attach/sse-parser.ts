// Incremental parser for a `text/event-stream` body (WHATWG "event stream
// interpretation"), fed raw byte chunks as they arrive, so frames split at any
// byte (inside a UTF-8 character, between CR and LF) come out whole. It must
// never buffer more than one event's worth of bytes (a bigger event is an
// error, not an ever-growing buffer), and never do I/O or reconnect: `id:` and
// `retry:` are parsed away and ignored.
//
// No parser library is installed (hono only writes SSE), and the format is
// small, so it lives here.

/** Upstream's `MaxEventSize`: a screen of the default 80x1000 terminal is > 80 000 bytes. */
export const MAX_SSE_EVENT_BYTES = 256 * 1024;

export interface SseMessage {
  /** The `event:` field; `message` when the event had none. */
  event: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
}

export type SseParseErrorCode = 'event_too_large';

export class SseParseError extends Error {
  constructor(
    readonly code: SseParseErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SseParseError';
  }
}

export interface SseParserOptions {
  /** Called for every complete event, in stream order. */
  onEvent(message: SseMessage): void;
  /**
   * Limit on one event's bytes: its lines with their terminators (field
   * names, comments and the pending incomplete line included), not the blank
   * line that ends it. An event of exactly this size is accepted.
   */
  maxEventBytes?: number;
}

const LF = 0x0a;
const CR = 0x0d;
const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

export class SseParser {
  private readonly maxEventBytes: number;
  private readonly onEvent: (message: SseMessage) => void;
  // ignoreBOM: only the stream's very first line may lose a BOM (handled below).
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  /** Bytes of the current, not yet terminated line. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes of the completed lines of the event being collected. */
  private eventBytes = 0;
  private eventType = '';
  private dataLines: string[] = [];
  /** The previous chunk ended in CR: an LF starting the next one completes that CRLF. */
  private skipLeadingLf = false;
  private atStreamStart = true;
  private failure: SseParseError | undefined;

  constructor(options: SseParserOptions) {
    this.onEvent = options.onEvent;
    this.maxEventBytes = options.maxEventBytes ?? MAX_SSE_EVENT_BYTES;
  }

  /**
   * Parses one chunk, calling `onEvent` for each event it completes. Throws
   * SseParseError (then and on every later call) once an event is too large.
   */
  push(chunk: Uint8Array): void {
    if (this.failure) throw this.failure;
    let start = 0;
    if (this.skipLeadingLf && chunk.length > 0) {
      this.skipLeadingLf = false;
      if (chunk[0] === LF) start = 1;
    }
    for (let i = start; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte !== LF && byte !== CR) continue;
      let terminatorBytes = 1;
      if (byte === CR) {
        if (i + 1 === chunk.length) this.skipLeadingLf = true;
        else if (chunk[i + 1] === LF) terminatorBytes = 2;
      }
      this.takeLine(chunk.subarray(start, i), terminatorBytes);
      i += terminatorBytes - 1;
      start = i + 1;
    }
    if (start < chunk.length) {
      // Buffer.from copies: the caller may reuse its chunk's memory.
      this.pending.push(Buffer.from(chunk.subarray(start)));
      this.pendingBytes += chunk.length - start;
      this.checkSize();
    }
  }

  private takeLine(tail: Uint8Array, terminatorBytes: number): void {
    let bytes: Uint8Array = tail;
    if (this.pending.length > 0) {
      bytes = Buffer.concat([...this.pending, tail]);
      this.pending = [];
      this.pendingBytes = 0;
    }
    if (this.atStreamStart) {
      this.atStreamStart = false;
      if (UTF8_BOM.every((b, i) => bytes[i] === b)) bytes = bytes.subarray(UTF8_BOM.length);
    }
    if (bytes.length === 0) {
      this.dispatch();
      return;
    }
    this.eventBytes += bytes.length + terminatorBytes;
    this.checkSize();
    this.processField(this.decoder.decode(bytes));
  }

  private processField(line: string): void {
    if (line.startsWith(':')) return; // comment
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.eventType = value;
    else if (field === 'data') this.dataLines.push(value);
    // `id`, `retry` and unknown fields are ignored.
  }

  private dispatch(): void {
    const hadData = this.dataLines.length > 0;
    const message: SseMessage = { event: this.eventType === '' ? 'message' : this.eventType, data: this.dataLines.join('\n') };
    this.eventType = '';
    this.dataLines = [];
    this.eventBytes = 0;
    // A block without any data line is not an event (WHATWG).
    if (hadData) this.onEvent(message);
  }

  private checkSize(): void {
    if (this.eventBytes + this.pendingBytes <= this.maxEventBytes) return;
    this.pending = [];
    this.dataLines = [];
    this.failure = new SseParseError('event_too_large', `event exceeds the limit of ${this.maxEventBytes} bytes`);
    throw this.failure;
  }
}
