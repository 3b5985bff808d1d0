// Test support: a FAKE control plane (agent.md §3.6) — a small node:http
// server that implements the agent API of server.md §5 just far enough for
// the agent: it checks the agent token, validates every body with the shared
// zod schemas (400 when invalid), records every request, serves a manifest,
// and keeps `GET .../events` streams open so a test can push `shutdown`,
// comments or drop the connection. Tests can override any answer. It stands
// in for the real server, which does not exist yet; it holds no agent logic.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import { logBatchSchema, MAX_LOG_BYTES_PER_BATCH, scriptTimingSchema } from '../../src/protocol/agent-reports.js';
import { appHealthReportSchema } from '../../src/protocol/app-health.js';
import { appStatusSchema } from '../../src/protocol/app-status.js';
import { lifecycleReportSchema } from '../../src/protocol/lifecycle.js';
import { unitsReportSchema } from '../../src/protocol/units-report.js';

export const AGENT_API_PREFIX = '/api/v2/workspaceagents/me/';

export interface RecordedRequest {
  method: string;
  /** The path below `/api/v2/workspaceagents/me/`, without the query (e.g. `lifecycle`). */
  path: string;
  token: string | undefined;
  userAgent: string | undefined;
  /** Parsed JSON body (undefined for GET or an empty body). */
  body: unknown;
  rawBody: string;
  /** The status the fake answered with. */
  status: number;
  at: number;
}

export interface Answer {
  /** 0 = drop the connection without answering (a network failure for the agent). */
  status: number;
  body?: string;
  contentType?: string;
}

/** Return an Answer to replace the fake's own answer; undefined lets the fake answer. */
export type Override = (req: { method: string; path: string; body: string; count: number }) => Answer | undefined;

const BODY_SCHEMAS: Record<string, z.ZodType> = {
  lifecycle: lifecycleReportSchema,
  logs: logBatchSchema,
  'script-timings': scriptTimingSchema,
  'app-health': appHealthReportSchema,
  'app-status': appStatusSchema,
  units: unitsReportSchema,
};

export interface FakeControlPlaneOptions {
  token?: string;
  manifest?: unknown;
  /** Total log bytes per agent before 413 (server.md §5: 16 MiB). */
  logLimitBytes?: number;
}

export class FakeControlPlane {
  readonly token: string;
  manifest: unknown;
  override: Override | undefined;
  readonly requests: RecordedRequest[] = [];
  /** Called for every recorded request, synchronously, before answering. */
  onRequest: ((req: RecordedRequest) => void) | undefined;
  private readonly server: Server;
  private readonly streams = new Set<ServerResponse>();
  private readonly counts = new Map<string, number>();
  private readonly logLimitBytes: number;
  private logBytes = 0;
  private pendingEventsOnConnect: string[] = [];
  private port = 0;

  constructor(options: FakeControlPlaneOptions = {}) {
    this.token = options.token ?? 'agent-token-1';
    this.manifest = options.manifest;
    this.logLimitBytes = options.logLimitBytes ?? 16 * 1024 * 1024;
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const stream of this.streams) stream.destroy();
    this.streams.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Open `GET events` streams right now. */
  get openStreams(): number {
    return this.streams.size;
  }

