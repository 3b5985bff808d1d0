// `taskyard up` (what `npm start` runs) through the real bin:
//   - the failures that must never start anything: its own bad settings give
//     `error: <message>` and exit 1 before any directory is created; a bad
//     server flag passed through gives the server's own error verbatim (not a
//     progress line) and its exit code;
//   - a second Ctrl+C while a pause hangs (a template whose stop script
//     sleeps) stops faster: the workspace's processes are killed, exit 0.
// The happy path on a fresh clone is test/npm-start.test.ts.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { relocatedDataDir } from '../src/cli/up/postgres-reachable-dir.js';
import { findWorkspaceProcesses, killWorkspaceProcesses } from '../src/server/provisioner/processes.js';
import type { Task } from '../src/server/tasks/protocol.js';
import { PROJECT_ROOT } from './helpers/agentapi-process.js';
import { usePostgres } from './helpers/postgres.js';
import { TASKYARD_BIN } from './helpers/taskyard-process.js';

const pg = usePostgres();

const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function up(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string; cwd: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'taskyard-up-cli-'));
  // As root the 0700 cwd makes `up` keep the server data in /var/lib/taskyard/checkouts/<hash>.
  dirs.push(cwd, relocatedDataDir(join(cwd, '.taskyard')));
  const clean = { ...process.env };
  for (const name of ['PORT', 'TASKYARD_ADDRESS', 'TASKYARD_DATA_DIR', 'TASKYARD_POSTGRES_URL']) delete clean[name];
  const child = spawn(process.execPath, [TASKYARD_BIN, 'up', ...args], { cwd, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, cwd })));
}

