// End to end (server.md §6.7, §7.1): the real `taskyard server` composition
// root (provisioner loop, agent API, tasks API and loop) on a test
// PostgreSQL, the built-in `demo` template with real `taskyard agent`,
// `agentapi` and demo-agent processes: create → active → send → pause
// (snapshot) → resume (restored history, prompt not re-sent) → input update
// → resume; a template without snapshots; render failure → error; the
// `taskyard task` CLI on a paused task; auto-pause. After the lifecycle,
// §9.3: /metrics carries every §9.2 name, and neither the server's log nor
// the workspace's log files contain the session token or any agent token
// (read from the agent processes' environments). Every process a test
// starts is killed afterwards by its TASKYARD_WORKSPACE_ID (never by name).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../src/server/config.js';
import { killWorkspaceProcesses, readEnviron } from '../src/server/provisioner/processes.js';
import { startServer, type RunningServer } from '../src/server/server.js';
import { TASK_STATUSES, type Task, type TaskLogEntry, type TaskLogs } from '../src/server/tasks/protocol.js';
import { usePostgres } from './helpers/postgres.js';
import { PROJECT_ROOT } from './helpers/agentapi-process.js';
import { TASKYARD_BIN } from './helpers/taskyard-process.js';

const pg = usePostgres();
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const DEMO_SOURCE = readFileSync(path.join(PROJECT_ROOT, 'templates', 'demo.ts'), 'utf8');
/** The demo template with the shutdown script's snapshot turned off. */
const NO_SNAPSHOT_SOURCE = DEMO_SOURCE.replace("start_depends_on: ['coder_script.prepare'],", "start_depends_on: ['coder_script.prepare'],\n    task_log_snapshot: false,");
/** The demo template whose agent thinks 20 s per message. */
const SLOW_SOURCE = DEMO_SOURCE.replace('--think-ms 1000', '--think-ms 20000');

interface E2e {
  server: RunningServer;
  token: string;
  dataDir: string;
  /** The server's log lines (what `taskyard server` writes to stderr). */
  serverLog: string[];
  call<T = unknown>(method: string, pathname: string, body?: unknown): Promise<{ status: number; body: T }>;
  waitForTask(name: string, check: (t: Task) => boolean, what: string, timeoutMs?: number): Promise<Task>;
  logs(name: string): Promise<TaskLogs>;
}

let portBlock = 0;

