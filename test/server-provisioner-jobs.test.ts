// Start, stop and delete jobs with real processes (server.md §4.4.4–4.4.6,
// §4.6): a real `taskyard agent` spawned against the real agent API reaches
// `ready`; its environment, process group, log file and home directory are
// checked through /proc and the file system; stop runs the normative order
// (grace period SIGKILL, SIGTERM fallback when `shutdown` cannot be
// delivered, sweep of every process carrying TASKYARD_WORKSPACE_ID); render
// failures fail the job with their message. Every process a test starts is
// killed afterwards by its workspace id (never by name); no listener or
// runner outlives its test.
import { readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Build } from '../src/server/provisioner/builds.js';
import { findWorkspaceProcesses, pidExists, readEnviron, sendSignal } from '../src/server/provisioner/processes.js';
import { latestAgent } from '../src/server/provisioner/queries.js';
import { reconcileProvisioner } from '../src/server/provisioner/reconcile.js';
import { startHarness, type Harness, type HarnessOptions } from '../src/server/provisioner/testdata/harness.js';
import { agentSocketPath, workspacePaths } from '../src/server/provisioner/workspace-dirs.js';
import { usePostgres } from './helpers/postgres.js';

const pg = usePostgres();
const harnesses: Harness[] = [];

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.stop()));
});

async function harness(options: Omit<HarnessOptions, 'sql'> = {}): Promise<Harness> {
  const db = await pg.createDatabase({ migrated: true });
  const base = 41000 + (process.pid % 400) * 20;
  const h = await startHarness({ sql: db.sql, portRange: `${base}-${base + 19}`, ...options });
  harnesses.push(h);
  return h;
}

/** Writes `$HOME/prompt` and `$HOME/which`, starts two survivors (nohup and setsid), waits in a stop script. */
const WORKSPACE_TEMPLATE = `
export const metadata = { display_name: 'Test', ports: ['web'] };
export default (ctx) => ({
  scripts: [
    {
      display_name: 'Start',
      resource_address: 'coder_script.start',
      run_on_start: true,
      script: [
        '#!/bin/bash',
        'set -e',
        "printf '%s' " + JSON.stringify(ctx.task ? ctx.task.prompt : '') + ' > "$HOME/prompt-' + ctx.workspace.build_number + '"',
        'command -v taskyard agentapi > "$HOME/which"',
        'echo ' + ctx.ports.agentapi + ' ' + ctx.ports.web + ' > "$HOME/ports-' + ctx.workspace.build_number + '"',
        'nohup sleep 1001 >/dev/null 2>&1 &',
        'setsid sleep 1002 >/dev/null 2>&1 < /dev/null &',
      ].join('\\n'),
    },
    { display_name: 'Stop', resource_address: 'coder_script.stop', run_on_stop: true, script: process.env.TEST_STOP_SCRIPT ?? 'echo stopping > "$HOME/stopped"; sleep 1000' },
  ],
  apps: [
    { slug: 'web', display_name: 'Web', url: 'http://localhost:' + ctx.ports.web + '/', healthcheck: { url: 'http://localhost:' + ctx.ports.web + '/', interval_s: 5, threshold: 3 }, task_app: true },
    { slug: 'docs', display_name: 'Docs', url: 'http://localhost:' + ctx.ports.web + '/docs' },
  ],
});
`;

/** Like WORKSPACE_TEMPLATE but its stop script finishes at once after leaving a marker. */
const QUICK_STOP_TEMPLATE = WORKSPACE_TEMPLATE.replace(
  "process.env.TEST_STOP_SCRIPT ?? 'echo stopping > \"$HOME/stopped\"; sleep 1000'",
  "'echo stopped-by-script > \"$HOME/stopped\"'",
);

async function startWorkspace(h: Harness, template = 'test', source = WORKSPACE_TEMPLATE): Promise<{ ws: string; version: string; task: string; build: Build }> {
  h.writeTemplate(`${template}.mjs`, source);
  const version = await h.register(template);
  const ws = await h.createWorkspace(template);
  const task = await h.createTask(ws, version, 'hello');
  const build = await h.ctx.builds.requestBuild({ workspaceId: ws, transition: 'start' });
  return { ws, version, task, build };
}

