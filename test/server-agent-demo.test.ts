// The agent API end to end with everything real (server.md §5.2 last check,
// §3.8, §9.3): a task created from the built-in `demo` template through the
// tasks API is provisioned by the server's own provisioner loop, whose agent
// fetches a manifest carrying both agentapi module scripts and
// `task.app_slug`; pausing it makes the stop job's shutdown reach the agent
// over the events stream, the module's shutdown script uploads the log
// snapshot with the still-valid agent token, and the token dies with the
// finished stop build. No log line carries a token. Every process of the
// workspace is killed afterwards (by TASKYARD_WORKSPACE_ID, never by name).
import { afterEach, describe, expect, it } from 'vitest';
import { readEnviron, killWorkspaceProcesses } from '../src/server/provisioner/processes.js';
import { startTestServer, stopTestServers } from '../src/server/agents/testdata/server.js';
import { usePostgres } from './helpers/postgres.js';

const pg = usePostgres();
const workspaces: string[] = [];
afterEach(async () => {
  await stopTestServers();
  for (const id of workspaces.splice(0)) await killWorkspaceProcesses(id);
});

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a demo task through the real provisioner', () => {
  it('gets the module scripts and task app in its manifest, and uploads its snapshot while pausing', async () => {
    const db = await pg.createDatabase({ migrated: true });
    const server = await startTestServer(db.url);
    const token = server.ownerToken;
    const created = await server.call('POST', '/api/v2/tasks/me', { token, body: { template: 'demo', input: 'hello', name: 'demo-task' } });
    expect(created.status, created.text).toBe(201);
    const task = created.body as { id: string; workspace_id: string };
    workspaces.push(task.workspace_id);
    const active = await waitFor(
      async () => (await server.call('GET', '/api/v2/tasks/me/demo-task', { token })).body as { status: string; workspace_agent_id: string | null },
      (t) => t.status === 'active',
      'the task to become active',
      90_000,
    );

    // The agent's token exists only in its environment.
    const [agentRow] = await db.sql<{ id: string; pid: number }[]>`select id, pid from agents where id = ${active.workspace_agent_id}`;
    const env = Object.fromEntries(readEnviron(agentRow!.pid)!.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    const agentToken = env.CODER_AGENT_TOKEN!;
    const manifest = await server.call('GET', '/api/v2/workspaceagents/me/manifest', { token: agentToken });
    expect(manifest.status).toBe(200);
    const body = manifest.body as { scripts: { resource_address: string; run_on_start: boolean; run_on_stop: boolean; timeout_ms: number }[]; task: unknown; apps: { slug: string }[] };
    expect(body.scripts.map((s) => s.resource_address)).toEqual(expect.arrayContaining(['coder_script.prepare', 'module.agentapi.coder_script.agentapi', 'module.agentapi.coder_script.shutdown']));
    expect(body.scripts.find((s) => s.resource_address === 'module.agentapi.coder_script.shutdown')).toMatchObject({ run_on_stop: true, timeout_ms: 120000 });
    expect(body.task).toEqual({ id: task.id, app_slug: body.apps[0]!.slug });

    await waitFor(
      async () => ((await server.call('GET', '/api/v2/tasks/me/demo-task/logs', { token })).body as { logs?: { content: string }[] }).logs ?? [],
      (logs) => logs.some((l) => l.content.includes('Echo: hello')),
      'the echo reply',
    );
    const paused = await server.call('POST', '/api/experimental/tasks/me/demo-task/pause', { token });
    expect(paused.status, paused.text).toBe(202);
    await waitFor(async () => ((await server.call('GET', '/api/v2/tasks/me/demo-task', { token })).body as { status: string }).status, (s) => s === 'paused', 'paused', 90_000);
    const [snapshot] = await db.sql<{ log_snapshot: { format: string; data: { messages: { content: string; role: string }[] } } }[]>`
      select log_snapshot from task_snapshots where task_id = ${task.id}`;
    expect(snapshot!.log_snapshot.format).toBe('agentapi');
    expect(snapshot!.log_snapshot.data.messages).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'user', content: 'hello' })]));
    expect((await server.call('GET', '/api/v2/tasks/me/demo-task/logs', { token })).body).toMatchObject({ snapshot: true, snapshot_at: expect.any(String) });
    // The stop build finished: the same token is now refused.
    expect((await server.call('GET', '/api/v2/workspaceagents/me/manifest', { token: agentToken })).status).toBe(401);
    const metrics = (await server.call('GET', '/metrics')).text;
    expect(metrics).toMatch(/^taskyard_log_snapshots_total\{result="stored"\} [1-9]/m);
    expect(metrics).toMatch(/^taskyard_agents_connected 0$/m);
    // §9.3: no log line carries a token.
    const logs = server.logLines.join('');
    expect(logs).not.toContain(agentToken);
    expect(logs).not.toContain(token);
  });
});
