// Tasks API endpoints (server.md §6.1–§6.5) over real HTTP on a fresh
// migrated database per test, with task rows seeded by SQL in every §6.2
// state (no provisioner loop: builds stay as seeded or requested). Covers
// create/list/get/delete, member isolation, bad input, and send, pause,
// resume, input and logs in every state with the exact texts. Must never
// share a database between tests or leave a server running.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STATE_SEEDS, TaskTestServer, type Account } from '../src/server/tasks/testdata/task-fixture.js';
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

type State = keyof typeof STATE_SEEDS;

function seedState(state: State, name = 't', owner: Account = admin, extra: Partial<Parameters<TaskTestServer['seedTask']>[0]> = {}) {
  return server.seedTask({ owner, name, ...STATE_SEEDS[state], ...extra });
}

const TASK_KEYS = [
  'id', 'organization_id', 'owner_id', 'owner_name', 'name', 'display_name', 'template_id', 'template_version_id', 'template_name',
  'template_display_name', 'template_icon', 'workspace_id', 'workspace_name', 'workspace_status', 'workspace_build_number',
  'workspace_agent_id', 'workspace_agent_lifecycle', 'workspace_agent_health', 'workspace_app_id', 'initial_prompt', 'status',
  'current_state', 'created_at', 'updated_at',
];

describe('POST /api/v2/tasks/{user}', () => {
  it('creates task, workspace and start build (reason initiator) by template name', async () => {
    const res = await server.call('POST', '/api/v2/tasks/me', { token: admin.token, body: { template: 'one-app', input: 'hello' } });
    expect(res.status).toBe(201);
    const task = res.body as Record<string, unknown>;
    expect(Object.keys(task)).toEqual(TASK_KEYS);
    expect(task).toMatchObject({
      owner_name: 'admin',
      template_name: 'one-app',
      initial_prompt: 'hello',
      status: 'pending',
      workspace_status: 'pending',
      workspace_build_number: 1,
      current_state: { state: 'working', message: 'Workspace is starting', uri: '' },
    });
    expect(task.name).toMatch(/^task-[0-9a-f]{8}$/);
    expect(task.workspace_name).toBe(task.name);
    const builds = await server.sql`select b.transition, b.reason, j.status from builds b join provisioner_jobs j on j.id = b.job_id where b.workspace_id = ${task.workspace_id as string}`;
    expect(builds).toEqual([{ transition: 'start', reason: 'initiator', status: 'pending' }]);
  });

  it('creates by template_version_id with a given name and display name', async () => {
    const version = await server.templateVersionId('one-app');
    const res = await server.call('POST', '/api/v2/tasks/admin', {
      token: admin.token,
      body: { template_version_id: version, input: 'x', name: 'my-task', display_name: 'My task' },
    });
    expect(res).toMatchObject({ status: 201, body: { name: 'my-task', display_name: 'My task', template_version_id: version } });
  });

  it('renders the built-in demo template for the task-app check', async () => {
    const res = await server.call('POST', '/api/v2/tasks/me', { token: admin.token, body: { template: 'demo', input: 'hi', name: 'demo-task' } });
    expect(res).toMatchObject({ status: 201, body: { template_name: 'demo' } });
  });

  it('409 for a name already used by a live task of the owner; a deleted one frees it', async () => {
    const body = { template: 'one-app', input: 'x', name: 'dup' };
    expect((await server.call('POST', '/api/v2/tasks/me', { token: admin.token, body })).status).toBe(201);
    expect(await server.call('POST', '/api/v2/tasks/me', { token: admin.token, body })).toMatchObject({
      status: 409,
      body: { message: 'A task with this name already exists.' },
    });
    const member = await server.createUser('bob');
    expect((await server.call('POST', '/api/v2/tasks/me', { token: member.token, body })).status).toBe(201);
  });

  it.each([
    ['uppercase', 'Task'],
    ['leading dash', '-task'],
    ['trailing dash', 'task-'],
    ['underscore', 'my_task'],
    ['33 characters', 'a'.repeat(33)],
    ['empty', ''],
  ])('400 for a bad name (%s)', async (_label, name) => {
    const res = await server.call('POST', '/api/v2/tasks/me', { token: admin.token, body: { template: 'one-app', input: 'x', name } });
    expect(res).toMatchObject({ status: 400, body: { message: 'Validation failed.', validations: [{ field: 'name' }] } });
  });

  it('accepts a 32-character name', async () => {
    const res = await server.call('POST', '/api/v2/tasks/me', { token: admin.token, body: { template: 'one-app', input: 'x', name: `a${'-'.repeat(30)}b` } });
    expect(res.status).toBe(201);
  });

  it.each([
    ['missing input', { template: 'one-app' }, 'input'],
    ['empty input', { template: 'one-app', input: '' }, 'input'],
    ['blank input', { template: 'one-app', input: '  \n' }, 'input'],
    ['both template fields', { template: 'one-app', template_version_id: '00000000-0000-4000-8000-000000000009', input: 'x' }, 'template'],
    ['neither template field', { input: 'x' }, 'template'],
    ['bad version id', { template_version_id: 'nope', input: 'x' }, 'template_version_id'],
  ])('400 Validation failed for %s', async (_label, body, field) => {
    const res = await server.call('POST', '/api/v2/tasks/me', { token: admin.token, body });
    expect(res).toMatchObject({ status: 400, body: { message: 'Validation failed.', validations: [{ field }] } });
  });

  it('400 for invalid JSON', async () => {
    expect(await server.call('POST', '/api/v2/tasks/me', { token: admin.token, raw: '{' })).toMatchObject({
      status: 400,
      body: { message: 'Request body must be valid JSON.' },
    });
  });

  it.each([
    ['template', { template: 'nope', input: 'x' }],
    ['template_version_id', { template_version_id: '00000000-0000-4000-8000-000000000009', input: 'x' }],
  ])('400 Template not found for an unknown %s', async (field, body) => {
    const res = await server.call('POST', '/api/v2/tasks/me', { token: admin.token, body });
    expect(res).toMatchObject({ status: 400, body: { message: 'Template not found.', validations: [{ field }] } });
  });

  it.each(['no-app', 'two-apps'])('400 Template does not define a task app. (%s) and creates nothing', async (template) => {
    const res = await server.call('POST', '/api/v2/tasks/me', { token: admin.token, body: { template, input: 'x', name: 'n' } });
    expect(res).toMatchObject({ status: 400, body: { message: 'Template does not define a task app.' } });
    expect(await server.sql`select 1 from tasks union all select 1 from workspaces union all select 1 from builds`).toHaveLength(0);
  });

  it('creates a task whose template fails to render (the start job fails it later)', async () => {
    const res = await server.call('POST', '/api/v2/tasks/me', { token: admin.token, body: { template: 'broken', input: 'x' } });
    expect(res).toMatchObject({ status: 201, body: { status: 'pending' } });
  });

  it('members create only for themselves; owners for anyone; unknown user 404', async () => {
    const alice = await server.createUser('alice');
    await server.createUser('carol');
    const body = { template: 'one-app', input: 'x' };
    expect(await server.call('POST', '/api/v2/tasks/carol', { token: alice.token, body })).toMatchObject({
      status: 404,
      body: { message: 'Resource not found or you do not have access to this resource.' },
    });
    expect(await server.call('POST', '/api/v2/tasks/alice', { token: alice.token, body })).toMatchObject({ status: 201, body: { owner_name: 'alice' } });
    expect(await server.call('POST', '/api/v2/tasks/carol', { token: admin.token, body })).toMatchObject({ status: 201, body: { owner_name: 'carol' } });
    expect((await server.call('POST', '/api/v2/tasks/nobody', { token: admin.token, body })).status).toBe(404);
    expect(await server.call('POST', '/api/v2/tasks/me', { body })).toMatchObject({ status: 401, body: { message: 'Session token must be provided.' } });
  });
});

