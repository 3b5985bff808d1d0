// The agentapi module's stop path against the REAL AgentAPI (module.md
// §6.3.3, §6.4 criteria 2–8): start wrapper → conversation over HTTP →
// shutdown wrapper with ARG_TASK_ID and CODER_AGENT_URL pointing at a
// recording HTTP server (the control plane does not exist yet) → SIGUSR1
// save, snapshot POST, SIGTERM, exit; a restart restores the conversation.
// Plus the PID-file robustness cases. No AgentAPI, `sleep` or server started
// here may outlive its test.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoAgent, startAgentApi, stopAllAgentApis } from './helpers/agentapi-process.js';
import { freePort, isAlive, Sandbox, TASK_ID, waitFor } from '../registry/coder/modules/agentapi/testdata/harness.js';

interface Message {
  id: number;
  content: string;
  role: string;
  time: string;
}

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => {
  await stopAllAgentApis();
  await sandbox.cleanup();
});

const pidFile = () => path.join(sandbox.home, '.agentapi', 'agentapi.pid');
const stateFile = () => path.join(sandbox.home, '.agentapi', 'state.json');
const startLog = () => readFileSync(path.join(sandbox.home, '.agentapi-module', 'agentapi-start.log'), 'utf8');
const TOKEN = 'agent-token-0123';

async function messages(port: number): Promise<Message[]> {
  const res = await fetch(`http://127.0.0.1:${port}/messages`);
  return ((await res.json()) as { messages: Message[] }).messages;
}

async function waitForStable(port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = ((await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as { status: string }).status;
    if (status === 'stable') return;
    if (Date.now() > deadline) throw new Error('AgentAPI never became stable');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends `text` and waits until the echo arrived and AgentAPI is stable again. */
async function converse(port: number, text: string): Promise<void> {
  await waitForStable(port);
  const res = await fetch(`http://127.0.0.1:${port}/message`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ content: text, type: 'user' }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = ((await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as { status: string }).status;
    const last = (await messages(port)).at(-1);
    if (status === 'stable' && last?.role === 'agent' && last.content.includes(`Echo: ${text}`)) return;
    if (Date.now() > deadline) throw new Error(`no echo for ${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const snapshotPath = `/api/v2/workspaceagents/me/tasks/${TASK_ID}/log-snapshot`;

describe('shutdown wrapper with the real AgentAPI', () => {
  it('saves state, posts the last messages, terminates AgentAPI; a restart restores the conversation', async () => {
    const port = await freePort();
    const controlPlane = await sandbox.server();
    const { start, shutdown } = sandbox.wrappers(port);
    expect((await sandbox.run(start)).code).toBe(0);
    const pid = Number(readFileSync(pidFile(), 'utf8').trim());
    await converse(port, 'hello module');
    await converse(port, 'naïve ✓ — "quotes" & <tags>');
    const before = await messages(port);
    expect(before).toHaveLength(5);

    const r = await sandbox.run(shutdown, sandbox.env({ CODER_AGENT_URL: `${controlPlane.url}/`, CODER_AGENT_TOKEN: TOKEN }));
    expect(r.code, r.output).toBe(0);
    expect(r.stderr).toBe('');
    expect(controlPlane.requests).toHaveLength(1);
    const post = controlPlane.requests[0]!;
    expect(r.stdout).toBe(
      [
        'Shutting down AgentAPI',
        `Sending SIGUSR1 to AgentAPI (pid ${pid}) to save state`,
        `State saved to ${stateFile()}`,
        'Retrieved 5 messages for log snapshot',
        `Log snapshot payload: ${post.body.length} bytes, 5 messages`,
        'Log snapshot posted successfully (HTTP 204)',
        `Sending SIGTERM to AgentAPI (pid ${pid})`,
        `AgentAPI (pid ${pid}) exited`,
        'Shutdown complete',
        '',
      ].join('\n'),
    );

    expect(post.method).toBe('POST');
    expect(post.path).toBe(snapshotPath);
    expect(post.query).toEqual({ format: 'agentapi' });
    expect(post.headers['coder-session-token']).toBe(TOKEN);
    expect(post.headers['content-type']).toBe('application/json');
    expect(post.body.length).toBeLessThanOrEqual(65_536);
    expect(JSON.parse(post.body.toString('utf8'))).toEqual({ messages: before });

    const saves = startLog()
      .split('\n')
      .filter((l) => l.includes('"msg":"State saved successfully"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(saves[0]).toMatchObject({ source: 'SIGUSR1', path: stateFile(), messages: 5 });
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(pidFile())).toBe(false);
    const saved = JSON.parse(readFileSync(stateFile(), 'utf8')) as { messages: { id: number; message: string }[] };
    expect(saved.messages.map((m) => [m.id, m.message])).toEqual(before.map((m) => [m.id, m.content]));

    const again = await sandbox.run(start);
    expect(again.code, again.output).toBe(0);
    await waitFor(() => existsSync(pidFile()), 'the PID file');
    const deadline = Date.now() + 15_000;
    let restored = await messages(port);
    while (restored.length < before.length && Date.now() < deadline) restored = await messages(port);
    expect(restored).toEqual(before);
  });

  it('with persistence off sends no SIGUSR1 but still SIGTERM', async () => {
    const port = await freePort();
    const { start, shutdown } = sandbox.wrappers(port, { enable_state_persistence: false, task_log_snapshot: false });
    expect((await sandbox.run(start)).code).toBe(0);
    const pid = Number(readFileSync(pidFile(), 'utf8').trim());
    const r = await sandbox.run(shutdown);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'Shutting down AgentAPI',
        'State persistence disabled, skipping SIGUSR1',
        'Log snapshot disabled, skipping',
        `Sending SIGTERM to AgentAPI (pid ${pid})`,
        `AgentAPI (pid ${pid}) exited`,
        'Shutdown complete',
        '',
      ].join('\n'),
    );
    expect(startLog()).not.toContain('State saved successfully');
    expect(existsSync(pidFile())).toBe(false);
    expect(existsSync(stateFile())).toBe(false);
  });

  it.each([
    [{ output: 'agentapi version 0.11.8\n' }, 'agentapi 0.11.8 does not support state persistence (requires >= 0.12.0), skipping SIGUSR1'],
    [{ output: 'agentapi version latest\n' }, 'Unable to determine agentapi version, skipping SIGUSR1'],
    [{ output: '' }, 'Unable to determine agentapi version, skipping SIGUSR1'],
  ])('never sends SIGUSR1 when --version prints %j, but still SIGTERM', async (version, line) => {
    const port = await freePort();
    mkdirSync(path.dirname(pidFile()), { recursive: true });
    const agentapi = startAgentApi({
      flags: ['--port', String(port), '--pid-file', pidFile(), '--state-file', stateFile()],
      agent: demoAgent('--echo', '--think-ms', '50'),
    });
    await agentapi.waitForStatus('stable');
    sandbox.writeAgentapi(version);
    const r = await sandbox.run(sandbox.wrappers(port, { task_log_snapshot: false }).shutdown);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${line}\nLog snapshot disabled, skipping\nSending SIGTERM to AgentAPI (pid ${agentapi.pid})\n`);
    expect(await agentapi.exited).toEqual({ code: 0, signal: null });
    expect(agentapi.logsWithMsg('State saved successfully').filter((l) => l.source === 'SIGUSR1')).toEqual([]);
    expect(existsSync(pidFile())).toBe(false);
  });

  it('a failing POST (HTTP 500) does not abort the shutdown: AgentAPI still gets SIGTERM', async () => {
    const port = await freePort();
    const controlPlane = await sandbox.server(() => ({ status: 500, body: 'database on fire' }));
    const { start, shutdown } = sandbox.wrappers(port);
    expect((await sandbox.run(start)).code).toBe(0);
    const pid = Number(readFileSync(pidFile(), 'utf8').trim());
    const r = await sandbox.run(shutdown, sandbox.env({ CODER_AGENT_URL: controlPlane.url, CODER_AGENT_TOKEN: TOKEN }));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Failed to post log snapshot (HTTP 500): database on fire\nLog snapshot capture failed, continuing shutdown\n' +
        `Sending SIGTERM to AgentAPI (pid ${pid})\nAgentAPI (pid ${pid}) exited\nShutdown complete\n`,
    );
    expect(controlPlane.requests).toHaveLength(1);
    expect(isAlive(pid)).toBe(false);
  });
});

