// The shutdown script's snapshot capture (module.md §5.4, §6.3.3) against the
// FAKE AgentAPI of testdata/agentapi.fake.mjs, which serves exact /messages
// bodies and records SIGUSR1/GET/SIGTERM with timestamps, and a recording
// control plane: normative order, last 10 messages, the 65 536-BYTE limit
// with multi-byte content and the truncation marker, and every failure mode
// ending in SIGTERM and exit 0. Nothing started here may outlive its test.
// Each case has its own Sandbox and runs concurrently with the others; the
// termination bounds (seconds measured) run alone at the end.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { agentapiModule, type AgentapiModuleOptions } from '../templates/agentapi-module.js';
import {
  freePort,
  isAlive,
  Sandbox,
  TASK_ID,
  waitFor,
  type Answer,
  type RecordedRequest,
} from '../registry/coder/modules/agentapi/testdata/harness.js';

interface Message {
  id: number;
  content: string;
  role: string;
  time: string;
}

const LIMIT = 65_536;
const MARKER = '[...content truncated...]\n\n';
const TOKEN = 'agent-token-snap';
const TIME = '2025-01-02T03:04:05.678Z';
const msg = (id: number, content: string, role = 'agent'): Message => ({ id, content, role, time: TIME });

/** The test's own Sandbox, cleaned up when it finishes. */
function sandboxOf(context: Pick<TestContext, 'onTestFinished'>): Sandbox {
  const sandbox = new Sandbox();
  context.onTestFinished(() => sandbox.cleanup());
  return sandbox;
}

interface Scenario {
  messages?: Message[];
  mode?: 'serve' | 'stall' | 'invalid';
  answer?: (req: RecordedRequest) => Answer;
  ignoreTerm?: boolean;
  module?: Partial<AgentapiModuleOptions>;
  task?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Point CODER_AGENT_URL at a port nobody listens on. */
  refused?: boolean;
}

/** Fake AgentAPI + control plane, then the rendered shutdown wrapper. */
async function shutdown(sandbox: Sandbox, s: Scenario = {}) {
  const port = await freePort();
  const pidFile = path.join(sandbox.home, '.agentapi', 'agentapi.pid');
  const stateFile = path.join(sandbox.home, '.agentapi', 'state.json');
  const fake = await sandbox.startFake(port, pidFile, {
    messages: s.messages ?? [msg(0, 'hello')],
    mode: s.mode ?? 'serve',
    ignoreTerm: s.ignoreTerm ?? false,
    stateFile,
  });
  const controlPlane = await sandbox.server(s.answer);
  const url = s.refused ? `http://127.0.0.1:${await freePort()}` : controlPlane.url;
  const wrapper = sandbox.wrappers(port, { state_file_path: stateFile, pid_file_path: pidFile, ...s.module }, s.task ?? true).shutdown;
  const started = Date.now();
  const result = await sandbox.run(
    wrapper,
    sandbox.env({ CODER_AGENT_URL: url, CODER_AGENT_TOKEN: TOKEN, AGENTAPI_SHUTDOWN_TERM_TIMEOUT: '3', ...s.env }),
  );
  await waitFor(() => !isAlive(fake.pid), 'the fake agentapi to exit');
  const posts = controlPlane.requests.filter((r) => r.method === 'POST');
  return { result, elapsed: Date.now() - started, fake, events: fake.events(), posts, stateFile, pidFile };
}

const kinds = (events: string[]) => events.map((e) => e.slice(e.indexOf(' ') + 1));
const posted = (post: RecordedRequest) => JSON.parse(post.body.toString('utf8')) as { messages: Message[] };
const FAILED = 'Log snapshot capture failed, continuing shutdown\n';

