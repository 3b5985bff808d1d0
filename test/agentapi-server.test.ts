// End-to-end: the real `agentapi server` bin in front of the real demo agent,
// over loopback HTTP. Every JSON body is checked against the OpenAPI schemas.
// The cases with timing bounds run alone first; the others then run
// concurrently, each with its own processes.
import { describe, expect, it, type TestContext } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { trimU } from '../src/agentapi/format/text.js';
import { openSse, schemaErrors, send } from '../src/agentapi/http/testdata/harness.js';
import type { SchemaName } from '../src/agentapi/http/openapi.js';
import { AgentApiSet, demoAgent, type AgentApiProcess } from './helpers/agentapi-process.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

interface MessagesBody {
  messages: { id: number; content: string; role: string; time: string }[];
}

async function getValidated<T>(agent: AgentApiProcess, path: string, schema: SchemaName): Promise<T> {
  const res = await send(await agent.port(), { path });
  expect(res.status).toBe(200);
  const body = res.json();
  expect(schemaErrors(schema, body)).toEqual([]);
  return body as T;
}

async function postValidated(agent: AgentApiProcess, content: string, type = 'user') {
  const res = await send(await agent.port(), {
    method: 'POST',
    path: '/message',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ content, type }),
  });
  expect(schemaErrors(res.status === 200 ? 'MessageResponseBody' : 'ErrorModel', res.json())).toEqual([]);
  return res;
}

async function waitForMessages(agent: AgentApiProcess, count: number, timeoutMs = 15_000): Promise<MessagesBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await agent.waitForStatus('stable', timeoutMs);
    const body = await getValidated<MessagesBody>(agent, '/messages', 'MessagesResponseBody');
    if (body.messages.length >= count) return body;
    if (Date.now() > deadline) throw new Error(`only ${body.messages.length} messages: ${JSON.stringify(body)}`);
  }
}

/** The test's own agentapi processes, killed when it finishes. */
function agentsOf(context: Pick<TestContext, 'onTestFinished'>): AgentApiSet {
  const agents = new AgentApiSet();
  context.onTestFinished(() => agents.stopAll());
  return agents;
}

// Timing bounds: no other agentapi of this file starts meanwhile.
describe('agentapi server with the demo agent: timing', () => {
  it('echo mode with default flags is stable within 4 s and answers Echo: hi', async (context) => {
    const agents = agentsOf(context);
    const started = Date.now();
    const agent = agents.start();
    await agent.waitForStatus('stable', 4_000 + 2_000);
    // The bin's own startup (node + compile cache) is part of the 4 s budget.
    expect(Date.now() - started).toBeLessThan(4_000 + 1_000);
    expect((await postValidated(agent, 'hi')).status).toBe(200);
    const { messages } = await waitForMessages(agent, 3);
    expect(trimU(messages[2]!.content)).toBe('Echo: hi');
  });

  it('GET /status and GET /messages answer at once while a POST /message is in flight', async (context) => {
    const agents = agentsOf(context);
    const agent = agents.start();
    await agent.waitForStatus('stable');
    const port = await agent.port();
    const inFlight = postValidated(agent, 'slow down');
    await new Promise((r) => setTimeout(r, 150));
    for (const path of ['/status', '/messages']) {
      const t0 = performance.now();
      const res = await send(port, { path });
      expect(performance.now() - t0).toBeLessThan(200);
      expect(res.status).toBe(200);
      if (path === '/status') expect(res.json()).toMatchObject({ status: 'running' });
    }
    expect((await inFlight).status).toBe(200);
  });
});

