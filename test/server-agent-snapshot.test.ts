// `POST /api/v2/workspaceagents/me/tasks/{task}/log-snapshot?format=agentapi`
// (server.md §5.1, §5.2) on the real server app over real HTTP and
// PostgreSQL: the validation order, a bad-input matrix where every case gets
// its documented status while the stored row stays byte-identical and the
// server keeps serving, the 64 KiB cap enforced while the body streams in
// (and the task lookup before any body byte is read), the stored envelope,
// and the metric. Must never leave a server or socket open.
import { request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAgent, seedBuild, seedRunningWorkspace, seedTask, seedUser, type SeededAgent } from '../src/server/agents/testdata/seed.js';
import { startTestServer, stopTestServers, type TestServer } from '../src/server/agents/testdata/server.js';
import type { Sql } from '../src/server/db/storage.js';
import { usePostgres } from './helpers/postgres.js';

const pg = usePostgres();
const ME = '/api/v2/workspaceagents/me';
const MSG = {
  badId: 'Invalid task ID format.',
  query: 'Invalid query parameters.',
  format: 'Invalid format parameter.',
  notFound: 'Resource not found or you do not have access to this resource.',
  tooLarge: 'Log snapshot payload exceeds 65536 bytes.',
  decode: 'Failed to decode request payload.',
  missing: 'Missing required "messages" field.',
  store: 'Internal error storing snapshot.',
  auth: 'Workspace agent not authorized.',
};
const GOOD = { messages: [{ id: 0, content: 'hello', role: 'user', time: '2025-01-02T03:04:05Z' }] };

let server: TestServer;
let sql: Sql;
/** The agent posting, its task, and a task of another workspace (with its own agent). */
let agent: SeededAgent;
let taskId: string;
let otherAgent: SeededAgent;
let otherTaskId: string;
let deletedTaskId: string;
let oldAgent: SeededAgent;

beforeAll(async () => {
  const db = await pg.createDatabase({ migrated: true });
  sql = db.sql;
  server = await startTestServer(db.url);
  const ownerId = await seedUser(sql, 'snap');
  const main = await seedRunningWorkspace(sql, ownerId);
  agent = main.agent;
  taskId = await seedTask(sql, main.ws);
  const other = await seedRunningWorkspace(sql, ownerId);
  otherAgent = other.agent;
  otherTaskId = await seedTask(sql, other.ws);
  const third = await seedRunningWorkspace(sql, ownerId);
  deletedTaskId = await seedTask(sql, third.ws);
  await sql`update tasks set deleted_at = now() where id = ${deletedTaskId}`;
  // A workspace whose build 1 agent is superseded by builds 2 (stop) and 3 (start).
  const old = await seedRunningWorkspace(sql, ownerId);
  oldAgent = old.agent;
  await seedBuild(sql, old.ws, { buildNumber: 2, transition: 'stop', jobStatus: 'succeeded' });
  const b3 = await seedBuild(sql, old.ws, { buildNumber: 3, transition: 'start', jobStatus: 'succeeded' });
  await seedAgent(sql, old.ws, b3.buildId);
});
afterAll(stopTestServers);

const path = (task: string, query = '?format=agentapi'): string => `${ME}/tasks/${task}/log-snapshot${query}`;

async function storedRow(task: string): Promise<{ text: string; at: string } | undefined> {
  const rows = await sql<{ text: string; at: string }[]>`
    select log_snapshot::text as text, log_snapshot_created_at::text as at from task_snapshots where task_id = ${task}`;
  return rows[0];
}

async function post(task: string, init: { query?: string; token?: string | null; body?: unknown; raw?: string | Uint8Array } = {}) {
  const token = init.token === null ? undefined : (init.token ?? agent.token);
  return server.call('POST', path(task, init.query), { token, body: init.body, raw: init.raw });
}

