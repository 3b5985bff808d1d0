// `taskyard server` as a process, through the real bin (server.md §1, §9):
// flags and their errors, startup log, /healthz, /api/v2/buildinfo, /metrics
// names, request log fields, and SIGTERM/SIGINT shutdown leaving no
// PostgreSQL behind. Must never leave a server or postmaster running.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { usePostgres } from './helpers/postgres.js';
import { runTaskyard, startTaskyard, stopAllTaskyard, type TaskyardProcess } from './helpers/taskyard-process.js';

const pg = usePostgres();
const isRoot = process.getuid?.() === 0;
const tempDirs: string[] = [];
const packageVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'taskyard-server-'));
  chmodSync(dir, 0o755);
  tempDirs.push(dir);
  return dir;
}

afterEach(async () => {
  await stopAllTaskyard();
});
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Starts `taskyard server` and waits for `server started`; returns its access URL. */
async function startServerProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ proc: TaskyardProcess; url: string }> {
  const proc = startTaskyard(['server', '--address', '127.0.0.1:0', ...args], { TASKYARD_FIRST_USER_USERNAME: '', ...env });
  await proc.waitFor(() => proc.logs().some((l) => l.msg === 'server started'), 'server started', 30_000);
  const url = String(proc.logs().find((l) => l.msg === 'server started')!.access_url);
  return { proc, url };
}

function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

describe('taskyard server', () => {
  it('serves healthz, buildinfo, metrics and JSON 404s, logs requests, and stops on SIGINT', async () => {
    const db = await pg.createDatabase();
    const { proc, url } = await startServerProcess(['--postgres-url', db.url, '--data-dir', dataDir()]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toMatch(/:0$/);

    const health = await fetch(`${url}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'OK']);
    expect(await (await fetch(`${url}/api/v2/buildinfo`)).json()).toEqual({ version: packageVersion });
    const missing = await fetch(`${url}/api/v2/nope?secret=1`);
    expect([missing.status, await missing.json()]).toEqual([404, { message: 'Route not found.' }]);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    for (const name of ['taskyard_http_requests_total', 'taskyard_http_request_duration_seconds', 'taskyard_tasks', 'taskyard_workspace_builds_total',
      'taskyard_provisioner_jobs_running', 'taskyard_agents_connected', 'taskyard_log_snapshots_total', 'taskyard_task_auto_pauses_total',
      'process_cpu_user_seconds_total']) {
      expect(metrics).toContain(`# TYPE ${name} `);
    }
    expect(metrics).toMatch(/taskyard_http_requests_total\{method="GET",route="\/api\/v2\/buildinfo",status="200"\} 1/);
    expect(metrics).toMatch(/taskyard_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);

    const line = proc.logs().find((l) => l.msg === 'http request' && l.path === '/api/v2/nope');
    expect(line).toMatchObject({ level: 'info', method: 'GET', status: 404 });
    expect(Object.keys(line!).sort()).toEqual(['duration_ms', 'level', 'method', 'msg', 'path', 'request_id', 'status', 'time']);
    expect(proc.stderr).not.toContain('secret=1');
    expect(proc.stderr).not.toContain(new URL(db.url).password);

    expect(await proc.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(proc.logs().at(-1)?.msg).toBe('server stopped');
  });

  it('runs embedded PostgreSQL in <data-dir>/postgres and leaves no postgres process after SIGTERM', async () => {
    const dir = dataDir();
    const { proc } = await startServerProcess(['--data-dir', dir]);
    expect(processesMentioning(join(dir, 'postgres')).length).toBeGreaterThan(0);
    expect(proc.stderr).not.toContain(JSON.parse(readFileSync(join(dir, 'postgres-credentials.json'), 'utf8')).password);
    expect(await proc.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(processesMentioning(join(dir, 'postgres'))).toEqual([]);
  });

  it.each([
    [['--address', 'nope'], 'error: invalid --address "nope": expected <host>:<port>\n'],
    [['--log-level', 'loud'], 'error: invalid --log-level "loud": expected debug, info, warn or error\n'],
    [['--port-range', '9-1'], 'error: invalid --port-range "9-1": expected <start>-<end> with 1 <= start <= end <= 65535\n'],
    [['--postgres-url', 'http://u:hunter2@x'], 'error: invalid --postgres-url: expected a postgres:// or postgresql:// URL\n'],
  ])('rejects invalid settings %j with exit 1', async (args, stderr) => {
    const result = await runTaskyard(['server', ...args]);
    expect(result).toMatchObject({ code: 1, stdout: '', stderr });
  });

  it('reports an env variable by name', async () => {
    const result = await runTaskyard(['server'], { TASKYARD_STOP_GRACE_PERIOD: 'soon' });
    expect(result).toMatchObject({ code: 1, stderr: 'error: invalid TASKYARD_STOP_GRACE_PERIOD "soon": expected a duration such as 300s, 30m or 0\n' });
  });

  it.runIf(isRoot)('fails with the §2.2 text when the postgres user cannot reach the data dir', async () => {
    const locked = mkdtempSync(join(tmpdir(), 'taskyard-locked-')); // 0700 root
    tempDirs.push(locked);
    const dir = join(locked, 'data');
    const result = await runTaskyard(['server', '--data-dir', dir, '--address', '127.0.0.1:0']);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').filter((l) => !l.startsWith('{'))).toEqual([
      `error: embedded postgres: data directory ${dir} is not accessible by OS user "postgres"; use a --data-dir outside /root or --postgres-url`,
      '',
    ]);
  });

  it('fails with exit 1 when the address is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const db = await pg.createDatabase();
      const result = await runTaskyard(['server', '--address', `127.0.0.1:${port}`, '--postgres-url', db.url, '--data-dir', dataDir()]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`error: listening on 127.0.0.1:${port}: address already in use\n`);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});
