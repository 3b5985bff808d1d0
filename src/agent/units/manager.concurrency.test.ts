// §1.5 concurrency check: 50 interleaved writer tasks adding edges and
// flipping statuses, 100 reader tasks checking invariants on every read, and
// 50 attempts to close the cycle D→A on chain A→B→C→D. JavaScript has no
// threads, so "concurrent" means tasks interleaving at every await — exactly
// where a non-atomic mutation would show torn state.
// In-process only: must never rely on wall-clock timing, just on interleaving.
import { describe, expect, it } from 'vitest';
import { isUnitError } from './errors.js';
import { UnitManager } from './manager.js';

const WRITERS = 50;
const READERS = 100;
const CYCLE_ATTEMPTS = 50;
const ROUNDS = 20;

function yieldToOthers(i: number): Promise<void> {
  // Mix microtask and macrotask boundaries so tasks interleave unevenly.
  return i % 3 === 0 ? new Promise((resolve) => setImmediate(resolve)) : Promise.resolve();
}

/** Broken invariants as text ([] when the state is consistent). Plain code, not expect(): it runs thousands of times. */
function invariantViolations(manager: UnitManager): string[] {
  const violations: string[] = [];
  const units = manager.listUnits();
  const ids = units.map((u) => u.id);
  if (ids.join('\n') !== [...ids].sort().join('\n')) violations.push(`listUnits not sorted: ${ids.join(',')}`);
  for (const unit of units) {
    const dependencies = manager.getAllDependencies(unit.id);
    for (const d of dependencies) {
      if (d.unit !== unit.id) violations.push(`${unit.id}: dependency of ${d.unit}`);
      if (d.current_status !== manager.unit(d.depends_on).status) violations.push(`${unit.id}: stale current status of ${d.depends_on}`);
      if (d.is_satisfied !== (d.current_status === d.required_status)) violations.push(`${unit.id}: wrong is_satisfied for ${d.depends_on}`);
    }
    // Every edge requires `completed`, so registration never makes a cached readiness stale.
    if (unit.ready !== dependencies.every((d) => d.is_satisfied)) violations.push(`${unit.id}: readiness ${unit.ready} disagrees with dependencies`);
    if (manager.isReady(unit.id) !== unit.ready) violations.push(`${unit.id}: isReady disagrees with listUnits`);
  }
  if (!/^strict digraph units \{\n[\s\S]*\n\}$/.test(manager.exportDOT('units'))) violations.push('DOT malformed');
  return violations;
}

describe('concurrency (§1.5)', () => {
  it('50 writers, 100 readers and 50 cycle attempts never corrupt state', async () => {
    const manager = new UnitManager();
    for (const id of ['A', 'B', 'C', 'D']) manager.register(id);
    manager.addDependency('A', 'B', 'completed');
    manager.addDependency('B', 'C', 'completed');
    manager.addDependency('C', 'D', 'completed');
    for (let w = 0; w < WRITERS; w++) manager.register(`w${w}`);

    let reads = 0;
    const violations: string[] = [];

    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      for (let round = 0; round < ROUNDS; round++) {
        await yieldToOthers(w + round);
        // Edges only point to higher-numbered writers: the writer graph stays acyclic.
        const target = (w + 1 + round) % WRITERS;
        if (target > w) manager.addDependency(`w${w}`, `w${target}`, 'completed');
        const next = round % 2 === 0 ? 'started' : 'completed';
        manager.updateStatus(`w${w}`, next);
      }
    });

    const readers = Array.from({ length: READERS }, async (_, r) => {
      for (let i = 0; i < ROUNDS; i++) {
        await yieldToOthers(r + i); // a macrotask at least every third read, so writers progress
        violations.push(...invariantViolations(manager));
        reads++;
      }
    });

    const cycleErrors: unknown[] = [];
    const cycleAttempts = Array.from({ length: CYCLE_ATTEMPTS }, async (_, i) => {
      await yieldToOthers(i);
      try {
        manager.addDependency('D', 'A', 'completed');
      } catch (err) {
        cycleErrors.push(err);
      }
    });

    await Promise.all([...writers, ...readers, ...cycleAttempts]);

    expect(cycleErrors).toHaveLength(CYCLE_ATTEMPTS);
    for (const err of cycleErrors) expect(isUnitError(err, 'CYCLE_DETECTED')).toBe(true);
    expect(manager.getAllDependencies('D')).toEqual([]);
    expect(reads).toBe(READERS * ROUNDS);
    expect(violations).toEqual([]);
    expect(invariantViolations(manager)).toEqual([]);

    // Every writer ends on `completed` (ROUNDS is even), so every writer is ready.
    for (let w = 0; w < WRITERS; w++) expect(manager.unit(`w${w}`)).toEqual({ id: `w${w}`, status: 'completed', ready: true });

    const dot = manager.exportDOT('units');
    const nodeLines = dot.split('\n').filter((line) => /^ {2}\d+;$/.test(line));
    expect(nodeLines).toHaveLength(4 + WRITERS);
    const edgeLines = dot.split('\n').filter((line) => /^ {2}\d+ -> \d+;$/.test(line));
    const expectedEdges = 3 + manager.listUnits().reduce((n, u) => n + (u.id.startsWith('w') ? manager.getAllDependencies(u.id).length : 0), 0);
    expect(edgeLines).toHaveLength(expectedEdges);
    expect(edgeLines).not.toContain('  4 -> 1;');
  });
});
