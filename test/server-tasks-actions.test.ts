// Tasks API actions (server.md §6.3–§6.5) over real HTTP on a fresh
// migrated database per test, with task rows seeded by SQL in every §6.2
// state (no provisioner loop): send, pause, resume, input update, logs and
// the proxy's status conflict in every state with the exact texts (the live
// AgentAPI paths are in server-tasks-live.test.ts). Must never share a
// database between tests or leave a server running.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TaskTestServer, type Account, type SeedState } from '../src/server/tasks/testdata/task-fixture.js';
import { usePostgres } from './helpers/postgres.js';

const pg = usePostgres();
let server: TaskTestServer;
let admin: Account;

beforeEach(async () => {
  server = await TaskTestServer.start(pg);
  admin = server.owner;
});
afterEach(async () => {
  await server.stop();
});

type State = SeedState;
const seedState: TaskTestServer['seedState'] = (...args) => server.seedState(...args);

describe('send in non-active states', () => {
  it.each<[State, number, string, string | undefined]>([
    ['pending', 409, 'Task is pending.', undefined],
    ['initializing', 409, 'Task is initializing.', undefined],
    ['paused', 409, 'Task is paused.', 'Resume the task to send messages.'],
    ['error', 400, 'Task is in state error.', undefined],
    ['unknown', 400, 'Task is in state unknown.', undefined],
  ])('%s → %i %s', async (state, status, message, detail) => {
    await seedState(state);
    const res = await server.call('POST', '/api/v2/tasks/me/t/send', { token: admin.token, body: { input: 'hi' } });
    expect(res.status).toBe(status);
    expect(res.body).toEqual(detail === undefined ? { message } : { message, detail });
  });

  it('400 for missing or blank input; 502 when the active task app is unreachable', async () => {
    await seedState('active', 't', admin, { app: { health: 'healthy', url: 'http://127.0.0.1:9/' } });
    expect((await server.call('POST', '/api/v2/tasks/me/t/send', { token: admin.token, body: {} })).status).toBe(400);
    expect((await server.call('POST', '/api/v2/tasks/me/t/send', { token: admin.token, body: { input: ' ' } })).status).toBe(400);
    const res = await server.call('POST', '/api/v2/tasks/me/t/send', { token: admin.token, body: { input: 'hi' } });
    expect(res).toMatchObject({ status: 502, body: { message: 'Failed to send task input.', detail: expect.stringContaining('GET /status') } });
  });
});

describe('pause and resume', () => {
  it.each<State>(['pending', 'paused', 'unknown'])('pause from %s → 409', async (state) => {
    await seedState(state);
    expect(await server.call('POST', '/api/experimental/tasks/me/t/pause', { token: admin.token })).toEqual(
      expect.objectContaining({ status: 409, body: { message: 'Task cannot be paused in its current state.', detail: `Task status is "${state}".` } }),
    );
  });

  it.each<State>(['active', 'initializing', 'error'])('pause from %s → 202 with a task_manual_pause stop build', async (state) => {
    const seeded = await seedState(state);
    const res = await server.call('POST', '/api/experimental/tasks/me/t/pause', { token: admin.token });
    expect(res.status).toBe(202);
    const body = res.body as { workspace_build_id: string };
    expect(Object.keys(body)).toEqual(['workspace_build_id']);
    const [build] = await server.sql`select workspace_id, transition, reason from builds where id = ${body.workspace_build_id}`;
    expect(build).toEqual({ workspace_id: seeded.workspaceId, transition: 'stop', reason: 'task_manual_pause' });
    expect(await server.call('POST', '/api/experimental/tasks/me/t/pause', { token: admin.token })).toMatchObject({
      status: 409,
      body: { message: 'Task cannot be paused in its current state.', detail: 'Task status is "unknown".' },
    });
  });

  it('pause while the start build is still running → 409', async () => {
    await seedState('initializing', 't', admin, { builds: [{ transition: 'start', job: 'running' }] });
    expect(await server.call('POST', '/api/experimental/tasks/me/t/pause', { token: admin.token })).toMatchObject({
      status: 409,
      body: { message: 'Task cannot be paused in its current state.', detail: 'Task status is "initializing".' },
    });
  });

  it.each<State>(['pending', 'initializing', 'active', 'error', 'unknown'])('resume from %s → 409 Task is not paused.', async (state) => {
    await seedState(state);
    expect(await server.call('POST', '/api/experimental/tasks/me/t/resume', { token: admin.token })).toMatchObject({
      status: 409,
      body: { message: 'Task is not paused.', detail: `Task status is "${state}".` },
    });
  });

  it('resume from paused → 202 with a task_resume start build of the task\'s version; bumps activity', async () => {
    const old = new Date(Date.now() - 3_600_000);
    const seeded = await seedState('paused', 't', admin, { lastActivityAt: old });
    const res = await server.call('POST', '/api/experimental/tasks/me/t/resume', { token: admin.token });
    expect(res.status).toBe(202);
    const build = (res.body as { workspace_build: Record<string, unknown> }).workspace_build;
    expect(build).toMatchObject({
      workspace_id: seeded.workspaceId,
      build_number: 3,
      transition: 'start',
      reason: 'task_resume',
      template_version_id: await server.templateVersionId('one-app'),
      status: 'pending',
      job: { status: 'pending', error: null, started_at: null, completed_at: null },
    });
    const [task] = await server.sql<{ last_activity_at: Date }[]>`select last_activity_at from tasks`;
    expect(task!.last_activity_at.getTime()).toBeGreaterThan(old.getTime());
    expect((await server.call('GET', '/api/v2/tasks/me/t', { token: admin.token })).body).toMatchObject({
      status: 'pending',
      current_state: { state: 'working', message: 'Workspace is starting' },
    });
  });
});

