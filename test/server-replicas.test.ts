// Two `taskyard server` replicas (server.md §2.3, §2.6) through the real bin,
// on one external PostgreSQL (`--postgres-url`, the test helper's cluster)
// and one shared `--data-dir`: a task created through replica A is listed by
// replica B, and a pause requested through B reaches the agent connected to
// A (B starts after the agent connected to A, the only replica then) (the task becomes paused and its log snapshot is stored). Every workspace
// process is killed afterwards by its TASKYARD_WORKSPACE_ID (never by name).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killWorkspaceProcesses } from '../src/server/provisioner/processes.js';
import type { Task, TaskLogs } from '../src/server/tasks/protocol.js';
import { usePostgres } from './helpers/postgres.js';
import { startTaskyard, stopAllTaskyard, type TaskyardProcess } from './helpers/taskyard-process.js';

const pg = usePostgres();
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await stopAllTaskyard();
});

interface Replica {
  proc: TaskyardProcess;
  url: string;
}

async function startReplica(args: string[]): Promise<Replica> {
  const proc = startTaskyard(['server', '--address', '127.0.0.1:0', '--log-level', 'info', ...args]);
  await proc.waitFor(() => proc.logs().some((l) => l.msg === 'server started'), 'server started', 60_000);
  const url = String(proc.logs().find((l) => l.msg === 'server started')!.access_url);
  return { proc, url };
}

async function call<T>(replica: Replica, token: string, method: string, pathname: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${replica.url}${pathname}`, {
    method,
    headers: { 'Coder-Session-Token': token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

async function waitForTask(replica: Replica, token: string, name: string, check: (t: Task) => boolean, what: string, timeoutMs = 90_000): Promise<Task> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await call<Task>(replica, token, 'GET', `/api/v2/tasks/me/${name}`);
    if (check(body)) return body;
    if (Date.now() > deadline) throw new Error(`task ${name} never ${what}: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const isIdle = (t: Task) => t.status === 'active' && t.current_state?.state === 'idle';

describe('two replicas on one external PostgreSQL', () => {
  it('a task created on A is listed by B; a pause requested on B reaches the agent connected to A', { timeout: 240_000 }, async () => {
    const db = await pg.createDatabase({ migrated: true });
    const root = mkdtempSync(path.join(tmpdir(), 'taskyard-replicas-'));
    chmodSync(root, 0o755);
    const dataDir = path.join(root, 'data');
    const base = 40000 + (process.pid % 250) * 20; // the allocator skips ports in use by other test files
    const shared = ['--postgres-url', db.url, '--data-dir', dataDir, '--task-idle-timeout', '0', '--stop-grace-period', '20s', '--port-range', `${base}-${base + 9}`];
    cleanups.push(async () => {
      const workspaces = await db.sql<{ id: string }[]>`select id from workspaces`;
      await stopAllTaskyard();
      for (const { id } of workspaces) await killWorkspaceProcesses(id);
      rmSync(root, { recursive: true, force: true });
    });

    const a = await startReplica(shared);
    const token = /Session token: (\S+)/.exec(a.proc.stdout)?.[1];
    expect(token).toBeDefined();
    // The agent is started (and connects) while A is the only replica.
    expect((await call(a, token!, 'POST', '/api/v2/tasks/me', { template: 'demo', input: 'hello', name: 'shared' })).status).toBe(201);
    await waitForTask(a, token!, 'shared', isIdle, 'active and idle');
    const b = await startReplica(shared);
    expect(b.url).not.toBe(a.url);
    const listed = await call<{ tasks: Task[] }>(b, token!, 'GET', '/api/v2/tasks');
    expect(listed.status).toBe(200);
    expect(listed.body.tasks.map((t) => t.name)).toEqual(['shared']);
    expect((await call<Task>(b, token!, 'GET', '/api/v2/tasks/me/shared')).body).toMatchObject({ status: 'active' });

    const pause = await call<{ workspace_build_id: string }>(b, token!, 'POST', '/api/experimental/tasks/me/shared/pause');
    expect(pause.status).toBe(202);
    await waitForTask(a, token!, 'shared', (t) => t.status === 'paused', 'paused');
    const logs = await call<TaskLogs>(a, token!, 'GET', '/api/v2/tasks/me/shared/logs');
    expect(logs.body.snapshot).toBe(true);
    expect(logs.body.logs.map((l) => l.content.trim())).toContain('Echo: hello');
    const viaB = await call<TaskLogs>(b, token!, 'GET', '/api/v2/tasks/me/shared/logs');
    expect(viaB.body).toEqual(logs.body);
  });
});
