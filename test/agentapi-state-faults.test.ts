// Fault injection (issue 3): kill -9 at a random moment inside a SIGUSR1 save.
// The state file must always parse and hold the old or the new conversation
// in full, never a mixture: the atomic tmp + fsync + rename at work.
// The iterations are spread over a few lanes that run side by side, each with
// its own state file and one agentapi at a time: an iteration mostly waits for
// a process to start, and the lanes share nothing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentApiSet } from './helpers/agentapi-process.js';

const ITERATIONS = 100;
const LANES = 4;
const MESSAGES = 1000;

interface SavedFile {
  version: number;
  messages: { id: number; message: string; role: string; time: string }[];
  initial_prompt: string;
  initial_prompt_sent: boolean;
}

function baseState(): SavedFile {
  return {
    version: 1,
    messages: Array.from({ length: MESSAGES }, (_, id) => ({
      id,
      // Ends with an agent message, so the restored history stays as it is (frozen).
      message: id % 2 === 1 ? `reply ${id} ${'text '.repeat(40)}` : `question ${id}`,
      role: id % 2 === 1 ? 'agent' : 'user',
      time: '2025-01-01T00:00:00Z',
    })),
    initial_prompt: 'iteration 0',
    initial_prompt_sent: true,
  };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'agentapi-faults-'));
const agents = new AgentApiSet(dir);
afterAll(async () => {
  await agents.stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 during a save', () => {
  it(`leaves a whole old or whole new state file, ${ITERATIONS} times in a row`, { timeout: 240_000 }, async () => {
    const base = baseState();
    const outcomes = { old: 0, new: 0 };

    /** Iterations lane+1, lane+1+LANES, … one after another on the lane's own state file. */
    async function lane(index: number): Promise<void> {
      const file = path.join(dir, `state-${index}.json`);
      writeFileSync(file, `${JSON.stringify(base)}\n`);
      let current = base.initial_prompt;
      for (let i = index + 1; i <= ITERATIONS; i += LANES) {
        const next = `iteration ${i}`;
        // A different prompt makes the new conversation distinguishable from the old.
        // A shell prompt is ready at once; the agent's own startup is not under test here.
        const agent = agents.start({
          flags: ['--state-file', file, '--initial-prompt', next],
          agent: ['sh', '-c', 'echo "> "; exec sleep 60'],
        });
        await agent.waitForLog((l) => l.msg === 'State loaded successfully');
        agent.signal('SIGUSR1');
        // A random moment from "not started yet" to "just finished" (a save here takes a few ms).
        await new Promise((r) => setTimeout(r, Math.random() * 12));
        agent.signal('SIGKILL');
        await agent.exited;

        const saved = JSON.parse(readFileSync(file, 'utf8')) as SavedFile;
        expect(saved.version).toBe(1);
        expect(saved.messages).toEqual(base.messages);
        expect([current, next]).toContain(saved.initial_prompt);
        outcomes[saved.initial_prompt === next ? 'new' : 'old']++;
        current = saved.initial_prompt;
      }
    }

    await Promise.all(Array.from({ length: LANES }, (_, index) => lane(index)));
    expect(outcomes.old + outcomes.new).toBe(ITERATIONS);
    console.info(`kill -9 during save: ${outcomes.old} × old file kept, ${outcomes.new} × new file written`);
    // Some kills must land after the rename, or the saves never ran at all.
    expect(outcomes.new).toBeGreaterThan(0);
  });
});
