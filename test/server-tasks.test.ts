// Tasks API resources (server.md §6.1–§6.3) over real HTTP on a fresh
// migrated database per test, with task rows seeded by SQL in every §6.2
// state (no provisioner loop: builds stay as seeded or requested): create
// with every bad input, list filters, get, the Task JSON per state, member
// isolation and delete. Actions: server-tasks-actions.test.ts. Must never
// share a database between tests or leave a server running.
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

  it('409 for a name already used by a live task of the owner; other owners may use it', async () => {
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

  it.each<[State, string]>([
    ['active', 'pending'],
    // The start job is still pending: the delete build is deferred to the tasks loop.
    ['pending', 'none yet'],
  ])('a new task may take the name at once (%s task, delete build %s); the old workspace stays live for its delete build', async (state, deleteBuild) => {
    const old = await seedState(state);
    expect((await server.call('DELETE', '/api/v2/tasks/me/t', { token: admin.token })).status).toBe(202);
    const created = await server.call('POST', '/api/v2/tasks/me', { token: admin.token, body: { template: 'one-app', input: 'again', name: 't' } });
    expect(created).toMatchObject({ status: 201, body: { name: 't', workspace_name: 't', status: 'pending', initial_prompt: 'again' } });
    const task = created.body as { id: string; workspace_id: string };
    expect(task.id).not.toBe(old.id);
    expect(task.workspace_id).not.toBe(old.workspaceId);
    const [workspace] = await server.sql<{ deleted_at: Date | null; delete_requested_at: Date | null }[]>`
      select deleted_at, delete_requested_at from workspaces where id = ${old.workspaceId}`;
    expect(workspace!.deleted_at).toBeNull();
    expect(workspace!.delete_requested_at).not.toBeNull();
    const deletes = await server.sql<{ status: string }[]>`
      select j.status from builds b join provisioner_jobs j on j.id = b.job_id where b.workspace_id = ${old.workspaceId} and b.transition = 'delete'`;
    expect(deletes.map((d) => d.status)).toEqual(deleteBuild === 'pending' ? ['pending'] : []);
    expect((await server.call('GET', '/api/v2/tasks/me/t', { token: admin.token })).body).toMatchObject({ id: task.id });
    // A live task still holds the name.
    expect((await server.call('POST', '/api/v2/tasks/me', { token: admin.token, body: { template: 'one-app', input: 'x', name: 't' } })).status).toBe(409);
  });
});
