// Control-plane figures (issue 5), on the real composition root (in-process
// `startServer`, its embedded PostgreSQL, the demo template with real agent,
// agentapi and demo-agent processes): the paused task's log snapshot endpoint
// (GET /api/v2/tasks/me/<name>/logs) under 50 concurrent loopback clients
// next to a trivial hono endpoint in the same run; the agent-side snapshot
// upload (POST …/workspaceagents/me/tasks/<id>/log-snapshot, server.md §5.1)
// with the running agent's own token and the conversation's last 10
// messages, next to a trivial hono POST of the same body; pause / resume latency
// for a conversation of at least 10 messages; and the RSS of a `taskyard
// server` process with 100 tasks (50 paused) seeded by SQL. Workspace processes are killed
// afterwards by TASKYARD_WORKSPACE_ID (never by name).
import { createServer, type Server } from 'node:http';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { resolveServerConfig } from '../src/server/config.js';
import { pino } from 'pino';
import postgres from 'postgres';
import { EmbeddedPostgres } from '../src/server/db/embedded-postgres.js';
import type { Sql } from '../src/server/db/storage.js';
import { migrate } from '../src/server/db/migrate.js';
import { findWorkspaceProcesses, killWorkspaceProcesses, readEnviron } from '../src/server/provisioner/processes.js';
import { startServer } from '../src/server/server.js';
import type { Task, TaskLogs } from '../src/server/tasks/protocol.js';
import { startTaskyard } from '../test/helpers/taskyard-process.js';
import { percentile, type Benchmark, type Figure } from './harness.js';

const CLIENTS = 50;
const LOAD_MS = 3_000;
const CYCLES = 3;

/** `CLIENTS` loops issuing `init` requests for `LOAD_MS`, each expected to answer `status`: req/s and p99 latency (ms). */
async function load(url: string, init: RequestInit, status = 200): Promise<{ rps: number; p99: number }> {
  const latencies: number[] = [];
  const end = performance.now() + LOAD_MS;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < end) {
        const start = performance.now();
        const response = await fetch(url, init);
        await response.arrayBuffer();
        if (response.status !== status) throw new Error(`${url} answered ${response.status}`);
        latencies.push(performance.now() - start);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  return { rps: latencies.length / elapsed, p99: percentile(latencies.sort((a, b) => a - b), 99) };
}

