// Reads a `text/event-stream` response body (fetch) into events: the control
// plane's command channel and a task app's AgentAPI `/events` both arrive this
// way. Parsing is the agent socket's SseReader (one SSE parser on the agent
// side); this adds UTF-8 decoding across chunks and an idle watchdog, so a
// silently dead connection is noticed. It never reconnects and never
// interprets events: its callers do.
import { SseReader, type SseEvent } from '../socket/sse-reader.js';

export type { SseEvent };

export interface ReadSseOptions {
  signal: AbortSignal;
  /** Give up when nothing (not even a `: ping` comment) arrived for this long; 0 = never. */
  idleTimeoutMs?: number;
}

export class SseIdleError extends Error {
  readonly code = 'SSE_IDLE';
  constructor(idleMs: number) {
    super(`no data on the event stream for ${idleMs} ms`);
    this.name = 'SseIdleError';
  }
}

/**
 * Calls `onEvent` for every complete event, in order. Resolves when the
 * server ends the stream; rejects on a network error, on abort, or with
 * SseIdleError when the watchdog fires.
 */
export async function readSseEvents(
  body: ReadableStream<Uint8Array>,
  onEvent: (event: SseEvent) => void,
  options: ReadSseOptions,
): Promise<void> {
  const { signal, idleTimeoutMs = 0 } = options;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseReader();
  let idle = false;
  let idleTimer: NodeJS.Timeout | undefined;
  const stop = (): void => void reader.cancel().catch(() => undefined);
  const arm = (): void => {
    if (idleTimeoutMs <= 0) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idle = true;
      stop();
    }, idleTimeoutMs);
  };
  signal.addEventListener('abort', stop, { once: true });
  try {
    if (signal.aborted) throw signal.reason;
    arm();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arm();
      for (const event of parser.push(decoder.decode(value, { stream: true }))) onEvent(event);
    }
    if (idle) throw new SseIdleError(idleTimeoutMs);
    if (signal.aborted) throw signal.reason;
  } finally {
    clearTimeout(idleTimer);
    signal.removeEventListener('abort', stop);
    stop();
  }
}
