// The short lifecycle soak inside `npm test` (issue #8): 5 demo tasks on one
// real `taskyard server`, each created and conversing, then paused, resumed
// and conversing again at a random concurrency, with each fault injected
// once (kill -9 of AgentAPI during the pause, the control plane unreachable
// while the shutdown script posts, /messages slower than the fetch timeout).
// What is asserted is listed in test/soak/soak-task.ts and soak.ts; the
// seed is random and printed on failure (replay: TASKYARD_SOAK_SEED=<seed>).
// The full soak (50 tasks, 3 cycles) is `npm run soak`.
import { describe, expect, it } from 'vitest';
import { randomSeed } from './soak/prng.js';
import { runSoak, SHORT_SOAK } from './soak/soak.js';
import { FAULT_KINDS } from './soak/soak-task.js';

describe('lifecycle soak (short)', () => {
  it('5 tasks, 1 cycle, each fault once: no message lost beyond the guarantee, snapshots as promised, pauses within the bound, no process left, memory bounded', { timeout: 200_000 }, async () => {
    const seed = process.env.TASKYARD_SOAK_SEED ? Number(process.env.TASKYARD_SOAK_SEED) : randomSeed();
    const progress: string[] = [];
    const report = await runSoak({ ...SHORT_SOAK, seed, log: (line) => progress.push(line) });
    const context = `seed ${seed} (replay: TASKYARD_SOAK_SEED=${seed})\n${progress.join('\n')}`;

    expect(report.violations, context).toEqual([]);
    expect(report.pending, context).toEqual([]);
    expect(report.orphans, context).toEqual([]);
    expect(report.pauses.map((p) => p.fault).filter((f) => f !== 'none').sort(), context).toEqual([...FAULT_KINDS].sort());
    // One pause per task and cycle, and a final one before the tasks are deleted.
    expect(report.pauses, context).toHaveLength(SHORT_SOAK.tasks * (SHORT_SOAK.cycles + 1));
    for (const pause of report.pauses) expect(pause.latencyMs, `${pause.task} (${pause.fault})\n${context}`).toBeLessThanOrEqual(report.pauseBoundMs);
    // Every fault keeps the previous snapshot (none here: it is the task's first pause); every clean pause stores a new one.
    expect(report.pauses.filter((p) => p.fault === 'none').every((p) => p.snapshot === 'new'), context).toBe(true);
    expect(report.pauses.filter((p) => p.fault !== 'none').every((p) => p.snapshot === 'none'), context).toBe(true);
    // Only the kill -9 before the save loses turns (back to a fresh start: no earlier save exists).
    expect(report.resumes.filter((r) => r.restoredFrom === 'fresh-start').map((r) => r.task), context).toEqual(report.pauses.filter((p) => p.fault === 'kill-agentapi' && !p.stateSaved).map((p) => p.task));
    expect(report.passed, context).toBe(true);
  });
});