async function trivialHono(): Promise<{ url: string; close: () => Promise<void> }> {
  const app = new Hono();
  app.get('/ok', (c) => c.json({ ok: true }));
  app.post('/ok', async (c) => {
    await c.req.arrayBuffer();
    return c.body(null, 204);
  });
  const server: Server = createServer(getRequestListener(app.fetch));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { url: `http://127.0.0.1:${address.port}/ok`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The token the workspace's running agent got in CODER_AGENT_TOKEN (§3.5): the one its shutdown script posts snapshots with. */
async function runningAgentToken(sql: Sql, workspaceId: string): Promise<string> {
  const [agent] = await sql<{ pid: number | null }[]>`
    select a.pid from agents a join builds b on b.id = a.build_id where a.workspace_id = ${workspaceId} order by b.build_number desc limit 1`;
  const environ = agent?.pid ? readEnviron(agent.pid) : undefined;
  const token = environ?.find((e) => e.startsWith('CODER_AGENT_TOKEN='))?.slice('CODER_AGENT_TOKEN='.length);
  if (!token) throw new Error(`no CODER_AGENT_TOKEN in the environment of agent pid ${agent?.pid}`);
  return token;
}

async function runServerBench(): Promise<Figure[]> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'taskyard-bench-server-'));
  // As root the embedded PostgreSQL runs as `postgres`, which must traverse the dir.
  chmodSync(root, 0o755);
  const config = resolveServerConfig(
    { address: '127.0.0.1:0', dataDir: path.join(root, 'data'), taskIdleTimeout: '0', stopGracePeriod: '20s', logLevel: 'warn' },
    {},
    { uid: process.getuid?.() ?? 1000, homeDir: root },
  );
  const stdout: string[] = [];
  const server = await startServer(config, {
    stdout: { write: (chunk: string) => stdout.push(chunk) } as unknown as NodeJS.WritableStream,
    logDestination: { write: () => undefined },
  });
  const hono = await trivialHono();
  try {
    const token = /Session token: (\S+)/.exec(stdout.join(''))![1]!;
    const headers = { 'Coder-Session-Token': token };
    const call = async <T>(method: string, pathname: string, body?: unknown): Promise<{ status: number; body: T }> => {
      const response = await fetch(`${server.accessUrl}${pathname}`, {
        method,
        headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
    };
    const task = async () => (await call<Task>('GET', '/api/v2/tasks/me/bench')).body;
    const idle = (t: Task) => t.status === 'active' && t.current_state?.state === 'idle';
    const logs = async () => (await call<TaskLogs>('GET', '/api/v2/tasks/me/bench/logs')).body;

    if ((await call('POST', '/api/v2/tasks/me', { template: 'demo', input: 'message 1', name: 'bench' })).status !== 201) throw new Error('create failed');
    await until('bench task idle', async () => (idle(await task()) ? true : undefined));
    const workspaceId = (await server.ctx.sql<{ id: string }[]>`select id from workspaces`)[0]!.id;
    for (let i = 2; (await logs()).logs.length < 10; i++) {
      await call('POST', '/api/v2/tasks/me/bench/send', { input: `message ${i}` });
      await until('idle after send', async () => (idle(await task()) && (await logs()).logs.length >= i * 2 ? true : undefined));
    }
    const conversation = (await logs()).logs.length;

    // The agent-side upload while the task is active (its agent's token is valid only then):
    // the body the shutdown script would post, the last 10 AgentAPI messages (module.md §5).
    const agentToken = await runningAgentToken(server.ctx.sql, workspaceId);
    const { messages } = (await call<{ messages: unknown[] }>('GET', '/api/v2/tasks/me/bench/agentapi/messages')).body;
    const uploadBody = JSON.stringify({ messages: messages.slice(-10) });
    const upload = {
      method: 'POST',
      headers: { 'Coder-Session-Token': agentToken, 'Content-Type': 'application/json' },
      body: uploadBody,
    };
    const uploadUrl = `${server.accessUrl}/api/v2/workspaceagents/me/tasks/${(await task()).id}/log-snapshot?format=agentapi`;
    await load(hono.url, upload, 204);
    const uploadBaseline = await load(hono.url, upload, 204);
    const uploads = await load(uploadUrl, upload, 204);

    const healthz: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await (await fetch(`${server.accessUrl}/healthz`)).text();
      healthz.push(performance.now() - t0);
    }
    const healthzMedian = percentile(healthz.sort((a, b) => a - b), 50);

    const pauses: number[] = [];
    const resumes: number[] = [];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const p0 = performance.now();
      if ((await call('POST', '/api/experimental/tasks/me/bench/pause')).status !== 202) throw new Error('pause refused');
      await until('paused with snapshot, agentapi exited', async () => {
        if ((await task()).status !== 'paused') return undefined;
        if ((await logs()).snapshot !== true) return undefined;
        return findWorkspaceProcesses(workspaceId).length === 0 ? true : undefined;
      });
      pauses.push(performance.now() - p0);
      if (cycle === CYCLES - 1) break;
      const r0 = performance.now();
      if ((await call('POST', '/api/experimental/tasks/me/bench/resume')).status !== 202) throw new Error('resume refused');
      await until('messages restored and stable', async () => {
        const t = await task();
        if (!idle(t)) return undefined;
        const l = await logs();
        return l.snapshot === undefined && l.logs.length >= conversation ? true : undefined;
      });
      resumes.push(performance.now() - r0);
    }

    // The task is paused: its logs endpoint serves the stored snapshot.
    const snapshotUrl = `${server.accessUrl}/api/v2/tasks/me/bench/logs`;
    await load(hono.url, {});
    const baseline = await load(hono.url, {});
    const snapshot = await load(snapshotUrl, { headers });
    const pauseMedian = percentile(pauses.sort((a, b) => a - b), 50);
    const resumeMedian = percentile(resumes.sort((a, b) => a - b), 50);
    return [
      {
        name: `snapshot endpoint req/s (paused task logs, ${CLIENTS} clients)`,
        value: snapshot.rps,
        unit: 'req/s',
        target: '>= 25% of trivial hono',
        meetsTarget: snapshot.rps >= 0.25 * baseline.rps,
        baseline: { name: 'trivial hono endpoint req/s', value: baseline.rps },
      },
      { name: `snapshot endpoint p99 (${CLIENTS} clients)`, value: snapshot.p99, unit: 'ms', baseline: { name: 'trivial hono endpoint p99', value: baseline.p99 } },
      {
        name: `agent log-snapshot upload req/s (${Math.min(messages.length, 10)} messages, ${Buffer.byteLength(uploadBody)} B, ${CLIENTS} clients)`,
        value: uploads.rps,
        unit: 'req/s',
        target: '>= 25% of trivial hono',
        meetsTarget: uploads.rps >= 0.25 * uploadBaseline.rps,
        baseline: { name: 'trivial hono POST (same body) req/s', value: uploadBaseline.rps },
      },
      {
        name: `agent log-snapshot upload p99 (${CLIENTS} clients)`,
        value: uploads.p99,
        unit: 'ms',
        baseline: { name: 'trivial hono POST (same body) p99', value: uploadBaseline.p99 },
      },
      {
        name: `pause latency, ${conversation}-message conversation (median of ${pauses.length})`,
        value: pauseMedian / 1000,
        unit: 's',
        target: '<= 0.5 s',
        meetsTarget: pauseMedian <= 500,
        baseline: { name: 'GET /healthz round trip', value: healthzMedian / 1000 },
      },
      {
        name: `resume latency to restored /messages (median of ${resumes.length})`,
        value: resumeMedian / 1000,
        unit: 's',
        target: '<= 3 s',
        meetsTarget: resumeMedian <= 3_000,
        baseline: { name: 'GET /healthz round trip', value: healthzMedian / 1000 },
      },
    ];
  } finally {
    await hono.close();
    const workspaces = await server.ctx.sql<{ id: string }[]>`select id from workspaces`;
    await server.stop();
    for (const { id } of workspaces) await killWorkspaceProcesses(id);
    rmSync(root, { recursive: true, force: true });
  }
}

