// The dashboard's agent reads (server.md §8.3) and the §4.5 health rule, on
// the real server app over real HTTP and PostgreSQL: agent view, units, logs
// paging, build timings, with member isolation and bad input; and the check
// that marks a task app `unhealthy` when its agent is gone or disconnected
// for more than 60 s while its start build is current. Must never leave a
// server running.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkAgentHealth } from '../src/server/agents/health-monitor.js';
import { releaseHeldJobs, seedBuild, seedRunningWorkspace, seedUser, type SeededAgent } from '../src/server/agents/testdata/seed.js';
import { startTestServer, stopTestServers, type TestServer } from '../src/server/agents/testdata/server.js';
import type { Sql } from '../src/server/db/storage.js';
import { usePostgres } from './helpers/postgres.js';

const pg = usePostgres();
const ME = '/api/v2/workspaceagents/me';
let server: TestServer;
let sql: Sql;
let memberToken: string;
let otherMemberToken: string;
let memberId: string;

beforeAll(async () => {
  const db = await pg.createDatabase({ migrated: true });
  sql = db.sql;
  server = await startTestServer(db.url);
  const create = async (username: string) => {
    const user = (await server.call('POST', '/api/v2/users', { token: server.ownerToken, body: { username } })).body as { id: string };
    const key = (await server.call('POST', `/api/v2/users/${user.id}/keys`, { token: server.ownerToken })).body as { key: string };
    return { id: user.id, token: key.key };
  };
  const member = await create('member1');
  memberId = member.id;
  memberToken = member.token;
  otherMemberToken = (await create('member2')).token;
});
afterAll(stopTestServers);
afterEach(releaseHeldJobs);

async function memberWorkspace() {
  return seedRunningWorkspace(sql, memberId, {
    scripts: [
      { display_name: 'Prepare', resource_address: 'coder_script.prepare', run_on_start: true, script: 'true' },
      { display_name: 'Shutdown', resource_address: 'coder_script.shutdown', run_on_stop: true, script: 'true', timeout_ms: 5000, depends_on: ['x'] },
    ],
    apps: [{ slug: 'agent', display_name: 'Agent', healthcheck: { url: 'http://localhost:1/', interval_s: 1, threshold: 2 }, task_app: true }],
  });
}

const get = (path: string, token: string | undefined) => server.call('GET', path, { token });
const NOT_FOUND = { message: 'Resource not found or you do not have access to this resource.' };

describe('GET /api/v2/workspaceagents/{id}', () => {
  it('shows lifecycle, connection status, scripts and apps to the owner of the workspace and to owners', async () => {
    const { agent } = await memberWorkspace();
    expect((await server.call('POST', `${ME}/lifecycle`, { token: agent.token, body: { state: 'ready', changed_at: new Date().toISOString() } })).status).toBe(204);
    for (const token of [memberToken, server.ownerToken]) {
      const res = await get(`/api/v2/workspaceagents/${agent.agentId}`, token);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: agent.agentId,
        lifecycle_state: 'ready',
        status: 'disconnected',
        scripts: [
          { id: agent.scriptIds[0], display_name: 'Prepare', resource_address: 'coder_script.prepare', run_on_start: true, run_on_stop: false, cron: '', timeout_ms: 0, depends_on: [] },
          { id: agent.scriptIds[1], display_name: 'Shutdown', resource_address: 'coder_script.shutdown', run_on_start: false, run_on_stop: true, cron: '', timeout_ms: 5000, depends_on: ['x'] },
        ],
        apps: [{ id: agent.appIds[0], slug: 'agent', display_name: 'Agent', health: 'initializing' }],
      });
    }
  });

  it.each([
    ["another member's agent", () => otherMemberToken, (a: SeededAgent) => a.agentId, 404],
    ['an unknown agent', () => memberToken, () => randomUUID(), 404],
    ['a malformed id', () => memberToken, () => 'nope', 404],
  ])('answers 404 for %s', async (_name, token, id, status) => {
    const { agent } = await memberWorkspace();
    for (const suffix of ['', '/units', '/logs']) {
      expect(await get(`/api/v2/workspaceagents/${id(agent)}${suffix}`, token())).toMatchObject({ status, body: NOT_FOUND });
    }
  });

  it('needs a user session token (an agent token is not one)', async () => {
    const { agent } = await memberWorkspace();
    expect(await get(`/api/v2/workspaceagents/${agent.agentId}`, undefined)).toMatchObject({ status: 401, body: { message: 'Session token must be provided.' } });
    expect(await get(`/api/v2/workspaceagents/${agent.agentId}`, agent.token)).toMatchObject({ status: 401, body: { message: 'Invalid session token.' } });
  });
});