describe.concurrent('order and content', () => {
  it('SIGUSR1 → state file renamed → GET /messages → POST → SIGTERM', async (context) => {
    const sandbox = sandboxOf(context);
    const r = await shutdown(sandbox, { messages: [msg(0, 'hi'), msg(1, 'there', 'user')] });
    expect(r.result.code).toBe(0);
    expect(kinds(r.events)).toEqual(['READY', 'USR1', 'GET /messages', 'TERM']);
    const at = (kind: string) => Number(r.events.find((e) => e.endsWith(kind))!.split(' ')[0]);
    expect(r.posts).toHaveLength(1);
    expect(at('USR1')).toBeLessThanOrEqual(at('GET /messages'));
    expect(at('GET /messages')).toBeLessThanOrEqual(r.posts[0]!.at);
    expect(r.posts[0]!.at).toBeLessThanOrEqual(at('TERM'));
    expect(existsSync(r.stateFile)).toBe(true);
    expect(r.result.stdout).toContain(`State saved to ${r.stateFile}\n`);
    expect(r.posts[0]!.path).toBe(`/api/v2/workspaceagents/me/tasks/${TASK_ID}/log-snapshot`);
    expect(posted(r.posts[0]!)).toEqual({ messages: [msg(0, 'hi'), msg(1, 'there', 'user')] });
    expect(existsSync(r.pidFile)).toBe(false);
  });

  it('posts only the last 10 of 15 messages, unchanged', async (context) => {
    const sandbox = sandboxOf(context);
    const all = Array.from({ length: 15 }, (_, i) => msg(i, `message ${i}`, i % 2 ? 'user' : 'agent'));
    const r = await shutdown(sandbox, { messages: all });
    expect(r.result.stdout).toContain('Retrieved 10 messages for log snapshot\n');
    expect(posted(r.posts[0]!).messages).toEqual(all.slice(5));
  });

  it('trims trailing slashes of CODER_AGENT_URL', async (context) => {
    const sandbox = sandboxOf(context);
    const controlPlane = await sandbox.server();
    const r = await shutdown(sandbox, { env: { CODER_AGENT_URL: `${controlPlane.url}///` } });
    expect(r.result.code).toBe(0);
    expect(controlPlane.requests.map((q) => q.path)).toEqual([`/api/v2/workspaceagents/me/tasks/${TASK_ID}/log-snapshot`]);
  });
});

describe.concurrent('the 65 536-byte limit', () => {
  /** Checks a truncated single-message body: marker, true suffix, maximal. */
  function expectMaximalSuffix(post: RecordedRequest, original: Message) {
    expect(post.body.length).toBeLessThanOrEqual(LIMIT);
    const [kept] = posted(post).messages;
    expect({ ...kept, content: '' }).toEqual({ ...original, content: '' });
    expect(kept!.content.startsWith(MARKER)).toBe(true);
    const tail = kept!.content.slice(MARKER.length);
    expect(original.content.endsWith(tail)).toBe(true);
    expect(tail).not.toContain('\uFFFD');
    const codePoints = [...original.content];
    const keptCount = [...tail].length;
    expect(keptCount).toBeLessThan(codePoints.length);
    // One more code point, serialized as jq would (JSON escape inside the string), would not fit.
    const next = JSON.stringify(codePoints[codePoints.length - keptCount - 1]).slice(1, -1);
    expect(post.body.length + Buffer.byteLength(next)).toBeGreaterThan(LIMIT);
  }

  it.for<[string, string]>([
    ['200 000 ASCII bytes', 'a'.repeat(200_000)],
    ['30 000 × ─ (3 bytes each)', '─'.repeat(30_000)],
    ['15 000 × ESC[0m (escaped as \\u001b)', '\u001b[0m'.repeat(15_000)],
    ['40 000 × é: fewer characters than the limit, more bytes', 'é'.repeat(40_000)],
    ['mixed 😀 surrogate pairs and text', 'x😀yé'.repeat(10_000)],
  ])('truncates %s to the longest suffix that fits', async ([_name, content], context) => {
    const sandbox = sandboxOf(context);
    const original = msg(7, content);
    const r = await shutdown(sandbox, { messages: [original] });
    expect(r.result.code).toBe(0);
    expect(r.result.stdout).toMatch(/Payload size \d+ bytes exceeds limit, truncating final message content\n/);
    expect(r.result.stdout).toContain(`Log snapshot payload: ${r.posts[0]!.body.length} bytes, 1 messages\n`);
    expectMaximalSuffix(r.posts[0]!, original);
    expect(kinds(r.events)).toContain('TERM');
  });

  it('posts a body of exactly 65 536 bytes untouched, truncates one of 65 537', async (context) => {
    const sandbox = sandboxOf(context);
    const overhead = Buffer.byteLength(JSON.stringify({ messages: [msg(1, '')] }));
    const fill = LIMIT - overhead;
    const exact = msg(1, 'é'.repeat(Math.floor(fill / 2)) + (fill % 2 ? 'a' : ''));
    const r1 = await shutdown(sandbox, { messages: [exact] });
    expect(r1.posts[0]!.body.length).toBe(LIMIT);
    expect(posted(r1.posts[0]!).messages).toEqual([exact]);
    expect(r1.result.stdout).not.toContain('exceeds limit');

    const over = msg(1, `${exact.content}a`);
    const r2 = await shutdown(sandbox, { messages: [over] });
    expect(r2.result.stdout).toContain(`Payload size ${LIMIT + 1} bytes exceeds limit, truncating final message content\n`);
    expectMaximalSuffix(r2.posts[0]!, over);
  });

  it('drops the oldest messages first', async (context) => {
    const sandbox = sandboxOf(context);
    const big = (id: number, ch: string) => msg(id, ch.repeat(30_000));
    const r = await shutdown(sandbox, { messages: [big(0, 'a'), big(1, 'b'), big(2, 'c')] });
    const drops = r.result.stdout.match(/exceeds limit, removing oldest message/g) ?? [];
    expect(drops).toHaveLength(1);
    expect(posted(r.posts[0]!).messages.map((m) => m.id)).toEqual([1, 2]);
    expect(r.result.stdout).not.toContain('truncating');
  });

  it('gives up when even the marker alone does not fit (nothing posted, still SIGTERM)', async (context) => {
    const sandbox = sandboxOf(context);
    const r = await shutdown(sandbox, { messages: [msg(0, 'x'.repeat(100), 'r'.repeat(70_000))] });
    expect(r.result.code).toBe(0);
    expect(r.result.stdout).toContain(`Payload still too large after content truncation, giving up\n${FAILED}`);
    expect(r.posts).toEqual([]);
    expect(kinds(r.events)).toContain('TERM');
  });
});