type PidCase = [
  name: string,
  content: () => string | undefined | Promise<string>,
  reason: (file: string, pid: string) => string,
];

describe('shutdown wrapper without a usable PID file', () => {
  it.each<PidCase>([
    ['missing', () => undefined, (file: string) => `No PID file at ${file}`],
    ['garbage', () => 'not-a-pid', (file: string) => `Invalid PID file content in ${file}, ignoring`],
    [
      'stale',
      () => {
        const child = sandbox.spawnTracked('true', []);
        return new Promise<string>((resolve) => child.on('exit', () => resolve(String(child.pid))));
      },
      (_file: string, pid: string) => `AgentAPI (pid ${pid}) is not running`,
    ],
    [
      'reused by sleep',
      () => String(sandbox.spawnTracked('sleep', ['1000']).pid),
      (_file: string, pid: string) => `Process ${pid} is not agentapi, not signalling it`,
    ],
  ])('%s → exit 0, nothing signalled', async (_name, content, reason) => {
    const port = await freePort();
    const controlPlane = await sandbox.server();
    const pidText = await content();
    if (pidText !== undefined) {
      mkdirSync(path.dirname(pidFile()), { recursive: true });
      writeFileSync(pidFile(), `${pidText}\n`);
      if (_name === 'reused by sleep') await waitFor(() => isAlive(Number(pidText)), 'sleep');
    }
    const r = await sandbox.run(
      sandbox.wrappers(port).shutdown,
      sandbox.env({ CODER_AGENT_URL: controlPlane.url, CODER_AGENT_TOKEN: TOKEN }),
    );
    expect(r.code).toBe(0);
    // Then curl's own error line for the refused /messages connection.
    expect(r.stderr).toMatch(new RegExp(`^${escapeRegExp(reason(pidFile(), pidText ?? ''))}\ncurl: \\(7\\) [^\n]*\n$`));
    expect(r.stdout).toBe(
      [
        'Shutting down AgentAPI',
        'Failed to fetch messages from AgentAPI (may not be running)',
        'Log snapshot capture failed, continuing shutdown',
        'Shutdown complete',
        '',
      ].join('\n'),
    );
    expect(controlPlane.requests).toEqual([]);
    if (_name === 'reused by sleep') expect(isAlive(Number(pidText))).toBe(true);
  });
});
