// The §3.8 token checks through the real bin (token line once across two
// starts, three carriers, no plaintext token in any table or log line),
// `taskyard login` (saved files 0600 in a 0700 dir, its errors) and the CLI
// API client's credential resolution. Must never leave a server or
// postmaster running.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ApiRequestError, CliError, printCliError, resolveCredentials, saveCredentials } from '../src/cli/api-client.js';
import { resolveServerConfig } from '../src/server/config.js';
import { startServer, type RunningServer } from '../src/server/server.js';
import { usePostgres } from './helpers/postgres.js';
import { runTaskyard, startTaskyard, stopAllTaskyard, type TaskyardProcess } from './helpers/taskyard-process.js';

const pg = usePostgres();
const tempDirs: string[] = [];
const servers: RunningServer[] = [];

function tempDir(mode = 0o755): string {
  const dir = mkdtempSync(join(tmpdir(), 'taskyard-login-'));
  chmodSync(dir, mode);
  tempDirs.push(dir);
  return dir;
}

afterEach(async () => {
  await stopAllTaskyard();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

async function startBin(dataDir: string): Promise<{ proc: TaskyardProcess; url: string }> {
  const proc = startTaskyard(['server', '--data-dir', dataDir, '--address', '127.0.0.1:0'], { TASKYARD_FIRST_USER_USERNAME: undefined });
  await proc.waitFor(() => proc.logs().some((l) => l.msg === 'server started'), 'server started', 30_000);
  return { proc, url: String(proc.logs().find((l) => l.msg === 'server started')!.access_url) };
}

describe('first start through the real bin', () => {
  it('prints the token line once across two starts; the token works with every carrier and is stored nowhere in plaintext', async () => {
    const dataDir = tempDir();
    const first = await startBin(dataDir);
    const match = /^First user "admin" created\. Session token: ([a-zA-Z0-9]{10}-[a-zA-Z0-9]{22})\n$/.exec(first.proc.stdout);
    expect(match).not.toBeNull();
    const token = match![1]!;
    expect(await first.proc.stop('SIGTERM')).toEqual({ code: 0, signal: null });

    const second = await startBin(dataDir);
    expect(second.proc.stdout).toBe('');
    const carriers: Record<string, string>[] = [{ 'Coder-Session-Token': token }, { Authorization: `Bearer ${token}` }, { Cookie: `coder_session_token=${token}` }];
    for (const headers of carriers) {
      const response = await fetch(`${second.url}/api/v2/users/me`, { headers });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ username: 'admin', role: 'owner' });
    }

    // Search every column of every table for the token and its secret half.
    const { username, password } = JSON.parse(readFileSync(join(dataDir, 'postgres-credentials.json'), 'utf8')) as { username: string; password: string };
    const port = Number(second.proc.logs().find((l) => l.msg === 'embedded postgres started')!.port);
    const sql = postgres({ host: '127.0.0.1', port, username, password, database: 'postgres', max: 1 });
    try {
      const tables = await sql<{ table_name: string }[]>`select table_name from information_schema.tables where table_schema = 'public'`;
      expect(tables.length).toBeGreaterThan(15);
      for (const { table_name } of tables) {
        const hits = await sql`select 1 from ${sql(table_name)} t where t::text like ${`%${token.split('-')[1]}%`}`;
        expect(hits.length, table_name).toBe(0);
      }
      const keys = await sql<{ id: string }[]>`select id from api_keys`;
      expect(keys.map((k) => k.id)).toEqual([token.split('-')[0]]);
    } finally {
      await sql.end();
    }
    expect(`${first.proc.stderr}${second.proc.stderr}`).not.toContain(token.split('-')[1]);
    expect(await second.proc.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});

async function inProcessServer(firstUser: string): Promise<{ url: string; token: string }> {
  const db = await pg.createDatabase({ migrated: true });
  const config = resolveServerConfig({ address: '127.0.0.1:0', postgresUrl: db.url, dataDir: '/nonexistent-taskyard', firstUserUsername: firstUser }, {}, { uid: 1000, homeDir: '/tmp' });
  let out = '';
  const server = await startServer(config, { stdout: { write: (s: string) => (out += s) } as unknown as NodeJS.WritableStream, logDestination: { write: () => undefined } });
  servers.push(server);
  return { url: server.accessUrl, token: /Session token: (\S+)/.exec(out)?.[1] ?? '' };
}

describe('taskyard login', () => {
  it('verifies --token and saves url and session (files 0600, dir 0700)', async () => {
    const { url, token } = await inProcessServer('admin');
    const configDir = join(tempDir(0o700), 'nested', 'taskyard');
    const result = await runTaskyard(['login', `${url}/`, '--token', token], { TASKYARD_CONFIG_DIR: configDir });
    expect(result).toMatchObject({ code: 0, stdout: `Logged in to ${url} as admin.\n`, stderr: '' });
    expect(statSync(configDir).mode & 0o777).toBe(0o700);
    for (const [name, content] of [['url', url], ['session', token]] as const) {
      expect(readFileSync(join(configDir, name), 'utf8')).toBe(`${content}\n`);
      expect(statSync(join(configDir, name)).mode & 0o777).toBe(0o600);
    }
  });

  it('creates the first user with --first-user-username', async () => {
    const { url } = await inProcessServer('');
    const configDir = join(tempDir(0o700), 'cfg');
    const result = await runTaskyard(['login', url, '--first-user-username', 'root-user', '--first-user-email', 'r@example.com'], { TASKYARD_CONFIG_DIR: configDir });
    expect(result).toMatchObject({ code: 0, stdout: `Logged in to ${url} as root-user.\n` });
    const saved = readFileSync(join(configDir, 'session'), 'utf8').trim();
    const me = await fetch(`${url}/api/v2/users/me`, { headers: { 'Coder-Session-Token': saved } });
    expect(await me.json()).toMatchObject({ username: 'root-user', email: 'r@example.com', role: 'owner' });
    const again = await runTaskyard(['login', url, '--first-user-username', 'x'], { TASKYARD_CONFIG_DIR: configDir });
    expect(again).toMatchObject({ code: 1, stdout: '', stderr: 'error: The first user has already been created.\n' });
  });

  it.each([
    ['an invalid token', ['--token', 'AAAAAAAAAA-BBBBBBBBBBBBBBBBBBBBBB'], 'error: Invalid session token.\n'],
    ['no token', [], 'error: --token or --first-user-username is required\n'],
    ['a bad first username', ['--first-user-username', 'bad name'], 'error: Validation failed.\nusername: must match ^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$\n'],
  ])('fails with exit 1 for %s and saves nothing', async (_name, args, stderr) => {
    const { url } = await inProcessServer('');
    const configDir = join(tempDir(0o700), 'cfg');
    const result = await runTaskyard(['login', url, ...args], { TASKYARD_CONFIG_DIR: configDir, TASKYARD_SESSION_TOKEN: '' });
    expect(result).toMatchObject({ code: 1, stdout: '', stderr });
    expect(() => statSync(configDir)).toThrow();
  });

  it('fails for a bad URL and an unreachable server', async () => {
    expect(await runTaskyard(['login', 'ftp://x', '--token', 't'])).toMatchObject({ code: 1, stderr: 'error: invalid URL "ftp://x": expected an http or https URL\n' });
    const unreachable = await runTaskyard(['login', 'http://127.0.0.1:1', '--token', 't'], { TASKYARD_CONFIG_DIR: join(tempDir(), 'c') });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^error: cannot reach http:\/\/127\.0\.0\.1:1: /);
  });
});

describe('CLI API client', () => {
  it('resolves url and token: flag > env > saved files', () => {
    const dir = join(tempDir(0o700), 'cfg');
    const env = { TASKYARD_CONFIG_DIR: dir };
    expect(() => resolveCredentials({}, env)).toThrow(new CliError('not logged in; run "taskyard login <url>"'));
    saveCredentials({ url: 'http://saved:1', token: 'saved-token' }, env);
    expect(resolveCredentials({}, env)).toEqual({ url: 'http://saved:1', token: 'saved-token' });
    expect(resolveCredentials({}, { ...env, TASKYARD_URL: 'http://env:2/', TASKYARD_SESSION_TOKEN: 'env-token' })).toEqual({ url: 'http://env:2', token: 'env-token' });
    expect(resolveCredentials({ url: 'http://flag:3', token: 'flag-token' }, { ...env, TASKYARD_URL: 'http://env:2' })).toEqual({ url: 'http://flag:3', token: 'flag-token' });
    expect(() => resolveCredentials({ url: 'http://flag:3' }, { TASKYARD_CONFIG_DIR: join(dir, 'none') })).toThrow('not logged in; run "taskyard login <url>"');
  });

  it('prints errors as `error: <message>` plus the detail line', () => {
    let out = '';
    const stderr = { write: (s: string) => (out += s) } as unknown as NodeJS.WritableStream;
    printCliError(new ApiRequestError(409, 'Task is not paused.', 'Task status is "active".'), stderr);
    printCliError(new CliError('plain'), stderr);
    expect(out).toBe('error: Task is not paused.\nTask status is "active".\nerror: plain\n');
  });
});
