// A server crash during a pause (server.md §4.4.3, §4.6): the real bin is
// killed with SIGKILL while the stop job runs (a template whose stop script
// sleeps keeps it running). Restarted on the same data dir and database,
// reconciliation queues the abandoned stop job again (the 30 s threshold is
// shortened through TASKYARD_PROVISIONER_ABANDONED_AFTER_MS), the same build
// finishes, and the task reaches `paused` with its snapshot — never `error` —
// from which resume works. Every workspace
// process is killed afterwards by its TASKYARD_WORKSPACE_ID (never by name),
// and none is left unaccounted for.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findWorkspaceProcesses, killWorkspaceProcesses } from '../src/server/provisioner/processes.js';
import type { Task, TaskLogs } from '../src/server/tasks/protocol.js';
import { PROJECT_ROOT } from './helpers/agentapi-process.js';
import { usePostgres } from './helpers/postgres.js';
import { startTaskyard, stopAllTaskyard, type TaskyardProcess } from './helpers/taskyard-process.js';

const pg = usePostgres();
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await stopAllTaskyard();
});

const DEMO_SOURCE = readFileSync(path.join(PROJECT_ROOT, 'templates', 'demo.ts'), 'utf8');
/** The demo template plus a stop script that sleeps 10 s, so the stop job lasts. */
const SLOW_STOP_SOURCE = DEMO_SOURCE.replace(
  '      ...agentapi.scripts,',
  "      { display_name: 'Slow stop', resource_address: 'coder_script.slow_stop', script: '#!/bin/bash\\nsleep 10\\n', run_on_stop: true },\n      ...agentapi.scripts,",
);
const ABANDONED_AFTER_MS = 8_000;

interface Server {
  proc: TaskyardProcess;
  url: string;
}

async function startServer(args: string[]): Promise<Server> {
  const proc = startTaskyard(['server', '--address', '127.0.0.1:0', '--log-level', 'info', ...args], { TASKYARD_PROVISIONER_ABANDONED_AFTER_MS: String(ABANDONED_AFTER_MS) });
  await proc.waitFor(() => proc.logs().some((l) => l.msg === 'server started'), 'server started', 60_000);
  return { proc, url: String(proc.logs().find((l) => l.msg === 'server started')!.access_url) };
}

async function call<T>(server: Server, token: string, method: string, pathname: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.url}${pathname}`, { method, headers: { 'Coder-Session-Token': token } });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

async function waitForTask(server: Server, token: string, check: (t: Task) => boolean, what: string, timeoutMs = 90_000): Promise<Task> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await call<Task>(server, token, 'GET', '/api/v2/tasks/me/crash');
    if (check(body)) return body;
    if (Date.now() > deadline) throw new Error(`task never ${what}: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const isIdle = (t: Task) => t.status === 'active' && t.current_state?.state === 'idle';

describe('server crash during a pause', () => {
  it('after kill -9 during the stop job and a restart, the same stop build finishes: paused with its snapshot, then resume works', { timeout: 300_000 }, async () => {
    const db = await pg.createDatabase({ migrated: true });
    const root = mkdtempSync(path.join(tmpdir(), 'taskyard-crash-'));
    chmodSync(root, 0o755);
    const templatesDir = path.join(root, 'templates');
    mkdirSync(templatesDir);
    writeFileSync(path.join(templatesDir, 'slowstop.ts'), SLOW_STOP_SOURCE);
    const base = 45000 + (process.pid % 250) * 20; // the allocator skips ports in use by other test files
    const args = ['--postgres-url', db.url, '--data-dir', path.join(root, 'data'), '--templates-dir', templatesDir, '--task-idle-timeout', '0',
      '--stop-grace-period', '60s', '--port-range', `${base}-${base + 9}`];
    cleanups.push(async () => {
      const workspaces = await db.sql<{ id: string }[]>`select id from workspaces`;
      await stopAllTaskyard();
      for (const { id } of workspaces) await killWorkspaceProcesses(id);
      rmSync(root, { recursive: true, force: true });
    });

    const first = await startServer(args);
    const token = /Session token: (\S+)/.exec(first.proc.stdout)![1]!;
    const created = await fetch(`${first.url}/api/v2/tasks/me`, {
      method: 'POST',
      headers: { 'Coder-Session-Token': token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ template: 'slowstop', input: 'hello', name: 'crash' }),
    });
    expect(created.status).toBe(201);
    await waitForTask(first, token, isIdle, 'active and idle');
    const workspaceId = (await db.sql<{ id: string }[]>`select id from workspaces`)[0]!.id;

    const pause = await call<{ workspace_build_id: string }>(first, token, 'POST', '/api/experimental/tasks/me/crash/pause');
    expect(pause.status).toBe(202);
    const buildId = pause.body.workspace_build_id;
    const jobStatus = async () => (await db.sql<{ status: string }[]>`select j.status from builds b join provisioner_jobs j on j.id = b.job_id where b.id = ${buildId}`)[0]!.status;
    const deadline = Date.now() + 30_000;
    while ((await jobStatus()) !== 'running') {
      if (Date.now() > deadline) throw new Error(`stop job never ran: ${await jobStatus()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 1_000));
    first.proc.child.kill('SIGKILL');
    await first.proc.exited;
    expect(await jobStatus()).toBe('running');

    const second = await startServer(args);
    const seen = new Set<string>();
    const paused = await waitForTask(second, token, (t) => (seen.add(t.status), t.status === 'paused' || t.status === 'error'), 'paused', 120_000);
    expect(paused.status).toBe('paused');
    expect([...seen].filter((s) => !['unknown', 'paused'].includes(s))).toEqual([]);
    const [build] = await db.sql<{ status: string; error: string | null; attempts: number }[]>`select j.status, j.error, j.attempts from builds b join provisioner_jobs j on j.id = b.job_id where b.id = ${buildId}`;
    expect(build).toEqual({ status: 'succeeded', error: null, attempts: 2 });
    const [latest] = await db.sql<{ id: string }[]>`select id from builds where workspace_id = ${workspaceId} order by build_number desc limit 1`;
    expect(latest!.id).toBe(buildId);
    expect(second.proc.logs().some((l) => l.msg === 'provisioner job abandoned; queued again' && l.job_id !== undefined)).toBe(true);
    const snapshot = await call<TaskLogs>(second, token, 'GET', '/api/v2/tasks/me/crash/logs');
    expect(snapshot.body.snapshot).toBe(true);
    expect(snapshot.body.logs.map((l) => l.content.trim())).toContain('Echo: hello');
    expect(findWorkspaceProcesses(workspaceId)).toEqual([]);
    const resume = await call(second, token, 'POST', '/api/experimental/tasks/me/crash/resume');
    expect(resume.status).toBe(202);
    await waitForTask(second, token, isIdle, 'active after resume', 120_000);
    const logs = await call<TaskLogs>(second, token, 'GET', '/api/v2/tasks/me/crash/logs');
    expect(logs.body.logs.map((l) => l.content.trim())).toContain('Echo: hello');
  });
});
