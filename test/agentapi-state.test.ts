// State persistence through the real bin and the demo agent: save on SIGUSR1
// and SIGTERM, restore on restart, initial-prompt reconciliation (§7).
// The cases run concurrently (most of their time is the 2 s stability
// window), each with its own dir and processes.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trimU } from '../src/agentapi/format/text.js';
import { AgentApiSet, agentApiTestScope, demoAgent, PROJECT_ROOT, type AgentApiProcess } from './helpers/agentapi-process.js';

interface SavedFile {
  version: number;
  messages: { id: number; message: string; role: string; time: string }[];
  initial_prompt: string;
  initial_prompt_sent: boolean;
}
interface MessagesBody {
  messages: { id: number; content: string; role: string; time: string }[];
}

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const UPSTREAM_GOLDEN = path.resolve(PROJECT_ROOT, '../shared/fixtures/agentapi/expected_saved_state.json');
if (!existsSync(UPSTREAM_GOLDEN)) console.warn(`note: ${UPSTREAM_GOLDEN} absent; upstream golden checks skipped`);

const readSaved = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as SavedFile;
const identity = (file: string) => {
  const s = statSync(file, { bigint: true });
  return `${s.ino}:${s.mtimeNs}`;
};

/** What a shutdown script does: SIGUSR1, then wait for the rename (no blind sleep). */
async function saveNow(agent: AgentApiProcess, file: string): Promise<void> {
  const before = existsSync(file) ? identity(file) : '';
  agent.signal('SIGUSR1');
  const deadline = Date.now() + 5_000;
  while (!existsSync(file) || identity(file) === before) {
    if (Date.now() > deadline) throw new Error('state file was not replaced after SIGUSR1');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function stableMessages(agent: AgentApiProcess, count: number): Promise<MessagesBody['messages']> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    await agent.waitForStatus('stable');
    const { messages } = await agent.getJson<MessagesBody>('/messages');
    if (messages.length >= count) return messages;
    if (Date.now() > deadline) throw new Error(`wanted ${count} messages, have ${JSON.stringify(messages)}`);
  }
}

const view = (messages: MessagesBody['messages']) => messages.map((m) => [m.id, m.role, trimU(m.content)]);

describe.concurrent('state round trip', () => {
  it('converse → SIGUSR1 → restart restores identical messages → SIGTERM saves again and removes the PID file', async ({ expect, onTestFinished }) => {
    const { dir, agents } = agentApiTestScope({ onTestFinished }, 'agentapi-state-');
    const state = path.join(dir, 'nested', 'state.json');
    const pidFile = path.join(dir, 'agentapi.pid');
    const flags = ['--state-file', state, '--pid-file', pidFile];

    const first = agents.start({ flags });
    await first.waitForStatus('stable');
    expect(readFileSync(pidFile, 'utf8')).toBe(`${first.pid}\n`);
    expect(statSync(pidFile).mode & 0o777).toBe(0o600);
    expect((await first.postMessage('remember this')).status).toBe(200);
    const before = await stableMessages(first, 3);

    await saveNow(first, state);
    expect(statSync(state).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(state)).mode & 0o777).toBe(0o700);
    expect(existsSync(`${state}.tmp`)).toBe(false);
    const saved = readSaved(state);
    expect(Object.keys(saved)).toEqual(['version', 'messages', 'initial_prompt', 'initial_prompt_sent']);
    expect(saved.version).toBe(1);
    expect(saved.messages.map((m) => Object.keys(m))).toEqual(before.map(() => ['id', 'message', 'role', 'time']));
    expect(saved.messages.map((m) => [m.id, m.role, m.message, m.time])).toEqual(
      before.map((m) => [m.id, m.role, m.content, m.time]),
    );
    // SIGUSR1 leaves the server running.
    expect((await first.getJson('/status')).status).toBe('stable');
    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(existsSync(pidFile)).toBe(false);

    const second = agents.start({ flags });
    const restored = await stableMessages(second, 3);
    expect(restored).toEqual(before);
    expect((await second.postMessage('and this')).status).toBe(200);
    const after = await stableMessages(second, 5);
    expect(view(after).slice(3)).toEqual([
      [3, 'user', 'and this'],
      [4, 'agent', 'Echo: and this'],
    ]);
    expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(existsSync(pidFile)).toBe(false);
    expect(readSaved(state).messages.map((m) => m.message)).toEqual(after.map((m) => m.content));
    expect(second.logsWithMsg('State saved successfully').map((l) => l.source)).toEqual(['shutdown']);
  });

  it('saves the golden shape: greeting, the initial prompt, its response', async ({ expect, onTestFinished }) => {
    const { dir, agents } = agentApiTestScope({ onTestFinished }, 'agentapi-state-');
    const state = path.join(dir, 'state.json');
    const agent = agents.start({
      flags: ['--state-file', state, '--initial-prompt', 'test prompt'],
      agent: demoAgent(fixture('golden-script.json')),
    });
    await stableMessages(agent, 3);
    expect(await agent.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const saved = readSaved(state);
    const expected: SavedFile = existsSync(UPSTREAM_GOLDEN)
      ? (JSON.parse(readFileSync(UPSTREAM_GOLDEN, 'utf8')) as SavedFile)
      : {
          version: 1,
          messages: [
            { id: 0, message: 'Hello! Ready to help.', role: 'agent', time: '' },
            { id: 1, message: 'test prompt', role: 'user', time: '' },
            { id: 2, message: 'Response to test prompt', role: 'agent', time: '' },
          ],
          initial_prompt: 'test prompt',
          initial_prompt_sent: true,
        };
    expect(saved.version).toBe(expected.version);
    expect(saved.initial_prompt).toBe(expected.initial_prompt);
    expect(saved.initial_prompt_sent).toBe(expected.initial_prompt_sent);
    expect(saved.messages.map((m) => [m.id, trimU(m.message), m.role])).toEqual(
      expected.messages.map((m) => [m.id, m.message, m.role]),
    );
  });

  it.skipIf(!existsSync(UPSTREAM_GOLDEN))('loading the upstream golden file and saving with no activity keeps its messages verbatim', async ({ expect, onTestFinished }) => {
    const { dir, agents } = agentApiTestScope({ onTestFinished }, 'agentapi-state-');
    const state = path.join(dir, 'state.json');
    copyFileSync(UPSTREAM_GOLDEN, state);
    const agent = agents.start({ flags: ['--state-file', state] });
    await agent.waitForLog((l) => l.msg === 'State loaded successfully');
    await saveNow(agent, state);
    expect(readSaved(state).messages).toEqual((JSON.parse(readFileSync(UPSTREAM_GOLDEN, 'utf8')) as SavedFile).messages);
  });
});

