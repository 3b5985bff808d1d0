import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOriginMatcher } from './cors.js';
import { send, startTestServer, type RawResponse, type TestServer } from './testdata/harness.js';

const allowHeaders = (res: RawResponse): string[] =>
  Object.keys(res.headers).filter((h) => h.startsWith('access-control-allow-'));

describe('createOriginMatcher', () => {
  const match = createOriginMatcher(['http://localhost:3000', 'https://*.example.com']);
  it.each([
    ['http://localhost:3000', true],
    ['HTTP://LOCALHOST:3000', true],
    ['http://localhost:3001', false],
    ['https://a.example.com', true],
    ['HTTPS://A.B.EXAMPLE.COM', true],
    ['https://example.com', false],
    ['http://a.example.com', false],
    ['https://a.example.com.evil', false],
  ])('%s → %s', (origin, expected) => {
    expect(match(origin)).toBe(expected);
  });

  it('`*` matches everything', () => {
    expect(createOriginMatcher('*')('http://whatever:1')).toBe(true);
  });
});

describe('CORS over HTTP', () => {
  let srv: TestServer;
  let star: TestServer;
  let wild: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
    star = await startTestServer({ allowedOrigins: '*' });
    wild = await startTestServer({ allowedOrigins: ['https://*.example.com'] });
  });
  afterAll(async () => {
    await Promise.all([srv.close(), star.close(), wild.close()]);
  });

  const preflight = (port: number, origin: string, method = 'POST', headers?: string): Promise<RawResponse> =>
    send(port, {
      method: 'OPTIONS',
      path: '/message',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': method,
        ...(headers ? { 'Access-Control-Request-Headers': headers } : {}),
      },
    });

  it('preflight from an allowed origin → 200 with the allow headers and no body', async () => {
    const res = await preflight(srv.port, 'http://localhost:3000', 'POST', 'content-type, x-csrf-token');
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(res.headers['access-control-allow-methods']).toBe('POST');
    expect(res.headers['access-control-allow-headers']).toBe('Content-Type, X-Csrf-Token');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-max-age']).toBe('300');
    expect(res.headers.vary).toBe('Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
  });

  it('preflight without requested headers has no Allow-Headers', async () => {
    const res = await preflight(srv.port, 'http://localhost:3000', 'get');
    expect(res.headers['access-control-allow-methods']).toBe('GET');
    expect(res.headers['access-control-allow-headers']).toBeUndefined();
  });

  it.each([
    ['disallowed origin', 'http://other', 'POST', undefined],
    ['disallowed method', 'http://localhost:3000', 'PATCH', undefined],
    ['disallowed header', 'http://localhost:3000', 'POST', 'X-Custom'],
  ])('preflight with %s → 200 without any Access-Control-Allow-*', async (_name, origin, method, headers) => {
    const res = await preflight(srv.port, origin, method, headers);
    expect(res.status).toBe(200);
    expect(allowHeaders(res)).toEqual([]);
  });

  it('preflight never reaches the route (even a missing one)', async () => {
    const res = await send(srv.port, {
      method: 'OPTIONS',
      path: '/no-such-route',
      headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'GET' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:3000');
  });

  it('actual request from an allowed origin carries the CORS headers', async () => {
    const res = await send(srv.port, { path: '/status', headers: { Origin: 'http://localhost:3001' } });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:3001');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-expose-headers']).toBe('Link');
    expect(res.headers.vary).toBe('Origin');
  });

  it('actual request from a disallowed origin proceeds without Allow-* headers', async () => {
    const res = await send(srv.port, { path: '/status', headers: { Origin: 'http://other' } });
    expect(res.status).toBe(200);
    expect(allowHeaders(res)).toEqual([]);
    expect(res.headers.vary).toBe('Origin');
  });

  it('error answers carry CORS headers too', async () => {
    const res = await send(srv.port, {
      method: 'POST',
      path: '/message',
      headers: { Origin: 'http://localhost:3000', 'Content-Type': 'application/json' },
      body: '{',
    });
    expect(res.status).toBe(400);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:3000');
  });

  it('`*` list answers Allow-Origin `*`', async () => {
    const actual = await send(star.port, { path: '/status', headers: { Origin: 'http://anything:9' } });
    expect(actual.headers['access-control-allow-origin']).toBe('*');
    const pre = await preflight(star.port, 'http://anything:9');
    expect(pre.headers['access-control-allow-origin']).toBe('*');
  });

  it.each([
    ['https://api.example.com', 'https://api.example.com'],
    ['https://API.Example.com', 'https://API.Example.com'],
    ['https://example.com', undefined],
  ])('wildcard entry: origin %s → Allow-Origin %s', async (origin, expected) => {
    const res = await preflight(wild.port, origin);
    expect(res.headers['access-control-allow-origin']).toBe(expected);
  });
});