describe.concurrent('agentapi server with the demo agent', () => {
  it('basic: greeting, a user message and its echo, over /messages and /events', async (context) => {
    const agents = agentsOf(context);
    const agent = agents.start({ agent: demoAgent(fixture('basic-script.json')) });
    await agent.waitForStatus('stable');
    const status = await getValidated<{ status: string; agent_type: string; transport: string }>(
      agent,
      '/status',
      'StatusResponseBody',
    );
    expect(status).toMatchObject({ status: 'stable', agent_type: 'custom', transport: 'pty' });

    const res = await postValidated(agent, 'This is a test message.');
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ ok: true });

    const { messages } = await waitForMessages(agent, 3);
    expect(messages.map((m) => [m.id, m.role, trimU(m.content)])).toEqual([
      [0, 'agent', "Hello! I'm ready to help you. Please send me a message to echo back."],
      [1, 'user', 'This is a test message.'],
      [2, 'agent', 'Echo: This is a test message.'],
    ]);

    const sse = await openSse(await agent.port(), '/events');
    const frames = [];
    for (let i = 0; i < 4; i++) frames.push(await sse.next());
    sse.close();
    expect(frames.map((f) => f.event)).toEqual(['message_update', 'message_update', 'message_update', 'status_change']);
    const schemaOf: Record<string, SchemaName> = { message_update: 'MessageUpdateBody', status_change: 'StatusChangeBody' };
    for (const f of frames) expect(schemaErrors(schemaOf[f.event]!, JSON.parse(f.data))).toEqual([]);
    expect(JSON.parse(frames[3]!.data)).toEqual({ status: 'stable', agent_type: 'custom' });
    expect(frames.slice(0, 3).map((f) => (JSON.parse(f.data) as { id: number }).id)).toEqual([0, 1, 2]);
  });

  it('thinking: running right after the POST returns, and the follow-up joins the reply', async (context) => {
    const agents = agentsOf(context);
    const agent = agents.start({ agent: demoAgent(fixture('thinking-script.json')) });
    await agent.waitForStatus('stable');
    const res = await postValidated(agent, 'What is the answer to life, the universe, and everything?');
    expect(res.status).toBe(200);
    const status = await getValidated<{ status: string }>(agent, '/status', 'StatusResponseBody');
    expect(status.status).toBe('running');
    const { messages } = await waitForMessages(agent, 3);
    expect(messages).toHaveLength(3);
    const reply = trimU(messages[2]!.content).split('\n').map(trimU);
    expect(reply).toEqual(["Gosh, I'll need some time to think about that...", '42']);
  });

  it('stdin: a prompt piped to the server becomes the initial prompt', async (context) => {
    const agents = agentsOf(context);
    const agent = agents.start({ agent: demoAgent(fixture('stdin-script.json')), stdin: 'hello agent\n' });
    const { messages } = await waitForMessages(agent, 3);
    expect(messages.map((m) => [m.role, trimU(m.content)])).toEqual([
      ['agent', ''],
      ['user', 'hello agent'],
      ['agent', "Hello! I'm ready to help you. Please send me a message to echo back."],
    ]);
  });

  it('rejects bad input with problem+json and keeps working', async (context) => {
    const agents = agentsOf(context);
    const agent = agents.start();
    await agent.waitForStatus('stable');
    const port = await agent.port();
    const post = (body: string) =>
      send(port, { method: 'POST', path: '/message', headers: { 'content-type': 'application/json' }, body });
    const cases: [string, number, string][] = [
      ['{', 400, 'Bad Request'],
      ['{"content":"x","type":"user","extra":1}', 422, 'Unprocessable Entity'],
      ['{"content":"x"}', 422, 'Unprocessable Entity'],
      ['{"content":"x","type":"bad"}', 422, 'Unprocessable Entity'],
      [JSON.stringify({ content: 'x'.repeat(1024 * 1024), type: 'user' }), 413, 'Request Entity Too Large'],
      ['{"content":"   ","type":"user"}', 500, 'Internal Server Error'],
    ];
    for (const [body, status, title] of cases) {
      const res = await post(body);
      expect(res.status, body.slice(0, 40)).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const problem = res.json() as { title: string };
      expect(problem.title).toBe(title);
      expect(schemaErrors('ErrorModel', problem)).toEqual([]);
    }
    // The conversation is untouched and the agent still answers.
    expect((await postValidated(agent, 'still here')).status).toBe(200);
    const busy = await postValidated(agent, 'too soon');
    expect(busy.status).toBe(500);
    expect((busy.json() as { errors: { message: string }[] }).errors[0]!.message).toBe(
      'failed to send message: message can only be sent when the agent is waiting for user input',
    );
    const { messages } = await waitForMessages(agent, 3);
    expect(messages.map((m) => trimU(m.content)).slice(1)).toEqual(['still here', 'Echo: still here']);
  });

  it('infers the agent type from the exact program name, and --type overrides it', async (context) => {
    const agents = agentsOf(context);
    const claudeType = agents.start({ flags: ['--type', 'claude'] });
    const qAlias = agents.start({ flags: ['-t', 'q'] });
    for (const [agent, type] of [
      [claudeType, 'claude'],
      [qAlias, 'amazonq'],
    ] as const) {
      const body = await getValidated<{ agent_type: string }>(agent, '/status', 'StatusResponseBody');
      expect(body.agent_type).toBe(type);
    }
  });

  it('takes the type from the bare program name only: `aider` is aider, a path to it is custom', async (context) => {
    const agents = agentsOf(context);
    const bin = mkdtempSync(path.join(tmpdir(), 'agentapi-type-'));
    const script = path.join(bin, 'aider');
    writeFileSync(script, `#!/bin/sh\nexec ${demoAgent().map((a) => `'${a}'`).join(' ')} "$@"\n`, { mode: 0o755 });
    try {
      const env = { PATH: `${bin}:${process.env.PATH ?? ''}` };
      const byName = agents.start({ agent: ['aider'], env });
      const byPath = agents.start({ agent: [script], env });
      expect((await byName.getJson('/status')).agent_type).toBe('aider');
      expect((await byPath.getJson('/status')).agent_type).toBe('custom');
      await byName.waitForStatus('stable');
      expect((await postValidated(byName, 'typed through a named agent')).status).toBe(200);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
