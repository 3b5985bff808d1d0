// The REAL `taskyard agent --url … --token …` (bin/taskyard.js, whose HTTP
// client is src/agent/control-plane/http.ts) against the real server's agent
// API (in-process server, real HTTP, real PostgreSQL), with the agent rows
// seeded as the provisioner stores them and the real agentapi demo agent as
// the task app: lifecycle reaches `ready`, script output, timings, units, app
// health and app status arrive; a NOTIFY `agent_command` published on another
// replica makes it run its stop script — which still reaches the API with
// the agent token during the stop build — and report `off`. Must never leave
// an agent, agentapi or server process running.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { releaseHeldJobs, seedHeldBuild, seedRunningWorkspace, seedTask, seedUser } from '../src/server/agents/testdata/seed.js';
import { startTestServer, stopTestServers } from '../src/server/agents/testdata/server.js';
import type { Sql } from '../src/server/db/storage.js';
import { demoAgent, startAgentApi, stopAllAgentApis } from './helpers/agentapi-process.js';
import { usePostgres } from './helpers/postgres.js';

const pg = usePostgres();
const TASKYARD_BIN = fileURLToPath(new URL('../bin/taskyard.js', import.meta.url));
const children = new Set<ChildProcess>();
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'taskyard-agent-srv-'));
});
afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await stopAllAgentApis();
  await releaseHeldJobs();
  await stopTestServers();
  rmSync(dir, { recursive: true, force: true });
});

