// Incremental parser for the text/event-stream the agent socket's watch
// endpoint sends: feed it chunks, get complete events back. Pure and
// synchronous — it must never do I/O or import anything, because the
// `taskyard sync` CLI loads it on every call.

export interface SseEvent {
  /** `message` when the event had no `event:` field (SSE default). */
  event: string;
  data: string;
}

export class SseReader {
  private buffer = '';
  private eventName = '';
  private dataLines: string[] = [];

  /** Complete events contained in `text` (plus what earlier chunks left over). */
  push(text: string): SseEvent[] {
    this.buffer += text;
    const events: SseEvent[] = [];
    for (let newline = this.buffer.search(/\r\n|\r|\n/); newline >= 0; newline = this.buffer.search(/\r\n|\r|\n/)) {
      // A lone trailing \r might be half of \r\n: wait for the next chunk.
      if (this.buffer[newline] === '\r' && newline === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, newline);
      const width = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      this.buffer = this.buffer.slice(newline + width);
      const event = this.line(line);
      if (event !== undefined) events.push(event);
    }
    return events;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') {
      const event = this.dataLines.length > 0 ? { event: this.eventName || 'message', data: this.dataLines.join('\n') } : undefined;
      this.eventName = '';
      this.dataLines = [];
      return event;
    }
    if (line.startsWith(':')) return undefined; // comment, e.g. `: ping`
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.eventName = value;
    else if (field === 'data') this.dataLines.push(value);
    return undefined;
  }
}
