// The agent's reports (server.md §5) on the real server app over real HTTP
// and PostgreSQL: lifecycle, script-timings, logs (per-request and 16 MiB
// per-agent limits), app-health, app-status (160 chars, `failure` alias, the
// §6.6.1 activity bump), units — each with its bad input and what ends up
// stored. One server and database for the file; every test seeds its own
// workspace. Must never leave a server running.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_AGENT_LOG_BYTES } from '../src/server/agents/reports-store.js';
import { seedRunningWorkspace, seedTask, seedUser, type SeededAgent, type SeededWorkspace } from '../src/server/agents/testdata/seed.js';
import { startTestServer, stopTestServers, type TestServer } from '../src/server/agents/testdata/server.js';
import type { Sql } from '../src/server/db/storage.js';
import { usePostgres } from './helpers/postgres.js';

const pg = usePostgres();
const ME = '/api/v2/workspaceagents/me';
let server: TestServer;
let sql: Sql;
let ownerId: string;

beforeAll(async () => {
  const db = await pg.createDatabase({ migrated: true });
  sql = db.sql;
  server = await startTestServer(db.url);
  ownerId = await seedUser(sql, 'reporter');
});
afterAll(stopTestServers);

async function workspace(): Promise<{ ws: SeededWorkspace; agent: SeededAgent }> {
  return seedRunningWorkspace(sql, ownerId, {
    scripts: [
      { display_name: 'Start', script: 'true', run_on_start: true },
      { display_name: 'Stop', script: 'true', run_on_stop: true },
    ],
    apps: [
      { slug: 'agent', healthcheck: { url: 'http://localhost:1/status', interval_s: 3, threshold: 20 }, task_app: true },
      { slug: 'web' },
    ],
  });
}

const postAs = (agent: SeededAgent, what: string, body: unknown) => server.call('POST', `${ME}/${what}`, { token: agent.token, body });

describe('POST lifecycle', () => {
  it('stores every state in order and does not let an older re-post undo a newer state', async () => {
    const { agent } = await workspace();
    const t0 = Date.now();
    for (const [i, state] of ['created', 'starting', 'ready'].entries()) {
      expect((await postAs(agent, 'lifecycle', { state, changed_at: new Date(t0 + i).toISOString() })).status).toBe(204);
    }
    expect((await postAs(agent, 'lifecycle', { state: 'starting', changed_at: new Date(t0 + 1).toISOString() })).status).toBe(204);
    const [row] = await sql<{ lifecycle_state: string; lifecycle_changed_at: Date }[]>`select lifecycle_state, lifecycle_changed_at from agents where id = ${agent.agentId}`;
    expect(row).toEqual({ lifecycle_state: 'ready', lifecycle_changed_at: new Date(t0 + 2) });
  });

  it.each([
    ['an unknown state', { state: 'sleeping', changed_at: new Date().toISOString() }],
    ['a missing state', { changed_at: new Date().toISOString() }],
    ['a bad changed_at', { state: 'ready', changed_at: 'now' }],
  ])('answers 400 to %s', async (_name, body) => {
    const { agent } = await workspace();
    const res = await postAs(agent, 'lifecycle', body);
    expect(res).toMatchObject({ status: 400, body: { message: 'Validation failed.' } });
    const [row] = await sql<{ lifecycle_state: string }[]>`select lifecycle_state from agents where id = ${agent.agentId}`;
    expect(row!.lifecycle_state).toBe('created');
  });
});

describe('POST script-timings', () => {
  const timing = (scriptId: string, start = '2025-01-02T03:04:05.123Z') => ({ script_id: scriptId, start, end: '2025-01-02T03:04:06Z', exit_code: 0, stage: 'START', status: 'ok' });

  it('stores one row per (script, start), a repeat is 204 and changes nothing', async () => {
    const { agent } = await workspace();
    expect((await postAs(agent, 'script-timings', timing(agent.scriptIds[0]!))).status).toBe(204);
    expect((await postAs(agent, 'script-timings', { ...timing(agent.scriptIds[0]!), exit_code: 9 })).status).toBe(204);
    expect((await postAs(agent, 'script-timings', { ...timing(agent.scriptIds[1]!), stage: 'STOP', status: 'timed_out', exit_code: 255 })).status).toBe(204);
    const rows = await sql`select script_id, exit_code, stage, status from script_timings order by stage`;
    expect(rows.filter((r) => agent.scriptIds.includes(r.script_id as string))).toEqual([
      { script_id: agent.scriptIds[0], exit_code: 0, stage: 'start', status: 'ok' },
      { script_id: agent.scriptIds[1], exit_code: 255, stage: 'stop', status: 'timed_out' },
    ]);
  });

  it("answers 400 for an unknown script and for another agent's script", async () => {
    const { agent } = await workspace();
    const other = await workspace();
    expect(await postAs(agent, 'script-timings', timing(randomUUID()))).toMatchObject({ status: 400, body: { message: 'Unknown script.' } });
    expect(await postAs(agent, 'script-timings', timing(other.agent.scriptIds[0]!))).toMatchObject({ status: 400, body: { message: 'Unknown script.' } });
  });

  it.each([
    ['an unknown stage', { stage: 'ALL' }],
    ['an unknown status', { status: 'crashed' }],
    ['a non-integer exit code', { exit_code: 1.5 }],
    ['a bad start', { start: 'yesterday' }],
  ])('answers 400 to %s', async (_name, patch) => {
    const { agent } = await workspace();
    expect((await postAs(agent, 'script-timings', { ...timing(agent.scriptIds[0]!), ...patch })).status).toBe(400);
  });
});