/** The inherited environment minus the agent's own variables, so only the flags count. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CODER_') && !k.startsWith('TASKYARD_')));
}

function startAgent(url: string, token: string) {
  const child = spawn(
    process.execPath,
    [TASKYARD_BIN, 'agent', '--url', url, '--token', token, '--log-dir', dir, '--script-data-dir', dir, '--socket-path', join(dir, 'agent.sock')],
    { env: cleanEnv(), cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const lifecycle = async (sql: Sql, agentId: string) =>
  (await sql<{ lifecycle_state: string }[]>`select lifecycle_state from agents where id = ${agentId}`)[0]!.lifecycle_state;
const outputs = async (sql: Sql, sourceId: string) =>
  (await sql<{ output: string }[]>`select output from agent_logs where log_source_id = ${sourceId} order by id`).map((r) => r.output);

describe('the real taskyard agent against the real agent API', () => {
  it('starts, reports everything, and on a NOTIFY shutdown from another replica runs its stop script and reports off', async () => {
    const db = await pg.createDatabase({ migrated: true });
    const sql = db.sql;
    const a = await startTestServer(db.url);
    const b = await startTestServer(db.url);
    const agentapi = startAgentApi({ agent: demoAgent('--think-ms', '300') });
    const port = await agentapi.port();
    const { ws, agent } = await seedRunningWorkspace(sql, await seedUser(sql, 'agentuser'), {
      directory: dir,
      scripts: [
        { display_name: 'Start', resource_address: 'coder_script.start', run_on_start: true, script: 'echo hello-out; echo hello-err >&2' },
        {
          display_name: 'Stop',
          resource_address: 'coder_script.stop',
          run_on_stop: true,
          script: 'curl -sS -o /dev/null -w "manifest-status=%{http_code}\\n" -H "Coder-Session-Token: $CODER_AGENT_TOKEN" "$CODER_AGENT_URL/api/v2/workspaceagents/me/manifest"',
        },
      ],
      apps: [
        { slug: 'claude', display_name: 'Claude', url: `http://localhost:${port}/`, healthcheck: { url: `http://localhost:${port}/status`, interval_s: 1, threshold: 20 }, task_app: true },
      ],
    });
    const taskId = await seedTask(sql, ws);
    await sql`update tasks set last_activity_at = now() - interval '1 hour' where id = ${taskId}`;

    const proc = startAgent(b.url, agent.token);
    await waitFor(() => lifecycle(sql, agent.agentId), (s) => s === 'ready', 'lifecycle ready');
    await waitFor(() => outputs(sql, agent.logSourceIds[0]!), (o) => o.includes('hello-out') && o.includes('hello-err'), 'start script output');
    const timings = await waitFor(() => sql`select script_id, stage, status, exit_code from script_timings`, (rows) => rows.length === 1, 'the start timing');
    expect(timings[0]).toEqual({ script_id: agent.scriptIds[0], stage: 'start', status: 'ok', exit_code: 0 });
    const units = await waitFor(
      async () => (await b.call('GET', `/api/v2/workspaceagents/${agent.agentId}/units`, { token: a.ownerToken })).body as { units: { unit: string; status: string }[] },
      (u) => (u.units ?? []).some((x) => x.unit === 'coder_script.start' && x.status === 'completed'),
      'units',
    );
    expect(units.units.find((u) => u.unit === 'coder_script.stop')?.status).toBe('pending');
    await waitFor(() => sql`select health from apps where id = ${agent.appIds[0]!}`, (r) => r[0]?.health === 'healthy', 'task app healthy');
    await waitFor(() => sql`select state from app_statuses where agent_id = ${agent.agentId} order by created_at desc limit 1`, (r) => r[0]?.state === 'idle', 'app status idle');
    expect((await agentapi.postMessage('hello')).status).toBe(200);
    await waitFor(() => sql`select state from app_statuses where agent_id = ${agent.agentId} and state = 'working'`, (r) => r.length > 0, 'app status working');
    const [task] = await sql<{ age: number }[]>`select extract(epoch from now() - last_activity_at)::float8 as age from tasks where id = ${taskId}`;
    expect(task!.age).toBeLessThan(60);
    const view = (await a.call('GET', `/api/v2/workspaceagents/${agent.agentId}`, { token: a.ownerToken })).body;
    expect(view).toMatchObject({ lifecycle_state: 'ready', status: 'connected', apps: [{ slug: 'claude', health: 'healthy' }] });

    // The provisioner's stop job: a stop build N+1 runs, and replica A (not the one holding the stream) publishes the command.
    const stop = await seedHeldBuild(sql, ws, { buildNumber: 2, transition: 'stop', jobStatus: 'running' });
    await a.server.ctx.events.publish({ kind: 'agent_command', workspace_id: ws.workspaceId, agent_id: agent.agentId, build_id: stop.buildId, command: 'shutdown' });
    expect(await proc.exited, proc.stderr()).toBe(0);
    expect(await lifecycle(sql, agent.agentId)).toBe('off');
    expect(await outputs(sql, agent.logSourceIds[1]!)).toContain('manifest-status=200');
    const stopTimings = await sql`select stage, status from script_timings where script_id = ${agent.scriptIds[1]!}`;
    expect(stopTimings).toEqual([{ stage: 'stop', status: 'ok' }]);
    const buildTimings = (await a.call('GET', `/api/v2/workspacebuilds/${stop.buildId}/timings`, { token: a.ownerToken })).body as { agent_script_timings: unknown[] };
    expect(buildTimings.agent_script_timings).toEqual([expect.objectContaining({ script_id: agent.scriptIds[1], display_name: 'Stop', stage: 'stop', status: 'ok', exit_code: 0 })]);
    await waitFor(() => sql`select disconnected_at from agents where id = ${agent.agentId}`, (r) => r[0]?.disconnected_at !== null, 'disconnected');

    // The stop build finished: the token is dead.
    await stop.held.finish('succeeded');
    expect((await b.call('GET', '/api/v2/workspaceagents/me/manifest', { token: agent.token })).status).toBe(401);
    // §9.3: no log line of either replica carries the agent token.
    expect([...a.logLines, ...b.logLines].join('')).not.toContain(agent.token);
  });

  it('an agent (re)connecting while a stop build is pending gets shutdown at once and stops', async () => {
    const db = await pg.createDatabase({ migrated: true });
    const sql = db.sql;
    const server = await startTestServer(db.url);
    const { ws, agent } = await seedRunningWorkspace(sql, await seedUser(sql, 'late'), {
      directory: dir,
      scripts: [{ display_name: 'Stop', resource_address: 'coder_script.stop', run_on_stop: true, script: 'echo stopping' }],
      // (Whether stop scripts run when the order arrives during the agent's init is the agent's business.)
    });
    await seedHeldBuild(sql, ws, { buildNumber: 2, transition: 'stop', jobStatus: 'pending' });
    const proc = startAgent(server.url, agent.token);
    expect(await proc.exited, proc.stderr()).toBe(0);
    expect(await lifecycle(sql, agent.agentId)).toBe('off');
    expect(proc.stderr()).toContain('control plane ordered a shutdown');
  });
});