describe('units and logs', () => {
  it('units are empty before the first report and the latest snapshot after', async () => {
    const { agent } = await memberWorkspace();
    expect((await get(`/api/v2/workspaceagents/${agent.agentId}/units`, memberToken)).body).toEqual({ units: [], dependencies: [], updated_at: null });
    const report = { units: [{ unit: 'coder_script.prepare', status: 'completed', is_ready: true }], dependencies: [] };
    expect((await server.call('POST', `${ME}/units`, { token: agent.token, body: report })).status).toBe(204);
    const res = (await get(`/api/v2/workspaceagents/${agent.agentId}/units`, memberToken)).body as Record<string, unknown>;
    expect(res).toMatchObject(report);
    expect(Date.parse(res.updated_at as string)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('logs page with ?after=<id>', async () => {
    const { agent } = await memberWorkspace();
    const logs = Array.from({ length: 5 }, (_, i) => ({ created_at: new Date(1_700_000_000_000 + i).toISOString(), output: `line ${i}`, level: i === 4 ? 'error' : 'info' }));
    expect((await server.call('POST', `${ME}/logs`, { token: agent.token, body: { log_source_id: agent.logSourceIds[1], logs } })).status).toBe(204);
    const all = (await get(`/api/v2/workspaceagents/${agent.agentId}/logs`, memberToken)).body as { id: number; output: string; level: string; source_id: string; created_at: string }[];
    expect(all.map((l) => l.output)).toEqual(logs.map((l) => l.output));
    expect(all[4]).toMatchObject({ level: 'error', source_id: agent.logSourceIds[1], created_at: logs[4]!.created_at });
    const after = (await get(`/api/v2/workspaceagents/${agent.agentId}/logs?after=${all[2]!.id}`, memberToken)).body as { output: string }[];
    expect(after.map((l) => l.output)).toEqual(['line 3', 'line 4']);
    expect((await get(`/api/v2/workspaceagents/${agent.agentId}/logs?after=${all[4]!.id}`, memberToken)).body).toEqual([]);
    for (const bad of ['-1', 'x', '1.5', '']) {
      expect(await get(`/api/v2/workspaceagents/${agent.agentId}/logs?after=${bad}`, memberToken)).toMatchObject({
        status: 400,
        body: { message: 'Invalid query parameters.', validations: [{ field: 'after' }] },
      });
    }
  });
});

describe('GET /api/v2/workspacebuilds/{id}/timings', () => {
  it("gives a start build its agent's timings and a stop build the stop scripts it ran", async () => {
    const { ws, agent } = await memberWorkspace();
    const timing = (scriptId: string, stage: string, start: string) => ({ script_id: scriptId, start, end: new Date(Date.parse(start) + 500).toISOString(), exit_code: 0, stage, status: 'ok' });
    const t0 = new Date(Date.now() - 10_000).toISOString();
    expect((await server.call('POST', `${ME}/script-timings`, { token: agent.token, body: timing(agent.scriptIds[0]!, 'START', t0) })).status).toBe(204);
    const stop = await seedBuild(sql, ws, { buildNumber: 2, transition: 'stop', jobStatus: 'running' });
    const t1 = new Date().toISOString();
    expect((await server.call('POST', `${ME}/script-timings`, { token: agent.token, body: timing(agent.scriptIds[1]!, 'STOP', t1) })).status).toBe(204);
    const startTimings = (await get(`/api/v2/workspacebuilds/${agent.buildId}/timings`, memberToken)).body;
    expect(startTimings).toEqual({
      agent_script_timings: [
        { script_id: agent.scriptIds[0], display_name: 'Prepare', started_at: t0, ended_at: new Date(Date.parse(t0) + 500).toISOString(), exit_code: 0, stage: 'start', status: 'ok' },
        expect.objectContaining({ script_id: agent.scriptIds[1], stage: 'stop' }),
      ],
    });
    const stopTimings = (await get(`/api/v2/workspacebuilds/${stop.buildId}/timings`, memberToken)).body as { agent_script_timings: unknown[] };
    expect(stopTimings.agent_script_timings).toEqual([expect.objectContaining({ script_id: agent.scriptIds[1], display_name: 'Shutdown', stage: 'stop', started_at: t1 })]);
    expect(await get(`/api/v2/workspacebuilds/${stop.buildId}/timings`, otherMemberToken)).toMatchObject({ status: 404, body: NOT_FOUND });
    expect(await get(`/api/v2/workspacebuilds/${randomUUID()}/timings`, server.ownerToken)).toMatchObject({ status: 404 });
    expect(await get('/api/v2/workspacebuilds/nope/timings', server.ownerToken)).toMatchObject({ status: 404 });
  });
});

describe('§4.5 health rule', () => {
  /** A pid that no process has (kill(pid, 0) → ESRCH). */
  const DEAD_PID = 4_194_000;
  const health = async (agent: SeededAgent) => (await sql<{ health: string }[]>`select health from apps where id = ${agent.appIds[0]!}`)[0]!.health;
  const longAgo = new Date(Date.now() - 10 * 60_000);
  const ago = (ms: number) => sql`now() - make_interval(secs => ${ms / 1000})`;
  const check = (serverStartedAt = longAgo) => checkAgentHealth(sql, { serverStartedAt, isProcessAlive: (pid) => pid !== DEAD_PID });

  async function agentWith(times: { created?: number; last?: number | null; disconnected?: number | null; pid?: number }): Promise<SeededAgent> {
    const { agent } = await memberWorkspace();
    await sql`update agents set
      created_at = ${ago(times.created ?? 120_000)},
      last_connected_at = ${times.last == null ? null : ago(times.last)},
      disconnected_at = ${times.disconnected == null ? null : ago(times.disconnected)},
      pid = ${times.pid ?? null}
      where id = ${agent.agentId}`;
    return agent;
  }

  it.each([
    ['the agent process is gone', { pid: DEAD_PID, last: 1000 }, 'unhealthy'],
    ['it never connected for 2 minutes', { created: 120_000 }, 'unhealthy'],
    ['it disconnected 61 s ago', { last: 120_000, disconnected: 61_000 }, 'unhealthy'],
    ['its stream went stale (replica gone) long ago', { last: 120_000 }, 'unhealthy'],
    ['it disconnected 30 s ago', { last: 120_000, disconnected: 30_000 }, 'initializing'],
    ['it is connected', { last: 1000 }, 'initializing'],
    ['it reconnected after a disconnect', { last: 1000, disconnected: 90_000 }, 'initializing'],
    ['its process lives and it is connected', { pid: process.pid, last: 1000 }, 'initializing'],
  ])('when %s → %s', async (_name, times, expected) => {
    const agent = await agentWith(times);
    const marked = await check();
    expect(await health(agent)).toBe(expected);
    expect(marked.some((m) => m.agentId === agent.agentId)).toBe(expected === 'unhealthy');
  });

  it("counts a disconnect from no earlier than this server's start", async () => {
    const agent = await agentWith({ last: 300_000, disconnected: 200_000 });
    await check(new Date(Date.now() - 30_000));
    expect(await health(agent)).toBe('initializing');
    await check(new Date(Date.now() - 61_000));
    expect(await health(agent)).toBe('unhealthy');
  });

  it('leaves agents alone whose start build is no longer current, and apps that are not the task app', async () => {
    const { ws, agent } = await seedRunningWorkspace(sql, memberId, {
      apps: [{ slug: 'task', task_app: true }, { slug: 'other', healthcheck: { url: 'http://localhost:1/', interval_s: 1, threshold: 1 } }],
      pid: DEAD_PID,
    });
    await seedBuild(sql, ws, { buildNumber: 2, transition: 'stop', jobStatus: 'succeeded' });
    await check();
    expect((await sql`select slug, health from apps where agent_id = ${agent.agentId} order by slug`).map((r) => r.health)).toEqual(['initializing', 'disabled']);
    await sql`delete from builds where workspace_id = ${ws.workspaceId} and build_number = 2`;
    await check();
    expect((await sql`select slug, health from apps where agent_id = ${agent.agentId} order by slug`).map((r) => `${r.slug}=${r.health}`)).toEqual(['other=initializing', 'task=unhealthy']);
  });

  it('an app-health re-post after reconnecting restores the real value', async () => {
    const agent = await agentWith({ pid: DEAD_PID });
    await check();
    expect(await health(agent)).toBe('unhealthy');
    expect((await server.call('POST', `${ME}/app-health`, { token: agent.token, body: { healths: { [agent.appIds[0]!]: 'healthy' } } })).status).toBe(204);
    expect(await health(agent)).toBe('healthy');
  });

  it("runs as the server's background service", async () => {
    const db = await pg.createDatabase({ migrated: true });
    const { agent } = await seedRunningWorkspace(db.sql, await seedUser(db.sql, 'bg'), { apps: [{ slug: 'task', task_app: true }], pid: DEAD_PID });
    await startTestServer(db.url);
    const deadline = Date.now() + 15_000;
    let value = '';
    while (Date.now() < deadline && value !== 'unhealthy') {
      value = (await db.sql<{ health: string }[]>`select health from apps where agent_id = ${agent.agentId}`)[0]!.health;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(value).toBe('unhealthy');
  });
});
