// The Tasks API's live paths against a REAL agentapi running the echo demo
// agent (server.md §6.3 proxy, §6.4 send, §6.5 live logs): the task app row
// points at it. agentapi only allows Host `localhost`, so every request the
// proxy forwards must have been rewritten. Also the proxy's header handling
// against a capturing HTTP server. Must never leave an agentapi process or
// a server running (each test's cleanup stops both).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'vitest';
import { TaskError } from '../src/server/tasks/errors.js';
import { sendTaskInput } from '../src/server/tasks/send.js';
import { findTaskById } from '../src/server/tasks/task-query.js';
import { TaskTestServer } from '../src/server/tasks/testdata/task-fixture.js';
import { AgentApiSet, demoAgent, type AgentApiProcess } from './helpers/agentapi-process.js';
import { usePostgres } from './helpers/postgres.js';

const pg = usePostgres();

interface LiveAgentApi {
  proc: AgentApiProcess;
  /** `http://localhost:<port>/`: the only Host this agentapi accepts. */
  url: string;
  waitStable(): Promise<void>;
}

/**
 * One test's own server (fresh database) and agentapis, stopped when the test
 * finishes, so the cases run concurrently.
 */
async function liveTest(context: TestContext) {
  const agents = new AgentApiSet();
  const owned: { server?: TaskTestServer } = {};
  context.onTestFinished(async () => {
    await agents.stopAll();
    await owned.server?.stop();
  });
  const server = (owned.server = await TaskTestServer.start(pg));
  const admin = server.owner;

  const agentApi = async (...agentArgs: string[]): Promise<LiveAgentApi> => {
    const proc = agents.start({ flags: ['--host', '127.0.0.1', '--allowed-hosts', 'localhost'], agent: demoAgent('--echo', ...agentArgs) });
    const url = `http://localhost:${await proc.port()}/`;
    const waitStable = async (): Promise<void> => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const body = (await (await fetch(`${url}status`)).json()) as { status: string };
        if (body.status === 'stable') return;
        if (Date.now() > deadline) throw new Error(`agentapi stayed ${body.status}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await waitStable();
    return { proc, url, waitStable };
  };

  const activeTask = (appUrl: string, name = 't') =>
    server.seedTask({
      owner: admin,
      name,
      builds: [{ transition: 'start', job: 'succeeded' }],
      agent: { lifecycle: 'ready', connected: true },
      app: { health: 'healthy', url: appUrl },
      lastActivityAt: new Date(Date.now() - 3_600_000),
    });

  return { server, admin, agentApi, activeTask };
}

const GREETING = "Hello! I'm the taskyard demo agent. Send me a message and I'll echo it back.";

describe.concurrent('send and live logs', () => {
  it('send → 204, the agent answers, live logs map roles and carry no snapshot key, activity bumped', async (context) => {
    const { expect } = context;
    const { server, admin, agentApi, activeTask } = await liveTest(context);
    const { proc, url, waitStable } = await agentApi();
    await activeTask(url);
    const sent = await server.call('POST', '/api/v2/tasks/me/t/send', { token: admin.token, body: { input: 'hi' } });
    expect(sent).toMatchObject({ status: 204, body: undefined });
    await waitStable();
    const logs = await server.call('GET', '/api/v2/tasks/me/t/logs', { token: admin.token });
    expect(logs.status).toBe(200);
    const body = logs.body as { logs: { id: number; content: string; type: string; time: string }[] };
    expect(Object.keys(body)).toEqual(['logs']);
    // AgentAPI keeps the terminal's trailing spaces; compare trimmed text (agentapi.md §10.7).
    expect(body.logs.map(({ id, content, type }) => ({ id, content: content.trim(), type }))).toEqual([
      { id: 0, content: GREETING, type: 'output' },
      { id: 1, content: 'hi', type: 'input' },
      { id: 2, content: 'Echo: hi', type: 'output' },
    ]);
    const direct = (await (await fetch(`${url}messages`)).json()) as { messages: { id: number; time: string }[] };
    expect(body.logs.map((l) => l.time)).toEqual(direct.messages.map((m) => m.time));
    // agentapi refuses any other Host: the server's requests were sent as localhost.
    expect((await fetch(`http://127.0.0.1:${await proc.port()}/status`)).status).toBe(400);
    const [row] = await server.sql<{ last_activity_at: Date }[]>`select last_activity_at from tasks`;
    expect(Date.now() - row!.last_activity_at.getTime()).toBeLessThan(60_000);
  });

  it('send waits for a running agent to become stable', async (context) => {
    const { expect } = context;
    const { server, admin, agentApi, activeTask } = await liveTest(context);
    const { url, waitStable } = await agentApi('--think-ms', '1500');
    await activeTask(url);
    expect((await server.call('POST', '/api/v2/tasks/me/t/send', { token: admin.token, body: { input: 'one' } })).status).toBe(204);
    const second = await server.call('POST', '/api/v2/tasks/me/t/send', { token: admin.token, body: { input: 'two' } });
    expect(second.status).toBe(204);
    await waitStable();
    const logs = (await server.call('GET', '/api/v2/tasks/me/t/logs', { token: admin.token })).body as { logs: { content: string }[] };
    expect(logs.logs.map((l) => l.content.trim()).slice(1)).toEqual(['one', 'Echo: one', 'two', 'Echo: two']);
  });

  it('409 Task is busy. when the agent stays running past the wait; 502 with AgentAPI\'s detail and errors', async (context) => {
    const { expect } = context;
    const { server, agentApi, activeTask } = await liveTest(context);
    const { url } = await agentApi('--think-ms', '5000');
    const seeded = await activeTask(url);
    const record = (await findTaskById(server.sql, seeded.id))!;
    await sendTaskInput(record, 'slow');
    const busy = await sendTaskInput(record, 'again', { stableWaitMs: 300, pollMs: 50 }).catch((err: unknown) => err);
    expect(busy).toBeInstanceOf(TaskError);
    expect(busy).toMatchObject({ code: 'busy', status: 409, message: 'Task is busy.' });

    const { url: idleUrl } = await agentApi();
    const idle = await activeTask(idleUrl, 'idle');
    const failed = await sendTaskInput((await findTaskById(server.sql, idle.id))!, '   ').catch((err: unknown) => err);
    expect(failed).toMatchObject({
      code: 'send_failed',
      status: 502,
      message: 'Failed to send task input.',
      detail: 'unexpected error occurred: failed to send message: message must not be empty',
    });
  });
});