describe('taskyard up: bad settings', () => {
  it.each<[string, string[], NodeJS.ProcessEnv, string]>([
    ['--address without port', ['--address', 'localhost'], {}, 'error: invalid --address "localhost": expected <host>:<port>\n'],
    ['PORT not a number', [], { PORT: 'eighty' }, 'error: invalid PORT "eighty": expected a port number (0-65535)\n'],
    ['TASKYARD_ADDRESS port too big', [], { TASKYARD_ADDRESS: '127.0.0.1:65536' }, 'error: invalid TASKYARD_ADDRESS "127.0.0.1:65536": expected <host>:<port>\n'],
  ])('%s → error, exit 1, nothing created', async (_name, args, env, stderr) => {
    const result = await up(args, env);
    expect(result).toMatchObject({ code: 1, stdout: '', stderr });
    expect(existsSync(join(result.cwd, '.taskyard'))).toBe(false);
  });

  it("passes a bad server flag's error through verbatim with the server's exit code", async () => {
    const result = await up(['--address', '127.0.0.1:0', '--log-level', 'trace']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: invalid --log-level "trace": expected debug, info, warn or error\n');
    expect(result.stderr).toContain('error: taskyard server exited with code 1; its log is in .taskyard/server.log\n');
    expect(result.stdout).not.toContain('taskyard is running');
  });
});

/** The demo template plus a stop script that never ends on its own: a pause that hangs. */
const SLOW_STOP_SOURCE = readFileSync(join(PROJECT_ROOT, 'templates', 'demo.ts'), 'utf8').replace(
  '...agentapi.scripts,\n    ],',
  "...agentapi.scripts,\n      { display_name: 'Slow stop', script: 'sleep 600', run_on_stop: true },\n    ],",
);

describe('taskyard up: Ctrl+C twice', () => {
  it('stops faster: the hanging pause is cut short, the workspace processes are killed, exit 0', async () => {
    expect(SLOW_STOP_SOURCE).toContain('Slow stop');
    const db = await pg.createDatabase({ migrated: true });
    const cwd = mkdtempSync(join(tmpdir(), 'taskyard-up-faster-'));
    chmodSync(cwd, 0o755);
    dirs.push(cwd);
    const templatesDir = join(cwd, 'templates');
    mkdirSync(templatesDir);
    writeFileSync(join(templatesDir, 'slowstop.ts'), SLOW_STOP_SOURCE);
    const base = 45000 + (process.pid % 400) * 10;
    const env = { ...process.env };
    for (const name of ['PORT', 'TASKYARD_ADDRESS', 'TASKYARD_DATA_DIR', 'TASKYARD_POSTGRES_URL']) delete env[name];
    const child = spawn(
      process.execPath,
      [TASKYARD_BIN, 'up', '--address', '127.0.0.1:0', '--postgres-url', db.url, '--templates-dir', templatesDir, '--task-idle-timeout', '0', '--port-range', `${base}-${base + 9}`],
      { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    let workspaceId = '';
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      if (workspaceId) await killWorkspaceProcesses(workspaceId);
    });
    const until = async (check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> => {
      const deadline = Date.now() + timeoutMs;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    await until(() => /press Ctrl\+C again/.test(stdout), 'the banner');
    const url = /taskyard is running at (\S+)/.exec(stdout)![1]!;
    const token = /session token: (\S+)/.exec(stdout)![1]!;
    const headers = { 'Coder-Session-Token': token, 'Content-Type': 'application/json' };
    const created = await fetch(`${url}/api/v2/tasks/me`, { method: 'POST', headers, body: JSON.stringify({ template: 'slowstop', input: 'hi', name: 'slow' }) });
    expect(created.status).toBe(201);
    workspaceId = ((await created.json()) as Task).workspace_id!;
    await until(async () => {
      const task = (await (await fetch(`${url}/api/v2/tasks/me/slow`, { headers })).json()) as Task;
      return task.status === 'active' && task.current_state?.state === 'idle';
    }, 'the task to become active and idle');

    child.kill('SIGINT');
    await until(() => stdout.includes('Build #2 (pause) of admin/slow: started'), 'the pause to start');
    await new Promise((r) => setTimeout(r, 1_000)); // the user waits a moment, then presses Ctrl+C again
    expect(findWorkspaceProcesses(workspaceId).length).toBeGreaterThan(0); // the stop script still sleeps
    const forcedAt = Date.now();
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(Date.now() - forcedAt).toBeLessThan(30_000);
    expect(stdout).toContain('taskyard: stopping faster: killing the processes of tasks still pausing');
    expect(stdout).toContain('taskyard: Pausing cut short (stopping faster): killed the processes of 1 workspace(s)');
    expect(stdout).toContain('taskyard: Server: stopped (PostgreSQL too)');
    expect(findWorkspaceProcesses(workspaceId)).toEqual([]);
  }, 150_000);
});

describe('taskyard up as root in a directory closed to others', () => {
  // A clone inside a mkdtemp dir (0700) or under /root: OS user `postgres` cannot enter it.
  it.skipIf(process.getuid?.() !== 0)('keeps the server data where postgres can reach it, links it, reuses it, and stops cleanly', { timeout: 180_000 }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'taskyard-up-closed-'));
    dirs.push(cwd);
    expect(statSync(cwd).mode & 0o777).toBe(0o700);
    const relocated = relocatedDataDir(join(cwd, '.taskyard'));
    cleanups.push(async () => rmSync(relocated, { recursive: true, force: true }));
    const clean = { ...process.env };
    for (const name of ['PORT', 'TASKYARD_ADDRESS', 'TASKYARD_DATA_DIR', 'TASKYARD_POSTGRES_URL']) delete clean[name];

    const start = async () => {
      const child = spawn(process.execPath, [TASKYARD_BIN, 'up', '--address', '127.0.0.1:0'], { cwd, env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.resume();
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      cleanups.push(async () => {
        if (child.exitCode === null) child.kill('SIGKILL');
      });
      await expect.poll(() => /Dashboard\s+(\S+)/.exec(stdout)?.[1], { timeout: 120_000, interval: 250 }).toBeDefined();
      return { child, exited, stdout: () => stdout };
    };

    const first = await start();
    expect(first.stdout()).toContain(`which cannot enter .taskyard; the server's data is kept in ${relocated}`);
    expect(readlinkSync(join(cwd, '.taskyard', 'server-data'))).toBe(relocated);
    expect(existsSync(join(relocated, 'postgres', 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(cwd, '.taskyard', 'session'))).toBe(true);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(existsSync(join(relocated, 'postgres', 'postmaster.pid'))).toBe(false);

    // The second start finds the same cluster: no initdb, the kept token still signs in.
    const second = await start();
    expect(second.stdout()).not.toContain('first start');
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    expect(existsSync(join(relocated, 'postgres', 'postmaster.pid'))).toBe(false);
  });
});
