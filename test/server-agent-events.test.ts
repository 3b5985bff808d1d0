// The agent's command channel `GET /api/v2/workspaceagents/me/events`
// (server.md §5, §4.4.5, §4.5) on real server apps over real HTTP and one
// PostgreSQL database: a NOTIFY published by one replica reaches a stream
// held by another, `shutdown` on connect while a stop build is pending, `:
// ping`, connection bookkeeping and the connected-agents gauge, and streams
// ending with the server. Must never leave a stream or server open.
import { afterEach, describe, expect, it } from 'vitest';
import { runCommandChannel } from '../src/server/agents/command-channel.js';
import { releaseHeldJobs, seedHeldBuild, seedRunningWorkspace, seedUser, type SeededAgent, type SeededWorkspace } from '../src/server/agents/testdata/seed.js';
import { startTestServer, stopTestServers, type TestServer } from '../src/server/agents/testdata/server.js';
import type { Sql } from '../src/server/db/storage.js';
import { usePostgres } from './helpers/postgres.js';

const pg = usePostgres();
const EVENTS = '/api/v2/workspaceagents/me/events';
const streams = new Set<AbortController>();
afterEach(async () => {
  for (const s of streams) s.abort();
  streams.clear();
  await releaseHeldJobs();
  await stopTestServers();
});

interface SseEvent {
  event: string;
  data: string;
}

/** An open events stream: every event and comment seen so far. */
class EventStream {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  ended = false;
  private buffer = '';

  constructor(
    readonly status: number,
    body: ReadableStream<Uint8Array> | null,
    readonly abort: AbortController,
  ) {
    if (body) void this.pump(body);
  }

  static async open(server: TestServer, token: string): Promise<EventStream> {
    const abort = new AbortController();
    streams.add(abort);
    const res = await fetch(`${server.url}${EVENTS}`, { headers: { 'Coder-Session-Token': token }, signal: abort.signal });
    return new EventStream(res.status, res.body, abort);
  }

  async waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; events=${JSON.stringify(this.events)} comments=${JSON.stringify(this.comments)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.abort.abort();
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body) {
        this.buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = this.buffer.indexOf('\n\n')) >= 0) {
          const frame = this.buffer.slice(0, end);
          this.buffer = this.buffer.slice(end + 2);
          if (frame.startsWith(':')) this.comments.push(frame.slice(1).trim());
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event !== undefined) this.events.push({ event, data: data ?? '' });
        }
      }
    } catch {
      // aborted
    } finally {
      this.ended = true;
    }
  }
}

async function twoReplicas(): Promise<{ a: TestServer; b: TestServer; sql: Sql }> {
  const db = await pg.createDatabase({ migrated: true });
  const a = await startTestServer(db.url, { stopGracePeriod: '120s' });
  const b = await startTestServer(db.url, { stopGracePeriod: '120s' });
  return { a, b, sql: db.sql };
}

async function metric(server: TestServer, name: string): Promise<number> {
  const text = (await server.call('GET', '/metrics')).text;
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 'NaN');
}

async function connection(sql: Sql, agentId: string) {
  const [row] = await sql<{ first_connected_at: Date | null; last_connected_at: Date | null; disconnected_at: Date | null }[]>`
    select first_connected_at, last_connected_at, disconnected_at from agents where id = ${agentId}`;
  return row!;
}

async function running(sql: Sql): Promise<{ ws: SeededWorkspace; agent: SeededAgent }> {
  return seedRunningWorkspace(sql, await seedUser(sql, `u${Math.random().toString(36).slice(2, 8)}`));
}

describe('shutdown relay', () => {
  it('delivers an agent_command NOTIFY published on replica A to the stream held by replica B, once per build', async () => {
    const { a, b, sql } = await twoReplicas();
    const { ws, agent } = await running(sql);
    const other = await running(sql);
    const stream = await EventStream.open(b, agent.token);
    const otherStream = await EventStream.open(b, other.agent.token);
    expect(stream.status).toBe(200);
    await stream.waitFor(() => stream.comments.includes('connected'), 'the connected comment');
    const stop = await seedHeldBuild(sql, ws, { buildNumber: 2, transition: 'stop', jobStatus: 'running' });
    const event = { kind: 'agent_command', workspace_id: ws.workspaceId, agent_id: agent.agentId, build_id: stop.buildId, command: 'shutdown' } as const;
    await a.server.ctx.events.publish(event);
    await stream.waitFor(() => stream.events.length > 0, 'shutdown');
    expect(stream.events[0]!.event).toBe('shutdown');
    const data = JSON.parse(stream.events[0]!.data) as { build_id: string; grace_period_ms: number };
    expect(data.build_id).toBe(stop.buildId);
    expect(data.grace_period_ms).toBeGreaterThan(110_000);
    expect(data.grace_period_ms).toBeLessThanOrEqual(120_000);
    await a.server.ctx.events.publish(event);
    await new Promise((r) => setTimeout(r, 300));
    expect(stream.events).toHaveLength(1);
    expect(otherStream.events).toHaveLength(0);
  });

  it('sends shutdown right after connecting while a stop build is pending', async () => {
    const { b, sql } = await twoReplicas();
    const { ws, agent } = await running(sql);
    const stop = await seedHeldBuild(sql, ws, { buildNumber: 2, transition: 'stop', jobStatus: 'pending' });
    const stream = await EventStream.open(b, agent.token);
    await stream.waitFor(() => stream.events.length > 0, 'shutdown on connect');
    expect(stream.events[0]).toEqual({ event: 'shutdown', data: JSON.stringify({ build_id: stop.buildId, grace_period_ms: 120_000 }) });
    // A reconnect gets it again.
    stream.close();
    const again = await EventStream.open(b, agent.token);
    await again.waitFor(() => again.events.length > 0, 'shutdown on reconnect');
    expect(JSON.parse(again.events[0]!.data)).toMatchObject({ build_id: stop.buildId });
  });

  it('accepts a workspace-wide command without agent_id and build_id (the pending stop build is looked up)', async () => {
    const { a, b, sql } = await twoReplicas();
    const { ws, agent } = await running(sql);
    const stream = await EventStream.open(b, agent.token);
    await stream.waitFor(() => stream.comments.includes('connected'), 'connected');
    const stop = await seedHeldBuild(sql, ws, { buildNumber: 2, transition: 'stop', jobStatus: 'running' });
    await a.server.ctx.events.publish({ kind: 'agent_command', workspace_id: ws.workspaceId, command: 'shutdown' });
    await stream.waitFor(() => stream.events.length > 0, 'shutdown');
    expect(JSON.parse(stream.events[0]!.data)).toMatchObject({ build_id: stop.buildId });
  });

  it('refuses a stream without a valid agent token', async () => {
    const { a } = await twoReplicas();
    const res = await a.call('GET', EVENTS, { token: a.ownerToken });
    expect(res).toMatchObject({ status: 401, body: { message: 'Workspace agent not authorized.' } });
  });
});