/** Starts `taskyard server` on `url`, lists tasks once, and returns its RSS in bytes. */
async function serverRss(url: string, dataDir: string): Promise<number> {
  const proc = startTaskyard(['server', '--address', '127.0.0.1:0', '--postgres-url', url, '--data-dir', dataDir, '--task-idle-timeout', '0', '--log-level', 'info']);
  try {
    await proc.waitFor(() => proc.logs().some((l) => l.msg === 'server started'), 'server started', 60_000);
    const access = String(proc.logs().find((l) => l.msg === 'server started')!.access_url);
    if ((await fetch(`${access}/healthz`)).status !== 200) throw new Error('server unhealthy');
    await new Promise((r) => setTimeout(r, 3_000));
    const status = readFileSync(`/proc/${proc.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
  } finally {
    await proc.stop('SIGTERM');
  }
}

/** Server RSS with 100 tasks (50 paused, with a snapshot) seeded directly by SQL, next to the same server with none. */
async function runRssBench(): Promise<Figure[]> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'taskyard-bench-rss-'));
  chmodSync(root, 0o755);
  const silent = pino({ level: 'silent' });
  const embedded = await EmbeddedPostgres.start({ dataDir: path.join(root, 'pg'), logger: silent, initdbNoSync: true, settings: { fsync: 'off' } });
  const sql = postgres(embedded.url, { max: 2, onnotice: () => undefined });
  try {
    await migrate(sql, silent);
    const dataDir = path.join(root, 'data');
    const empty = await serverRss(embedded.url, dataDir);
    await sql.begin(async (tx) => {
      const [ids] = await tx<{ org: string; owner: string; template: string; version: string }[]>`
        select o.id as org, u.id as owner, t.id as template, t.active_version_id as version
        from organizations o, users u, templates t where t.name = 'demo' and t.active_version_id is not null limit 1`;
      if (ids === undefined) throw new Error('no user or demo template to seed with');
      for (let i = 0; i < 100; i++) {
        const paused = i < 50;
        const [ws] = await tx<{ id: string }[]>`insert into workspaces (organization_id, owner_id, template_id, name) values (${ids.org}, ${ids.owner}, ${ids.template}, ${`seed-${i}`}) returning id`;
        const [task] = await tx<{ id: string }[]>`insert into tasks (organization_id, owner_id, name, template_id, template_version_id, workspace_id, initial_prompt)
          values (${ids.org}, ${ids.owner}, ${`seed-${i}`}, ${ids.template}, ${ids.version}, ${ws!.id}, 'seeded') returning id`;
        for (const [n, transition, reason] of paused ? ([[1, 'start', 'initiator'], [2, 'stop', 'task_manual_pause']] as const) : ([[1, 'start', 'initiator']] as const)) {
          const [job] = await tx<{ id: string }[]>`insert into provisioner_jobs (workspace_id, status, started_at, completed_at) values (${ws!.id}, 'succeeded', now(), now()) returning id`;
          await tx`insert into builds (workspace_id, build_number, transition, reason, template_version_id, job_id) values (${ws!.id}, ${n}, ${transition}, ${reason}, ${ids.version}, ${job!.id})`;
        }
        if (paused) {
          // The envelope the snapshot endpoint stores (server.md §5.1 step 7), so the seeded snapshots are readable.
          const messages = Array.from({ length: 10 }, (_, id) => ({ id, content: `message ${id}`, role: id % 2 === 0 ? 'user' : 'agent', time: new Date().toISOString() }));
          await tx`insert into task_snapshots (task_id, log_snapshot) values (${task!.id}, ${tx.json({ format: 'agentapi', data: { messages } })})`;
        }
      }
    });
    const seeded = await serverRss(embedded.url, dataDir);
    return [{ name: 'server RSS, 100 tasks (50 paused) seeded by SQL', value: seeded / 2 ** 20, unit: 'MiB', baseline: { name: 'server RSS, no tasks', value: empty / 2 ** 20 } }];
  } finally {
    await sql.end({ timeout: 1 });
    await embedded.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

export const serverBenchmarks: Benchmark[] = [
  { name: 'server: snapshot endpoint, pause and resume latency', run: runServerBench },
  { name: 'server: RSS with 100 tasks', run: runRssBench },
];