describe.concurrent('initial prompt after a restore (§7.7)', () => {
  // One base conversation serves every case: each restarts on its own copy.
  let baseDir: string;
  let baseAgents: AgentApiSet;
  let saved: string;

  /** A state file from a run with initial prompt "test prompt" (3 messages). */
  async function conversationWithPrompt(): Promise<string> {
    const state = path.join(baseDir, 'base.json');
    const agent = baseAgents.start({ flags: ['--state-file', state, '--initial-prompt', 'test prompt'] });
    await stableMessages(agent, 3);
    expect(await agent.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    return state;
  }

  /** Restarts on a copy of `source` (the base conversation unless given). */
  async function restartWith(agents: AgentApiSet, dir: string, prompt: string | undefined, expectCount: number, source = saved) {
    const state = path.join(dir, 'run.json');
    copyFileSync(source, state);
    const flags = ['--state-file', state, ...(prompt !== undefined ? ['--initial-prompt', prompt] : [])];
    const agent = agents.start({ flags });
    await agent.waitForLog((l) => l.msg === 'State loaded successfully');
    const messages = await stableMessages(agent, expectCount);
    // Give a wrongly re-sent prompt time to show up before counting.
    await new Promise((r) => setTimeout(r, 2_500));
    const settled = await stableMessages(agent, expectCount);
    await agent.stop('SIGTERM');
    return { messages: settled, first: messages, state };
  }

  beforeAll(async () => {
    baseDir = mkdtempSync(path.join(os.tmpdir(), 'agentapi-state-base-'));
    baseAgents = new AgentApiSet(baseDir);
    saved = await conversationWithPrompt();
  });
  afterAll(async () => {
    await baseAgents.stopAll();
    rmSync(baseDir, { recursive: true, force: true });
  });

  it('same prompt: not sent again, history identical, the restored reply stays frozen', async ({ expect, onTestFinished }) => {
    const { dir, agents } = agentApiTestScope({ onTestFinished }, 'agentapi-state-');
    const original = readSaved(saved);
    const { messages } = await restartWith(agents, dir, 'test prompt', 3);
    expect(messages.map((m) => [m.id, m.role, m.content, m.time])).toEqual(
      original.messages.map((m) => [m.id, m.role, m.message, m.time]),
    );
  });

  it('no prompt: the saved one is adopted and not re-sent', async ({ expect, onTestFinished }) => {
    const { dir, agents } = agentApiTestScope({ onTestFinished }, 'agentapi-state-');
    const { messages, state } = await restartWith(agents, dir, undefined, 3);
    expect(messages).toHaveLength(3);
    expect(readSaved(state).initial_prompt).toBe('test prompt');
  });

  it('different prompt: sent as a new user message with its reply', async ({ expect, onTestFinished }) => {
    const { dir, agents } = agentApiTestScope({ onTestFinished }, 'agentapi-state-');
    const { messages } = await restartWith(agents, dir, 'a different prompt', 5);
    expect(view(messages).slice(3)).toEqual([
      [3, 'user', 'a different prompt'],
      [4, 'agent', 'Echo: a different prompt'],
    ]);
  });

  it('an unsent saved prompt is sent on restore', async ({ expect, onTestFinished }) => {
    const { dir, agents } = agentApiTestScope({ onTestFinished }, 'agentapi-state-');
    const file = readSaved(saved);
    const unsent = path.join(dir, 'unsent.json');
    writeFileSync(unsent, `${JSON.stringify({ ...file, initial_prompt: 'queued task', initial_prompt_sent: false })}\n`);
    const { messages, state } = await restartWith(agents, dir, undefined, 5, unsent);
    expect(view(messages).slice(3)).toEqual([
      [3, 'user', 'queued task'],
      [4, 'agent', 'Echo: queued task'],
    ]);
    expect(readSaved(state)).toMatchObject({ initial_prompt: 'queued task', initial_prompt_sent: true });
  });
});
