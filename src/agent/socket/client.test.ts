// AgentSocketClient against the real server (and a few fake ones): every
// method, errors carrying the server's text and status, connection failures,
// and watch() — events without any request after opening, clean close, 404.
// Must never leave a server, socket file or child process behind.
import { createServer, type RequestListener, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentSocketClient, AgentSocketError } from './client.js';
import { SOCKET_ROUTES } from './protocol.js';
import { makeTempDir, startServer, type RunningServer } from './testdata/socket-fixture.js';

async function rejection(promise: Promise<unknown>): Promise<AgentSocketError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(AgentSocketError);
    return err as AgentSocketError;
  }
  throw new Error('expected a rejection');
}

describe('AgentSocketClient against the socket server', () => {
  let s: RunningServer;
  let client: AgentSocketClient;
  beforeEach(async () => {
    s = await startServer();
    client = new AgentSocketClient(s.path);
  });
  afterEach(async () => {
    await s.stop();
  });

  it('ping, want, start, complete, ready, status, list, graph', async () => {
    await client.ping();
    await client.want('a', 'b');
    expect(await client.ready('a')).toBe(false);
    await client.start('b');
    await client.complete('b');
    expect(await client.ready('a')).toBe(true);
    await client.start('a');
    expect(await client.status('a')).toEqual({
      unit: 'a',
      status: 'started',
      is_ready: true,
      dependencies: [{ unit: 'a', depends_on: 'b', required_status: 'completed', current_status: 'completed', is_satisfied: true }],
    });
    expect(await client.list()).toEqual([
      { unit: 'a', status: 'started', is_ready: true },
      { unit: 'b', status: 'completed', is_ready: true },
    ]);
    expect(await client.graph()).toBe('strict digraph units {\n  // Node definitions.\n  1;\n  2;\n\n  // Edge definitions.\n  1 -> 2;\n}');
    expect(await client.graph({ labels: true })).toContain('1 [label="a"];');
  });

  it.each<[string, (c: AgentSocketClient) => Promise<unknown>, number, string]>([
    ['start twice', async (c) => (await c.start('x'), c.start('x')), 409, 'checking status for unit "x": same status already set'],
    ['complete unregistered', (c) => c.complete('ghost'), 404, 'checking registration for unit "ghost": unit not found'],
    ['empty name', (c) => c.ready(''), 400, 'unit name is required'],
    ['graph before any edge', (c) => c.graph(), 404, 'graph is not initialized'],
    [
      'cycle',
      async (c) => (await c.want('p', 'q'), c.want('q', 'p')),
      409,
      'adding edge for unit "q": failed to add dependency\nadding edge (q -> p): cycle detected',
    ],
  ])('%s → server error with its text', async (_name, call, status, message) => {
    const err = await rejection(call(client));
    expect(err.kind).toBe('server');
    expect(err.status).toBe(status);
    expect(err.message).toBe(message);
  });

  it('watch(): immediate event, one per mutation, and no requests after opening', async () => {
    const stream = await client.watch();
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({ seq: 0 });
    const requestsAfterOpen = s.requests.length;
    s.manager.register('a');
    s.manager.updateStatus('a', 'started');
    expect((await iterator.next()).value).toEqual({ seq: 1 });
    expect((await iterator.next()).value).toEqual({ seq: 2 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(s.requests.length).toBe(requestsAfterOpen);
    expect(s.requests.filter((r) => r.endsWith(SOCKET_ROUTES.watch))).toHaveLength(1);
    stream.close();
    expect((await iterator.next()).done).toBe(true);
  });

  it('watch(): close() while an iteration is pending ends it without error', async () => {
    const stream = await client.watch();
    const seen: number[] = [];
    const consumed = (async () => {
      for await (const event of stream) seen.push(event.seq);
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    stream.close();
    stream.close();
    await consumed;
    expect(seen).toEqual([0]);
  });

  it('watch(): the iteration ends when the server closes', async () => {
    const stream = await client.watch();
    const seen: number[] = [];
    const consumed = (async () => {
      for await (const event of stream) seen.push(event.seq);
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await s.server.close();
    await consumed;
    expect(seen).toEqual([0]);
  });
});

describe('AgentSocketClient failures', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let fake: Server | undefined;
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(async () => {
    if (fake !== undefined) await new Promise((resolve) => fake!.close(resolve));
    fake = undefined;
    await temp.cleanup();
  });
  async function fakeServer(handler: RequestListener): Promise<AgentSocketClient> {
    const path = join(temp.dir, 'fake.sock');
    fake = createServer(handler);
    await new Promise<void>((resolve) => fake!.listen(path, resolve));
    return new AgentSocketClient(path);
  }

  it('no socket → connect error naming the cause', async () => {
    const path = join(temp.dir, 'missing.sock');
    const err = await rejection(new AgentSocketClient(path).ping());
    expect(err.kind).toBe('connect');
    expect(err.message).toBe(`connect to agent socket: connect ENOENT ${path}`);
  });

  it('watch on an older server → 404 server error', async () => {
    const client = await fakeServer((_req, res) => res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"not found"}'));
    const err = await rejection(client.watch());
    expect(err).toMatchObject({ kind: 'server', status: 404, message: 'not found' });
  });

  it.each<[string, RequestListener, RegExp]>([
    ['non-JSON error body', (_req, res) => res.writeHead(500).end('boom'), /^agent socket answered 500: boom$/],
    ['non-JSON success body', (_req, res) => res.writeHead(200).end('<html>'), /^invalid response from agent socket: not JSON/],
    ['wrong field type', (_req, res) => res.writeHead(200).end('{"ready":"yes"}'), /^invalid response from agent socket: ready is not a boolean$/],
    ['connection dropped', (req) => req.socket.destroy(), /^agent socket request failed: /],
  ])('%s', async (_name, handler, message) => {
    const client = await fakeServer(handler);
    const err = await rejection(client.ready('u'));
    expect(err.message).toMatch(message);
  });
});