async function waitForLifecycle(h: Harness, ws: string, states: string[], timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const agent = await latestAgent(h.ctx.sql, ws);
    if (agent && states.includes(agent.lifecycleState)) return agent.lifecycleState;
    if (Date.now() > deadline) {
      const log = existsSync(workspacePaths(h.dataDir, ws).agentLog) ? readFileSync(workspacePaths(h.dataDir, ws).agentLog, 'utf8') : '';
      throw new Error(`agent lifecycle ${agent?.lifecycleState} never reached ${states.join('/')}; agent.log:\n${log.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

describe('start job', () => {
  it('spawns a real taskyard agent with exactly the §4.4.4 environment that reaches ready; stop/start keeps home, ports and re-renders the current input', async () => {
    const h = await harness({ stopGracePeriod: '5s' });
    const { ws, task, build } = await startWorkspace(h);
    expect((await h.waitForJob(build.id)).job).toMatchObject({ status: 'succeeded', error: null });
    const paths = workspacePaths(h.dataDir, ws);
    const agent = (await latestAgent(h.ctx.sql, ws))!;
    expect(agent.buildId).toBe(build.id);
    expect(agent.pid).toBeGreaterThan(0);
    expect(agent.pgid).toBe(agent.pid);
    expect(processGroupOf(agent.pid!)).toBe(agent.pid);

    const environ = readEnviron(agent.pid!)!;
    const env = Object.fromEntries(environ.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    const uid = process.getuid!();
    expect(Object.keys(env).sort()).toEqual(
      ['CODER_AGENT_LOG_DIR', 'CODER_AGENT_SCRIPT_DATA_DIR', 'CODER_AGENT_SOCKET_PATH', 'CODER_AGENT_TOKEN', 'CODER_AGENT_URL', 'CODER_WORKSPACE_ID', 'CODER_WORKSPACE_NAME', 'CODER_WORKSPACE_OWNER_NAME', 'HOME', 'LANG', 'LOGNAME', 'PATH', 'SHELL', 'TASKYARD_WORKSPACE_ID', 'USER'],
    );
    expect(env).toMatchObject({
      HOME: paths.home,
      SHELL: '/bin/bash',
      CODER_AGENT_URL: h.url,
      CODER_AGENT_LOG_DIR: paths.logs,
      CODER_AGENT_SCRIPT_DATA_DIR: paths.scriptData,
      CODER_AGENT_SOCKET_PATH: `/tmp/taskyard-${uid}/${ws}.sock`,
      CODER_WORKSPACE_ID: ws,
      CODER_WORKSPACE_OWNER_NAME: h.username,
      TASKYARD_WORKSPACE_ID: ws,
    });
    expect(env.PATH!.startsWith(`${path.join(h.dataDir, 'bin')}:`)).toBe(true);
    expect(env.CODER_AGENT_TOKEN).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(statSync(`/tmp/taskyard-${uid}`).mode & 0o777).toBe(0o700);
    // The token is stored only as its hash.
    const tokenRows = await h.ctx.sql`select 1 from agents where token_hash = sha256(${env.CODER_AGENT_TOKEN!}::bytea)`;
    expect(tokenRows).toHaveLength(1);
    expect(JSON.stringify(await h.ctx.sql`select * from agents`)).not.toContain(env.CODER_AGENT_TOKEN);
    // JSON columns hold objects, not JSON text wrapped in a string.
    expect(await h.ctx.sql`select jsonb_typeof(environment) as t from agents`).toEqual([{ t: 'object' }]);
    expect((await h.ctx.sql<{ t: string }[]>`select distinct jsonb_typeof(metadata) as t from template_versions`).map((r) => r.t)).toEqual(['object']);

    expect(await waitForLifecycle(h, ws, ['ready', 'start_error', 'start_timeout'])).toBe('ready');
    expect(statSync(paths.home).mode & 0o777).toBe(0o700);
    expect(readFileSync(path.join(paths.home, 'prompt-1'), 'utf8')).toBe('hello');
    expect(readFileSync(path.join(paths.home, 'which'), 'utf8')).toBe(`${path.join(h.dataDir, 'bin', 'taskyard')}\n${path.join(h.dataDir, 'bin', 'agentapi')}\n`);
    expect(readFileSync(paths.agentLog, 'utf8')).toContain('"msg"');
    const ports1 = readFileSync(path.join(paths.home, 'ports-1'), 'utf8');
    const apps = await h.ctx.sql<{ slug: string; health: string; task_app: boolean }[]>`select slug, health, task_app from apps where agent_id = ${agent.id} order by slug`;
    expect(apps).toEqual([
      { slug: 'docs', health: 'disabled', task_app: false },
      // The app's real health is the agent's to report; nothing listens, so it is initializing or unhealthy by now.
      expect.objectContaining({ slug: 'web', task_app: true }),
    ]);
    const scripts1 = await h.ctx.sql<{ id: string; log_source_id: string; ordinal: number; resource_address: string }[]>`
      select id, log_source_id, ordinal, resource_address from scripts where agent_id = ${agent.id} order by ordinal`;
    expect(scripts1.map((s) => s.resource_address)).toEqual(['coder_script.start', 'coder_script.stop']);

    // Stop, change the task's input, start again.
    const marker = path.join(paths.home, 'kept');
    writeFileSync(marker, 'x');
    const homeInode = statSync(paths.home).ino;
    const stop = await h.ctx.builds.requestBuild({ workspaceId: ws, transition: 'stop', reason: 'task_manual_pause' });
    expect((await h.waitForJob(stop.id)).job.status).toBe('succeeded');
    expect(findWorkspaceProcesses(ws)).toEqual([]);
    await h.ctx.sql`update tasks set initial_prompt = 'second input' where id = ${task}`;
    const start2 = await h.ctx.builds.requestBuild({ workspaceId: ws, transition: 'start', reason: 'task_resume' });
    expect((await h.waitForJob(start2.id)).job.status).toBe('succeeded');
    await waitForLifecycle(h, ws, ['ready']);
    expect(statSync(paths.home).ino).toBe(homeInode);
    expect(readFileSync(marker, 'utf8')).toBe('x');
    expect(readFileSync(path.join(paths.home, 'prompt-3'), 'utf8')).toBe('second input');
    expect(readFileSync(path.join(paths.home, 'ports-3'), 'utf8')).toBe(ports1);
    const agent2 = (await latestAgent(h.ctx.sql, ws))!;
    expect(agent2.id).not.toBe(agent.id);
    expect(agent2.tokenHash.equals(agent.tokenHash)).toBe(false);
    const scripts2 = await h.ctx.sql<{ id: string; log_source_id: string }[]>`select id, log_source_id from scripts where agent_id = ${agent2.id}`;
    for (const s of scripts2) {
      expect(scripts1.map((x) => x.id)).not.toContain(s.id);
      expect(scripts1.map((x) => x.log_source_id)).not.toContain(s.log_source_id);
    }
  });

  it.each([
    ['throws', `export default () => { throw new Error('no way'); };\n`, 'template "broken": no way'],
    ['returns an invalid spec', `export default () => ({ scripts: [{ script: 'x' }] });\n`, 'template "broken": invalid workspace spec: scripts[0].display_name: '],
  ])('a template that %s fails the build with the message', async (_name, source, message) => {
    const h = await harness();
    const { ws, build } = await startWorkspace(h, 'broken', source);
    const done = await h.waitForJob(build.id);
    expect(done.job.status).toBe('failed');
    expect(done.job.error!.startsWith(message)).toBe(true);
    expect(await h.ctx.sql`select 1 from agents where workspace_id = ${ws}`).toHaveLength(0);
  });

  it('refuses to start while the previous agent still runs', async () => {
    const h = await harness();
    const { ws, build } = await startWorkspace(h);
    await h.waitForJob(build.id);
    const again = await h.ctx.builds.requestBuild({ workspaceId: ws, transition: 'start' });
    const done = await h.waitForJob(again.id);
    expect(done.job.status).toBe('failed');
    expect(done.job.error).toMatch(/^the agent of build 1 is still running \(pid \d+\); stop the workspace first$/);
  });
});

describe('built-in demo template', () => {
  it('starts AgentAPI on the allocated agentapi port (task app healthy), and a stop stores the log snapshot and leaves no process', async () => {
    const h = await harness({ stopGracePeriod: '30s' });
    const version = await h.register('demo');
    const ws = await h.createWorkspace('demo');
    const task = await h.createTask(ws, version, 'hello demo');
    const build = await h.ctx.builds.requestBuild({ workspaceId: ws, transition: 'start' });
    expect((await h.waitForJob(build.id)).job.status).toBe('succeeded');
    expect(await waitForLifecycle(h, ws, ['ready', 'start_error', 'start_timeout'], 60_000)).toBe('ready');
    const [port] = await h.ctx.sql<{ port: number }[]>`select port from port_allocations where workspace_id = ${ws} and name = 'agentapi'`;
    await expect
      .poll(async () => (await h.ctx.sql<{ health: string }[]>`select health from apps where task_app and agent_id = (select id from agents where build_id = ${build.id})`)[0]?.health, { timeout: 30_000, interval: 200 })
      .toBe('healthy');
    const status = (await (await fetch(`http://127.0.0.1:${port!.port}/status`)).json()) as { status: string };
    expect(['running', 'stable']).toContain(status.status);

    const stop = await h.ctx.builds.requestBuild({ workspaceId: ws, transition: 'stop', reason: 'task_manual_pause' });
    const done = await h.waitForJob(stop.id, undefined, 60_000);
    expect(done.job.status).toBe('succeeded');
    expect(await waitForLifecycle(h, ws, ['off', 'shutdown_error', 'shutdown_timeout'])).toBe('off');
    expect(await h.ctx.sql`select 1 from task_snapshots where task_id = ${task}`).toHaveLength(1);
    expect(findWorkspaceProcesses(ws)).toEqual([]);
  });
});

