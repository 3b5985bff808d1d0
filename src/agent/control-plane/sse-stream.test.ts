import { describe, expect, it } from 'vitest';
import { readSseEvents, SseIdleError, type SseEvent } from './sse-stream.js';

function streamOf(chunks: (string | Uint8Array)[], keepOpen = false): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(typeof c === 'string' ? encoder.encode(c) : c);
      if (!keepOpen) controller.close();
    },
  });
}

describe('readSseEvents', () => {
  it('yields events across chunk borders (even inside a UTF-8 character) and skips comments', async () => {
    const euro = new TextEncoder().encode('€'); // 3 bytes
    const events: SseEvent[] = [];
    await readSseEvents(
      streamOf([': ping\n\nevent: shut', 'down\ndata: {"a":"', euro.subarray(0, 1), euro.subarray(1), '"}\r\n\r\n', 'data: x\n\n']),
      (e) => events.push(e),
      { signal: new AbortController().signal },
    );
    expect(events).toEqual([
      { event: 'shutdown', data: '{"a":"€"}' },
      { event: 'message', data: 'x' },
    ]);
  });

  it('gives up with SseIdleError when nothing arrives', async () => {
    const started = Date.now();
    await expect(readSseEvents(streamOf([': ping\n\n'], true), () => {}, { signal: new AbortController().signal, idleTimeoutMs: 100 })).rejects.toBeInstanceOf(
      SseIdleError,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('rejects with the abort reason', async () => {
    const abort = new AbortController();
    const reading = readSseEvents(streamOf([], true), () => {}, { signal: abort.signal });
    abort.abort(new Error('closed'));
    await expect(reading).rejects.toThrow('closed');
  });
});
