// The task app watcher (agent.md §3.5.2) against a small AgentAPI-like SSE
// server: waits for `healthy`, maps status_change to app-status reports,
// repeats `working` while running, reconnects after the stream drops.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppHealth } from '../../protocol/app-health.js';
import type { AppStatus } from '../../protocol/app-status.js';
import type { ManifestApp } from '../../protocol/manifest.js';
import { TaskAppWatcher, type HealthSource } from './task-app-watcher.js';

const silent = pino({ level: 'silent' });
const APP_ID = '00000000-0000-4000-8000-00000000a005';

/** AgentAPI's /events in miniature: each connect gets the current status, then deltas. */
class FakeAgentApi {
  status = 'stable';
  connects = 0;
  paths: string[] = [];
  private readonly streams = new Set<ServerResponse>();
  private readonly server: Server = createServer((req, res) => {
    this.paths.push(req.url ?? '');
    if (req.url !== '/events') return void res.writeHead(404).end();
    this.connects++;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
    res.write(`event: message_update\ndata: {"id":0,"role":"agent","message":"hi","time":"2026-01-01T00:00:00Z"}\n\n`);
    res.write(this.frame());
  });

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  setStatus(status: string): void {
    this.status = status;
    for (const s of this.streams) s.write(this.frame());
  }

  drop(): void {
    for (const s of this.streams) s.destroy();
  }

  async close(): Promise<void> {
    this.drop();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private frame(): string {
    return `event: status_change\ndata: {"status":"${this.status}","agent_type":"claude"}\n\n`;
  }
}

class ManualHealth implements HealthSource {
  private listeners = new Set<(id: string, h: AppHealth) => void>();
  constructor(public current: AppHealth) {}
  health(): AppHealth {
    return this.current;
  }
  subscribe(listener: (id: string, h: AppHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  set(h: AppHealth): void {
    this.current = h;
    for (const l of this.listeners) l(APP_ID, h);
  }
}

let agentapi: FakeAgentApi;
let url: string;
let watcher: TaskAppWatcher | undefined;
let reports: AppStatus[];

beforeEach(async () => {
  agentapi = new FakeAgentApi();
  url = await agentapi.start();
  reports = [];
});

afterEach(async () => {
  await watcher?.stop();
  watcher = undefined;
  await agentapi.close();
});

function watch(health: HealthSource, heartbeatMs = 60_000): TaskAppWatcher {
  const app: ManifestApp = { id: APP_ID, slug: 'claude', display_name: 'Claude', url, healthcheck: { url: `${url}status`, interval_s: 1, threshold: 3 } };
  watcher = new TaskAppWatcher({
    app,
    health,
    report: async (s) => void reports.push(s),
    logger: silent,
    timing: { heartbeatMs, backoff: { initialMs: 20, maxMs: 80 } },
  });
  watcher.start();
  return watcher;
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; reports=${JSON.stringify(reports)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const states = () => reports.map((r) => r.state);

describe('TaskAppWatcher', () => {
  it('subscribes only once the task app is healthy', async () => {
    const health = new ManualHealth('initializing');
    watch(health);
    await new Promise((r) => setTimeout(r, 100));
    expect(agentapi.connects).toBe(0);
    health.set('unhealthy');
    await new Promise((r) => setTimeout(r, 50));
    expect(agentapi.connects).toBe(0);
    health.set('healthy');
    await until(() => reports.length === 1, 'the first report');
    expect(agentapi.paths).toEqual(['/events']);
    expect(reports).toEqual([{ app_slug: 'claude', state: 'idle', message: 'Agent is idle' }]);
  });

  it('maps running → working and stable → idle, each change once', async () => {
    watch(new ManualHealth('healthy'));
    await until(() => reports.length === 1, 'idle');
    agentapi.setStatus('running');
    await until(() => reports.length === 2, 'working');
    agentapi.setStatus('stable');
    await until(() => reports.length === 3, 'idle again');
    expect(reports).toEqual([
      { app_slug: 'claude', state: 'idle', message: 'Agent is idle' },
      { app_slug: 'claude', state: 'working', message: 'Agent is working' },
      { app_slug: 'claude', state: 'idle', message: 'Agent is idle' },
    ]);
  });

  it('re-reports working on every heartbeat while running, and stops when stable', async () => {
    agentapi.status = 'running';
    watch(new ManualHealth('healthy'), 60);
    await until(() => reports.length >= 4, 'heartbeats');
    expect(new Set(states())).toEqual(new Set(['working']));
    agentapi.setStatus('stable');
    await until(() => states().at(-1) === 'idle', 'idle');
    const count = reports.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(reports.length).toBe(count);
  });

  it('reconnects after the stream drops and picks up the replayed status', async () => {
    watch(new ManualHealth('healthy'));
    await until(() => reports.length === 1, 'idle');
    agentapi.drop();
    agentapi.status = 'running'; // changed while disconnected
    await until(() => agentapi.connects === 2 && reports.length === 2, 'the reconnect');
    expect(states()).toEqual(['idle', 'working']);
  });

  it('an app without a healthcheck (disabled) is watched right away', async () => {
    watch(new ManualHealth('disabled'));
    await until(() => reports.length === 1, 'idle');
  });

  it('stop() closes the stream and the heartbeat', async () => {
    agentapi.status = 'running';
    watch(new ManualHealth('healthy'), 30);
    await until(() => reports.length >= 1, 'working');
    await watcher!.stop();
    const count = reports.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(reports.length).toBe(count);
  });
});
