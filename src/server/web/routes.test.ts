// The dashboard's routes over the real app (every route module, real auth)
// on a real PostgreSQL, without a provisioner (task rows are seeded): the
// redirects, the login cookie and its attributes, a wrong token's error
// page, unauthenticated pages → /login, the assets with their content types
// and ETags, the task and chat pages, and that unknown /api paths keep the
// API's JSON 404. The pages' behaviour in a browser: test/dashboard.browser.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePostgres } from '../../../test/helpers/postgres.js';
import { STATE_SEEDS, TaskTestServer, type Account } from '../tasks/testdata/task-fixture.js';
import { ASSET_NAMES } from './assets.js';

const pg = usePostgres();
let server: TaskTestServer;
let admin: Account;
let member: Account;

beforeAll(async () => {
  server = await TaskTestServer.start(pg);
  admin = server.owner;
  member = await server.createUser('bob');
  await server.seedTask({ owner: admin, name: 't1', ...STATE_SEEDS.active });
});
afterAll(async () => {
  await server?.stop();
});

/** A request as a browser sends it: no redirect following, optional cookie and form body. */
async function browse(method: string, path: string, init: { cookie?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.cookie !== undefined) headers.Cookie = init.cookie;
  let body: string | undefined;
  if (init.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  }
  const response = await fetch(`${server.url}${path}`, { method, headers, body, redirect: 'manual' });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const cookieOf = (account: Account) => `coder_session_token=${account.token}`;

describe('redirects', () => {
  it.each([
    ['/', '/tasks'],
    ['/tasks', '/login'],
    ['/tasks/admin/t1', '/login?next=%2Ftasks%2Fadmin%2Ft1'],
    ['/tasks/admin/t1/chat/embed?x=1', '/login?next=%2Ftasks%2Fadmin%2Ft1%2Fchat%2Fembed%3Fx%3D1'],
  ])('GET %s without a session → 302 %s', async (path, location) => {
    const res = await browse('GET', path);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(location);
  });

  it('a stale cookie redirects to /login and is cleared', async () => {
    const res = await browse('GET', '/tasks', { cookie: 'coder_session_token=abcdefghij-abcdefghijabcdefghijab' });
    expect(res.status).toBe(302);
    expect(res.headers.get('set-cookie')).toMatch(/^coder_session_token=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax/);
  });

  it('/tasks/me/<task> and a task id redirect to the canonical page', async () => {
    const [row] = await server.sql<{ id: string }[]>`select id from tasks where name = 't1'`;
    for (const path of ['/tasks/me/t1', `/tasks/admin/${row!.id}`]) {
      const res = await browse('GET', path, { cookie: cookieOf(admin) });
      expect(res.status, path).toBe(302);
      expect(res.headers.get('location')).toBe('/tasks/admin/t1');
    }
  });
});

describe('login and logout', () => {
  it('GET /login shows the token form, carrying a local next', async () => {
    const res = await browse('GET', '/login?next=%2Ftasks%2Fadmin%2Ft1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(res.text).toMatch(/<form class="card form" method="post" action="\/login">/);
    expect(res.text).toContain('<input type="hidden" name="next" value="/tasks/admin/t1">');
    expect(res.text).toMatch(/<label for="token">Session token<\/label>\n<input id="token" name="token" type="password"/);
  });

  it('a valid token sets the HttpOnly, SameSite=Lax, Path=/ cookie and goes to next (303)', async () => {
    const res = await browse('POST', '/login', { form: { token: admin.token, next: '/tasks/admin/t1' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/tasks/admin/t1');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toBe(`coder_session_token=${admin.token}; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax`);
    // The cookie is what the dashboard and the API accept.
    expect((await browse('GET', '/tasks', { cookie: cookie.split(';')[0] })).status).toBe(200);
  });

  it.each([
    ['a wrong token', 'abcdefghij-abcdefghijabcdefghijab', 'Invalid session token.'],
    ['a malformed token', 'nope', 'Invalid session token.'],
    ['no token', '', 'Session token must be provided.'],
  ])('%s → 401, the login page with the plain message, no cookie, the token not echoed', async (_name, token, message) => {
    const res = await browse('POST', '/login', { form: { token, next: '/tasks/admin/t1' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.text).toContain(`<p id="login-error" class="error" role="alert">${message}</p>`);
    expect(res.text).toContain('value="/tasks/admin/t1"');
    if (token !== '') expect(res.text).not.toContain(token);
  });

  it.each(['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'tasks'])('next=%j is not followed off the server', async (next) => {
    const res = await browse('POST', '/login', { form: { token: admin.token, next } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/tasks');
  });

  it.each(['/login', '/logout'])('POST %s from another site is refused (403), no cookie set', async (path) => {
    const res = await browse('POST', path, { form: { token: admin.token }, headers: { Origin: 'http://evil.example' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.text).toContain('Cross-site form submissions are refused.');
    // The dashboard's own origin is fine.
    const own = await browse('POST', path, { form: { token: admin.token }, headers: { Origin: server.url } });
    expect(own.status).toBe(303);
  });

  it('POST /logout clears the cookie and goes to /login', async () => {
    const res = await browse('POST', '/logout', { cookie: cookieOf(admin) });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
    expect(res.headers.get('set-cookie')).toMatch(/^coder_session_token=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax/);
  });
});

describe('pages', () => {
  it('/tasks names the user, the sign-out form and its script', async () => {
    const res = await browse('GET', '/tasks', { cookie: cookieOf(admin) });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.text).toContain('data-user="admin"');
    expect(res.text).toContain('<form class="signout" method="post" action="/logout">');
    expect(res.text).toContain('<script src="/assets/tasks.js" defer></script>');
  });

  it('/tasks/<owner>/<name> carries the task for its script', async () => {
    const res = await browse('GET', '/tasks/admin/t1', { cookie: cookieOf(admin) });
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-owner="admin" data-name="t1"');
    expect(res.text).toContain('<script src="/assets/task.js" defer></script>');
  });

  it.each([
    ['an unknown task', 'admin', '/tasks/admin/nope'],
    ["another user's task, for a member", 'member', '/tasks/admin/t1'],
    ['an unknown owner', 'admin', '/tasks/nobody/t1'],
  ] as const)('%s → a plain 404 page', async (_name, who, path) => {
    const res = await browse('GET', path, { cookie: cookieOf(who === 'admin' ? admin : member) });
    expect(res.status).toBe(404);
    expect(res.text).toContain('<p class="error" role="alert">Resource not found or you do not have access to this resource.</p>');
  });

  it.each([
    ['/tasks/admin/t1/chat/embed', true],
    ['/tasks/admin/t1/chat/embed/', true],
    ['/tasks/admin/t1/chat/', false],
  ])('%s is the AgentAPI chat talking to the proxied AgentAPI', async (path, embed) => {
    const res = await browse('GET', path, { cookie: cookieOf(admin) });
    expect(res.status).toBe(200);
    const config = /window\.CHAT_CONFIG = (\{[^<]*\});/.exec(res.text);
    expect(JSON.parse(config![1]!)).toEqual({ basePath: '/tasks/admin/t1/chat', apiBase: '/api/v2/tasks/admin/t1/agentapi', embed });
  });
});

describe('assets', () => {
  it.each([
    ['dashboard.css', 'text/css; charset=utf-8'],
    ['tasks.js', 'text/javascript; charset=utf-8'],
    ['task.js', 'text/javascript; charset=utf-8'],
  ])('/assets/%s is served as %s with an ETag, 304 when it matches', async (name, type) => {
    const res = await browse('GET', `/assets/${name}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await browse('GET', `/assets/${name}`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('lists exactly the served assets; unknown ones are 404', async () => {
    expect([...ASSET_NAMES].sort()).toEqual(['dashboard.css', 'task.js', 'tasks.js']);
    for (const path of ['/assets/nope.js', '/assets/', '/assets/..%2Fpackage.json']) {
      expect((await browse('GET', path)).status, path).toBe(404);
    }
  });
});

it('unknown /api paths still get the JSON 404 (and no dashboard headers)', async () => {
  const res = await browse('GET', '/api/v2/nope', { cookie: cookieOf(admin) });
  expect(res.status).toBe(404);
  expect(res.headers.get('x-frame-options')).toBeNull();
  expect(JSON.parse(res.text)).toEqual({ message: 'Route not found.' });
});