describe('GET task / list', () => {
  it('finds a task by name (me, username, user id) and by id', async () => {
    const seeded = await seedState('active', 'one');
    for (const path of ['/api/v2/tasks/me/one', '/api/v2/tasks/admin/one', `/api/v2/tasks/${admin.user.id}/one`, `/api/v2/tasks/me/${seeded.id}`]) {
      expect(await server.call('GET', path, { token: admin.token }), path).toMatchObject({ status: 200, body: { id: seeded.id, status: 'active' } });
    }
  });

  it('404 for an unknown task, an unknown user and a deleted task', async () => {
    await seedState('active', 'one');
    expect((await server.call('GET', '/api/v2/tasks/me/two', { token: admin.token })).status).toBe(404);
    expect((await server.call('GET', '/api/v2/tasks/me/00000000-0000-4000-8000-000000000009', { token: admin.token })).status).toBe(404);
    expect((await server.call('GET', '/api/v2/tasks/ghost/one', { token: admin.token })).status).toBe(404);
    await server.sql`update tasks set deleted_at = now()`;
    expect((await server.call('GET', '/api/v2/tasks/me/one', { token: admin.token })).status).toBe(404);
  });

  it('members see only their own tasks (404 otherwise); owners see all', async () => {
    const alice = await server.createUser('alice');
    const bob = await server.createUser('bob');
    const task = await seedState('active', 'secret', alice);
    for (const path of ['/api/v2/tasks/alice/secret', `/api/v2/tasks/me/${task.id}`, `/api/v2/tasks/bob/${task.id}`, '/api/v2/tasks/alice/secret/logs']) {
      expect(await server.call('GET', path, { token: bob.token }), path).toMatchObject({
        status: 404,
        body: { message: 'Resource not found or you do not have access to this resource.' },
      });
    }
    for (const [method, path] of [['POST', '/api/experimental/tasks/alice/secret/pause'], ['DELETE', '/api/v2/tasks/alice/secret'], ['GET', '/api/v2/tasks/alice/secret/agentapi/status']]) {
      expect((await server.call(method!, path!, { token: bob.token })).status, path).toBe(404);
    }
    expect(await server.call('GET', '/api/v2/tasks/alice/secret', { token: alice.token })).toMatchObject({ status: 200, body: { owner_name: 'alice' } });
    expect(await server.call('GET', '/api/v2/tasks/alice/secret', { token: admin.token })).toMatchObject({ status: 200 });
    expect((await server.call('GET', '/api/v2/tasks?q=owner:alice', { token: bob.token })).body).toEqual({ tasks: [], count: 0 });
    expect((await server.call('GET', '/api/v2/tasks?q=owner:*', { token: bob.token })).body).toEqual({ tasks: [], count: 0 });
  });

  it('lists newest first with owner and status filters', async () => {
    const alice = await server.createUser('alice');
    await seedState('paused', 'a1');
    await seedState('active', 'a2');
    await seedState('active', 'b1', alice);
    const names = async (q: string, token = admin.token) => {
      const res = await server.call('GET', `/api/v2/tasks${q}`, { token });
      const body = res.body as { tasks: { name: string }[]; count: number };
      expect(body.count).toBe(body.tasks.length);
      return body.tasks.map((t) => t.name);
    };
    expect(await names('')).toEqual(['a2', 'a1']);
    expect(await names('?q=owner:me')).toEqual(['a2', 'a1']);
    expect(await names('?q=owner:alice')).toEqual(['b1']);
    expect(await names('?q=owner:*')).toEqual(['b1', 'a2', 'a1']);
    expect(await names('?q=owner:*%20status:active')).toEqual(['b1', 'a2']);
    expect(await names('?q=status:paused')).toEqual(['a1']);
    expect(await names('?q=owner:ghost')).toEqual([]);
    expect(await names('', alice.token)).toEqual(['b1']);
    expect(await names('?q=owner:*', alice.token)).toEqual(['b1']);
  });

  it.each(['status:bogus', 'name:x', 'plain'])('400 Invalid task filter. for q=%s', async (q) => {
    const res = await server.call('GET', `/api/v2/tasks?q=${encodeURIComponent(q)}`, { token: admin.token });
    expect(res).toMatchObject({ status: 400, body: { message: 'Invalid task filter.', validations: [{}] } });
  });
});

