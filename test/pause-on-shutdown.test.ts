// `taskyard server --pause-tasks-on-shutdown` (src/server/pause-on-shutdown.ts)
// on the real composition root, a test PostgreSQL and the built-in demo
// template with real agent, agentapi and demo-agent processes:
//   - stop() first pauses the active task (stop build `task_manual_pause`,
//     snapshot stored by the stop script, job succeeded), then shuts down,
//     and no process of the workspace is left;
//   - stopFaster() right after stop() cuts the wait short: the workspace's
//     processes are killed, the stop job either finishes (it sees the agent
//     gone) or keeps its state for the next start's recovery, and stop()
//     still finishes.
// Every process a test starts is killed afterwards by TASKYARD_WORKSPACE_ID.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../src/server/config.js';
import type { Sql } from '../src/server/db/storage.js';
import { findWorkspaceProcesses, killWorkspaceProcesses } from '../src/server/provisioner/processes.js';
import { startServer, type RunningServer } from '../src/server/server.js';
import type { Task } from '../src/server/tasks/protocol.js';
import { usePostgres } from './helpers/postgres.js';

const pg = usePostgres();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Running {
  server: RunningServer;
  sql: Sql;
  logs: string[];
  createActiveTask(name: string): Promise<Task>;
}

async function startWithPause(block: number): Promise<Running> {
  const db = await pg.createDatabase({ migrated: true });
  const root = mkdtempSync(path.join(tmpdir(), 'taskyard-pause-shutdown-'));
  const base = 40000 + ((process.pid % 300) * 20 + block * 10) % 9000;
  const config = resolveServerConfig(
    { address: '127.0.0.1:0', postgresUrl: db.url, dataDir: path.join(root, 'data'), taskIdleTimeout: '0', stopGracePeriod: '20s', portRange: `${base}-${base + 9}`, logLevel: 'info', pauseTasksOnShutdown: true },
    {},
    { uid: process.getuid?.() ?? 1000, homeDir: root },
  );
  const stdout: string[] = [];
  const logs: string[] = [];
  const server = await startServer(config, {
    stdout: { write: (chunk: string) => stdout.push(chunk) } as unknown as NodeJS.WritableStream,
    logDestination: { write: (line: string) => void logs.push(line) },
  });
  cleanups.push(async () => {
    const workspaces = await db.sql<{ id: string }[]>`select id from workspaces`;
    await server.stop();
    for (const { id } of workspaces) await killWorkspaceProcesses(id);
    rmSync(root, { recursive: true, force: true });
  });
  const token = /Session token: (\S+)/.exec(stdout.join(''))![1]!;
  const call = async (method: string, pathname: string, body?: unknown): Promise<Task> => {
    const response = await fetch(`${server.accessUrl}${pathname}`, {
      method,
      headers: { 'Coder-Session-Token': token, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as Task;
  };
  return {
    server,
    sql: db.sql,
    logs,
    async createActiveTask(name) {
      await call('POST', '/api/v2/tasks/me', { template: 'demo', input: 'hello', name });
      const deadline = Date.now() + 60_000;
      for (;;) {
        const task = await call('GET', `/api/v2/tasks/me/${name}`);
        if (task.status === 'active' && task.current_state?.state === 'idle') return task;
        if (Date.now() > deadline) throw new Error(`task never became active and idle: ${JSON.stringify(task)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
  };
}

async function latestBuildOf(sql: Sql, workspaceId: string) {
  const [row] = await sql<{ transition: string; reason: string; status: string }[]>`
    select b.transition, b.reason, j.status from builds b join provisioner_jobs j on j.id = b.job_id
    where b.workspace_id = ${workspaceId} order by b.build_number desc limit 1`;
  return row!;
}

const messages = (logs: string[]) => logs.map((line) => (JSON.parse(line) as { msg: string }).msg);

describe('pause tasks on shutdown', () => {
  it('pauses the active task (snapshot stored) before the normal shutdown and leaves no workspace process', async () => {
    const run = await startWithPause(0);
    const task = await run.createActiveTask('keep');
    expect(findWorkspaceProcesses(task.workspace_id!).length).toBeGreaterThan(0);

    await run.server.stop();

    expect(await latestBuildOf(run.sql, task.workspace_id!)).toEqual({ transition: 'stop', reason: 'task_manual_pause', status: 'succeeded' });
    const [snapshot] = await run.sql<{ log_snapshot: { data: { messages: { content: string }[] } } }[]>`select log_snapshot from task_snapshots where task_id = ${task.id}`;
    expect(snapshot?.log_snapshot.data.messages.map((m) => m.content.trim())).toContain('Echo: hello');
    expect(findWorkspaceProcesses(task.workspace_id!)).toEqual([]);
    const order = messages(run.logs);
    expect(order.indexOf('workspaces paused for shutdown')).toBeGreaterThan(order.indexOf('workspace pausing for shutdown'));
    expect(order.indexOf('server stopped')).toBeGreaterThan(order.indexOf('workspaces paused for shutdown'));
  }, 120_000);

  it('stopFaster() kills the workspace processes instead of waiting, and stop() still finishes', async () => {
    const run = await startWithPause(1);
    const task = await run.createActiveTask('hurry');

    const stopped = run.server.stop();
    run.server.stopFaster();
    await stopped;

    expect(findWorkspaceProcesses(task.workspace_id!)).toEqual([]);
    const build = await latestBuildOf(run.sql, task.workspace_id!);
    expect(build.transition).toBe('stop');
    // Racing with the shutdown: the stop job may notice the killed agent and finish
    // before the provisioner loop stops; otherwise it keeps its state for the next start.
    expect(['pending', 'running', 'succeeded']).toContain(build.status);
    expect(messages(run.logs)).toContain('pausing workspaces for shutdown cut short; workspace processes killed');
  }, 120_000);
});