const oneMessage = (content: string): string => JSON.stringify({ messages: [{ id: 1, content, role: 'agent', time: '2025-01-02T03:04:05.123Z' }] });
/** The bytes of a one-message body around its content. */
const ENVELOPE_BYTES = oneMessage('').length;
/** A valid body of exactly `size` bytes. */
const bodyOfSize = (size: number): string => oneMessage('x'.repeat(size - ENVELOPE_BYTES));

describe('successful uploads', () => {
  it('stores exactly the step 7 envelope; `[]` is valid; the second post wins in the same row', async () => {
    const body = {
      messages: [
        { id: 0, content: 'Hi', role: 'agent', time: '2025-01-02T03:04:05Z', extra: 'dropped' },
        { id: 1, content: 'multi\nline "quoted" ü', role: 'user', time: '2025-01-02T03:04:06.5+02:00' },
      ],
      other_key: 'ignored',
    };
    expect(await post(taskId, { body })).toMatchObject({ status: 204, text: '' });
    const [row] = await sql<{ log_snapshot: unknown; log_snapshot_created_at: Date }[]>`select * from task_snapshots where task_id = ${taskId}`;
    expect(row!.log_snapshot).toEqual({
      format: 'agentapi',
      data: {
        messages: [
          { id: 0, content: 'Hi', role: 'agent', time: '2025-01-02T03:04:05Z' },
          { id: 1, content: 'multi\nline "quoted" ü', role: 'user', time: '2025-01-02T03:04:06.5+02:00' },
        ],
      },
    });
    await new Promise((r) => setTimeout(r, 10));
    expect((await post(taskId, { body: { messages: [] } })).status).toBe(204);
    const rows = await sql<{ log_snapshot: unknown; log_snapshot_created_at: Date }[]>`select * from task_snapshots where task_id = ${taskId}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.log_snapshot).toEqual({ format: 'agentapi', data: { messages: [] } });
    expect(rows[0]!.log_snapshot_created_at.getTime()).toBeGreaterThan(row!.log_snapshot_created_at.getTime());
  });

  it('accepts a body of exactly 65 536 bytes', async () => {
    const raw = bodyOfSize(65_536);
    expect(Buffer.byteLength(raw)).toBe(65_536);
    expect((await post(taskId, { raw })).status).toBe(204);
    const [row] = await sql<{ log_snapshot: { data: { messages: { content: string }[] } } }[]>`select log_snapshot from task_snapshots where task_id = ${taskId}`;
    expect(row!.log_snapshot.data.messages[0]!.content).toHaveLength(65_536 - ENVELOPE_BYTES);
  });
});

interface Case {
  name: string;
  task?: () => string;
  query?: string;
  token?: () => string | null;
  body?: unknown;
  raw?: () => string | Uint8Array;
  status: number;
  message: string;
  /** Some validations entries to expect. */
  validations?: { field: string }[];
  /** The task whose stored row must stay byte-identical (default: the agent's task). */
  guarded?: () => string;
}

const CASES: Case[] = [
  { name: 'a task id that is not a UUID, with an invalid body', task: () => 'not-a-uuid', raw: () => '{{{', status: 400, message: MSG.badId },
  { name: 'a task id that is not a UUID, with a valid body', task: () => 'abc', body: GOOD, status: 400, message: MSG.badId },
  { name: 'a truncated UUID', task: () => randomUUID().slice(0, 35), body: GOOD, status: 400, message: MSG.badId },
  { name: 'a bad task id and format=json', task: () => 'x', query: '?format=json', body: GOOD, status: 400, message: MSG.badId },
  { name: 'no query at all', query: '', body: GOOD, status: 400, message: MSG.query, validations: [{ field: 'format' }] },
  { name: 'an empty format', query: '?format=', body: GOOD, status: 400, message: MSG.query, validations: [{ field: 'format' }] },
  { name: 'an extra query parameter', query: '?format=agentapi&foo=1', body: GOOD, status: 400, message: MSG.query, validations: [{ field: 'foo' }] },
  { name: 'only an unknown parameter', query: '?foo=agentapi', body: GOOD, status: 400, message: MSG.query, validations: [{ field: 'format' }, { field: 'foo' }] },
  { name: 'format given twice', query: '?format=agentapi&format=agentapi', body: GOOD, status: 400, message: MSG.query },
  { name: 'format=json', query: '?format=json', body: GOOD, status: 400, message: MSG.format },
  { name: 'format=AGENTAPI', query: '?format=AGENTAPI', body: GOOD, status: 400, message: MSG.format },
  { name: 'an extra parameter and an unknown format', query: '?format=json&x=1', body: GOOD, status: 400, message: MSG.query },
  { name: 'an unknown task with a 1 MiB body', task: () => randomUUID(), raw: () => 'x'.repeat(1024 * 1024), status: 404, message: MSG.notFound },
  { name: "another workspace's task", task: () => otherTaskId, body: GOOD, status: 404, message: MSG.notFound, guarded: () => otherTaskId },
  { name: 'a deleted task', task: () => deletedTaskId, body: GOOD, status: 404, message: MSG.notFound, guarded: () => deletedTaskId },
  { name: 'a 65 537-byte valid body', raw: () => bodyOfSize(65_537), status: 413, message: MSG.tooLarge },
  { name: 'a 1 MiB body', raw: () => 'y'.repeat(1024 * 1024), status: 413, message: MSG.tooLarge },
  { name: 'a non-JSON body', raw: () => 'messages: []', status: 400, message: MSG.decode },
  { name: 'an empty body', raw: () => '', status: 400, message: MSG.decode },
  { name: 'truncated JSON', raw: () => '{"messages":[', status: 400, message: MSG.decode },
  { name: 'invalid UTF-8', raw: () => Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), status: 400, message: MSG.decode },
  { name: 'a JSON array', body: [GOOD], status: 400, message: MSG.decode },
  { name: 'JSON null', raw: () => 'null', status: 400, message: MSG.decode },
  { name: 'a JSON string', body: 'messages', status: 400, message: MSG.decode },
  { name: 'an empty object (messages missing)', body: {}, status: 400, message: MSG.missing },
  { name: 'messages null', body: { messages: null }, status: 400, message: MSG.missing },
  { name: 'messages an object', body: { messages: {} }, status: 400, message: MSG.decode },
  { name: 'messages a string', body: { messages: 'hello' }, status: 400, message: MSG.decode },
  { name: 'a message id that is a string', body: { messages: [{ ...GOOD.messages[0], id: '1' }] }, status: 400, message: MSG.decode },
  { name: 'a message id that is not an integer', body: { messages: [{ ...GOOD.messages[0], id: 1.5 }] }, status: 400, message: MSG.decode },
  { name: 'an unknown role', body: { messages: [{ ...GOOD.messages[0], role: 'system' }] }, status: 400, message: MSG.decode },
  { name: 'a time that is not RFC 3339', body: { messages: [{ ...GOOD.messages[0], time: 'yesterday' }] }, status: 400, message: MSG.decode },
  { name: 'a time without offset', body: { messages: [{ ...GOOD.messages[0], time: '2025-01-02T03:04:05' }] }, status: 400, message: MSG.decode },
  { name: 'a message without content', body: { messages: [{ id: 1, role: 'agent', time: '2025-01-02T03:04:05Z' }] }, status: 400, message: MSG.decode },
  { name: 'content that is a number', body: { messages: [{ ...GOOD.messages[0], content: 5 }] }, status: 400, message: MSG.decode },
  { name: 'a null message', body: { messages: [GOOD.messages[0], null] }, status: 400, message: MSG.decode },
  { name: 'a wrong agent token', token: () => randomUUID(), body: GOOD, status: 401, message: MSG.auth },
  { name: 'no token', token: () => null, body: GOOD, status: 401, message: MSG.auth },
  { name: "a user's session token", token: () => server.ownerToken, body: GOOD, status: 401, message: MSG.auth },
  { name: 'the token of a superseded build (N−2)', token: () => oldAgent.token, body: GOOD, status: 401, message: MSG.auth },
  { name: "another workspace's agent naming this task", token: () => otherAgent.token, body: GOOD, status: 404, message: MSG.notFound },
  { name: 'content PostgreSQL cannot store (NUL)', body: { messages: [{ ...GOOD.messages[0], content: 'a\u0000b' }] }, status: 500, message: MSG.store },
];

describe('bad input matrix', () => {
  beforeAll(async () => {
    // Every case starts from an existing snapshot that must survive it.
    for (const id of [taskId, otherTaskId]) {
      expect((await post(id, { body: GOOD, token: id === taskId ? agent.token : otherAgent.token })).status).toBe(204);
    }
  });

  it('has at least 25 cases', () => expect(CASES.length).toBeGreaterThanOrEqual(25));

  it.each(CASES)('$name → $status', async (c) => {
    const guarded = c.guarded?.() ?? taskId;
    const before = await storedRow(guarded);
    const rejectedBefore = await metricValue('rejected');
    const res = await post(c.task?.() ?? taskId, { query: c.query, token: c.token?.(), body: c.body, raw: c.raw?.() });
    expect({ status: res.status, message: (res.body as { message?: string } | undefined)?.message }).toEqual({ status: c.status, message: c.message });
    if (c.validations) expect((res.body as { validations: unknown[] }).validations).toEqual(c.validations.map((v) => expect.objectContaining(v)));
    expect(await storedRow(guarded)).toEqual(before);
    if (c.task === undefined) expect(before).toBeDefined();
    expect(await metricValue('rejected')).toBe(rejectedBefore + 1);
    // …and the server keeps serving.
    expect((await server.call('GET', '/healthz')).status).toBe(200);
  });

  it('still stores a good snapshot after all of them, counted as stored', async () => {
    const storedBefore = await metricValue('stored');
    expect((await post(taskId, { body: GOOD })).status).toBe(204);
    expect(await metricValue('stored')).toBe(storedBefore + 1);
  });
});

async function metricValue(result: 'stored' | 'rejected'): Promise<number> {
  const text = (await server.call('GET', '/metrics')).text;
  const match = new RegExp(`^taskyard_log_snapshots_total\\{result="${result}"\\} (\\d+)`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

describe('the body is read only after the task lookup, and only up to the cap', () => {
  /** Sends headers and `first` bytes, never the rest; resolves with the answer that arrives anyway. */
  function partialPost(task: string, headers: Record<string, string>, first: Buffer): Promise<{ status: number; body: string }> {
    const url = new URL(server.url);
    return new Promise((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: path(task), headers: { 'Coder-Session-Token': agent.token, 'Content-Type': 'application/json', ...headers } });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
          req.destroy();
        });
      });
      req.on('error', (err) => reject(err));
      req.write(first);
    });
  }

  it('answers 404 for an unknown task while a declared 1 MiB body is still unsent', async () => {
    const res = await partialPost(randomUUID(), { 'Content-Length': String(1024 * 1024) }, Buffer.alloc(1024, 0x20));
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toEqual({ message: MSG.notFound });
  });

  it('answers 413 on a declared Content-Length of 65 537 before the body arrives', async () => {
    const before = await storedRow(taskId);
    const res = await partialPost(taskId, { 'Content-Length': '65537' }, Buffer.alloc(10, 0x20));
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({ message: MSG.tooLarge });
    expect(await storedRow(taskId)).toEqual(before);
  });

  it('answers 413 as soon as a chunked body passes 65 536 bytes, without waiting for its end', async () => {
    const before = await storedRow(taskId);
    const res = await partialPost(taskId, { 'Transfer-Encoding': 'chunked' }, Buffer.alloc(70_000, 0x20));
    expect(res.status).toBe(413);
    expect(await storedRow(taskId)).toEqual(before);
    expect((await server.call('GET', '/healthz')).status).toBe(200);
  });
});