describe('stop job', () => {
  it('grace period 2 s with a stop script `sleep 1000`: succeeds ~2 s after job start, and no process of the workspace survives (nohup, setsid included)', async () => {
    const h = await harness({ stopGracePeriod: '2s' });
    const { ws, build } = await startWorkspace(h);
    await h.waitForJob(build.id);
    await waitForLifecycle(h, ws, ['ready']);
    expect(findWorkspaceProcesses(ws).length).toBeGreaterThanOrEqual(3);
    const home = workspacePaths(h.dataDir, ws).home;

    const stop = await h.ctx.builds.requestBuild({ workspaceId: ws, transition: 'stop', reason: 'task_manual_pause' });
    const done = await h.waitForJob(stop.id);
    expect(done.job.status).toBe('succeeded');
    const took = done.job.completedAt!.getTime() - done.job.startedAt!.getTime();
    expect(took).toBeGreaterThanOrEqual(1_900);
    expect(took).toBeLessThan(3_500);
    // The agent had begun its stop sequence: the stop script ran.
    expect(readFileSync(path.join(home, 'stopped'), 'utf8')).toBe('stopping\n');
    expect(findWorkspaceProcesses(ws)).toEqual([]);
    expect(h.logLines.join('')).toContain('stop grace period elapsed; killing the agent process group');
    expect(existsSync(home)).toBe(true);
  });

  it('SIGTERMs the agent when it never reports shutting_down (events stream blocked); the stop scripts still run', async () => {
    const h = await harness({ stopGracePeriod: '60s', jobs: { shutdownAckTimeoutMs: 1_000 } });
    h.blockAgentEvents = true;
    const { ws, build } = await startWorkspace(h, 'quick', QUICK_STOP_TEMPLATE);
    await h.waitForJob(build.id);
    await waitForLifecycle(h, ws, ['ready']);
    const stop = await h.ctx.builds.requestBuild({ workspaceId: ws, transition: 'stop' });
    const done = await h.waitForJob(stop.id);
    expect(done.job.status).toBe('succeeded');
    const took = done.job.completedAt!.getTime() - done.job.startedAt!.getTime();
    expect(took).toBeGreaterThanOrEqual(1_000);
    expect(took).toBeLessThan(10_000);
    expect(h.logLines.join('')).toContain('workspace agent did not acknowledge shutdown; sending SIGTERM');
    expect(readFileSync(path.join(workspacePaths(h.dataDir, ws).home, 'stopped'), 'utf8')).toBe('stopped-by-script\n');
    expect(await waitForLifecycle(h, ws, ['off'])).toBe('off');
    expect(findWorkspaceProcesses(ws)).toEqual([]);
  });

  it('with the events stream working, the agent runs its stop sequence without a signal and the job ends when it exits', async () => {
    const h = await harness({ stopGracePeriod: '60s' });
    const { ws, build } = await startWorkspace(h, 'quick', QUICK_STOP_TEMPLATE);
    await h.waitForJob(build.id);
    await waitForLifecycle(h, ws, ['ready']);
    const stop = await h.ctx.builds.requestBuild({ workspaceId: ws, transition: 'stop' });
    const done = await h.waitForJob(stop.id);
    expect(done.job.status).toBe('succeeded');
    expect(done.job.completedAt!.getTime() - done.job.startedAt!.getTime()).toBeLessThan(8_000);
    expect(h.logLines.join('')).not.toContain('sending SIGTERM');
    expect(await waitForLifecycle(h, ws, ['off'])).toBe('off');
  });
});