describe.concurrent('snapshot outcomes never abort the shutdown', () => {
  it.for<[number, string]>([
    [204, 'Log snapshot posted successfully (HTTP 204)\n'],
    [200, 'Log snapshot posted successfully (HTTP 200)\n'],
    [202, 'Log snapshot posted successfully (HTTP 202)\n'],
    [404, 'Log snapshot endpoint not supported by this Coder version, skipping\n'],
  ])('HTTP %i → %j', async ([status, line], context) => {
    const sandbox = sandboxOf(context);
    const r = await shutdown(sandbox, { answer: () => ({ status, body: 'ignored' }) });
    expect(r.result.code).toBe(0);
    expect(r.result.stdout).toContain(line);
    expect(r.result.stdout).not.toContain(FAILED);
    expect(kinds(r.events).at(-1)).toBe('TERM');
  });

  const CURL_FAILED = 'Failed to connect to Coder instance (curl failed)\n';
  // Bounded in seconds (elapsed < 8 s): these run one at a time, like the bounds at the end.
  it.sequential.for<[string, Scenario, string]>([
    [
      'HTTP 500',
      { answer: () => ({ status: 500, body: '{"message":"boom"}' }) },
      'Failed to post log snapshot (HTTP 500): {"message":"boom"}\n',
    ],
    [
      'HTTP 401',
      { answer: () => ({ status: 401, body: 'Workspace agent not authorized.' }) },
      'Failed to post log snapshot (HTTP 401): Workspace agent not authorized.\n',
    ],
    ['connection refused', { refused: true }, CURL_FAILED],
    ['connection dropped', { answer: () => 'destroy' }, CURL_FAILED],
    ['a control plane that hangs past the POST timeout', { answer: () => 'hang', env: { AGENTAPI_SHUTDOWN_POST_TIMEOUT: '1' } }, CURL_FAILED],
    [
      '/messages stalling past the fetch timeout',
      { mode: 'stall', env: { AGENTAPI_SHUTDOWN_FETCH_TIMEOUT: '1' } },
      'Failed to fetch messages from AgentAPI (may not be running)\n',
    ],
    ['missing token', { env: { CODER_AGENT_TOKEN: '' } }, 'Error: CODER_AGENT_TOKEN is not set\n'],
    ['missing URL', { env: { CODER_AGENT_URL: '' } }, 'Error: CODER_AGENT_URL is not set\n'],
  ])('%s → failure line, SIGTERM, exit 0', async ([_name, scenario, line], context) => {
    const sandbox = sandboxOf(context);
    const r = await shutdown(sandbox, scenario);
    expect(r.result.code).toBe(0);
    expect(r.result.output).toContain(line);
    expect(r.result.stdout).toContain(`${FAILED}Sending SIGTERM to AgentAPI (pid ${r.fake.pid})\n`);
    expect(r.result.stdout.endsWith('Shutdown complete\n')).toBe(true);
    expect(kinds(r.events).at(-1)).toBe('TERM');
    expect(r.elapsed).toBeLessThan(8_000);
  });

  it('invalid JSON from /messages stops the capture at that step (errexit): no POST', async (context) => {
    const sandbox = sandboxOf(context);
    const r = await shutdown(sandbox, { mode: 'invalid' });
    expect(r.result.code).toBe(0);
    expect(r.result.stderr).toMatch(/parse error/);
    expect(r.result.stdout).toContain(`Shutting down AgentAPI\nSending SIGUSR1 to AgentAPI (pid ${r.fake.pid}) to save state\n`);
    expect(r.result.stdout).toContain(FAILED);
    expect(r.result.stdout).not.toContain('Retrieved');
    expect(r.posts).toEqual([]);
    expect(kinds(r.events)).toEqual(['READY', 'USR1', 'GET /messages', 'TERM']);
  });

  it('jq missing → error line, no fetch, still SIGTERM', async (context) => {
    const sandbox = sandboxOf(context);
    const r = await shutdown(sandbox, { env: { PATH: sandbox.pathWithout(['jq']) } });
    expect(r.result.stderr).toContain('Error: jq is required for log snapshots\n');
    expect(r.result.stdout).toContain(FAILED);
    expect(kinds(r.events)).toEqual(['READY', 'USR1', 'TERM']);
  });

  it.for<[string, Scenario, string]>([
    ['no messages', { messages: [] }, 'No messages for log snapshot\n'],
    ['snapshot disabled', { module: { task_log_snapshot: false } }, 'Log snapshot disabled, skipping\n'],
    ['no task', { task: false }, 'No task ID, skipping log snapshot\n'],
  ])('%s → nothing posted, no failure', async ([_name, scenario, line], context) => {
    const sandbox = sandboxOf(context);
    const r = await shutdown(sandbox, scenario);
    expect(r.result.code).toBe(0);
    expect(r.result.stdout).toContain(line);
    expect(r.result.stdout).not.toContain(FAILED);
    expect(r.posts).toEqual([]);
    expect(kinds(r.events).at(-1)).toBe('TERM');
  });

  it('an ARG_TASK_ID that is not a UUID is treated as empty, with an error line', async (context) => {
    const sandbox = sandboxOf(context);
    const port = await freePort();
    const pidFile = path.join(sandbox.home, '.agentapi', 'agentapi.pid');
    await sandbox.startFake(port, pidFile);
    const ctx = { ...sandbox.context(port), task: { id: 'abc-123', name: 't', prompt: '' } };
    const wrapper = agentapiModule(ctx, {
      web_app_slug: 'a',
      web_app_display_name: 'A',
      module_dir_name: '.m',
      start_script: 'x',
      pid_file_path: pidFile,
      enable_state_persistence: false,
    }).scripts[1]!.script;
    const r = await sandbox.run(wrapper, sandbox.env({ CODER_AGENT_URL: 'http://127.0.0.1:1', CODER_AGENT_TOKEN: TOKEN }));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Error: ARG_TASK_ID is not a UUID, ignoring it\n');
    expect(r.stdout).toContain('No task ID, skipping log snapshot\n');
  });
});

