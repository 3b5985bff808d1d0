// Authentication and the user endpoints (server.md §3) on an in-process
// server per test over a fresh migrated database: first user, the three
// token carriers and the exact 401 texts, owner vs member (404/403), API
// keys, bad input for every endpoint, and no token in any log line. Must
// never share a database between tests or leave a server running.
import { afterEach, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../src/server/config.js';
import { MIGRATIONS } from '../src/server/db/migrations/index.js';
import { startServer, type RunningServer } from '../src/server/server.js';
import { usePostgres } from './helpers/postgres.js';

const pg = usePostgres();
const running: RunningServer[] = [];
const logLines: string[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

interface TestServer {
  url: string;
  stdout: string[];
  /** The first user's token (from the printed line). */
  ownerToken: string;
  call(method: string, path: string, init?: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<{ status: number; body: unknown }>;
}

async function startTestServer(databaseUrl?: string): Promise<TestServer> {
  const url = databaseUrl ?? (await pg.createDatabase({ migrated: true })).url;
  const config = resolveServerConfig({ address: '127.0.0.1:0', postgresUrl: url, dataDir: '/nonexistent-taskyard', logLevel: 'debug' }, {}, { uid: 1000, homeDir: '/tmp' });
  const stdout: string[] = [];
  const server = await startServer(config, {
    stdout: { write: (chunk: string) => stdout.push(chunk) } as unknown as NodeJS.WritableStream,
    logDestination: { write: (line: string) => void logLines.push(line) },
  });
  running.push(server);
  const ownerToken = /Session token: (\S+)/.exec(stdout.join(''))?.[1] ?? '';
  return {
    url: server.accessUrl,
    stdout,
    ownerToken,
    async call(method, path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.token) headers['Coder-Session-Token'] = init.token;
      let body: string | undefined = init.raw;
      if (init.body !== undefined) body = JSON.stringify(init.body);
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const response = await fetch(`${server.accessUrl}${path}`, { method, headers, body });
      const text = await response.text();
      return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
    },
  };
}

const TOKEN = /^[a-zA-Z0-9]{10}-[a-zA-Z0-9]{22}$/;

describe('first user', () => {
  it('is created on the first start only, with the token line printed exactly once', async () => {
    const db = await pg.createDatabase({ migrated: true });
    const first = await startTestServer(db.url);
    expect(first.stdout).toEqual([`First user "admin" created. Session token: ${first.ownerToken}\n`]);
    expect(first.ownerToken).toMatch(TOKEN);
    await running.pop()!.stop();
    const second = await startTestServer(db.url);
    expect(second.stdout).toEqual([]);
    const me = await second.call('GET', '/api/v2/users/me', { token: first.ownerToken });
    expect(me).toMatchObject({ status: 200, body: { username: 'admin', role: 'owner', email: '' } });
  });

  it('two replicas starting at once on an empty database migrate once and create one first user', async () => {
    const db = await pg.createDatabase();
    const [a, b] = await Promise.all([startTestServer(db.url), startTestServer(db.url)]);
    expect([...a.stdout, ...b.stdout]).toHaveLength(1);
    const migrations = await db.sql<{ version: number }[]>`select version from schema_migrations order by version`;
    expect(migrations.map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
    const users = await db.sql<{ username: string }[]>`select username from users`;
    expect(users.map((u) => u.username)).toEqual(['admin']);
    const token = a.ownerToken || b.ownerToken;
    expect((await b.call('GET', '/api/v2/users/me', { token })).status).toBe(200);
    expect((await a.call('GET', '/api/v2/users/me', { token })).status).toBe(200);
  });

  it('POST /api/v2/users/first answers 409 once a user exists', async () => {
    const server = await startTestServer();
    expect(await server.call('POST', '/api/v2/users/first', { body: { username: 'other' } })).toEqual({
      status: 409,
      body: { message: 'The first user has already been created.' },
    });
  });

  it('POST /api/v2/users/first creates exactly one owner under concurrent requests', async () => {
    const server = await startTestServerWithoutFirstUser();
    const results = await Promise.all(['a1', 'a2', 'a3', 'a4'].map((username) => server.call('POST', '/api/v2/users/first', { body: { username, email: `${username}@example.com` } })));
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(3);
    const body = created[0]!.body as { user: { username: string; role: string; email: string; id: string; created_at: string }; session_token: string };
    expect(body.user.role).toBe('owner');
    expect(body.session_token).toMatch(TOKEN);
    expect(Object.keys(body.user).sort()).toEqual(['created_at', 'email', 'id', 'role', 'username']);
    expect(await server.call('GET', '/api/v2/users/me', { token: body.session_token })).toMatchObject({ status: 200, body: body.user });
  });

  it.each([
    ['bad JSON', { raw: '{"username":' }, { message: 'Request body must be valid JSON.' }],
    ['missing username', { body: {} }, { message: 'Validation failed.', validations: [{ field: 'username' }] }],
    ['bad username', { body: { username: 'no spaces!' } }, { message: 'Validation failed.', validations: [{ field: 'username' }] }],
    ['too long username', { body: { username: 'a'.repeat(33) } }, { message: 'Validation failed.', validations: [{ field: 'username' }] }],
    ['trailing dash', { body: { username: 'abc-' } }, { message: 'Validation failed.', validations: [{ field: 'username' }] }],
    ['bad email', { body: { username: 'ok', email: 'nope' } }, { message: 'Validation failed.', validations: [{ field: 'email' }] }],
    ['not an object', { body: ['x'] }, { message: 'Validation failed.' }],
  ])('POST /api/v2/users/first rejects %s with 400', async (_name, init, expected) => {
    const server = await startTestServerWithoutFirstUser();
    const result = await server.call('POST', '/api/v2/users/first', init);
    expect(result).toMatchObject({ status: 400, body: expected });
  });
});

async function startTestServerWithoutFirstUser(databaseUrl?: string): Promise<TestServer> {
  const url = databaseUrl ?? (await pg.createDatabase({ migrated: true })).url;
  const server = await startTestServer(url);
  // The default first user exists now; remove it so the endpoint sees an empty table.
  await pg.connect(url, 1)`delete from users`;
  return server;
}

describe('session tokens', () => {
  it('accepts Coder-Session-Token, Authorization: Bearer and the cookie', async () => {
    const server = await startTestServer();
    const t = server.ownerToken;
    const carriers: Record<string, string>[] = [{ 'Coder-Session-Token': t }, { Authorization: `Bearer ${t}` }, { Cookie: `other=1; coder_session_token=${t}` }];
    for (const headers of carriers) {
      expect(await server.call('GET', '/api/v2/users/me', { headers })).toMatchObject({ status: 200, body: { username: 'admin' } });
    }
  });

  it.each([
    ['no token', {}, 'Session token must be provided.'],
    ['a Basic authorization', { Authorization: 'Basic YWRtaW46YWRtaW4=' }, 'Session token must be provided.'],
    ['an empty header', { 'Coder-Session-Token': '' }, 'Session token must be provided.'],
    ['a malformed token', { 'Coder-Session-Token': 'not-a-token' }, 'Invalid session token.'],
    ['an unknown id', { Authorization: 'Bearer AAAAAAAAAA-BBBBBBBBBBBBBBBBBBBBBB' }, 'Invalid session token.'],
  ])('answers 401 for %s', async (_name, headers, message) => {
    const server = await startTestServer();
    expect(await server.call('GET', '/api/v2/users/me', { headers })).toEqual({ status: 401, body: { message } });
  });

  it('rejects the right id with a wrong secret, and a deleted key', async () => {
    const server = await startTestServer();
    const [id] = server.ownerToken.split('-');
    expect(await server.call('GET', '/api/v2/users/me', { token: `${id}-${'x'.repeat(22)}` })).toEqual({ status: 401, body: { message: 'Invalid session token.' } });
    const created = await server.call('POST', '/api/v2/users/me/keys', { token: server.ownerToken });
    expect(created.status).toBe(201);
    const key = (created.body as { key: string }).key;
    expect(key).toMatch(TOKEN);
    expect(await server.call('DELETE', `/api/v2/users/admin/keys/${key.split('-')[0]}`, { token: server.ownerToken })).toEqual({ status: 204, body: undefined });
    expect(await server.call('GET', '/api/v2/users/me', { token: key })).toEqual({ status: 401, body: { message: 'Invalid session token.' } });
  });
});

describe('owners and members', () => {
  async function withMembers() {
    const server = await startTestServer();
    const owner = server.ownerToken;
    const alice = await server.call('POST', '/api/v2/users', { token: owner, body: { username: 'alice', email: 'alice@example.com' } });
    await server.call('POST', '/api/v2/users', { token: owner, body: { username: 'bob' } });
    const aliceId = (alice.body as { id: string }).id;
    const aliceKey = ((await server.call('POST', `/api/v2/users/${aliceId}/keys`, { token: owner })).body as { key: string }).key;
    const bobKey = ((await server.call('POST', '/api/v2/users/bob/keys', { token: owner })).body as { key: string }).key;
    return { server, owner, alice, aliceId, aliceKey, bobKey };
  }

  it('owners create members and keys for them (by UUID or username)', async () => {
    const { server, alice, aliceKey } = await withMembers();
    expect(alice).toMatchObject({ status: 201, body: { username: 'alice', email: 'alice@example.com', role: 'member' } });
    expect(await server.call('GET', '/api/v2/users/me', { token: aliceKey })).toMatchObject({ status: 200, body: { username: 'alice', role: 'member' } });
  });

  it('members see only themselves: other users are 404, creating users is 403', async () => {
    const { server, owner, aliceId, aliceKey, bobKey } = await withMembers();
    const notFound = { status: 404, body: { message: 'Resource not found or you do not have access to this resource.' } };
    expect(await server.call('GET', `/api/v2/users/${aliceId}`, { token: bobKey })).toEqual(notFound);
    expect(await server.call('GET', '/api/v2/users/ALICE', { token: owner })).toMatchObject({ status: 200, body: { id: aliceId } });
    expect(await server.call('POST', '/api/v2/users/alice/keys', { token: bobKey })).toEqual(notFound);
    expect(await server.call('POST', '/api/v2/users/admin/keys', { token: aliceKey })).toEqual(notFound);
    const aliceKeyId = aliceKey.split('-')[0]!;
    expect(await server.call('DELETE', `/api/v2/users/alice/keys/${aliceKeyId}`, { token: bobKey })).toEqual(notFound);
    expect(await server.call('DELETE', `/api/v2/users/me/keys/${aliceKeyId}`, { token: bobKey })).toEqual(notFound);
    expect(await server.call('POST', '/api/v2/users', { token: aliceKey, body: { username: 'carol' } })).toEqual({ status: 403, body: { message: 'Forbidden.' } });
    expect((await server.call('POST', '/api/v2/users/me/keys', { token: bobKey })).status).toBe(201);
  });

  it.each([
    ['duplicate username (any case)', { username: 'Alice' }, 409, { message: 'User already exists.' }],
    ['bad username', { username: '-x' }, 400, { message: 'Validation failed.', validations: [{ field: 'username' }] }],
    ['bad role', { username: 'dave', role: 'admin' }, 400, { message: 'Validation failed.', validations: [{ field: 'role' }] }],
  ])('POST /api/v2/users rejects %s', async (_name, body, status, expected) => {
    const { server, owner } = await withMembers();
    expect(await server.call('POST', '/api/v2/users', { token: owner, body })).toMatchObject({ status, body: expected });
  });

  it.each([
    ['unknown user', 'POST', '/api/v2/users/nobody/keys'],
    ['unknown UUID', 'POST', '/api/v2/users/00000000-0000-4000-8000-00000000dead/keys'],
    ['unknown key', 'DELETE', '/api/v2/users/me/keys/ZZZZZZZZZZ'],
    ['malformed key id', 'DELETE', '/api/v2/users/me/keys/x'],
  ])('answers 404 for %s', async (_name, method, path) => {
    const { server, owner } = await withMembers();
    expect(await server.call(method, path, { token: owner })).toMatchObject({ status: 404 });
  });

  it('requires a token on every user endpoint', async () => {
    const server = await startTestServer();
    for (const [method, path] of [['GET', '/api/v2/users/me'], ['POST', '/api/v2/users'], ['GET', '/api/v2/users/admin'], ['POST', '/api/v2/users/me/keys'], ['DELETE', '/api/v2/users/me/keys/AAAAAAAAAA']]) {
      expect(await server.call(method!, path!)).toEqual({ status: 401, body: { message: 'Session token must be provided.' } });
    }
  });
});

describe('secrets', () => {
  it('no log line of this file contains a session token', async () => {
    const server = await startTestServer();
    const created = await server.call('POST', '/api/v2/users/me/keys', { token: server.ownerToken });
    const tokens = [server.ownerToken, (created.body as { key: string }).key];
    for (const token of tokens) {
      const secret = token.split('-')[1]!;
      expect(logLines.filter((l) => l.includes(secret))).toEqual([]);
    }
    expect(logLines.length).toBeGreaterThan(0);
  });
});