describe('POST logs', () => {
  const line = (output: string, level = 'info') => ({ created_at: new Date().toISOString(), output, level });

  it('stores lines in order with their source and level', async () => {
    const { agent } = await workspace();
    const logs = [line('one'), line('two', 'error'), line('nul\u0000byte', 'debug')];
    expect((await postAs(agent, 'logs', { log_source_id: agent.logSourceIds[0], logs })).status).toBe(204);
    expect((await postAs(agent, 'logs', { log_source_id: agent.logSourceIds[1], logs: [] })).status).toBe(204);
    const rows = await sql`select log_source_id, output, level from agent_logs where agent_id = ${agent.agentId} order by id`;
    expect(rows).toEqual([
      { log_source_id: agent.logSourceIds[0], output: 'one', level: 'info' },
      { log_source_id: agent.logSourceIds[0], output: 'two', level: 'error' },
      { log_source_id: agent.logSourceIds[0], output: 'nul\uFFFDbyte', level: 'debug' },
    ]);
  });

  it('answers 400 above 1000 lines or 1 MiB per request, and for an unknown source or level', async () => {
    const { agent } = await workspace();
    const source = agent.logSourceIds[0];
    expect(await postAs(agent, 'logs', { log_source_id: source, logs: Array.from({ length: 1001 }, (_, i) => line(`l${i}`)) })).toMatchObject({
      status: 400,
      body: { message: 'Too many log lines in one request.' },
    });
    expect((await postAs(agent, 'logs', { log_source_id: source, logs: Array.from({ length: 1000 }, (_, i) => line(`l${i}`)) })).status).toBe(204);
    expect(await postAs(agent, 'logs', { log_source_id: source, logs: [line('x'.repeat(1024 * 1024))] })).toMatchObject({
      status: 400,
      body: { message: 'Too many log bytes in one request.' },
    });
    expect(await postAs(agent, 'logs', { log_source_id: randomUUID(), logs: [line('x')] })).toMatchObject({ status: 400, body: { message: 'Unknown log source.' } });
    expect((await postAs(agent, 'logs', { log_source_id: source, logs: [line('x', 'fatal')] })).status).toBe(400);
    const [count] = await sql<{ n: string }[]>`select count(*)::text as n from agent_logs where agent_id = ${agent.agentId}`;
    expect(count!.n).toBe('1000');
  });

  it('answers 413 `Logs limit exceeded.` past 16 MiB per agent, and keeps refusing', async () => {
    const { agent } = await workspace();
    const source = agent.logSourceIds[0];
    const chunk = 'z'.repeat(1000 * 1024);
    let status = 204;
    let sent = 0;
    while (status === 204) {
      status = (await postAs(agent, 'logs', { log_source_id: source, logs: [line(chunk)] })).status;
      if (status === 204) sent += chunk.length;
    }
    expect(status).toBe(413);
    expect(sent).toBeLessThanOrEqual(MAX_AGENT_LOG_BYTES);
    expect(sent + chunk.length).toBeGreaterThan(MAX_AGENT_LOG_BYTES);
    expect(await postAs(agent, 'logs', { log_source_id: source, logs: [line('small')] })).toMatchObject({ status: 413, body: { message: 'Logs limit exceeded.' } });
    const [row] = await sql<{ bytes: string }[]>`select coalesce(sum(octet_length(output)), 0)::text as bytes from agent_logs where agent_id = ${agent.agentId}`;
    expect(Number(row!.bytes)).toBe(sent);
  });
});

