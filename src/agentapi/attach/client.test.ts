import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAttachClient } from './client.js';
import { AttachError, StatusCheckError } from './errors.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
  servers = [];
});

/** A loopback server with one handler; returns its base URL (with a path prefix, as a proxy would). */
async function serve(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix`;
}

const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

async function statusError(base: string, timeoutMs?: number): Promise<string> {
  try {
    await createAttachClient(base, { statusTimeoutMs: timeoutMs }).fetchStatus();
  } catch (err) {
    if (err instanceof StatusCheckError) return err.message;
    throw err;
  }
  throw new Error('expected a StatusCheckError');
}

describe('createAttachClient', () => {
  it('fetchStatus reads <base>/status', async () => {
    const paths: string[] = [];
    const base = await serve((req, res) => {
      paths.push(req.url ?? '');
      json(res, 200, { $schema: 'x', status: 'stable', agent_type: 'custom', transport: 'pty' });
    });
    expect(await createAttachClient(base).fetchStatus()).toEqual({ status: 'stable', agent_type: 'custom', transport: 'pty' });
    expect(paths).toEqual(['/prefix/status']);
  });

  it.each<[string, Handler, RegExp]>([
    ['a non-200 answer', (_q, res) => json(res, 404, {}), /^failed to check server status: unexpected 404 response from server$/],
    ['a body that is not JSON', (_q, res) => res.end('<html>'), /^failed to check server status: failed to decode server status: /],
    ['a body without status', (_q, res) => json(res, 200, { transport: 'acp' }), /^failed to check server status: failed to decode server status: .*status/s],
  ])('fetchStatus: %s is a StatusCheckError', async (_name, handler, message) => {
    expect(await statusError(await serve(handler))).toMatch(message);
  });

  it('fetchStatus: an unreachable server is a StatusCheckError naming the cause', async () => {
    const base = await serve(() => {});
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    expect(await statusError(base)).toMatch(/^failed to check server status: fetch failed: .*ECONNREFUSED/);
  });

  it('fetchStatus: a server that never answers times out', async () => {
    const base = await serve(() => {});
    expect(await statusError(base, 100)).toMatch(/^failed to check server status: .*timeout/i);
  });

  it('subscribeScreen yields screens and close() ends the request', async () => {
    let closedByClient: Promise<void> = Promise.resolve();
    const base = await serve((req, res) => {
      expect(req.url).toBe('/prefix/internal/screen');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: screen\ndata: {"screen":"a"}\n\n');
      res.write('event: screen\ndata: {"screen":"b"}\n\n');
      closedByClient = new Promise((resolve) => res.on('close', () => resolve()));
    });
    const sub = await createAttachClient(base).subscribeScreen();
    const seen: string[] = [];
    for await (const screen of sub.updates) {
      seen.push(screen);
      if (seen.length === 2) break;
    }
    sub.close();
    sub.close();
    await closedByClient;
    expect(seen).toEqual(['a', 'b']);
  });

  it('subscribeScreen: a non-200 answer is screen_connect_failed', async () => {
    const base = await serve((_q, res) => json(res, 400, {}));
    const err = await createAttachClient(base)
      .subscribeScreen()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AttachError);
    expect((err as AttachError).code).toBe('screen_connect_failed');
    expect((err as AttachError).message).toBe(`failed to connect to ${base}/internal/screen: unexpected 400 response from server`);
  });

  it('sendRawInput posts {"type":"raw","content"} and fails on a non-200 answer', async () => {
    const bodies: unknown[] = [];
    let status = 200;
    const base = await serve((req, res, body) => {
      bodies.push({ method: req.method, url: req.url, type: req.headers['content-type'], body: JSON.parse(body) as unknown });
      json(res, status, { ok: status === 200 });
    });
    const client = createAttachClient(base);
    await client.sendRawInput('hé\x1b[A\r');
    expect(bodies).toEqual([
      { method: 'POST', url: '/prefix/message', type: 'application/json', body: { type: 'raw', content: 'hé\x1b[A\r' } },
    ]);
    status = 500;
    await expect(client.sendRawInput('x')).rejects.toThrow(/^unexpected 500 response from server: /);
  });
});
