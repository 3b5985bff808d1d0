import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatApiBase, renderChatPage } from '../chat/page.js';
import { CHAT_CLIENT_SCRIPT } from '../chat/client-script.js';
import { schemaErrors, send, startTestServer, type TestServer } from './testdata/harness.js';

/** Any absolute URL a page could load (scripts, styles, images, fonts, links). */
const EXTERNAL_URL = /(?:src|href)\s*=\s*["']?(?:https?:)?\/\/|url\(\s*["']?(?:https?:)?\/\/|@import/i;

describe('JSON routes', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(() => srv.close());

  it('GET /status: fields in order, $schema from the Host header, Link header', async () => {
    const res = await send(srv.port, { path: '/status', host: 'LOCALHOST:9999' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers.link).toBe('</schemas/StatusResponseBody.json>; rel="describedBy"');
    expect(res.body).toBe(
      '{"$schema":"http://LOCALHOST:9999/schemas/StatusResponseBody.json","status":"stable","agent_type":"claude","transport":"pty"}\n',
    );
    expect(schemaErrors('StatusResponseBody', res.json())).toEqual([]);
  });

  it('GET /messages with no messages → "messages": []', async () => {
    const res = await send(srv.port, { path: '/messages' });
    expect(res.body).toBe(`{"$schema":"http://localhost:${srv.port}/schemas/MessagesResponseBody.json","messages":[]}\n`);
    expect(res.headers.link).toBe('</schemas/MessagesResponseBody.json>; rel="describedBy"');
    expect(schemaErrors('MessagesResponseBody', res.json())).toEqual([]);
  });

  it('GET /messages lists id, content, role, time in that order', async () => {
    const a = srv.backend.addMessage('agent', 'Hello <b> & bye');
    srv.backend.addMessage('user', 'do it');
    const res = await send(srv.port, { path: '/messages' });
    expect(res.body).toContain(`{"id":0,"content":"Hello \\u003cb\\u003e \\u0026 bye","role":"agent","time":"${a.time}"}`);
    const body = res.json() as { messages: { id: number; content: string; role: string }[] };
    expect(body.messages.map((m) => [m.id, m.content, m.role])).toEqual([
      [0, 'Hello <b> & bye', 'agent'],
      [1, 'do it', 'user'],
    ]);
    expect(schemaErrors('MessagesResponseBody', body)).toEqual([]);
  });

  it.each([
    ['DELETE', '/status', 'GET'],
    ['GET', '/message', 'POST'],
    ['PUT', '/upload', 'POST'],
  ])('%s %s → 405 (Allow: %s)', async (method, path, allow) => {
    const res = await send(srv.port, { method, path });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe(allow);
  });

  it.each(['/nope', '/chat/other', '/chat/embed/x', '/chatx'])('GET %s → 404', async (path) => {
    const res = await send(srv.port, { path });
    expect(res.status).toBe(404);
    expect(res.body).toBe('404 page not found\n');
  });
});

describe('pages', () => {
  let srv: TestServer;
  let proxied: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
    proxied = await startTestServer({ chatBasePath: '/proxy/agent/chat/' });
  });
  afterAll(async () => {
    await Promise.all([srv.close(), proxied.close()]);
  });

  it('GET / → 307 to <chat-base-path>/embed', async () => {
    const res = await send(srv.port, { path: '/' });
    expect(res.status).toBe(307);
    expect(res.headers.location).toBe('/chat/embed');
    const viaProxy = await send(proxied.port, { path: '/' });
    expect(viaProxy.headers.location).toBe('/proxy/agent/chat/embed');
  });

  it.each(['/chat', '/chat/', '/chat/embed', '/chat/embed/'])('GET %s serves the self-contained chat', async (path) => {
    const res = await send(srv.port, { path });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<textarea id="draft"');
    expect(res.body).not.toMatch(EXTERNAL_URL);
  });

  it('the embed page has no header, the full page has one', async () => {
    expect((await send(srv.port, { path: '/chat/embed' })).body).not.toContain('<header');
    expect((await send(srv.port, { path: '/chat/' })).body).toContain('<header');
  });

  it('the chat stays mounted at /chat and derives its API root from --chat-base-path', async () => {
    const res = await send(proxied.port, { path: '/chat/embed' });
    expect(res.status).toBe(200);
    expect(res.body).toContain('window.CHAT_CONFIG = {"basePath":"/proxy/agent/chat","apiBase":"/proxy/agent"');
  });

  it.each([
    ['/chat', ''],
    ['/chat/', ''],
    ['/', ''],
    ['/proxy/chat', '/proxy'],
    ['/a/b/chat//', '/a/b'],
  ])('chatApiBase(%j) = %j', (base, api) => {
    expect(chatApiBase(base)).toBe(api);
  });

  it('the chat script is valid JavaScript and talks only to <api>', () => {
    expect(() => new Script(CHAT_CLIENT_SCRIPT)).not.toThrow();
    for (const url of CHAT_CLIENT_SCRIPT.match(/['"]\/[a-z]+['"]/g) ?? []) {
      expect(["'/events'", "'/message'", "'/upload'"]).toContain(url);
    }
    expect(CHAT_CLIENT_SCRIPT).toContain("base + '/events'");
    expect(CHAT_CLIENT_SCRIPT).toContain("sendRaw('\\x1b')");
  });

  it('the inlined config cannot break out of its <script>', () => {
    const page = renderChatPage({ chatBasePath: '/x</script><script>alert(1)</script>/chat', embed: true });
    expect(page).not.toContain('</script><script>alert(1)');
  });

  it('GET /docs is a self-contained HTML page about the API', async () => {
    const res = await send(srv.port, { path: '/docs' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('AgentAPI');
    expect(res.body).toContain('href="openapi.json"');
    for (const op of ['get-status', 'get-messages', 'post-message', 'post-upload', 'subscribeEvents']) {
      expect(res.body).toContain(op);
    }
    expect(res.body).not.toMatch(EXTERNAL_URL);
  });
});
