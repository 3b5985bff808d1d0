import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostnameFromHostHeader } from './host-check.js';
import { send, startTestServer, type TestServer } from './testdata/harness.js';

const DEFAULT_BODY = 'Invalid host header. Allowed hosts: localhost, 127.0.0.1, ::1\n';

describe('hostnameFromHostHeader (Go url.Parse semantics)', () => {
  it.each([
    ['localhost', 'localhost'],
    ['LOCALHOST:9999', 'LOCALHOST'],
    ['[::1]', '::1'],
    ['[::1]:3284', '::1'],
    ['127.0.0.1:80', '127.0.0.1'],
    ['localhost.', 'localhost.'],
    ['localhost:', 'localhost'],
    ['user@localhost', 'localhost'],
    ['localhost/x', 'localhost'],
    ['a%2Eb', 'a.b'],
    ['evil com', undefined],
    ['localhost:abc', undefined],
    ['[::1', undefined],
    ['[::1]x', undefined],
    ['a%zz', undefined],
  ])('%j → %j', (header, expected) => {
    expect(hostnameFromHostHeader(header)).toBe(expected);
  });
});

describe('host check middleware over HTTP', () => {
  let srv: TestServer;
  let wildcard: TestServer;
  let custom: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
    wildcard = await startTestServer({ allowedHosts: '*' });
    custom = await startTestServer({ allowedHosts: ['example.com', 'fe80::1'] });
  });
  afterAll(async () => {
    await Promise.all([srv.close(), wildcard.close(), custom.close()]);
  });

  it.each([
    ['localhost', 200],
    ['LOCALHOST:9999', 200],
    ['127.0.0.1', 200],
    ['127.0.0.1:3284', 200],
    ['[::1]', 200],
    ['[::1]:3284', 200],
    ['evil.com', 400],
    ['evil.com:3284', 400],
    ['localhost.', 400],
    ['127.1', 400],
    ['[::2]', 400],
    ['::1', 400],
    ['evil com', 400],
    ['', 400],
  ])('default list: Host %j → %i', async (host, status) => {
    const res = await send(srv.port, { path: '/status', host });
    expect(res.status).toBe(status);
    if (status === 400) {
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.body).toBe(DEFAULT_BODY);
    }
  });

  it('a request without any Host header is rejected', async () => {
    // HTTP/1.1 without Host: Node's parser itself answers 400.
    const res = await send(srv.port, { path: '/status', host: null });
    expect(res.status).toBe(400);
  });

  it('runs before CORS: a bad-host preflight is 400 too', async () => {
    const res = await send(srv.port, {
      method: 'OPTIONS',
      path: '/status',
      host: 'evil.com',
      headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'GET' },
    });
    expect(res.status).toBe(400);
    expect(res.body).toBe(DEFAULT_BODY);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it.each(['evil.com', 'anything:1', '[::2]:9'])('wildcard list allows Host %j', async (host) => {
    expect((await send(wildcard.port, { path: '/status', host })).status).toBe(200);
  });

  it.each([
    ['Example.COM:8080', 200],
    ['[fe80::1]:1', 200],
    ['localhost', 400],
  ])('custom list: Host %j → %i', async (host, status) => {
    const res = await send(custom.port, { path: '/status', host });
    expect(res.status).toBe(status);
    if (status === 400) expect(res.body).toBe('Invalid host header. Allowed hosts: example.com, fe80::1\n');
  });

  it('applies to every route, not only the API', async () => {
    for (const path of ['/', '/chat/', '/openapi.json', '/events', '/nope']) {
      expect((await send(srv.port, { path, host: 'evil.com' })).status).toBe(400);
    }
  });
});
