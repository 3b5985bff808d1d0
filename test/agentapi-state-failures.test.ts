// What agentapi does with a broken state file, a contested PID file, and
// signals at awkward moments (§7.2, §7.6, §8, §9), through the real bin.
// The cases of each group run concurrently (at most maxConcurrency at once,
// one group after another, so the burst of agentapi starts stays bounded),
// each with its own dir and processes: most of their time is spent waiting
// on agentapi, not computing.
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it, type TestContext } from 'vitest';
import { trimU } from '../src/agentapi/format/text.js';
import { openSse } from '../src/agentapi/http/testdata/harness.js';
import { agentApiTestScope, type AgentApiProcess } from './helpers/agentapi-process.js';

/** The test's own dir (0755: an agentapi running as nobody must reach it) and agentapi processes. */
const scope = (context: TestContext) => agentApiTestScope(context, 'agentapi-fail-', 0o755);

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

/** The replay of /events: message_update…, status_change, agent_error…. */
async function replay(agent: AgentApiProcess): Promise<{ event: string; data: Record<string, unknown> }[]> {
  const sse = await openSse(await agent.port(), '/events');
  const frames = [];
  try {
    for (;;) frames.push(await sse.next(300));
  } catch {
    // No more frames within 300 ms: the replay is complete.
  }
  sse.close();
  return frames.map((f) => ({ event: f.event, data: JSON.parse(f.data) as Record<string, unknown> }));
}

async function messages(agent: AgentApiProcess) {
  return (await agent.getJson<{ messages: { role: string; content: string }[] }>('/messages')).messages;
}