  /** Writes one SSE event to every open events stream. */
  sendEvent(event: string, data: unknown): void {
    const frame = `event: ${event}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
    for (const stream of this.streams) stream.write(frame);
  }

  sendShutdown(data: unknown = { build_id: '00000000-0000-4000-8000-0000000000b2', grace_period_ms: 60_000 }): void {
    this.sendEvent('shutdown', data);
  }

  sendComment(text = 'ping'): void {
    for (const stream of this.streams) stream.write(`: ${text}\n\n`);
  }

  /** Like the server with a stop build pending: the next connect gets `shutdown` immediately. */
  shutdownOnNextConnect(data: unknown = { build_id: '00000000-0000-4000-8000-0000000000b2', grace_period_ms: 60_000 }): void {
    this.pendingEventsOnConnect.push(`event: shutdown\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Ends every open events stream (the agent should reconnect). */
  dropStreams(): void {
    for (const stream of this.streams) stream.destroy();
    this.streams.clear();
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Accepted bodies (2xx) of POSTs to `path`. */
  accepted<T = unknown>(path: string): T[] {
    return this.requests.filter((r) => r.path === path && r.method === 'POST' && r.status < 300).map((r) => r.body as T);
  }

  /** Accepted lifecycle states in arrival order. */
  lifecycleStates(): string[] {
    return this.accepted<{ state: string }>('lifecycle').map((b) => b.state);
  }

  async waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; requests: ${this.requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.rawBody.slice(0, 120)}`).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.startsWith(AGENT_API_PREFIX) ? url.pathname.slice(AGENT_API_PREFIX.length) : url.pathname;
    const method = req.method ?? 'GET';
    const key = `${method} ${path}`;
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    let body: unknown;
    try {
      body = rawBody === '' ? undefined : JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
    const record: RecordedRequest = {
      method,
      path,
      token: header(req, 'coder-session-token'),
      userAgent: header(req, 'user-agent'),
      body,
      rawBody,
      status: 0,
      at: Date.now(),
    };
    const answer = this.override?.({ method, path, body: rawBody, count }) ?? this.answer(record, rawBody);
    record.status = answer === 'stream' ? 200 : answer.status;
    this.requests.push(record);
    this.onRequest?.(record);
    if (answer === 'stream') {
      this.openStream(res);
      return;
    }
    if (answer.status === 0) {
      res.socket?.destroy();
      return;
    }
    res.writeHead(answer.status, answer.body === undefined ? {} : { 'content-type': answer.contentType ?? 'application/json' });
    res.end(answer.body);
  }

  private answer(record: RecordedRequest, rawBody: string): Answer | 'stream' {
    if (record.token !== this.token) return json(401, { message: 'Workspace agent not authorized.' });
    const { method, path } = record;
    if (method === 'GET' && path === 'manifest') {
      return this.manifest === undefined ? json(500, { message: 'no manifest configured' }) : json(200, this.manifest);
    }
    if (method === 'GET' && path === 'events') return 'stream';
    const schema = BODY_SCHEMAS[path];
    if (method !== 'POST' || schema === undefined) return json(404, { message: 'Route not found.' });
    const parsed = schema.safeParse(record.body);
    if (!parsed.success) return json(400, { message: 'Invalid request body.', detail: parsed.error.message });
    if (path === 'logs') {
      const bytes = Buffer.byteLength(rawBody);
      if (bytes > MAX_LOG_BYTES_PER_BATCH) return json(400, { message: 'Too many log bytes in one request.' });
      if (this.logBytes + bytes > this.logLimitBytes) return json(413, { message: 'Logs limit exceeded.' });
      this.logBytes += bytes;
    }
    if (path === 'script-timings' && !this.knownScript((record.body as { script_id: string }).script_id)) {
      return json(400, { message: 'Unknown script.' });
    }
    return { status: 204 };
  }

  private knownScript(id: string): boolean {
    const scripts = (this.manifest as { scripts?: { id: string }[] } | undefined)?.scripts ?? [];
    return scripts.some((s) => s.id === id);
  }

  private openStream(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
    for (const frame of this.pendingEventsOnConnect.splice(0)) res.write(frame);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function json(status: number, body: unknown): Answer {
  return { status, body: JSON.stringify(body) };
}

export const IDS = {
  agent: '00000000-0000-4000-8000-00000000a001',
  workspace: '00000000-0000-4000-8000-00000000a002',
  build: '00000000-0000-4000-8000-00000000a003',
  task: '00000000-0000-4000-8000-00000000a004',
  app: '00000000-0000-4000-8000-00000000a005',
} as const;

export interface ScriptSpec {
  id: string;
  log_source_id: string;
  script: string;
  display_name?: string;
  resource_address?: string;
  run_on_start?: boolean;
  run_on_stop?: boolean;
  timeout_ms?: number;
}

/** A manifest in the server's response shape (server.md §5), with defaults for the identity fields. */
export function makeManifest(parts: { scripts?: ScriptSpec[]; apps?: unknown[]; task?: unknown; directory?: string } = {}): Record<string, unknown> {
  return {
    agent_id: IDS.agent,
    agent_name: 'main',
    workspace_id: IDS.workspace,
    workspace_name: 'ws-test',
    owner_name: 'alice',
    build_id: IDS.build,
    build_number: 1,
    directory: parts.directory ?? '',
    environment_variables: {},
    scripts: parts.scripts ?? [],
    apps: parts.apps ?? [],
    task: parts.task ?? null,
    log_sources: (parts.scripts ?? []).map((s) => ({ id: s.log_source_id, display_name: s.display_name ?? '' })),
  };
}
