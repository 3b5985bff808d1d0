// The `GET /api/v1/sync/watch` event streams (spec agent.md §4.2): one
// `event: change` with the current sequence number as soon as a client
// connects, one per manager mutation after that, and a `: ping` comment every
// 15 s so idle connections stay observable. Owns its manager subscription and
// every stream's ping timer; it must never mutate the manager.
import type { ServerResponse } from 'node:http';
import type { UnitManagerApi } from '../units/types.js';
import { WATCH_EVENT } from './protocol.js';

export const DEFAULT_PING_INTERVAL_MS = 15_000;

interface OpenStream {
  res: ServerResponse;
  pingTimer: NodeJS.Timeout;
}

export class WatchStreams {
  /** Mutations seen since this server started; clients only compare values. */
  private seq = 0;
  private readonly streams = new Set<OpenStream>();
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(
    manager: UnitManagerApi,
    private readonly pingIntervalMs: number = DEFAULT_PING_INTERVAL_MS,
  ) {
    this.unsubscribe = manager.subscribe(() => {
      this.seq++;
      for (const stream of this.streams) this.sendChange(stream.res);
    });
  }

  get openCount(): number {
    return this.streams.size;
  }

  /** Starts an event stream on `res`; it lasts until the client leaves or closeAll(). */
  open(res: ServerResponse): void {
    if (this.closed) {
      res.writeHead(503, { 'Content-Type': 'application/json' }).end('{"error":"socket server is shutting down"}\n');
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    const stream: OpenStream = {
      res,
      pingTimer: setInterval(() => res.write(': ping\n\n'), this.pingIntervalMs),
    };
    this.streams.add(stream);
    res.once('close', () => this.forget(stream));
    this.sendChange(res);
  }

  /** Ends every stream and stops listening to the manager. Idempotent. */
  closeAll(): void {
    if (!this.closed) this.unsubscribe();
    this.closed = true;
    for (const stream of [...this.streams]) {
      this.forget(stream);
      stream.res.end();
    }
  }

  private sendChange(res: ServerResponse): void {
    res.write(`event: ${WATCH_EVENT}\ndata: ${JSON.stringify({ seq: this.seq })}\n\n`);
  }

  private forget(stream: OpenStream): void {
    clearInterval(stream.pingTimer);
    this.streams.delete(stream);
  }
}