async function startE2e(idleTimeout = '0', logLevel: 'warn' | 'debug' = 'warn'): Promise<E2e> {
  const db = await pg.createDatabase({ migrated: true });
  const root = mkdtempSync(path.join(tmpdir(), 'taskyard-e2e-'));
  const templatesDir = path.join(root, 'templates');
  mkdirSync(templatesDir);
  writeFileSync(path.join(templatesDir, 'nosnap.ts'), NO_SNAPSHOT_SOURCE);
  writeFileSync(path.join(templatesDir, 'slow.ts'), SLOW_SOURCE);
  writeFileSync(path.join(templatesDir, 'broken.mjs'), "export default () => { throw new Error('cannot render'); };\n");
  const dataDir = path.join(root, 'data');
  const base = 30000 + ((process.pid % 200) * 50 + portBlock++ * 10) % 9000;
  const config = resolveServerConfig(
    {
      address: '127.0.0.1:0',
      postgresUrl: db.url,
      dataDir,
      templatesDir,
      taskIdleTimeout: idleTimeout,
      stopGracePeriod: '20s',
      portRange: `${base}-${base + 9}`,
      logLevel,
    },
    {},
    { uid: process.getuid?.() ?? 1000, homeDir: root },
  );
  const stdout: string[] = [];
  const serverLog: string[] = [];
  const server = await startServer(config, {
    stdout: { write: (chunk: string) => stdout.push(chunk) } as unknown as NodeJS.WritableStream,
    logDestination: { write: (line: string) => serverLog.push(line) },
  });
  cleanups.push(async () => {
    const workspaces = await db.sql<{ id: string }[]>`select id from workspaces`;
    await server.stop();
    for (const { id } of workspaces) await killWorkspaceProcesses(id);
    rmSync(root, { recursive: true, force: true });
  });
  const token = /Session token: (\S+)/.exec(stdout.join(''))![1]!;
  const call = async <T>(method: string, pathname: string, body?: unknown) => {
    const response = await fetch(`${server.accessUrl}${pathname}`, {
      method,
      headers: { 'Coder-Session-Token': token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
  };
  const waitForTask = async (name: string, check: (t: Task) => boolean, what: string, timeoutMs = 60_000): Promise<Task> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await call<Task>('GET', `/api/v2/tasks/me/${name}`);
      if (check(body)) return body;
      if (Date.now() > deadline) throw new Error(`task ${name} never ${what}: ${JSON.stringify(body)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const logs = async (name: string) => (await call<TaskLogs>('GET', `/api/v2/tasks/me/${name}/logs`)).body;
  return { server, token, dataDir, serverLog, call, waitForTask, logs };
}

/** Statuses seen on the watch stream, in order, without repeats. */
function recordStatuses(e2e: E2e, name: string): { seen: string[]; stop: () => void } {
  const seen: string[] = [];
  const abort = new AbortController();
  void (async () => {
    const response = await fetch(`${e2e.server.accessUrl}/api/v2/tasks/me/${name}/watch`, { headers: { 'Coder-Session-Token': e2e.token }, signal: abort.signal });
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const data = /^data: (.*)$/m.exec(buffer.slice(0, end))?.[1];
        buffer = buffer.slice(end + 2);
        const status = data ? (JSON.parse(data) as Task).status : undefined;
        if (status && seen.at(-1) !== status) seen.push(status);
      }
    }
  })().catch(() => undefined);
  return { seen, stop: () => abort.abort() };
}

const contents = (logs: TaskLogs) => logs.logs.map((l) => `${l.type}:${l.content.trim()}`);
const GREETING = "output:Hello! I'm the taskyard demo agent. Send me a message and I'll echo it back.";
const isIdle = (t: Task) => t.status === 'active' && t.current_state?.state === 'idle';

async function buildOf(e2e: E2e, id: string): Promise<{ transition: string; reason: string }> {
  const [row] = await e2e.server.ctx.sql<{ transition: string; reason: string }[]>`select transition, reason from builds where id = ${id}`;
  return row!;
}

/**
 * The token of the workspace's current agent (§3.5), as the running agent
 * process got it in CODER_AGENT_TOKEN, checked against the stored hash.
 */
async function currentAgentToken(e2e: E2e, workspaceId: string): Promise<string> {
  const [agent] = await e2e.server.ctx.sql<{ pid: number | null; token_hash: Buffer }[]>`
    select a.pid, a.token_hash from agents a join builds b on b.id = a.build_id
    where a.workspace_id = ${workspaceId} order by b.build_number desc limit 1`;
  const environ = agent?.pid ? readEnviron(agent.pid) : undefined;
  const token = environ?.find((e) => e.startsWith('CODER_AGENT_TOKEN='))?.slice('CODER_AGENT_TOKEN='.length);
  if (!token) throw new Error(`no CODER_AGENT_TOKEN in the environment of agent pid ${agent?.pid}`);
  expect(createHash('sha256').update(token).digest().equals(agent!.token_hash)).toBe(true);
  return token;
}

/** §9.2: every metric name with its Prometheus type, plus one default process metric. */
const METRIC_TYPES: [name: string, type: string][] = [
  ['taskyard_http_requests_total', 'counter'],
  ['taskyard_http_request_duration_seconds', 'histogram'],
  ['taskyard_tasks', 'gauge'],
  ['taskyard_workspace_builds_total', 'counter'],
  ['taskyard_provisioner_jobs_running', 'gauge'],
  ['taskyard_agents_connected', 'gauge'],
  ['taskyard_log_snapshots_total', 'counter'],
  ['taskyard_task_auto_pauses_total', 'counter'],
  ['process_cpu_seconds_total', 'counter'],
];

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments skipped). */
function parseMetrics(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

/**
 * The workspace's log files by path relative to `<data-dir>/workspaces/<id>`:
 * everything under `logs/` (§4.4.4: agent.log, the script logs) and every
 * `*.log` under `home/` (the agentapi module's install and server logs).
 */
function workspaceLogFiles(e2e: E2e, workspaceId: string): Map<string, string> {
  const root = path.join(e2e.dataDir, 'workspaces', workspaceId);
  const files = (dir: string, wanted: (name: string) => boolean) =>
    readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && wanted(entry.name))
      .map((entry) => path.join(entry.parentPath, entry.name));
  const all = [...files('logs', () => true), ...files('home', (name) => name.endsWith('.log'))];
  return new Map(all.map((file) => [path.relative(root, file), readFileSync(file, 'utf8')]));
}

/** The lines of `text` that contain any of `secrets` (each line prefixed with `where`). */
function linesWithSecrets(where: string, text: string, secrets: readonly string[]): string[] {
  return text
    .split('\n')
    .filter((line) => secrets.some((secret) => line.includes(secret)))
    .map((line) => `${where}: ${line}`);
}

/** GET /metrics (no auth) after create → active → send → pause → resume → active with idle timeout 0. */
async function expectLifecycleMetrics(e2e: E2e): Promise<void> {
  const scrape = async () => {
    const response = await fetch(`${e2e.server.accessUrl}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    return { text, samples: parseMetrics(text) };
  };
  const tasksCounted = (samples: Sample[]) => samples.filter((s) => s.name === 'taskyard_tasks').reduce((sum, s) => sum + s.value, 0);
  // taskyard_tasks is refreshed every 10 s by the tasks loop: wait for a refresh that counted the task.
  let { text, samples } = await scrape();
  const deadline = Date.now() + 15_000;
  while (tasksCounted(samples) === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    ({ text, samples } = await scrape());
  }
  for (const [name, type] of METRIC_TYPES) {
    expect(text, `# TYPE of ${name}`).toMatch(new RegExp(`^# TYPE ${name} ${type}$`, 'm'));
    const own = [name, `${name}_bucket`, `${name}_sum`, `${name}_count`];
    expect(samples.filter((s) => own.includes(s.name)).length, `samples of ${name}`).toBeGreaterThan(0);
  }
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

  expect(value('taskyard_log_snapshots_total', { result: 'stored' })).toBeGreaterThan(0);
  expect(value('taskyard_http_requests_total', { method: 'POST', route: '/api/v2/workspaceagents/me/tasks/:task/log-snapshot', status: '204' })).toBeGreaterThan(0);
  expect(value('taskyard_http_requests_total', { method: 'POST', route: '/api/v2/tasks/:user', status: '201' })).toBe(1);
  expect(value('taskyard_http_request_duration_seconds_count', { method: 'POST', route: '/api/v2/workspaceagents/me/tasks/:task/log-snapshot' })).toBeGreaterThan(0);
  for (const [transition, reason] of [['start', 'initiator'], ['stop', 'task_manual_pause'], ['start', 'task_resume']]) {
    expect(value('taskyard_workspace_builds_total', { transition: transition!, reason: reason!, status: 'succeeded' }), `${transition} ${reason}`).toBe(1);
  }
  // One task, counted under exactly one status; every status has its series.
  expect(samples.filter((s) => s.name === 'taskyard_tasks').map((s) => s.labels.status).sort()).toEqual([...TASK_STATUSES].sort());
  expect(value('taskyard_tasks')).toBe(1);
  expect(value('taskyard_provisioner_jobs_running')).toBe(0);
  expect(value('taskyard_task_auto_pauses_total')).toBe(0);
  expect(value('process_cpu_seconds_total')).toBeGreaterThan(0);
}

/** §7 `TYPE  CONTENT`: a header, each entry's type and first line, further lines indented to the CONTENT column. */
function expectLogsTable(stdout: string, entries: readonly TaskLogEntry[]): void {
  const lines = stdout.split('\n');
  expect(lines.pop()).toBe('');
  const header = lines.shift();
  expect(header).toMatch(/^TYPE {2,}CONTENT +$/);
  const column = header!.indexOf('CONTENT');
  expect(lines.map((line) => ({ type: line.slice(0, column).trimEnd(), content: line.slice(column).trimEnd() }))).toEqual(
    entries.flatMap((entry) => entry.content.split(/\r?\n/).map((line, i) => ({ type: i === 0 ? entry.type : '', content: line.trimEnd() }))),
  );
}

function cli(e2e: E2e, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [TASKYARD_BIN, 'task', ...args], {
    env: { ...process.env, TASKYARD_URL: e2e.server.accessUrl, TASKYARD_SESSION_TOKEN: e2e.token, TASKYARD_CONFIG_DIR: '/nonexistent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('demo task lifecycle', () => {
  it('create → active → send → pause with snapshot → resume restores history → input update → resume sends the new prompt once', { timeout: 300_000 }, async () => {
    // debug: every line the server can log is checked for tokens (§9.3).
    const e2e = await startE2e('0', 'debug');
    const created = await e2e.call<Task>('POST', '/api/v2/tasks/me', { template: 'demo', input: 'hello', name: 'e2e' });
    expect(created).toMatchObject({ status: 201, body: { template_name: 'demo', initial_prompt: 'hello' } });
    // The provisioner may already have picked the start job up when the answer is built.
    expect(['pending', 'initializing']).toContain(created.body.status);
    const statuses = recordStatuses(e2e, 'e2e');
    await e2e.waitForTask('e2e', (t) => isIdle(t) && t.workspace_agent_lifecycle === 'ready', 'became active and idle');
    await e2e.waitForTask('e2e', () => true, 'read');
    const workspaceId = created.body.workspace_id!;
    // Each start build's agent gets its own token (§3.5); all of them must stay out of the logs.
    const agentTokens = [await currentAgentToken(e2e, workspaceId)];
    expect(statuses.seen.filter((s) => s !== 'pending').slice(0, 2)).toEqual(['initializing', 'active']);
    const initial = await e2e.logs('e2e');
    expect(initial.snapshot).toBeUndefined();
    expect(contents(initial)).toEqual([GREETING, 'input:hello', 'output:Echo: hello']);

    expect((await e2e.call('POST', '/api/v2/tasks/me/e2e/send', { input: 'second' })).status).toBe(204);
    await e2e.waitForTask('e2e', isIdle, 'idle after send');
    const beforePause = await e2e.logs('e2e');
    expect(contents(beforePause)).toEqual([GREETING, 'input:hello', 'output:Echo: hello', 'input:second', 'output:Echo: second']);

    const pause = await e2e.call<{ workspace_build_id: string }>('POST', '/api/experimental/tasks/me/e2e/pause');
    expect(pause.status).toBe(202);
    expect(await buildOf(e2e, pause.body.workspace_build_id)).toEqual({ transition: 'stop', reason: 'task_manual_pause' });
    await e2e.waitForTask('e2e', (t) => t.status === 'paused', 'paused', 90_000);
    await new Promise((r) => setTimeout(r, 300));
    statuses.stop();
    expect(statuses.seen).toContain('unknown');
    expect(statuses.seen.at(-1)).toBe('paused');
    const snapshot = await e2e.logs('e2e');
    expect(snapshot.snapshot).toBe(true);
    expect(snapshot.snapshot_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    // Fewer than 10 messages before the pause: the snapshot holds all of them.
    expect(snapshot.logs).toEqual(beforePause.logs);
    expect(await e2e.call('POST', '/api/v2/tasks/me/e2e/send', { input: 'nope' })).toEqual({
      status: 409,
      body: { message: 'Task is paused.', detail: 'Resume the task to send messages.' },
    });

    // §7.1: the CLI on the paused task, right after a real pause.
    const warn = `WARN: Task is paused. Showing last ${snapshot.logs.length} messages from snapshot.\n`;
    const table = await cli(e2e, ['logs', 'e2e']);
    expect(table).toMatchObject({ code: 0, stderr: warn });
    expectLogsTable(table.stdout, snapshot.logs);
    const json = await cli(e2e, ['logs', 'e2e', '-o', 'json']);
    expect(json).toMatchObject({ code: 0, stderr: warn });
    expect(JSON.parse(json.stdout)).toEqual(snapshot.logs);

    const resume = await e2e.call<{ workspace_build: { id: string; reason: string; transition: string } }>('POST', '/api/experimental/tasks/me/e2e/resume');
    expect(resume).toMatchObject({ status: 202, body: { workspace_build: { transition: 'start', reason: 'task_resume' } } });
    await e2e.waitForTask('e2e', isIdle, 'active again', 90_000);
    const restored = await e2e.logs('e2e');
    expect(restored.snapshot).toBeUndefined();
    expect(restored.logs.map(({ id, content }) => ({ id, content: content.trim() }))).toEqual(beforePause.logs.map(({ id, content }) => ({ id, content: content.trim() })));
    expect(await cli(e2e, ['resume', 'e2e'])).toEqual({ code: 1, stdout: '', stderr: 'error: Task is not paused.\nTask status is "active".\n' });
    agentTokens.push(await currentAgentToken(e2e, workspaceId));
    expect(new Set(agentTokens).size).toBe(2);

    // §9.3: after one whole lifecycle /metrics has every §9.2 name.
    await expectLifecycleMetrics(e2e);

    const pausedAgain = await cli(e2e, ['pause', 'e2e']);
    expect(pausedAgain).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Task "admin\/e2e" is pausing \(build [0-9a-f-]{36}\)\.\nTask "admin\/e2e" paused\.\n$/) });
    expect((await e2e.call('PATCH', '/api/v2/tasks/me/e2e/input', { input: 'new prompt' })).status).toBe(204);
    const resumed = await cli(e2e, ['resume', 'e2e']);
    expect(resumed).toMatchObject({ code: 0, stdout: expect.stringMatching(/is resuming \(build .*\)\.\nTask "admin\/e2e" is active\.\n$/) });
    const afterUpdate = await (async () => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const logs = await e2e.logs('e2e');
        if (contents(logs).includes('output:Echo: new prompt') || Date.now() > deadline) return logs;
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    expect(contents(afterUpdate)).toEqual([...contents(beforePause), 'input:new prompt', 'output:Echo: new prompt']);
    agentTokens.push(await currentAgentToken(e2e, workspaceId));

    // §9.3: no log line carries a token — neither the server's log nor the workspace's
    // log files (agent.log has the output of three generations of agents).
    const logFiles = workspaceLogFiles(e2e, workspaceId);
    expect(logFiles.get('logs/agent.log')).toMatch(/\S/);
    expect([...logFiles.keys()].filter((file) => file.startsWith('home/') && file.endsWith('agentapi-start.log'))).toHaveLength(1);
    expect(e2e.serverLog.some((line) => line.includes('"task log snapshot stored"'))).toBe(true);
    // The whole session token and its secret part alone (§3.2: `<id>-<secret>`).
    const secrets = [e2e.token, e2e.token.split('-')[1]!, ...agentTokens];
    const leaks = [
      ...linesWithSecrets('server log', e2e.serverLog.join(''), secrets),
      ...[...logFiles].flatMap(([file, text]) => linesWithSecrets(file, text, secrets)),
    ];
    expect(leaks).toEqual([]);

    expect((await e2e.call('DELETE', '/api/v2/tasks/me/e2e')).status).toBe(202);
    expect((await e2e.call('GET', '/api/v2/tasks/me/e2e')).status).toBe(404);
  });

  it('a template without log snapshots still pauses; logs are {"logs":[],"snapshot":true}', { timeout: 180_000 }, async () => {
    const e2e = await startE2e();
    expect((await e2e.call('POST', '/api/v2/tasks/me', { template: 'nosnap', input: 'hello', name: 'nosnap' })).status).toBe(201);
    await e2e.waitForTask('nosnap', isIdle, 'active and idle');
    expect((await e2e.call('POST', '/api/experimental/tasks/me/nosnap/pause')).status).toBe(202);
    await e2e.waitForTask('nosnap', (t) => t.status === 'paused', 'paused', 90_000);
    expect(await e2e.logs('nosnap')).toEqual({ logs: [], snapshot: true });
    expect(await cli(e2e, ['logs', 'nosnap'])).toEqual({
      code: 0,
      stdout: 'No task logs found.\n',
      stderr: 'WARN: Task is paused. No snapshot available (snapshot may have failed during pause, resume your task to view logs).\n',
    });
  });

  it('a template that fails to render: the task shows error and logs answer 409', { timeout: 60_000 }, async () => {
    const e2e = await startE2e();
    expect((await e2e.call('POST', '/api/v2/tasks/me', { template: 'broken', input: 'x', name: 'broken' })).status).toBe(201);
    await e2e.waitForTask('broken', (t) => t.status === 'error', 'error');
    expect(await e2e.call('GET', '/api/v2/tasks/me/broken/logs')).toEqual({
      status: 409,
      body: { message: 'Cannot fetch logs for task in current state.', detail: 'Task status is "error".' },
    });
  });
});

describe('auto-pause', () => {
  it('pauses an idle task (task_auto_pause) but not one whose agent keeps working', { timeout: 240_000 }, async () => {
    const e2e = await startE2e('5s');
    expect((await e2e.call('POST', '/api/v2/tasks/me', { template: 'demo', input: 'hello', name: 'idle' })).status).toBe(201);
    expect((await e2e.call('POST', '/api/v2/tasks/me', { template: 'slow', input: 'think hard', name: 'busy' })).status).toBe(201);
    const busy = await e2e.waitForTask('busy', (t) => t.status === 'active' && t.current_state?.state === 'working', 'working', 90_000);
    const workingSince = Date.now();
    const paused = await e2e.waitForTask('idle', (t) => t.status !== 'active' && t.status !== 'pending' && t.status !== 'initializing', 'auto-paused', 90_000);
    expect(['unknown', 'paused']).toContain(paused.status);
    const [build] = await e2e.server.ctx.sql<{ reason: string }[]>`
      select b.reason from builds b join tasks t on t.workspace_id = b.workspace_id where t.name = 'idle' order by b.build_number desc limit 1`;
    expect(build!.reason).toBe('task_auto_pause');
    // The slow agent works ~20 s on its prompt: not paused while working, paused once idle.
    const stillBusy = await e2e.waitForTask('busy', (t) => t.current_state?.state === 'idle' || t.status !== 'active', 'idle', 90_000);
    expect(stillBusy.status).toBe('active');
    expect(Date.now() - workingSince).toBeGreaterThan(5_000);
    await e2e.waitForTask('busy', (t) => t.status === 'unknown' || t.status === 'paused', 'auto-paused after idle', 60_000);
    expect(busy.id).toBeTruthy();
    const metrics = await (await fetch(`${e2e.server.accessUrl}/metrics`)).text();
    expect(metrics).toMatch(/^taskyard_task_auto_pauses_total 2$/m);
    expect(metrics).toMatch(/^taskyard_tasks\{status="[a-z]+"\} \d+$/m);
  });
});
