// Server-Sent Events responses fed from an EventHub subscription (§3.9, §3.10).
// The body is a pull stream: the next event is taken from the subscription
// only when the socket has accepted the previous one, so a client that stops
// reading leaves events queued in its own subscription (dropped at 1024 by the
// hub) and never in this process's socket buffers. It must never write
// `id:`/`retry:`/comments, and never keep a stream whose write has been
// pending for longer than the write timeout.
import type { Subscription } from '../conversation/event-hub.js';
import { stringifyGoJson } from '../go-json.js';

export const SSE_WRITE_TIMEOUT_MS = 5_000;

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-store, must-revalidate',
  Pragma: 'no-cache',
  Expires: '0',
  'X-Accel-Buffering': 'no',
  'X-Proxy-Buffering': 'no',
  Connection: 'keep-alive',
};

export interface SseEvent {
  type: string;
  data: unknown;
}

/** `event: <name>\ndata: <single-line JSON>\n\n`. */
export function formatSseFrame(event: SseEvent): string {
  return `event: ${event.type}\ndata: ${stringifyGoJson(event.data)}\n\n`;
}

interface OpenStream {
  end(): void;
}

/** The open streams of one app, so that stopping the server can end them all. */
export class SseStreamSet {
  private readonly streams = new Set<OpenStream>();

  add(stream: OpenStream): void {
    this.streams.add(stream);
  }

  delete(stream: OpenStream): void {
    this.streams.delete(stream);
  }

  get size(): number {
    return this.streams.size;
  }

  /** Ends every stream gracefully (the final chunk is sent when the socket takes it). */
  endAll(): void {
    for (const s of [...this.streams]) s.end();
  }
}

export interface SseStreamOptions {
  streams: SseStreamSet;
  writeTimeoutMs: number;
  /**
   * Called when a write stalled past the timeout; should tear the connection
   * down. Without it the body is closed, which only ends once the socket drains.
   */
  onWriteTimeout?: (() => void) | undefined;
  /** Called once when the stream is over, whatever the reason. */
  onEnd?: (reason: 'client_closed' | 'dropped' | 'write_timeout' | 'server_shutdown') => void;
}

export function sseResponse<E extends SseEvent>(
  subscription: Subscription<E>,
  toWire: (event: E) => SseEvent,
  options: SseStreamOptions,
): Response {
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let writeTimer: NodeJS.Timeout | undefined;
  let finished = false;

  const handle: OpenStream = { end: () => finish('server_shutdown', true) };

  function finish(reason: Parameters<NonNullable<SseStreamOptions['onEnd']>>[0], closeBody: boolean): void {
    if (finished) return;
    finished = true;
    clearTimeout(writeTimer);
    subscription.close();
    options.streams.delete(handle);
    if (closeBody) {
      try {
        controller?.close();
      } catch {
        // Already closed or cancelled: nothing left to end.
      }
    }
    options.onEnd?.(reason);
  }

  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      async pull(c) {
        // A pull means the previous chunk was handed to the socket.
        clearTimeout(writeTimer);
        const event = await subscription.next();
        if (finished) return;
        if (event === undefined) {
          finish('dropped', true);
          return;
        }
        c.enqueue(encoder.encode(formatSseFrame(toWire(event))));
        writeTimer = setTimeout(() => {
          finish('write_timeout', options.onWriteTimeout === undefined);
          options.onWriteTimeout?.();
        }, options.writeTimeoutMs);
      },
      cancel() {
        finish('client_closed', false);
      },
    },
    // Pull only when the consumer asks, so the write timer measures the socket.
    { highWaterMark: 0 },
  );
  options.streams.add(handle);
  return new Response(body, { status: 200, headers: SSE_HEADERS });
}