describe('POST app-health', () => {
  it('sets the reported health of this agent’s apps', async () => {
    const { agent } = await workspace();
    expect((await postAs(agent, 'app-health', { healths: { [agent.appIds[0]!]: 'healthy', [agent.appIds[1]!]: 'disabled' } })).status).toBe(204);
    expect((await postAs(agent, 'app-health', { healths: {} })).status).toBe(204);
    const rows = await sql`select id, health from apps where agent_id = ${agent.agentId} order by slug`;
    expect(rows).toEqual([
      { id: agent.appIds[0], health: 'healthy' },
      { id: agent.appIds[1], health: 'disabled' },
    ]);
  });

  it.each([
    ['an unknown health', (a: SeededAgent) => ({ healths: { [a.appIds[0]!]: 'great' } }), 'Validation failed.'],
    ['an app of another agent', () => ({ healths: { [randomUUID()]: 'healthy' } }), 'Unknown app.'],
    ['a key that is not an id', () => ({ healths: { agent: 'healthy' } }), 'Unknown app.'],
    ['no healths', () => ({}), 'Validation failed.'],
  ])('answers 400 to %s and changes nothing', async (_name, body, message) => {
    const { agent } = await workspace();
    expect(await postAs(agent, 'app-health', body(agent))).toMatchObject({ status: 400, body: { message } });
    const rows = await sql`select health from apps where agent_id = ${agent.agentId} order by slug`;
    expect(rows.map((r) => r.health)).toEqual(['initializing', 'disabled']);
  });
});

describe('POST app-status', () => {
  it('stores reports, maps `failure` to `failed`, repeats add no row, and `working` bumps the task activity', async () => {
    const { ws, agent } = await workspace();
    const taskId = await seedTask(sql, ws);
    await sql`update tasks set last_activity_at = now() - interval '1 hour' where id = ${taskId}`;
    const activity = async () => (await sql<{ at: Date }[]>`select last_activity_at as at from tasks where id = ${taskId}`)[0]!.at.getTime();
    const before = await activity();
    expect((await postAs(agent, 'app-status', { app_slug: 'agent', state: 'idle', message: 'Agent is idle' })).status).toBe(204);
    expect(await activity()).toBe(before);
    expect((await postAs(agent, 'app-status', { app_slug: 'agent', state: 'working', message: 'Agent is working' })).status).toBe(204);
    const bumped = await activity();
    expect(bumped).toBeGreaterThan(before + 3_000_000);
    await new Promise((r) => setTimeout(r, 5));
    expect((await postAs(agent, 'app-status', { app_slug: 'agent', state: 'working', message: 'Agent is working' })).status).toBe(204);
    expect(await activity()).toBeGreaterThan(bumped);
    expect((await postAs(agent, 'app-status', { app_slug: 'agent', state: 'failure', message: 'm'.repeat(160), uri: 'file:///x' })).status).toBe(204);
    const rows = await sql`select state, message, uri from app_statuses where agent_id = ${agent.agentId} order by created_at`;
    expect(rows).toEqual([
      { state: 'idle', message: 'Agent is idle', uri: '' },
      { state: 'working', message: 'Agent is working', uri: '' },
      { state: 'failed', message: 'm'.repeat(160), uri: 'file:///x' },
    ]);
  });

  it.each([
    ['a 161-character message', { app_slug: 'agent', state: 'idle', message: 'm'.repeat(161) }, 'Status message is too long.'],
    ['an unknown state', { app_slug: 'agent', state: 'sleeping', message: '' }, 'Validation failed.'],
    ['an unknown app', { app_slug: 'nope', state: 'idle', message: '' }, 'Unknown app.'],
    ['no message', { app_slug: 'agent', state: 'idle' }, 'Validation failed.'],
  ])('answers 400 to %s and stores nothing', async (_name, body, message) => {
    const { agent } = await workspace();
    expect(await postAs(agent, 'app-status', body)).toMatchObject({ status: 400, body: { message } });
    expect(await sql`select 1 from app_statuses where agent_id = ${agent.agentId}`).toHaveLength(0);
  });

  it('counts the 160 characters as characters, not UTF-16 units', async () => {
    const { agent } = await workspace();
    expect((await postAs(agent, 'app-status', { app_slug: 'agent', state: 'idle', message: '😀'.repeat(160) })).status).toBe(204);
  });
});

describe('POST units', () => {
  it('keeps only the latest snapshot', async () => {
    const { agent } = await workspace();
    const first = { units: [{ unit: 'a', status: 'pending', is_ready: true }], dependencies: [] };
    const second = {
      units: [{ unit: 'a', status: 'completed', is_ready: true }, { unit: 'b', status: 'started', is_ready: true }],
      dependencies: [{ unit: 'b', depends_on: 'a', required_status: 'completed', current_status: 'completed', is_satisfied: true }],
    };
    expect((await postAs(agent, 'units', first)).status).toBe(204);
    expect((await postAs(agent, 'units', second)).status).toBe(204);
    const rows = await sql`select snapshot from unit_snapshots where agent_id = ${agent.agentId}`;
    expect(rows).toEqual([{ snapshot: second }]);
    expect((await postAs(agent, 'units', { units: 'x' })).status).toBe(400);
  });
});
