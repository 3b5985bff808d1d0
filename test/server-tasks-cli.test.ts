// `taskyard task …` through the REAL bin (node bin/taskyard.js) against a
// running Tasks API server (no provisioner loop; the test moves builds and
// agents by SQL + NOTIFY where a command waits). Byte-exact stdout/stderr
// for confirmations, tables, JSON, WARN lines and API errors with details.
// Must never leave a CLI process, agentapi or server running.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, type TestContext } from 'vitest';
import { STATE_SEEDS, TaskTestServer, type Account, type SeedTask } from '../src/server/tasks/testdata/task-fixture.js';
import { AgentApiSet, demoAgent } from './helpers/agentapi-process.js';
import { usePostgres } from './helpers/postgres.js';
import { TASKYARD_BIN } from './helpers/taskyard-process.js';

const pg = usePostgres();

interface CliRun {
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  stdout(): string;
}

interface StartOptions {
  stdin?: string;
  token?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * One test's own server (fresh database), config dir, CLI runs and agentapis;
 * all stopped and removed when the test finishes, so the cases run concurrently.
 */
async function cliTest(context: TestContext) {
  const dir = mkdtempSync(path.join(tmpdir(), 'taskyard-cli-test-'));
  const configDir = path.join(dir, 'config');
  mkdirSync(configDir);
  const agents = new AgentApiSet(dir);
  const children = new Set<ChildProcess>();
  const owned: { server?: TaskTestServer } = {};
  context.onTestFinished(async () => {
    for (const child of children) child.kill('SIGKILL');
    await agents.stopAll();
    await owned.server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const server = (owned.server = await TaskTestServer.start(pg));
  const admin: Account = server.owner;
  const url = server.url;

  const start = (args: string[], options: StartOptions = {}): CliRun => {
    const tmp = mkdtempSync(path.join(dir, 'tmp-'));
    const child = spawn(process.execPath, [TASKYARD_BIN, ...args], {
      env: { ...process.env, TMPDIR: tmp, TASKYARD_URL: url, TASKYARD_SESSION_TOKEN: options.token ?? admin.token, TASKYARD_CONFIG_DIR: configDir, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.stdin.end(options.stdin ?? '');
    const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.on('close', (code) => {
        children.delete(child);
        resolve({ code, stdout, stderr });
      }),
    );
    return { done, stdout: () => stdout };
  };
  const cli = (args: string[], options?: StartOptions) => start(['task', ...args], options).done;
  const seed = (state: keyof typeof STATE_SEEDS, name: string, extra: Partial<SeedTask> = {}) =>
    server.seedTask({ owner: admin, name, ...STATE_SEEDS[state], ...extra });
  return { server, admin, agents, start, cli, seed };
}

async function waitForOutput(run: CliRun, text: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!run.stdout().includes(text)) {
    if (Date.now() > deadline) throw new Error(`no ${JSON.stringify(text)} in ${JSON.stringify(run.stdout())}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const SNAPSHOT = {
  format: 'agentapi',
  data: {
    messages: [
      { id: 3, content: 'second', role: 'user', time: '2030-01-01T00:00:03Z' },
      { id: 4, content: 'Echo: second\nand more', role: 'agent', time: '2030-01-01T00:00:04Z' },
    ],
  },
};

describe.concurrent('create / list / status', () => {
  it('create prints the owner/name and id; --stdin reads the prompt', async (context) => {
    const { expect } = context;
    const { server, cli } = await cliTest(context);
    const created = await cli(['create', 'hello there', '--template', 'one-app', '--name', 't1']);
    const [row] = await server.sql<{ id: string; initial_prompt: string }[]>`select id, initial_prompt from tasks where name = 't1'`;
    expect(created).toEqual({ code: 0, stdout: `Task "admin/t1" created (${row!.id}).\n`, stderr: '' });
    expect(row!.initial_prompt).toBe('hello there');
    const piped = await cli(['create', '--stdin', '--template', await server.templateVersionId('one-app'), '--name', 't2'], { stdin: 'line one\nline two\n' });
    expect(piped.code).toBe(0);
    expect((await server.sql`select initial_prompt from tasks where name = 't2'`)[0]).toEqual({ initial_prompt: 'line one\nline two' });
  });

  it('create errors: API message and detail lines, missing input', async (context) => {
    const { expect } = context;
    const { cli } = await cliTest(context);
    expect(await cli(['create', 'x', '--template', 'no-app'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: Template does not define a task app.\nThe rendered workspace has no app with task_app: true.\n',
    });
    await cli(['create', 'x', '--template', 'one-app', '--name', 'dup']);
    expect(await cli(['create', 'x', '--template', 'one-app', '--name', 'dup'])).toEqual({ code: 1, stdout: '', stderr: 'error: A task with this name already exists.\n' });
    expect(await cli(['create', '--template', 'one-app'])).toMatchObject({ code: 1, stderr: 'error: input is required: pass it as an argument or with --stdin\n' });
  });

  it('list: table, JSON, empty, --status and --all', async (context) => {
    const { expect } = context;
    const { server, cli, seed } = await cliTest(context);
    expect(await cli(['list'])).toEqual({ code: 0, stdout: 'No tasks found.\n', stderr: '' });
    expect(await cli(['list', '-o', 'json'])).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
    await seed('paused', 'first');
    await seed('active', 'second-task');
    const bob = await server.createUser('bob');
    await server.seedTask({ owner: bob, name: 'bobs', ...STATE_SEEDS.error });
    expect(await cli(['list'])).toEqual({
      code: 0,
      stdout:
        'NAME         STATUS  STATE  STATE CHANGED  MESSAGE  \n' +
        `second-task  active${' '.repeat(2 + 7 + 15 + 9)}\n` +
        `first        paused${' '.repeat(2 + 7 + 15 + 9)}\n`,
      stderr: '',
    });
    expect((await cli(['list', '--status', 'paused'])).stdout).toBe(`NAME   STATUS  STATE  STATE CHANGED  MESSAGE  \nfirst  paused${' '.repeat(2 + 7 + 15 + 9)}\n`);
    expect((await cli(['list', '--all'])).stdout.split('\n').map((l) => l.split(' ')[0])).toEqual(['NAME', 'bobs', 'second-task', 'first', '']);
    const json = JSON.parse((await cli(['list', '-o', 'json'])).stdout) as { name: string }[];
    expect(json.map((t) => t.name)).toEqual(['second-task', 'first']);
  });

  it('status: one-row table with the synthesised state, JSON equal to the API, owner/name identifiers', async (context) => {
    const { expect } = context;
    const { server, admin, cli, seed } = await cliTest(context);
    const seeded = await seed('pending', 'p');
    const table = await cli(['status', 'p']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^NAME {2}STATUS {3}STATE {4}STATE CHANGED {2}MESSAGE {16}\np {5}pending {2}working {2}\d+s ago {8,9}Workspace is starting {2}\n$/);
    const api = await server.call('GET', '/api/v2/tasks/me/p', { token: admin.token });
    expect(JSON.parse((await cli(['status', seeded.id, '-o', 'json'])).stdout)).toEqual(api.body);
    const bob = await server.createUser('bob');
    await server.seedTask({ owner: bob, name: 'x', ...STATE_SEEDS.active });
    expect((await cli(['status', 'bob/x'])).stdout).toContain('x     active');
    expect(await cli(['status', 'x'])).toEqual({ code: 1, stdout: '', stderr: 'error: Resource not found or you do not have access to this resource.\n' });
    expect(await cli(['status', 'admin/x'], { token: bob.token })).toMatchObject({ code: 1, stderr: 'error: Resource not found or you do not have access to this resource.\n' });
  });

  it('status --watch streams until the task settles', async (context) => {
    const { expect } = context;
    const { server, start, seed } = await cliTest(context);
    const seeded = await seed('pending', 'w');
    const run = start(['task', 'status', 'w', '--watch', '-o', 'json']);
    await waitForOutput(run, '"status": "pending"');
    await server.sql`update provisioner_jobs set status = 'succeeded', completed_at = now()`;
    const [agent] = await server.sql<{ id: string }[]>`
      insert into agents (build_id, workspace_id, token_hash, lifecycle_state, lifecycle_changed_at)
      select id, workspace_id, ${Buffer.alloc(32, 7)}, 'ready', now() from builds returning id`;
    await server.sql`insert into apps (agent_id, slug, display_name, url, health, task_app) values (${agent!.id}, 'chat', 'Chat', 'http://localhost:1/', 'healthy', true)`;
    await server.ctx.events.publish({ kind: 'workspace_updated', workspace_id: seeded.workspaceId! });
    const result = await run.done;
    expect(result.code).toBe(0);
    const statuses = result.stdout.split(/\n(?=\{)/).map((doc) => (JSON.parse(doc) as { status: string }).status);
    expect(statuses[0]).toBe('pending');
    expect(statuses.at(-1)).toBe('active');
  });

  it('status --watch as a table prints the header once, then one row per update', async (context) => {
    const { expect } = context;
    const { server, start, seed } = await cliTest(context);
    const seeded = await seed('pending', 'w');
    const run = start(['task', 'status', 'w', '--watch']);
    await waitForOutput(run, 'pending');
    await server.sql`update provisioner_jobs set status = 'succeeded', completed_at = now()`;
    await server.ctx.events.publish({ kind: 'workspace_updated', workspace_id: seeded.workspaceId! });
    await waitForOutput(run, 'initializing');
    // One transaction: the periodic recheck must not see the agent without its app.
    await server.sql.begin(async (tx) => {
      const [agent] = await tx<{ id: string }[]>`
        insert into agents (build_id, workspace_id, token_hash, lifecycle_state, lifecycle_changed_at)
        select id, workspace_id, ${Buffer.alloc(32, 7)}, 'ready', now() from builds returning id`;
      await tx`insert into apps (agent_id, slug, display_name, url, health, task_app) values (${agent!.id}, 'chat', 'Chat', 'http://localhost:1/', 'healthy', true)`;
    });
    await server.ctx.events.publish({ kind: 'workspace_updated', workspace_id: seeded.workspaceId! });
    const result = await run.done;
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const [header, ...rows] = result.stdout.split('\n').slice(0, -1);
    expect(header).toBe('NAME  STATUS        STATE     STATE CHANGED  MESSAGE                ');
    expect(rows.map((row) => row.split(/ +/)[1])).toEqual(['pending', 'initializing', 'active']);
    expect(rows[0]).toMatch(/^w {5}pending {7}working {3}\d+s ago {8,9}Workspace is starting {2}$/);
  });

  it('without credentials: not logged in', async (context) => {
    const { expect } = context;
    const { cli } = await cliTest(context);
    expect(await cli(['list'], { env: { TASKYARD_URL: '', TASKYARD_SESSION_TOKEN: '' } })).toEqual({ code: 1, stdout: '', stderr: 'error: not logged in; run "taskyard login <url>"\n' });
  });
});

describe.concurrent('logs', () => {
  it('paused with a snapshot: WARN with N on stderr, table on stdout; -o json array', async (context) => {
    const { expect } = context;
    const { cli, seed } = await cliTest(context);
    await seed('paused', 't', { snapshot: { envelope: SNAPSHOT } });
    expect(await cli(['logs', 't'])).toEqual({
      code: 0,
      stdout: 'TYPE    CONTENT       \ninput   second        \noutput  Echo: second  \n        and more      \n',
      stderr: 'WARN: Task is paused. Showing last 2 messages from snapshot.\n',
    });
    const json = await cli(['logs', 't', '-o', 'json']);
    expect(json.stderr).toBe('WARN: Task is paused. Showing last 2 messages from snapshot.\n');
    expect(JSON.parse(json.stdout)).toEqual([
      { id: 3, content: 'second', type: 'input', time: '2030-01-01T00:00:03Z' },
      { id: 4, content: 'Echo: second\nand more', type: 'output', time: '2030-01-01T00:00:04Z' },
    ]);
  });

  it.for<['paused' | 'pending' | 'initializing', string]>([
    ['paused', 'WARN: Task is paused. No snapshot available (snapshot may have failed during pause, resume your task to view logs).\n'],
    ['pending', 'WARN: Task is pending. No snapshot available.\n'],
    ['initializing', 'WARN: Task is initializing. No snapshot available.\n'],
  ])('%s without a snapshot', async ([state, warning], context) => {
    const { expect } = context;
    const { cli, seed } = await cliTest(context);
    await seed(state, 't');
    expect(await cli(['logs', 't'])).toEqual({ code: 0, stdout: 'No task logs found.\n', stderr: warning });
  });

  it('error state → the API conflict with its detail', async (context) => {
    const { expect } = context;
    const { cli, seed } = await cliTest(context);
    await seed('error', 't');
    expect(await cli(['logs', 't'])).toEqual({ code: 1, stdout: '', stderr: 'error: Cannot fetch logs for task in current state.\nTask status is "error".\n' });
  });

  it('active: send is silent, live logs have no WARN line', async (context) => {
    const { expect } = context;
    const { agents, cli, seed } = await cliTest(context);
    const agentapi = agents.start({ flags: ['--host', '127.0.0.1'], agent: demoAgent('--echo') });
    await agentapi.waitForStatus('stable');
    await seed('active', 't', { app: { health: 'healthy', url: `http://localhost:${await agentapi.port()}/` } });
    expect(await cli(['send', 't', 'hi'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await cli(['send', 't', '--stdin'], { stdin: 'from stdin\n' })).toEqual({ code: 0, stdout: '', stderr: '' });
    await agentapi.waitForStatus('stable');
    const logs = await cli(['logs', 't', '-o', 'json']);
    expect(logs.stderr).toBe('');
    expect((JSON.parse(logs.stdout) as { content: string; type: string }[]).map((e) => `${e.type}:${e.content.trim()}`).slice(1)).toEqual([
      'input:hi',
      'output:Echo: hi',
      'input:from stdin',
      'output:Echo: from stdin',
    ]);
  });
});

describe.concurrent('pause / resume / delete', () => {
  it('resume on an active task: exit 1 with the API message and detail', async (context) => {
    const { expect } = context;
    const { cli, seed } = await cliTest(context);
    await seed('active', 't');
    expect(await cli(['resume', 't'])).toEqual({ code: 1, stdout: '', stderr: 'error: Task is not paused.\nTask status is "active".\n' });
    expect(await cli(['pause', 'nope'])).toEqual({ code: 1, stdout: '', stderr: 'error: Resource not found or you do not have access to this resource.\n' });
  });

  it('pause --no-wait prints the build; pause waits for paused', async (context) => {
    const { expect } = context;
    const { server, start, cli, seed } = await cliTest(context);
    await seed('active', 't');
    const noWait = await cli(['pause', 't', '--no-wait']);
    const [build] = await server.sql<{ id: string }[]>`select id from builds where transition = 'stop'`;
    expect(noWait).toEqual({ code: 0, stdout: `Task "admin/t" is pausing (build ${build!.id}).\n`, stderr: '' });

    const seeded = await seed('active', 'u');
    const run = start(['task', 'pause', 'u']);
    await waitForOutput(run, 'is pausing');
    await server.sql`update provisioner_jobs set status = 'succeeded', completed_at = now() where workspace_id = ${seeded.workspaceId}`;
    await server.ctx.events.publish({ kind: 'workspace_updated', workspace_id: seeded.workspaceId! });
    const [stop] = await server.sql<{ id: string }[]>`select id from builds where workspace_id = ${seeded.workspaceId} and transition = 'stop'`;
    expect(await run.done).toEqual({ code: 0, stdout: `Task "admin/u" is pausing (build ${stop!.id}).\nTask "admin/u" paused.\n`, stderr: '' });
  });

  it('resume waits for active', async (context) => {
    const { expect } = context;
    const { server, start, seed } = await cliTest(context);
    const seeded = await seed('paused', 't');
    const run = start(['task', 'resume', 't']);
    await waitForOutput(run, 'is resuming');
    const [build] = await server.sql<{ id: string; workspace_id: string }[]>`select id, workspace_id from builds where reason = 'task_resume'`;
    await server.sql`update provisioner_jobs set status = 'succeeded', completed_at = now() where workspace_id = ${seeded.workspaceId}`;
    const [agent] = await server.sql<{ id: string }[]>`
      insert into agents (build_id, workspace_id, token_hash, lifecycle_state, lifecycle_changed_at)
      values (${build!.id}, ${build!.workspace_id}, ${Buffer.alloc(32, 9)}, 'ready', now()) returning id`;
    await server.sql`insert into apps (agent_id, slug, display_name, url, health, task_app) values (${agent!.id}, 'chat', 'Chat', 'http://localhost:1/', 'healthy', true)`;
    await server.ctx.events.publish({ kind: 'workspace_updated', workspace_id: seeded.workspaceId! });
    expect(await run.done).toEqual({ code: 0, stdout: `Task "admin/t" is resuming (build ${build!.id}).\nTask "admin/t" is active.\n`, stderr: '' });
  });

  it('delete: refuses without --yes when stdin is no TTY; deletes several with --yes', async (context) => {
    const { expect } = context;
    const { server, admin, cli, seed } = await cliTest(context);
    await seed('active', 'a');
    await seed('paused', 'b');
    expect(await cli(['delete', 'a'])).toEqual({ code: 1, stdout: '', stderr: 'error: refusing to delete without --yes\n' });
    expect((await server.call('GET', '/api/v2/tasks/me/a', { token: admin.token })).status).toBe(200);
    expect(await cli(['delete', 'a', 'admin/b', '--yes'])).toEqual({ code: 0, stdout: 'Task "admin/a" deleted.\nTask "admin/b" deleted.\n', stderr: '' });
    expect((await server.call('GET', '/api/v2/tasks', { token: admin.token })).body).toEqual({ tasks: [], count: 0 });
  });
});