describe('state save and termination bounds', () => {
  it('times out waiting for a save that never happens, then continues', async (context) => {
    const sandbox = sandboxOf(context);
    const port = await freePort();
    const pidFile = path.join(sandbox.home, '.agentapi', 'agentapi.pid');
    const fake = await sandbox.startFake(port, pidFile, { messages: [msg(0, 'x')] });
    const controlPlane = await sandbox.server();
    const wrapper = sandbox.wrappers(port, { pid_file_path: pidFile }).shutdown;
    const r = await sandbox.run(
      wrapper,
      sandbox.env({ CODER_AGENT_URL: controlPlane.url, CODER_AGENT_TOKEN: TOKEN, AGENTAPI_SHUTDOWN_SAVE_TIMEOUT: '0.5' }),
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Timed out after 0.5s waiting for AgentAPI to save state, continuing\nRetrieved 1 messages');
    expect(controlPlane.requests).toHaveLength(1);
    expect(kinds(fake.events())).toEqual(['READY', 'USR1', 'GET /messages', 'TERM']);
  });

  it('warns every 5 s and SIGKILLs an AgentAPI that ignores SIGTERM', async (context) => {
    const sandbox = sandboxOf(context);
    const r = await shutdown(sandbox, {
      ignoreTerm: true,
      module: { task_log_snapshot: false, enable_state_persistence: false },
      env: { AGENTAPI_SHUTDOWN_TERM_TIMEOUT: '5.3' },
    });
    const pid = r.fake.pid;
    expect(r.result.code).toBe(0);
    expect(r.result.stdout).toContain(
      `Sending SIGTERM to AgentAPI (pid ${pid})\n` +
        `Warning: AgentAPI (pid ${pid}) still running after 5s\n` +
        `AgentAPI (pid ${pid}) did not exit after 5.3s, sending SIGKILL\nShutdown complete\n`,
    );
    expect(r.elapsed).toBeGreaterThanOrEqual(5_300);
    expect(isAlive(pid)).toBe(false);
  });
});