describe('state file failures (§7.6)', () => {
  const cases: { name: string; prepare: (file: string) => void; asNobody?: boolean }[] = [
    { name: 'an empty file', prepare: (f) => writeFileSync(f, '') },
    { name: 'corrupt JSON', prepare: (f) => writeFileSync(f, '{') },
    { name: 'version 2', prepare: (f) => writeFileSync(f, '{"version":2,"messages":[]}\n') },
    {
      name: 'an unreadable file',
      prepare: (f) => {
        writeFileSync(f, '{"version":1,"messages":[]}\n', { mode: 0o000 });
        chmodSync(f, 0o000);
      },
      // Root reads anything; run the server as nobody so the permission bites.
      asNobody: isRoot,
    },
    { name: 'a directory where the file should be', prepare: (f) => mkdirSync(f) },
  ];

  it.concurrent.for(cases)('$name: one warning, a fresh conversation, the file untouched, the server working', async ({ prepare, asNobody }, context) => {
    const { expect } = context;
    const { dir, agents } = scope(context);
    const file = path.join(dir, 'state.json');
    prepare(file);
    if (asNobody) chownSync(dir, NOBODY, NOBODY);
    const before = statSync(file).isDirectory() ? 'dir' : readFileSync(file, { flag: 'r', encoding: 'utf8' });
    const agent = agents.start({ flags: ['--state-file', file], ...(asNobody ? { uid: NOBODY, gid: NOBODY } : {}) });
    await agent.waitForStatus('stable');

    const errors = (await replay(agent)).filter((e) => e.event === 'agent_error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.data.level).toBe('warning');
    expect(String(errors[0]!.data.message)).toMatch(/^Failed to restore previous session: /);

    const fresh = await messages(agent);
    expect(fresh.map((m) => m.role)).toEqual(['agent']);
    expect(trimU(fresh[0]!.content)).toMatch(/^Hello! I'm the taskyard demo agent/);
    expect(statSync(file).isDirectory() ? 'dir' : readFileSync(file, 'utf8')).toBe(before);

    expect((await agent.postMessage('still works')).status).toBe(200);
    await agent.waitForStatus('stable');
    expect((await messages(agent)).map((m) => trimU(m.content)).slice(1)).toEqual(['still works', 'Echo: still works']);
    expect(await agent.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    if (!statSync(file).isDirectory()) {
      // The next save replaced the broken file with the new conversation.
      expect((JSON.parse(readFileSync(file, 'utf8')) as { messages: unknown[] }).messages).toHaveLength(3);
    }
  });

  it.concurrent('a missing file is silent: no event, a fresh conversation, saved on shutdown', async (context) => {
    const { expect } = context;
    const { dir, agents } = scope(context);
    const file = path.join(dir, 'new', 'state.json');
    const agent = agents.start({ flags: ['--state-file', file] });
    await agent.waitForStatus('stable');
    expect((await replay(agent)).filter((e) => e.event === 'agent_error')).toEqual([]);
    await agent.waitForLog((l) => l.msg === 'No previous state to load (file does not exist)');
    expect(await agent.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(existsSync(file)).toBe(true);
  });
});

describe('PID file (§8)', () => {
  it.concurrent('refuses a second instance with the exact message while the first runs; takes over after kill -9', async (context) => {
    const { expect } = context;
    const { dir, agents } = scope(context);
    const pidFile = path.join(dir, 'agentapi.pid');
    const first = agents.start({ flags: ['--pid-file', pidFile] });
    await first.port();
    const second = agents.start({ flags: ['--pid-file', pidFile] });
    expect((await second.exited).code).toBe(1);
    expect(second.stderr).toBe(
      `Error: failed to write PID file: another instance is already running with PID ${first.pid} (PID file: ${pidFile})\n`,
    );
    expect(readFileSync(pidFile, 'utf8')).toBe(`${first.pid}\n`);

    await first.stop('SIGKILL');
    const third = agents.start({ flags: ['--pid-file', pidFile] });
    await third.port();
    expect(readFileSync(pidFile, 'utf8')).toBe(`${third.pid}\n`);
    await third.waitForLog((l) => l.msg === 'Found stale PID file, will overwrite');
    expect(await third.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(existsSync(pidFile)).toBe(false);
  });

  it.concurrent.for<[string, (f: string) => void]>([
    ['garbage content', (f: string) => writeFileSync(f, 'garbage\n')],
    ['a missing directory', (f: string) => rmSync(path.dirname(f), { recursive: true, force: true })],
  ])('overwrites %s', async ([_name, prepare], context) => {
    const { expect } = context;
    const { dir, agents } = scope(context);
    const pidFile = path.join(dir, 'run', 'agentapi.pid');
    mkdirSync(path.dirname(pidFile), { recursive: true });
    prepare(pidFile);
    const agent = agents.start({ flags: ['--pid-file', pidFile] });
    await agent.port();
    expect(readFileSync(pidFile, 'utf8')).toBe(`${agent.pid}\n`);
    expect(statSync(pidFile).mode & 0o777).toBe(0o600);
    await agent.stop('SIGTERM');
    expect(existsSync(pidFile)).toBe(false);
  });

  it.concurrent('leaves a PID file that another process took over', async (context) => {
    const { expect } = context;
    const { dir, agents } = scope(context);
    const pidFile = path.join(dir, 'agentapi.pid');
    const agent = agents.start({ flags: ['--pid-file', pidFile] });
    await agent.port();
    writeFileSync(pidFile, '4242\n');
    await agent.stop('SIGTERM');
    expect(readFileSync(pidFile, 'utf8')).toBe('4242\n');
  });

  it.concurrent('--print-openapi removes its PID file before exiting', async (context) => {
    const { expect } = context;
    const { dir, agents } = scope(context);
    const pidFile = path.join(dir, 'agentapi.pid');
    const agent = agents.start({ flags: ['--pid-file', pidFile, '--print-openapi'] });
    expect((await agent.exited).code).toBe(0);
    expect(existsSync(pidFile)).toBe(false);
    expect(agent.stdout.startsWith('{')).toBe(true);
  });
});

describe('signals (§7.2, §9)', () => {
  const neverReady = ['sh', '-c', 'echo booting; sleep 60'];

  it.concurrent('SIGUSR1 saves every time it is sent and the process keeps serving', async (context) => {
    const { expect } = context;
    const { dir, agents } = scope(context);
    const file = path.join(dir, 'state.json');
    const agent = agents.start({ flags: ['--state-file', file] });
    await agent.waitForStatus('stable');
    // Scripts watch (inode, mtime): an inode number alone may be reused by the next rename.
    const identities = new Set<string>();
    for (let i = 0; i < 3; i++) {
      agent.signal('SIGUSR1');
      await agent.waitForLog(() => agent.logsWithMsg('State saved successfully').length > i);
      const s = statSync(file, { bigint: true });
      identities.add(`${s.ino}:${s.mtimeNs}`);
    }
    expect(identities.size).toBe(3);
    expect(existsSync(`${file}.tmp`)).toBe(false);
    expect((await agent.getJson('/status')).status).toBe('stable');
  });

  it.concurrent('SIGUSR1 with persistence off only logs, and never kills the process', async (context) => {
    const { expect } = context;
    const { agents } = scope(context);
    const agent = agents.start();
    await agent.port();
    agent.signal('SIGUSR1');
    await agent.waitForLog((l) => l.msg === 'State persistence is disabled');
    expect((await agent.getJson('/status')).agent_type).toBe('custom');
  });

  it.concurrent('before the agent is ready, SIGUSR1 rewrites the saved bytes and SIGTERM leaves them alone', async (context) => {
    const { expect } = context;
    const { dir, agents } = scope(context);
    const file = path.join(dir, 'state.json');
    const original = '{"version":1,"messages":[{"id":0,"message":"precious","role":"agent","time":"2025-01-01T00:00:00Z"}],"initial_prompt":"","initial_prompt_sent":false}\n';
    writeFileSync(file, original);
    const inode = statSync(file).ino;
    const agent = agents.start({ flags: ['--state-file', file], agent: neverReady });
    await agent.port();
    agent.signal('SIGUSR1');
    const deadline = Date.now() + 5_000;
    while (statSync(file).ino === inode && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(statSync(file).ino).not.toBe(inode);
    expect(readFileSync(file, 'utf8')).toBe(original);
    expect(await agent.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(readFileSync(file, 'utf8')).toBe(original);
    expect(agent.logsWithMsg('Skipping state save: previous state not loaded yet')).toHaveLength(1);
  });

  it.concurrent('an agent that ignores SIGINT is killed about 5 s into shutdown', async (context) => {
    const { expect } = context;
    const { agents } = scope(context);
    const agent = agents.start({ agent: ['sh', '-c', 'trap "" INT; echo "> "; while true; do sleep 1; done'] });
    await agent.port();
    const t0 = Date.now();
    expect(await agent.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(4_500);
    expect(took).toBeLessThan(11_000);
  });

  it.concurrent('when the agent exits, agentapi saves and exits 0; a failing agent gives exit 1', async (context) => {
    const { expect } = context;
    const { dir, agents } = scope(context);
    // Each agent shows a prompt first, so it becomes ready and its output is worth saving.
    const ok = path.join(dir, 'ok.json');
    const good = agents.start({ flags: ['--state-file', ok], agent: ['sh', '-c', 'echo "all done"; echo "> "; sleep 3'] });
    expect((await good.exited).code).toBe(0);
    expect((JSON.parse(readFileSync(ok, 'utf8')) as { messages: { message: string }[] }).messages[0]!.message).toContain(
      'all done',
    );

    const bad = path.join(dir, 'bad.json');
    const failing = agents.start({ flags: ['--state-file', bad], agent: ['sh', '-c', 'echo "it broke"; echo "> "; sleep 3; exit 2'] });
    expect((await failing.exited).code).toBe(1);
    expect(failing.stderr).toContain('it broke');
    expect(existsSync(bad)).toBe(true);

    // An agent that dies before it was ever ready must not overwrite a saved history.
    const kept = path.join(dir, 'kept.json');
    writeFileSync(kept, '{"version":1,"messages":[],"initial_prompt":"keep me","initial_prompt_sent":true}\n');
    const early = agents.start({ flags: ['--state-file', kept], agent: ['sh', '-c', 'echo "no prompt yet"; sleep 1'] });
    expect((await early.exited).code).toBe(0);
    expect(readFileSync(kept, 'utf8')).toContain('keep me');
  });
});
