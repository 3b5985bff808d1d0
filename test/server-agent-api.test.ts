// The agent API of server.md §5 on the real server app (in-process, real HTTP
// on 127.0.0.1, real PostgreSQL): manifest from stored rows, every report
// endpoint with its bad input, and agent-token validity through a stop build
// (§3.6, §3.8). Rows the provisioner would write are seeded with SQL. Must
// never share a database between tests or leave a server running.
import { afterEach, describe, expect, it } from 'vitest';
import { manifestSchema } from '../src/protocol/manifest.js';
import { releaseHeldJobs, seedAgent, seedBuild, seedHeldBuild, seedRunningWorkspace, seedTask, seedTemplateVersion, seedUser, seedWorkspace } from '../src/server/agents/testdata/seed.js';
import { startTestServer, stopTestServers, type TestServer } from '../src/server/agents/testdata/server.js';
import type { Sql } from '../src/server/db/storage.js';
import { usePostgres } from './helpers/postgres.js';

const pg = usePostgres();
afterEach(async () => {
  await releaseHeldJobs();
  await stopTestServers();
});

const ME = '/api/v2/workspaceagents/me';
const NOT_AUTHORIZED = { message: 'Workspace agent not authorized.' };

async function setup(): Promise<{ server: TestServer; sql: Sql }> {
  const db = await pg.createDatabase({ migrated: true });
  return { server: await startTestServer(db.url), sql: db.sql };
}

const SCRIPTS = [
  { display_name: 'Prepare workspace', resource_address: 'coder_script.prepare', script: 'echo hi', run_on_start: true },
  { display_name: 'Install and start AgentAPI', resource_address: 'module.agentapi.coder_script.agentapi', script: 'start', run_on_start: true, depends_on: ['coder_script.prepare'] },
  { display_name: 'AgentAPI Shutdown', resource_address: 'module.agentapi.coder_script.shutdown', script: 'stop', run_on_stop: true, timeout_ms: 120000 },
];
const APPS = [
  { slug: 'ccw', display_name: 'Claude', url: 'http://localhost:20001/', healthcheck: { url: 'http://localhost:20001/status', interval_s: 3, threshold: 20 }, task_app: true },
  { slug: 'docs', url: 'http://localhost:20002/' },
];

describe('GET manifest', () => {
  it('is built from the stored rows in the §5 shape and passes the protocol schema', async () => {
    const { server, sql } = await setup();
    const ownerId = await seedUser(sql, 'alice');
    const { ws, agent } = await seedRunningWorkspace(sql, ownerId, { scripts: SCRIPTS, apps: APPS, directory: '/home/alice', env: { FOO: 'bar' } });
    const taskId = await seedTask(sql, ws);
    const res = await server.call('GET', `${ME}/manifest`, { token: agent.token });
    expect(res.status).toBe(200);
    const body = res.body as Record<string, unknown>;
    expect(manifestSchema.parse(body)).toEqual(body);
    const [wsRow] = await sql<{ name: string }[]>`select name from workspaces where id = ${ws.workspaceId}`;
    expect(body).toMatchObject({
      agent_id: agent.agentId,
      agent_name: 'main',
      workspace_id: ws.workspaceId,
      workspace_name: wsRow!.name,
      owner_name: 'alice',
      build_id: agent.buildId,
      build_number: 1,
      directory: '/home/alice',
      environment_variables: { FOO: 'bar' },
      task: { id: taskId, app_slug: 'ccw' },
    });
    const scripts = body.scripts as Record<string, unknown>[];
    expect(scripts.map((s) => s.resource_address)).toEqual(SCRIPTS.map((s) => s.resource_address));
    expect(scripts[1]).toEqual({
      id: agent.scriptIds[1],
      log_source_id: agent.logSourceIds[1],
      log_path: '',
      script: 'start',
      cron: '',
      run_on_start: true,
      run_on_stop: false,
      start_blocks_login: false,
      timeout_ms: 0,
      display_name: 'Install and start AgentAPI',
      resource_address: 'module.agentapi.coder_script.agentapi',
      depends_on: ['coder_script.prepare'],
    });
    expect(scripts[2]).toMatchObject({ run_on_stop: true, timeout_ms: 120000 });
    expect(body.apps).toEqual([
      { id: agent.appIds[0], slug: 'ccw', display_name: 'Claude', url: 'http://localhost:20001/', healthcheck: APPS[0]!.healthcheck },
      { id: agent.appIds[1], slug: 'docs', display_name: 'docs', url: 'http://localhost:20002/', healthcheck: null },
    ]);
    expect(body.log_sources).toEqual(SCRIPTS.map((s, i) => ({ id: agent.logSourceIds[i], display_name: s.display_name })));
  });

  it('has task null for a workspace without a task, or whose task was deleted', async () => {
    const { server, sql } = await setup();
    const { ws, agent } = await seedRunningWorkspace(sql, await seedUser(sql, 'bob'), { apps: APPS });
    expect(await server.call('GET', `${ME}/manifest`, { token: agent.token })).toMatchObject({ status: 200, body: { task: null, scripts: [] } });
    const taskId = await seedTask(sql, ws);
    await sql`update tasks set deleted_at = now() where id = ${taskId}`;
    expect(await server.call('GET', `${ME}/manifest`, { token: agent.token })).toMatchObject({ status: 200, body: { task: null } });
  });

  it.each([
    ['no token', undefined],
    ['an unknown agent token', '6b0b5d4e-8c1a-4a57-9d4b-1c2e3f405060'],
    ['a malformed token', 'not-a-token'],
  ])('answers 401 with %s', async (_name, token) => {
    const { server } = await setup();
    expect(await server.call('GET', `${ME}/manifest`, { token })).toMatchObject({ status: 401, body: NOT_AUTHORIZED });
  });

  it('answers 401 to a user session token, also as Bearer', async () => {
    const { server } = await setup();
    expect(await server.call('GET', `${ME}/manifest`, { token: server.ownerToken })).toMatchObject({ status: 401, body: NOT_AUTHORIZED });
    expect(await server.call('GET', `${ME}/manifest`, { headers: { Authorization: `Bearer ${server.ownerToken}` } })).toMatchObject({ status: 401 });
  });
});

