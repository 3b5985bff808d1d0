import { afterEach, describe, expect, it } from 'vitest';
import { formatSseFrame, SSE_HEADERS, SSE_WRITE_TIMEOUT_MS } from './sse.js';
import { FakeBackend, openSse, send, startTestServer, type SseClient, type TestServer } from './testdata/harness.js';

const SEVEN_HEADERS: [string, string][] = [
  ['content-type', 'text/event-stream'],
  ['cache-control', 'no-cache, no-store, must-revalidate'],
  ['pragma', 'no-cache'],
  ['expires', '0'],
  ['x-accel-buffering', 'no'],
  ['x-proxy-buffering', 'no'],
  ['connection', 'keep-alive'],
];

async function until(cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('formatSseFrame', () => {
  it('frames as `event: X\\ndata: <json>\\n\\n` with HTML-safe escaping', () => {
    expect(formatSseFrame({ type: 'screen', data: { screen: 'a<b>&c\u2028d\u2029' } })).toBe(
      'event: screen\ndata: {"screen":"a\\u003cb\\u003e\\u0026c\\u2028d\\u2029"}\n\n',
    );
  });

  it('keeps multi-line text on one data line', () => {
    expect(formatSseFrame({ type: 'x', data: 'a\nb' })).toBe('event: x\ndata: "a\\nb"\n\n');
  });

  it('the write stall limit is 5 s by default', () => {
    expect(SSE_WRITE_TIMEOUT_MS).toBe(5_000);
  });
});

describe('SSE endpoints', () => {
  let srv: TestServer | undefined;
  const clients: SseClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await srv?.close();
    srv = undefined;
  });

  const open = async (path: string): Promise<SseClient> => {
    if (!srv) throw new Error('no server');
    const c = await openSse(srv.port, path);
    clients.push(c);
    return c;
  };

  it('GET /events sends all seven headers', async () => {
    srv = await startTestServer();
    const sse = await open('/events');
    expect(sse.response.statusCode).toBe(200);
    for (const [name, value] of SEVEN_HEADERS) expect(sse.response.headers[name]).toBe(value);
    expect(Object.keys(SSE_HEADERS)).toHaveLength(7);
  });

  it('replays N message_update, exactly one status_change, then stored errors, then deltas', async () => {
    const backend = new FakeBackend();
    backend.addMessage('agent', 'hello <there>');
    backend.addMessage('user', 'hi');
    backend.addMessage('agent', 'done');
    backend.errors.push({ message: 'restore failed', level: 'warning', time: '2025-01-01T00:00:00Z' });
    backend.currentStatus = 'running';
    srv = await startTestServer({ backend });
    const sse = await open('/events');

    const replay = [await sse.next(), await sse.next(), await sse.next(), await sse.next(), await sse.next()];
    expect(replay.map((f) => f.event)).toEqual([
      'message_update',
      'message_update',
      'message_update',
      'status_change',
      'agent_error',
    ]);
    const first = backend.history[0];
    expect(replay[0]?.raw).toBe(
      `event: message_update\ndata: {"id":0,"role":"agent","message":"hello \\u003cthere\\u003e","time":"${first?.time}"}\n\n`,
    );
    expect(replay.slice(0, 3).map((f) => (JSON.parse(f.data) as { id: number }).id)).toEqual([0, 1, 2]);
    expect(replay[3]?.raw).toBe('event: status_change\ndata: {"status":"running","agent_type":"claude"}\n\n');
    expect(replay[4]?.raw).toBe(
      'event: agent_error\ndata: {"message":"restore failed","level":"warning","time":"2025-01-01T00:00:00Z"}\n\n',
    );

    backend.setStatus('stable');
    const delta = await sse.next();
    expect(delta.event).toBe('status_change');
    expect(JSON.parse(delta.data)).toEqual({ status: 'stable', agent_type: 'claude' });
  });

  it('rebuilds conversation event data in wire field order', async () => {
    const backend = new FakeBackend();
    srv = await startTestServer({ backend });
    const sse = await open('/events');
    await sse.next();
    backend.events.publish({
      type: 'message_update',
      // Deliberately scrambled order from the producer.
      data: JSON.parse('{"time":"t","message":"m","role":"agent","id":7}') as never,
    });
    expect((await sse.next()).raw).toBe('event: message_update\ndata: {"id":7,"role":"agent","message":"m","time":"t"}\n\n');
  });

  it('GET /internal/screen: headers, the current screen, then one event per change as emitted', async () => {
    const backend = new FakeBackend();
    backend.screen = 'line 1\nline 2';
    srv = await startTestServer({ backend });
    const sse = await open('/internal/screen');
    for (const [name, value] of SEVEN_HEADERS) expect(sse.response.headers[name]).toBe(value);
    expect((await sse.next()).raw).toBe('event: screen\ndata: {"screen":"line 1\\nline 2"}\n\n');
    backend.screens.publish({ type: 'screen', data: { screen: 'next   ' } });
    expect(JSON.parse((await sse.next()).data)).toEqual({ screen: 'next   ' });
  });

  it('a client that disconnects unsubscribes', async () => {
    const backend = new FakeBackend();
    srv = await startTestServer({ backend });
    const sse = await open('/events');
    await sse.next();
    expect(backend.events.subscriberCount).toBe(1);
    sse.close();
    await until(() => backend.events.subscriberCount === 0);
  });

  it('a subscriber that never reads is dropped while another keeps receiving', async () => {
    const backend = new FakeBackend();
    // A long write timeout, so only the 1024-event queue can be what drops it.
    srv = await startTestServer({ backend, sseWriteTimeoutMs: 60_000 });
    const reader = await open('/events');
    const stuck = await open('/events');
    stuck.response.pause();
    expect((await reader.next()).event).toBe('status_change');
    expect(backend.events.subscriberCount).toBe(2);

    const big = 'x'.repeat(16 * 1024);
    let received = 0;
    const total = 3_000;
    for (let batch = 0; batch < total / 100; batch++) {
      for (let i = 0; i < 100; i++) {
        backend.events.publish({ type: 'agent_error', data: { message: big, level: 'warning', time: String(batch) } });
      }
      for (let i = 0; i < 100; i++) {
        expect((await reader.next(5_000)).event).toBe('agent_error');
        received++;
      }
    }
    expect(received).toBe(total);
    // The stuck one fell 1024 events behind and was dropped by the hub.
    expect(backend.events.subscriberCount).toBe(1);
    // Its stream is over: once it reads again it gets what was in flight, then the end.
    stuck.response.resume();
    await stuck.ended;
    let stuckFrames = 0;
    for (;;) {
      try {
        await stuck.next(100);
        stuckFrames++;
      } catch {
        break;
      }
    }
    expect(stuckFrames).toBeLessThan(total);
    backend.setStatus('running');
    expect((await reader.next()).event).toBe('status_change');
  });

  it('a write that does not complete within the timeout ends the stream', async () => {
    const backend = new FakeBackend();
    srv = await startTestServer({ backend, sseWriteTimeoutMs: 300 });
    const stuck = await open('/internal/screen');
    stuck.response.pause();
    // Far fewer than 1024 events, but enough bytes to fill the socket buffers.
    const big = 'y'.repeat(256 * 1024);
    for (let i = 0; i < 200; i++) {
      backend.screens.publish({ type: 'screen', data: { screen: big } });
      await new Promise((r) => setImmediate(r));
    }
    // Server side: the subscription ends ~300 ms after the stalled write.
    await until(() => backend.screens.subscriberCount === 0, 3_000);
    // The socket was torn down: reading what was in flight leads to the end, not to more events.
    stuck.response.resume();
    await stuck.ended;
  });

  it('HEAD /events answers the headers without subscribing', async () => {
    const backend = new FakeBackend();
    srv = await startTestServer({ backend });
    const res = await send(srv.port, { method: 'HEAD', path: '/events' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(backend.events.subscriberCount).toBe(0);
  });
});
