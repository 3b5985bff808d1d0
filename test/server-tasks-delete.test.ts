// Deleting a task and reusing its name at once (server.md §6.3) through the
// real `taskyard server` bin on the test PostgreSQL, with the built-in `demo`
// template and its real agent processes: the new task is created while the
// old workspace's delete build is still to run, that delete build still
// completes (processes gone, directory removed, workspace deleted) and the
// new task's workspace is left alone. Every workspace process is killed
// afterwards by its TASKYARD_WORKSPACE_ID (never by name).
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findWorkspaceProcesses, killWorkspaceProcesses } from '../src/server/provisioner/processes.js';
import type { Task } from '../src/server/tasks/protocol.js';
import { usePostgres } from './helpers/postgres.js';
import { startTaskyard, stopAllTaskyard } from './helpers/taskyard-process.js';

const pg = usePostgres();
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await stopAllTaskyard();
});

async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`never ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const isIdle = (t: Task) => t.status === 'active' && t.current_state?.state === 'idle';

describe('delete a task, then create one of the same name', () => {
  it('201 right away; the old workspace\'s delete build still completes and kills its processes', { timeout: 240_000 }, async () => {
    const db = await pg.createDatabase({ migrated: true });
    const root = mkdtempSync(path.join(tmpdir(), 'taskyard-task-delete-'));
    chmodSync(root, 0o755);
    const dataDir = path.join(root, 'data');
    const base = 50000 + (process.pid % 250) * 20; // the allocator skips ports in use by other test files
    cleanups.push(async () => {
      const workspaces = await db.sql<{ id: string }[]>`select id from workspaces`;
      await stopAllTaskyard();
      for (const { id } of workspaces) await killWorkspaceProcesses(id);
      rmSync(root, { recursive: true, force: true });
    });
    const proc = startTaskyard([
      'server', '--address', '127.0.0.1:0', '--log-level', 'info', '--postgres-url', db.url, '--data-dir', dataDir,
      '--task-idle-timeout', '0', '--stop-grace-period', '20s', '--port-range', `${base}-${base + 19}`,
    ]);
    await proc.waitFor(() => proc.logs().some((l) => l.msg === 'server started'), 'server started', 60_000);
    const url = String(proc.logs().find((l) => l.msg === 'server started')!.access_url);
    const token = /Session token: (\S+)/.exec(proc.stdout)![1]!;
    const call = async <T>(method: string, pathname: string, body?: unknown): Promise<{ status: number; body: T }> => {
      const response = await fetch(`${url}${pathname}`, {
        method,
        headers: { 'Coder-Session-Token': token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
    };
    const task = () => call<Task>('GET', '/api/v2/tasks/me/t').then((r) => r.body);

    const first = await call<Task>('POST', '/api/v2/tasks/me', { template: 'demo', input: 'hello', name: 't' });
    expect(first.status).toBe(201);
    await until(task, isIdle, 'active and idle');
    const oldWorkspace = first.body.workspace_id!;
    expect(findWorkspaceProcesses(oldWorkspace).length).toBeGreaterThan(0);

    expect((await call('DELETE', '/api/v2/tasks/me/t')).status).toBe(202);
    const second = await call<Task>('POST', '/api/v2/tasks/me', { template: 'demo', input: 'again', name: 't' });
    expect(second).toMatchObject({ status: 201, body: { name: 't', workspace_name: 't', initial_prompt: 'again' } });
    const newWorkspace = second.body.workspace_id!;
    expect(newWorkspace).not.toBe(oldWorkspace);

    const deleted = await until(
      () => db.sql<{ deleted_at: Date | null; job: string }[]>`
        select w.deleted_at, j.status as job from workspaces w
        join builds b on b.workspace_id = w.id and b.transition = 'delete' join provisioner_jobs j on j.id = b.job_id
        where w.id = ${oldWorkspace}`,
      (rows) => rows.length === 1 && rows[0]!.job !== 'pending' && rows[0]!.job !== 'running',
      'finished the delete build',
    );
    expect(deleted[0]).toMatchObject({ job: 'succeeded', deleted_at: expect.any(Date) });
    expect(findWorkspaceProcesses(oldWorkspace)).toEqual([]);
    expect(existsSync(path.join(dataDir, 'workspaces', oldWorkspace))).toBe(false);

    // The new task is untouched by the old workspace's deletion.
    expect(await until(task, isIdle, 'the new task active and idle')).toMatchObject({ id: second.body.id, workspace_id: newWorkspace });
    expect(findWorkspaceProcesses(newWorkspace).length).toBeGreaterThan(0);
  });
});