describe.concurrent('agentapi proxy', () => {
  it('proxies GET/POST with Host rewritten to localhost and passes AgentAPI errors through', async (context) => {
    const { expect } = context;
    const { server, admin, agentApi, activeTask } = await liveTest(context);
    const { url, waitStable } = await agentApi();
    await activeTask(url);
    const status = await server.call('GET', '/api/v2/tasks/me/t/agentapi/status', { token: admin.token });
    expect(status).toMatchObject({ status: 200, body: { $schema: 'http://localhost/schemas/StatusResponseBody.json', status: 'stable', agent_type: 'custom' } });
    expect(status.headers.get('link')).toBe('</schemas/StatusResponseBody.json>; rel="describedBy"');
    const posted = await server.call('POST', '/api/v2/tasks/me/t/agentapi/message', { token: admin.token, body: { content: 'via proxy', type: 'user' } });
    expect(posted).toMatchObject({ status: 200, body: { ok: true } });
    await waitStable();
    const messages = await server.call('GET', '/api/v2/tasks/me/t/agentapi/messages', { token: admin.token });
    expect((messages.body as { messages: { content: string }[] }).messages.map((m) => m.content.trim()).slice(1)).toEqual(['via proxy', 'Echo: via proxy']);
    const invalid = await server.call('POST', '/api/v2/tasks/me/t/agentapi/message', { token: admin.token, body: { content: 'x' } });
    expect(invalid).toMatchObject({ status: 422, body: { title: 'Unprocessable Entity' } });
    expect(invalid.headers.get('content-type')).toContain('application/problem+json');
  });

  it('streams /events unbuffered: replay first, then live updates while the stream stays open', async (context) => {
    const { expect } = context;
    const { server, admin, agentApi, activeTask } = await liveTest(context);
    const { url } = await agentApi();
    await activeTask(url);
    const abort = new AbortController();
    const response = await fetch(`${server.url}/api/v2/tasks/me/t/agentapi/events`, { headers: { 'Coder-Session-Token': admin.token }, signal: abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: string): Promise<void> => {
      const deadline = Date.now() + 10_000;
      while (!text.includes(needle)) {
        if (Date.now() > deadline) throw new Error(`no ${needle} in ${text}`);
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntil('event: status_change');
    expect(text).toContain('event: message_update');
    expect((await server.call('POST', '/api/v2/tasks/me/t/send', { token: admin.token, body: { input: 'streamed' } })).status).toBe(204);
    await readUntil('Echo: streamed');
    abort.abort();
    await reader.cancel().catch(() => undefined);
  });

  it('forwards method, path, query and body; strips the session token carriers', async (context) => {
    const { expect } = context;
    const { server, admin, activeTask } = await liveTest(context);
    const seen: { method?: string; url?: string; headers?: http.IncomingHttpHeaders; body?: string }[] = [];
    const capture = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        res.writeHead(201, { 'content-type': 'text/plain', 'x-app': 'yes' }).end('created');
      });
    });
    await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
    try {
      await activeTask(`http://127.0.0.1:${(capture.address() as AddressInfo).port}/base/`);
      const response = await fetch(`${server.url}/api/v2/tasks/me/t/agentapi/a/b%20c?x=1&y=2`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${admin.token}`, Cookie: `coder_session_token=${admin.token}; other=1`, 'X-Custom': 'kept', 'Content-Type': 'text/plain' },
        body: 'payload',
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('x-app')).toBe('yes');
      expect(await response.text()).toBe('created');
      expect(seen).toHaveLength(1);
      const [request] = seen;
      expect(request).toMatchObject({ method: 'PUT', url: '/base/a/b%20c?x=1&y=2', body: 'payload' });
      expect(request!.headers).toMatchObject({ host: 'localhost', 'x-custom': 'kept' });
      expect(request!.headers).not.toHaveProperty('authorization');
      expect(request!.headers).not.toHaveProperty('cookie');
      expect(request!.headers).not.toHaveProperty('coder-session-token');
    } finally {
      capture.closeAllConnections();
      await new Promise((resolve) => capture.close(resolve));
    }
  });
});