describe('delete job', () => {
  it('stops, removes the workspace directory and socket, releases the ports and marks the workspace deleted', async () => {
    const h = await harness({ stopGracePeriod: '5s' });
    const { ws, build } = await startWorkspace(h, 'quick', QUICK_STOP_TEMPLATE);
    await h.waitForJob(build.id);
    await waitForLifecycle(h, ws, ['ready']);
    const del = await h.ctx.builds.requestBuild({ workspaceId: ws, transition: 'delete' });
    expect((await h.waitForJob(del.id)).job.status).toBe('succeeded');
    expect(existsSync(workspacePaths(h.dataDir, ws).root)).toBe(false);
    expect(existsSync(agentSocketPath(process.getuid!(), ws))).toBe(false);
    expect(await h.ctx.sql`select 1 from port_allocations where workspace_id = ${ws}`).toHaveLength(0);
    expect(await h.ctx.sql`select 1 from workspaces where id = ${ws} and deleted_at is not null`).toHaveLength(1);
    expect(findWorkspaceProcesses(ws)).toEqual([]);
  });
});

describe('reconciliation', () => {
  it('re-adopts a live agent, and marks a dead one disconnected with its task app unhealthy', async () => {
    const h = await harness({ runJobs: true });
    const live = await startWorkspace(h, 'quick', QUICK_STOP_TEMPLATE);
    const dead = await startWorkspace(h, 'quick2', QUICK_STOP_TEMPLATE);
    await h.waitForJob(live.build.id);
    await h.waitForJob(dead.build.id);
    await waitForLifecycle(h, live.ws, ['ready']);
    await waitForLifecycle(h, dead.ws, ['ready']);
    const deadAgent = (await latestAgent(h.ctx.sql, dead.ws))!;
    sendSignal(-deadAgent.pgid!, 'SIGKILL');
    await expect.poll(() => pidExists(deadAgent.pid!) && readEnviron(deadAgent.pid!)?.length !== 0, { timeout: 5_000 }).toBe(false);

    const result = await reconcileProvisioner(h.ctx);
    const liveAgent = (await latestAgent(h.ctx.sql, live.ws))!;
    expect(result.adoptedAgentIds).toContain(liveAgent.id);
    expect(result.deadAgentIds).toEqual([deadAgent.id]);
    const [row] = await h.ctx.sql<{ disconnected_at: Date | null }[]>`select disconnected_at from agents where id = ${deadAgent.id}`;
    expect(row!.disconnected_at).not.toBeNull();
    expect(await h.ctx.sql`select 1 from apps where agent_id = ${deadAgent.id} and task_app and health = 'unhealthy'`).toHaveLength(1);
    expect(await h.ctx.sql`select 1 from apps where agent_id = ${liveAgent.id} and task_app and health = 'unhealthy'`).toHaveLength(0);
  });
});