describe('Task JSON per state', () => {
  it.each<[State, Record<string, unknown>]>([
    ['pending', { workspace_status: 'pending', workspace_agent_id: null, current_state: { state: 'working', message: 'Workspace is starting' } }],
    ['initializing', { workspace_status: 'running', workspace_agent_lifecycle: 'starting', workspace_agent_health: { healthy: false, reason: 'agent has not connected' }, current_state: { state: 'working', message: 'Agent is starting' } }],
    ['active', { workspace_status: 'running', workspace_agent_lifecycle: 'ready', workspace_agent_health: { healthy: true }, current_state: null }],
    ['paused', { workspace_status: 'stopped', workspace_build_number: 2, workspace_agent_lifecycle: 'off', current_state: null }],
    ['error', { workspace_status: 'failed', current_state: null }],
    ['unknown', { workspace_status: 'stopping', workspace_agent_lifecycle: 'shutting_down' }],
  ])('%s', async (state, expected) => {
    const seeded = await seedState(state);
    const res = await server.call('GET', '/api/v2/tasks/me/t', { token: admin.token });
    expect(res.body).toMatchObject({ status: state, workspace_id: seeded.workspaceId, workspace_name: 't', ...expected });
  });

  it('no workspace → pending; the latest task-app report is current_state', async () => {
    await server.seedTask({ owner: admin, name: 'nows', workspace: false });
    expect((await server.call('GET', '/api/v2/tasks/me/nows', { token: admin.token })).body).toMatchObject({ status: 'pending', workspace_id: null, workspace_status: null });
    await seedState('active', 'rep', admin, { reports: [{ state: 'working', message: 'Agent is working' }, { state: 'idle', message: 'Agent is idle' }] });
    const task = (await server.call('GET', '/api/v2/tasks/me/rep', { token: admin.token })).body as { current_state: unknown };
    expect(task.current_state).toMatchObject({ state: 'idle', message: 'Agent is idle', uri: '' });
  });
});

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

describe('DELETE', () => {
  it('202, soft delete, delete build queued; later reads 404 and the name is free again', async () => {
    const seeded = await seedState('active');
    const res = await server.call('DELETE', '/api/v2/tasks/me/t', { token: admin.token });
    expect(res).toMatchObject({ status: 202, body: undefined });
    const [row] = await server.sql<{ deleted_at: Date | null }[]>`select deleted_at from tasks where id = ${seeded.id}`;
    expect(row!.deleted_at).not.toBeNull();
    const builds = await server.sql`select transition, reason from builds where workspace_id = ${seeded.workspaceId} order by build_number`;
    expect(builds.at(-1)).toEqual({ transition: 'delete', reason: 'initiator' });
    expect((await server.call('GET', '/api/v2/tasks/me/t', { token: admin.token })).status).toBe(404);
    expect((await server.call('DELETE', '/api/v2/tasks/me/t', { token: admin.token })).status).toBe(404);
    expect((await server.call('GET', '/api/v2/tasks', { token: admin.token })).body).toEqual({ tasks: [], count: 0 });
  });
});