describe('agent-token validity through stop (§3.6, §3.8)', () => {
  async function stopScenario(sql: Sql) {
    const ws = await seedWorkspace(sql, await seedUser(sql, 'carol'));
    const b1 = await seedBuild(sql, ws, { buildNumber: 1, transition: 'start', jobStatus: 'succeeded' });
    const old = await seedAgent(sql, ws, b1.buildId);
    await seedBuild(sql, ws, { buildNumber: 2, transition: 'stop', jobStatus: 'succeeded' });
    const b3 = await seedBuild(sql, ws, { buildNumber: 3, transition: 'start', jobStatus: 'succeeded' });
    const agent = await seedAgent(sql, ws, b3.buildId);
    const taskId = await seedTask(sql, ws);
    return { ws, old, agent, taskId };
  }
  const snapshot = (server: TestServer, token: string, taskId: string) =>
    server.call('POST', `${ME}/tasks/${taskId}/log-snapshot?format=agentapi`, { token, body: { messages: [] } });

  it.each(['pending', 'running'] as const)('keeps the token valid while the stop build N+1 is %s, rejects it once it succeeded', async (status) => {
    const { server, sql } = await setup();
    const { ws, old, agent, taskId } = await stopScenario(sql);
    expect((await server.call('GET', `${ME}/manifest`, { token: agent.token })).status).toBe(200);
    // Held: the server's own provisioner loop must not run this seeded job.
    const stop = await seedHeldBuild(sql, ws, { buildNumber: 4, transition: 'stop', jobStatus: status });
    expect((await snapshot(server, agent.token, taskId)).status).toBe(204);
    expect((await server.call('GET', `${ME}/manifest`, { token: agent.token })).status).toBe(200);
    expect((await server.call('POST', `${ME}/lifecycle`, { token: agent.token, body: { state: 'shutting_down', changed_at: new Date().toISOString() } })).status).toBe(204);
    expect(await snapshot(server, old.token, taskId)).toMatchObject({ status: 401, body: NOT_AUTHORIZED });
    await stop.held.finish('succeeded');
    expect(await snapshot(server, agent.token, taskId)).toMatchObject({ status: 401, body: NOT_AUTHORIZED });
    expect(await server.call('GET', `${ME}/manifest`, { token: agent.token })).toMatchObject({ status: 401, body: NOT_AUTHORIZED });
    expect((await server.call('GET', `${ME}/manifest`, { token: old.token })).status).toBe(401);
  });

  it.each([
    ['the stop build failed', { transition: 'stop', jobStatus: 'failed' }],
    ['the stop build was canceled', { transition: 'stop', jobStatus: 'canceled' }],
    ['the latest build is a delete build', { transition: 'delete', jobStatus: 'running' }],
    ['the latest build is a newer start build', { transition: 'start', jobStatus: 'pending' }],
  ] as const)('rejects the old token when %s', async (_name, latest) => {
    const { server, sql } = await setup();
    const { ws, agent, taskId } = await stopScenario(sql);
    await seedHeldBuild(sql, ws, { buildNumber: 4, ...latest });
    expect(await snapshot(server, agent.token, taskId)).toMatchObject({ status: 401, body: NOT_AUTHORIZED });
  });

  it('rejects the token when the stop build is not N+1 or uses another template version', async () => {
    const { server, sql } = await setup();
    const { ws, agent, taskId } = await stopScenario(sql);
    const other = await seedTemplateVersion(sql, ws.templateId);
    const stop = await seedHeldBuild(sql, ws, { buildNumber: 4, transition: 'stop', jobStatus: 'running', templateVersionId: other.templateVersionId });
    expect((await snapshot(server, agent.token, taskId)).status).toBe(401);
    await stop.held.finish('succeeded');
    await seedHeldBuild(sql, ws, { buildNumber: 5, transition: 'stop', jobStatus: 'running' });
    expect((await snapshot(server, agent.token, taskId)).status).toBe(401);
  });

  it('rejects the token of a start build whose job failed once a stop follows it', async () => {
    const { server, sql } = await setup();
    const ws = await seedWorkspace(sql, await seedUser(sql, 'dave'));
    const b1 = await seedBuild(sql, ws, { buildNumber: 1, transition: 'start', jobStatus: 'failed' });
    const agent = await seedAgent(sql, ws, b1.buildId);
    expect((await server.call('GET', `${ME}/manifest`, { token: agent.token })).status).toBe(200);
    await seedHeldBuild(sql, ws, { buildNumber: 2, transition: 'stop', jobStatus: 'running' });
    expect((await server.call('GET', `${ME}/manifest`, { token: agent.token })).status).toBe(401);
  });

  it('the database holds only the SHA-256 of agent tokens', async () => {
    const { sql } = await setup();
    const { agent } = await seedRunningWorkspace(sql, await seedUser(sql, 'erin'));
    const [row] = await sql<{ found: boolean }[]>`
      select exists (select 1 from agents where token_hash::text like ${`%${agent.token}%`} or environment::text like ${`%${agent.token}%`}) as found`;
    expect(row!.found).toBe(false);
  });
});