describe('connection state (§4.5)', () => {
  it('records first/last connected and disconnected times, the gauge, and the dashboard status', async () => {
    const { a, b, sql } = await twoReplicas();
    const { agent } = await running(sql);
    expect(await connection(sql, agent.agentId)).toEqual({ first_connected_at: null, last_connected_at: null, disconnected_at: null });
    const view = async () => (await a.call('GET', `/api/v2/workspaceagents/${agent.agentId}`, { token: a.ownerToken })).body as { status: string };
    expect((await view()).status).toBe('disconnected');

    const stream = await EventStream.open(b, agent.token);
    await stream.waitFor(() => stream.comments.includes('connected'), 'connected');
    let first = await connection(sql, agent.agentId);
    for (let i = 0; i < 50 && first.first_connected_at === null; i++) {
      await new Promise((r) => setTimeout(r, 20));
      first = await connection(sql, agent.agentId);
    }
    expect(first.first_connected_at).not.toBeNull();
    expect(first.disconnected_at).toBeNull();
    expect(await metric(b, 'taskyard_agents_connected')).toBe(1);
    expect(await metric(a, 'taskyard_agents_connected')).toBe(0);
    expect((await view()).status).toBe('connected');

    stream.close();
    let after = await connection(sql, agent.agentId);
    for (let i = 0; i < 100 && after.disconnected_at === null; i++) {
      await new Promise((r) => setTimeout(r, 20));
      after = await connection(sql, agent.agentId);
    }
    expect(after.disconnected_at!.getTime()).toBeGreaterThanOrEqual(first.last_connected_at!.getTime());
    expect(await metric(b, 'taskyard_agents_connected')).toBe(0);
    expect((await view()).status).toBe('disconnected');

    const again = await EventStream.open(a, agent.token);
    await again.waitFor(() => again.comments.includes('connected'), 'reconnected');
    await new Promise((r) => setTimeout(r, 100));
    const reconnected = await connection(sql, agent.agentId);
    expect(reconnected.first_connected_at).toEqual(first.first_connected_at);
    expect(reconnected.last_connected_at!.getTime()).toBeGreaterThan(after.disconnected_at!.getTime() - 1);
    expect((await view()).status).toBe('connected');
  });

  it('a stream ends when its server shuts down', async () => {
    const { a, sql } = await twoReplicas();
    const { agent } = await running(sql);
    const stream = await EventStream.open(a, agent.token);
    await stream.waitFor(() => stream.comments.includes('connected'), 'connected');
    await a.server.stop();
    await stream.waitFor(() => stream.ended, 'the stream to end');
    expect((await connection(sql, agent.agentId)).disconnected_at).not.toBeNull();
  });

  it('pings every interval and refreshes last_connected_at with each ping', async () => {
    const { a, sql } = await twoReplicas();
    const { ws, agent } = await running(sql);
    const writes: string[] = [];
    let abort = (): void => {};
    const done = runCommandChannel(
      a.server.ctx,
      { agentId: agent.agentId, workspaceId: ws.workspaceId, buildId: agent.buildId },
      { write: async (text) => void writes.push(text), onAbort: (listener) => (abort = listener) },
      { pingIntervalMs: 100 },
    );
    await new Promise((r) => setTimeout(r, 150));
    const stamp1 = (await connection(sql, agent.agentId)).last_connected_at!;
    await new Promise((r) => setTimeout(r, 300));
    const stamp2 = (await connection(sql, agent.agentId)).last_connected_at!;
    abort();
    await done;
    expect(writes[0]).toBe(': connected\n\n');
    expect(writes.filter((w) => w === ': ping\n\n').length).toBeGreaterThanOrEqual(3);
    expect(stamp2.getTime()).toBeGreaterThan(stamp1.getTime());
    const final = await connection(sql, agent.agentId);
    expect(final.disconnected_at!.getTime()).toBeGreaterThanOrEqual(final.last_connected_at!.getTime());
  });
});
