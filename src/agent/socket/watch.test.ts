// The watch stream (§4.2) over a real socket: the immediate event, one event
// per successful mutation (none for failed ones), `: ping` comments, and the
// §4.5 latency check (< 50 ms after `complete`).
// Must never leave a server, socket file or child process behind.
import { request, type IncomingMessage } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SOCKET_ROUTES } from './protocol.js';
import { changeEventSchema } from './schemas.js';
import { SseReader, type SseEvent } from './sse-reader.js';
import { postJson, startServer, type RunningServer } from './testdata/socket-fixture.js';

interface RawWatch {
  res: IncomingMessage;
  raw: string[];
  events: SseEvent[];
  next: () => Promise<SseEvent>;
  close: () => void;
}

function openWatch(path: string): Promise<RawWatch> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: path, path: SOCKET_ROUTES.watch, agent: false }, (res) => {
      const reader = new SseReader();
      const raw: string[] = [];
      const events: SseEvent[] = [];
      let waiting: ((event: SseEvent) => void) | undefined;
      let consumed = 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        raw.push(chunk);
        events.push(...reader.push(chunk));
        if (waiting !== undefined && consumed < events.length) {
          const resolveNext = waiting;
          waiting = undefined;
          resolveNext(events[consumed++]!);
        }
      });
      resolve({
        res,
        raw,
        events,
        next: () =>
          consumed < events.length ? Promise.resolve(events[consumed++]!) : new Promise((resolveNext) => (waiting = resolveNext)),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('watch stream', () => {
  let s: RunningServer;
  let watches: RawWatch[];
  beforeEach(async () => {
    s = await startServer({ pingIntervalMs: 100 });
    watches = [];
  });
  afterEach(async () => {
    for (const watch of watches) watch.close();
    await s.stop();
  });
  async function watch(): Promise<RawWatch> {
    const opened = await openWatch(s.path);
    watches.push(opened);
    return opened;
  }

  it('sends SSE headers and an immediate change event', async () => {
    s.manager.register('before');
    const w = await watch();
    expect(w.res.statusCode).toBe(200);
    expect(w.res.headers['content-type']).toBe('text/event-stream');
    expect(w.res.headers['cache-control']).toBe('no-cache');
    const first = await w.next();
    expect(first.event).toBe('change');
    expect(changeEventSchema.parse(JSON.parse(first.data))).toEqual({ seq: 1 });
    expect(w.raw.join('')).toMatch(/^event: change\ndata: \{"seq":1\}\n\n/);
  });

  it('one event per successful mutation, none for failed ones, sequence increasing', async () => {
    const w = await watch();
    await w.next();
    await postJson(s.path, SOCKET_ROUTES.start, { unit: 'a' }); // register + updateStatus = 2 mutations
    await postJson(s.path, SOCKET_ROUTES.start, { unit: 'a' }); // 409: nothing
    await postJson(s.path, SOCKET_ROUTES.complete, { unit: 'ghost' }); // 404: nothing
    await postJson(s.path, SOCKET_ROUTES.want, { unit: 'a', depends_on: 'b' });
    const seqs = [];
    for (let i = 0; i < 3; i++) seqs.push(changeEventSchema.parse(JSON.parse((await w.next()).data)).seq);
    expect(seqs).toEqual([1, 2, 3]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(w.events.filter((e) => e.event === 'change')).toHaveLength(4);
  });

  it('sends `: ping` comments while idle', async () => {
    const w = await watch();
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(w.raw.join('').match(/^: ping$/gm)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(w.events).toHaveLength(1); // comments are not events
  });

  it('delivers a change within 50 ms of complete (§4.5)', async () => {
    s.manager.register('u');
    const w = await watch();
    await w.next();
    const started = performance.now();
    const completed = postJson(s.path, SOCKET_ROUTES.complete, { unit: 'u' });
    await w.next();
    const latency = performance.now() - started;
    expect((await completed).status).toBe(200);
    expect(latency).toBeLessThan(50);
  });

  it('serves many watchers at once and forgets the ones that leave', async () => {
    const all = await Promise.all(Array.from({ length: 20 }, () => watch()));
    await Promise.all(all.map((w) => w.next()));
    all.slice(0, 10).forEach((w) => w.close());
    await new Promise((resolve) => setTimeout(resolve, 50));
    s.manager.register('x');
    const events = await Promise.all(all.slice(10).map((w) => w.next()));
    expect(events.every((e) => e.data === '{"seq":1}')).toBe(true);
  });
});
