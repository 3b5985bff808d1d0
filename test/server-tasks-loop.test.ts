// The task watch stream (server.md §6.3 `…/watch`) and the tasks loop
// (§6.6.2 auto-pause, §9.2 `taskyard_tasks` gauge, deferred delete builds)
// on a real server and database with seeded rows. The loop is ticked by
// hand (no timers). Must never leave a stream, loop or server running.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TaskLoop } from '../src/server/tasks/auto-pause.js';
import { STATE_SEEDS, TaskTestServer, type Account } from '../src/server/tasks/testdata/task-fixture.js';
import { watchTask } from '../src/server/tasks/watch.js';
import { createTaskService } from '../src/server/tasks/wiring.js';
import { usePostgres } from './helpers/postgres.js';

const pg = usePostgres();
let server: TaskTestServer;
let admin: Account;

beforeEach(async () => {
  server = await TaskTestServer.start(pg);
  admin = server.owner;
});
afterEach(async () => {
  await server.stop();
});

/** Reads `event: task` frames from the watch stream. */
async function openWatch(path: string, token: string) {
  const abort = new AbortController();
  const response = await fetch(`${server.url}${path}`, { headers: { 'Coder-Session-Token': token }, signal: abort.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const next = async (timeoutMs = 10_000): Promise<Record<string, unknown> | 'end'> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = /^event: task\ndata: (.*)\n\n/m.exec(buffer);
      if (frame) {
        buffer = buffer.slice(frame.index + frame[0].length);
        return JSON.parse(frame[1]!) as Record<string, unknown>;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no task event; buffer=${buffer}`);
      const chunk = await Promise.race([reader.read(), new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), left))]);
      if (chunk === 'timeout') continue;
      if (chunk.done) return 'end';
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  };
  return { response, next, close: () => abort.abort() };
}

describe('GET …/watch', () => {
  it('sends the task at connect and again on every change, not on unrelated events', async () => {
    const seeded = await server.seedTask({ owner: admin, name: 't', ...STATE_SEEDS.pending });
    const watch = await openWatch('/api/v2/tasks/me/t/watch', admin.token);
    try {
      expect(watch.response.status).toBe(200);
      expect(watch.response.headers.get('content-type')).toBe('text/event-stream');
      expect(await watch.next()).toMatchObject({ id: seeded.id, status: 'pending' });
      await server.ctx.events.publish({ kind: 'workspace_updated', workspace_id: seeded.workspaceId! });
      await server.sql`update provisioner_jobs set status = 'succeeded', completed_at = now()`;
      await server.ctx.events.publish({ kind: 'workspace_updated', workspace_id: seeded.workspaceId! });
      expect(await watch.next()).toMatchObject({ status: 'initializing', current_state: { message: 'Agent is connecting' } });
      await server.sql`update tasks set display_name = 'Renamed'`;
      await server.ctx.events.publish({ kind: 'task_updated', task_id: seeded.id });
      expect(await watch.next()).toMatchObject({ status: 'initializing', display_name: 'Renamed' });
      // No notification at all: the periodic recheck still notices.
      await server.sql`update tasks set display_name = 'Quiet'`;
      expect(await watch.next(8_000)).toMatchObject({ display_name: 'Quiet' });
      expect((await server.call('DELETE', '/api/v2/tasks/me/t', { token: admin.token })).status).toBe(202);
      expect(await watch.next()).toBe('end');
    } finally {
      watch.close();
    }
  });

  it('writes a `: ping` comment every interval while nothing changes', async () => {
    const seeded = await server.seedTask({ owner: admin, name: 't', ...STATE_SEEDS.active });
    const writes: string[] = [];
    const abort = new AbortController();
    const done = watchTask(server.ctx, seeded.id, { write: async (text) => void writes.push(text) }, abort.signal, { pingIntervalMs: 50 });
    const pings = () => writes.filter((w) => w === ': ping\n\n').length;
    const deadline = Date.now() + 10_000;
    while (pings() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    abort.abort();
    await done;
    expect(pings()).toBeGreaterThanOrEqual(3);
    expect(writes[0]).toMatch(/^event: task\ndata: \{.*\}\n\n$/);
    expect(JSON.parse(writes[0]!.slice('event: task\ndata: '.length))).toMatchObject({ id: seeded.id, status: 'active' });
    expect(writes.slice(1).every((w) => w === ': ping\n\n')).toBe(true);
    // Nothing is written once the watch ended.
    const count = writes.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(writes.length).toBe(count);
  });

  it('404 for another member\'s task and for unknown tasks', async () => {
    const alice = await server.createUser('alice');
    const bob = await server.createUser('bob');
    await server.seedTask({ owner: alice, name: 't', ...STATE_SEEDS.active });
    expect((await server.call('GET', '/api/v2/tasks/alice/t/watch', { token: bob.token })).status).toBe(404);
    expect((await server.call('GET', '/api/v2/tasks/me/nope/watch', { token: admin.token })).status).toBe(404);
  });
});

function loop(idleTimeoutMs: number): TaskLoop {
  return new TaskLoop({ sql: server.sql, logger: server.ctx.logger, metrics: server.ctx.metrics, service: createTaskService(server.ctx), idleTimeoutMs });
}

async function lastBuild(workspaceId: string | null) {
  const [row] = await server.sql<{ transition: string; reason: string }[]>`
    select transition, reason from builds where workspace_id = ${workspaceId} order by build_number desc limit 1`;
  return row;
}

async function metricValue(name: string, labels = ''): Promise<number | undefined> {
  const text = await server.ctx.metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

describe('tasks loop', () => {
  const hourAgo = () => new Date(Date.now() - 3_600_000);

  it('auto-pauses active tasks idle for the timeout with task_auto_pause, and nothing else', async () => {
    const idle = await server.seedTask({ owner: admin, name: 'idle', ...STATE_SEEDS.active, lastActivityAt: hourAgo() });
    const fresh = await server.seedTask({ owner: admin, name: 'fresh', ...STATE_SEEDS.active });
    const initializing = await server.seedTask({ owner: admin, name: 'init', ...STATE_SEEDS.initializing, lastActivityAt: hourAgo() });
    const paused = await server.seedTask({ owner: admin, name: 'paused', ...STATE_SEEDS.paused, lastActivityAt: hourAgo() });
    await loop(60_000).tick();
    expect(await lastBuild(idle.workspaceId)).toEqual({ transition: 'stop', reason: 'task_auto_pause' });
    expect(await lastBuild(fresh.workspaceId)).toEqual({ transition: 'start', reason: 'initiator' });
    expect(await lastBuild(initializing.workspaceId)).toEqual({ transition: 'start', reason: 'initiator' });
    expect(await lastBuild(paused.workspaceId)).toEqual({ transition: 'stop', reason: 'initiator' });
    expect(await metricValue('taskyard_task_auto_pauses_total')).toBe(1);
    // The stop build is active now: the next tick must not pause again.
    await loop(60_000).tick();
    expect(await metricValue('taskyard_task_auto_pauses_total')).toBe(1);
  });

  it('a working agent gets max(timeout, 90 s) since its last heartbeat', async () => {
    const working = { ...STATE_SEEDS.active, reports: [{ state: 'working' as const, message: 'Agent is working' }] };
    const recent = await server.seedTask({ owner: admin, name: 'recent', ...working, lastActivityAt: new Date(Date.now() - 60_000) });
    const stale = await server.seedTask({ owner: admin, name: 'stale', ...working, lastActivityAt: new Date(Date.now() - 120_000) });
    await loop(5_000).tick();
    expect(await lastBuild(recent.workspaceId)).toEqual({ transition: 'start', reason: 'initiator' });
    expect(await lastBuild(stale.workspaceId)).toEqual({ transition: 'stop', reason: 'task_auto_pause' });
  });

  it('timeout 0 disables auto-pause', async () => {
    const idle = await server.seedTask({ owner: admin, name: 'idle', ...STATE_SEEDS.active, lastActivityAt: hourAgo() });
    await loop(0).tick();
    expect(await lastBuild(idle.workspaceId)).toEqual({ transition: 'start', reason: 'initiator' });
  });

  it('runs on one replica at a time (pg_try_advisory_xact_lock)', async () => {
    const idle = await server.seedTask({ owner: admin, name: 'idle', ...STATE_SEEDS.active, lastActivityAt: hourAgo() });
    const other = await server.sql.reserve();
    try {
      await other`select pg_advisory_lock(${0x74796170})`;
      await loop(60_000).tick();
      expect(await lastBuild(idle.workspaceId)).toEqual({ transition: 'start', reason: 'initiator' });
      await other`select pg_advisory_unlock(${0x74796170})`;
      await loop(60_000).tick();
      expect(await lastBuild(idle.workspaceId)).toEqual({ transition: 'stop', reason: 'task_auto_pause' });
    } finally {
      other.release();
    }
  });

  it('sets taskyard_tasks{status} for every status', async () => {
    for (const [i, state] of (['active', 'active', 'paused', 'error'] as const).entries()) {
      await server.seedTask({ owner: admin, name: `t${i}`, ...STATE_SEEDS[state] });
    }
    await loop(0).tick();
    expect(await metricValue('taskyard_tasks', '{status="active"}')).toBe(2);
    expect(await metricValue('taskyard_tasks', '{status="paused"}')).toBe(1);
    expect(await metricValue('taskyard_tasks', '{status="error"}')).toBe(1);
    expect(await metricValue('taskyard_tasks', '{status="pending"}')).toBe(0);
    expect(await metricValue('taskyard_tasks', '{status="initializing"}')).toBe(0);
    expect(await metricValue('taskyard_tasks', '{status="unknown"}')).toBe(0);
  });

  it('queues the delete build a deletion had to defer while a build was active', async () => {
    const seeded = await server.seedTask({ owner: admin, name: 't', ...STATE_SEEDS.pending });
    expect((await server.call('DELETE', '/api/v2/tasks/me/t', { token: admin.token })).status).toBe(202);
    expect(await lastBuild(seeded.workspaceId)).toEqual({ transition: 'start', reason: 'initiator' });
    await loop(0).tick();
    expect(await lastBuild(seeded.workspaceId)).toEqual({ transition: 'start', reason: 'initiator' });
    await server.sql`update provisioner_jobs set status = 'succeeded', completed_at = now()`;
    await loop(0).tick();
    expect(await lastBuild(seeded.workspaceId)).toEqual({ transition: 'delete', reason: 'initiator' });
    await server.sql`update provisioner_jobs set status = 'succeeded', completed_at = now()`;
    await loop(0).tick();
    expect(await server.sql`select 1 from builds where transition = 'delete'`).toHaveLength(1);
  });

  it('start() ticks on its own and stop() ends it', async () => {
    const idle = await server.seedTask({ owner: admin, name: 'idle', ...STATE_SEEDS.active, lastActivityAt: hourAgo() });
    const running = new TaskLoop({
      sql: server.sql,
      logger: server.ctx.logger,
      metrics: server.ctx.metrics,
      service: createTaskService(server.ctx),
      idleTimeoutMs: 60_000,
      intervalMs: 50,
    }).start();
    try {
      const deadline = Date.now() + 10_000;
      while ((await lastBuild(idle.workspaceId))?.transition !== 'stop') {
        if (Date.now() > deadline) throw new Error('loop never paused the idle task');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await running.stop();
    }
  });
});