describe('PATCH input', () => {
  it.each<State>(['pending', 'initializing', 'active', 'error', 'unknown'])('%s → 409', async (state) => {
    await seedState(state);
    expect(await server.call('PATCH', '/api/v2/tasks/me/t/input', { token: admin.token, body: { input: 'new' } })).toMatchObject({
      status: 409,
      body: { message: 'Task must be paused to update its input.', detail: `Task status is "${state}".` },
    });
  });

  it('paused → 204 and the prompt is replaced; blank input 400', async () => {
    await seedState('paused');
    expect((await server.call('PATCH', '/api/v2/tasks/me/t/input', { token: admin.token, body: { input: '' } })).status).toBe(400);
    expect((await server.call('PATCH', '/api/v2/tasks/me/t/input', { token: admin.token, body: { input: 'new prompt' } })).status).toBe(204);
    expect((await server.call('GET', '/api/v2/tasks/me/t', { token: admin.token })).body).toMatchObject({ initial_prompt: 'new prompt' });
  });
});

const MESSAGES = [
  { id: 0, content: 'Hello!', role: 'agent', time: '2030-01-01T00:00:00Z' },
  { id: 1, content: 'hi\nthere', role: 'user', time: '2030-01-01T00:00:01.5Z' },
];
const ENVELOPE = { format: 'agentapi', data: { messages: MESSAGES } };
const ENTRIES = [
  { id: 0, content: 'Hello!', type: 'output', time: '2030-01-01T00:00:00Z' },
  { id: 1, content: 'hi\nthere', type: 'input', time: '2030-01-01T00:00:01.5Z' },
];

describe('logs', () => {
  it.each<State>(['paused', 'pending', 'initializing'])('%s with a snapshot → snapshot envelope with snapshot_at', async (state) => {
    await seedState(state, 't', admin, { snapshot: { envelope: ENVELOPE, createdAt: '2030-01-02T03:04:05.678Z' } });
    const res = await server.call('GET', '/api/v2/tasks/me/t/logs', { token: admin.token });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toBe(JSON.stringify({ logs: ENTRIES, snapshot: true, snapshot_at: '2030-01-02T03:04:05.678Z' }));
  });

  it.each<State>(['paused', 'pending', 'initializing'])('%s without a snapshot → {"logs":[],"snapshot":true}', async (state) => {
    await seedState(state);
    const res = await server.call('GET', '/api/v2/tasks/me/t/logs', { token: admin.token });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toBe('{"logs":[],"snapshot":true}');
  });

  it.each<State>(['error', 'unknown'])('%s → 409', async (state) => {
    await seedState(state, 't', admin, { snapshot: { envelope: ENVELOPE } });
    expect(await server.call('GET', '/api/v2/tasks/me/t/logs', { token: admin.token })).toMatchObject({
      status: 409,
      body: { message: 'Cannot fetch logs for task in current state.', detail: `Task status is "${state}".` },
    });
  });

  it.each([
    ['another format', { format: 'jsonl', data: { messages: MESSAGES } }],
    ['no format', { data: { messages: MESSAGES } }],
    ['no messages', { format: 'agentapi', data: {} }],
  ])('unsupported snapshot envelope (%s) → 500', async (_label, envelope) => {
    await seedState('paused', 't', admin, { snapshot: { envelope } });
    expect(await server.call('GET', '/api/v2/tasks/me/t/logs', { token: admin.token })).toMatchObject({
      status: 500,
      body: { message: 'Unsupported task snapshot format.' },
    });
  });

  it('a message role other than user/agent → 500', async () => {
    const envelope = { format: 'agentapi', data: { messages: [{ id: 0, content: 'x', role: 'system', time: '2030-01-01T00:00:00Z' }] } };
    await seedState('paused', 't', admin, { snapshot: { envelope } });
    expect(await server.call('GET', '/api/v2/tasks/me/t/logs', { token: admin.token })).toMatchObject({
      status: 500,
      body: { message: 'Unsupported task log message role.' },
    });
  });

  it('active with an unreachable app → 502', async () => {
    await seedState('active', 't', admin, { app: { health: 'healthy', url: 'http://127.0.0.1:9/' } });
    expect(await server.call('GET', '/api/v2/tasks/me/t/logs', { token: admin.token })).toMatchObject({ status: 502, body: { message: 'Failed to fetch task logs.' } });
  });
});

describe('agentapi proxy', () => {
  it.each<State>(['pending', 'initializing', 'paused', 'error', 'unknown'])('%s → 409 Task is <status>.', async (state) => {
    await seedState(state);
    expect(await server.call('GET', '/api/v2/tasks/me/t/agentapi/status', { token: admin.token })).toEqual(
      expect.objectContaining({ status: 409, body: { message: `Task is ${state}.` } }),
    );
  });

  it('502 when the app is unreachable; 401 without a token', async () => {
    await seedState('active', 't', admin, { app: { health: 'healthy', url: 'http://127.0.0.1:9/' } });
    expect(await server.call('GET', '/api/v2/tasks/me/t/agentapi/status', { token: admin.token })).toMatchObject({ status: 502, body: { message: 'Failed to reach the task app.' } });
    expect((await server.call('GET', '/api/v2/tasks/me/t/agentapi/status')).status).toBe(401);
  });
});
