// Conformance tests for the unit manager: every acceptance check of spec
// agent.md §1.5 (the DOT goldens live in graph.test.ts, concurrency in
// manager.concurrency.test.ts), plus change notification semantics.
// In-process only: must never open sockets or spawn processes.
import { describe, expect, it } from 'vitest';
import { isUnitError } from './errors.js';
import { UnitManager } from './manager.js';
import type { UnitStatus } from './types.js';

function readiness(manager: UnitManager, ...ids: string[]): Record<string, boolean> {
  return Object.fromEntries(ids.map((id) => [id, manager.isReady(id)]));
}

describe('empty names → UNIT_ID_REQUIRED', () => {
  const operations: Array<[string, (m: UnitManager) => unknown]> = [
    ['register', (m) => m.register('')],
    ['unit', (m) => m.unit('')],
    ['isReady', (m) => m.isReady('')],
    ['addDependency (unit)', (m) => m.addDependency('', 'a', 'completed')],
    ['addDependency (dependsOn)', (m) => m.addDependency('a', '', 'completed')],
    ['updateStatus', (m) => m.updateStatus('', 'started')],
    ['getAllDependencies', (m) => m.getAllDependencies('')],
    ['getUnmetDependencies', (m) => m.getUnmetDependencies('')],
  ];

  it.each(operations)('%s', (_name, run) => {
    const manager = new UnitManager();
    manager.register('a');
    let notified = 0;
    manager.subscribe(() => notified++);
    let error: unknown;
    try {
      run(manager);
    } catch (err) {
      error = err;
    }
    expect(isUnitError(error, 'UNIT_ID_REQUIRED')).toBe(true);
    expect((error as Error).message).toBe('unit name is required');
    expect(notified).toBe(0);
    expect(manager.listUnits()).toEqual([{ id: 'a', status: 'pending', ready: true }]);
  });
});

describe('register', () => {
  it('a new unit is pending and ready', () => {
    const manager = new UnitManager();
    manager.register('a');
    expect(manager.unit('a')).toEqual({ id: 'a', status: 'pending', ready: true });
    expect(manager.isReady('a')).toBe(true);
  });

  it('a duplicate fails and keeps the earlier status', () => {
    const manager = new UnitManager();
    manager.register('a');
    manager.updateStatus('a', 'started');
    expect(() => manager.register('a')).toThrow('registering unit "a": unit already registered');
    expect(manager.unit('a')).toEqual({ id: 'a', status: 'started', ready: true });
  });
});

describe('unit and isReady of unregistered units', () => {
  it('unit() returns a placeholder without error', () => {
    expect(new UnitManager().unit('ghost')).toEqual({ id: 'ghost', status: '', ready: false });
  });

  it('isReady() is true without error', () => {
    expect(new UnitManager().isReady('ghost')).toBe(true);
  });
});

describe('readiness scenarios', () => {
  it('A→B(started): follows B exactly, including going backwards', () => {
    const m = new UnitManager();
    m.register('A');
    m.register('B');
    m.addDependency('A', 'B', 'started');
    expect(readiness(m, 'A', 'B')).toEqual({ A: false, B: true });
    m.updateStatus('B', 'started');
    expect(readiness(m, 'A', 'B')).toEqual({ A: true, B: true });
    m.updateStatus('B', 'pending');
    expect(readiness(m, 'A', 'B')).toEqual({ A: false, B: true });
    m.updateStatus('B', 'started');
    m.updateStatus('B', 'completed');
    expect(m.isReady('A')).toBe(false); // exact match: completed ≠ started
  });

  it('dependency on an unregistered unit', () => {
    const m = new UnitManager();
    m.register('A');
    m.addDependency('A', 'B', 'started');
    expect(m.getAllDependencies('A')).toEqual([
      { unit: 'A', depends_on: 'B', required_status: 'started', current_status: '', is_satisfied: false },
    ]);
    expect(m.getUnmetDependencies('A')).toHaveLength(1);
    expect(m.isReady('A')).toBe(false);
    m.register('B');
    expect(m.isReady('A')).toBe(false);
    m.updateStatus('B', 'started');
    expect(m.isReady('A')).toBe(true);
    expect(m.getUnmetDependencies('A')).toEqual([]);
  });

  it('chain A→B→C→D rejects D→A; re-adding A→B overwrites the required status', () => {
    const m = new UnitManager();
    for (const id of ['A', 'B', 'C', 'D']) m.register(id);
    m.addDependency('A', 'B', 'started');
    m.addDependency('B', 'C', 'started');
    m.addDependency('C', 'D', 'started');
    let error: unknown;
    try {
      m.addDependency('D', 'A', 'started');
    } catch (err) {
      error = err;
    }
    expect(isUnitError(error, 'CYCLE_DETECTED')).toBe(true);
    expect(isUnitError(error, 'FAILED_TO_ADD_DEPENDENCY')).toBe(true);
    expect(m.getAllDependencies('D')).toEqual([]);
    expect(m.isReady('D')).toBe(true);
    m.addDependency('A', 'B', 'completed');
    expect(m.getAllDependencies('A')).toEqual([
      { unit: 'A', depends_on: 'B', required_status: 'completed', current_status: 'pending', is_satisfied: false },
    ]);
  });

  it('linear A→B(started), B→C(completed)', () => {
    const m = new UnitManager();
    for (const id of ['A', 'B', 'C']) m.register(id);
    m.addDependency('A', 'B', 'started');
    m.addDependency('B', 'C', 'completed');
    expect(readiness(m, 'A', 'B', 'C')).toEqual({ A: false, B: false, C: true });
    m.updateStatus('C', 'completed');
    expect(readiness(m, 'A', 'B', 'C')).toEqual({ A: false, B: true, C: true });
    m.updateStatus('B', 'started');
    expect(readiness(m, 'A', 'B', 'C')).toEqual({ A: true, B: true, C: true });
  });

  it('diamond A→{B,C}(started), {B,C}→D(completed)', () => {
    const m = new UnitManager();
    for (const id of ['A', 'B', 'C', 'D']) m.register(id);
    m.addDependency('A', 'B', 'started');
    m.addDependency('A', 'C', 'started');
    m.addDependency('B', 'D', 'completed');
    m.addDependency('C', 'D', 'completed');
    expect(readiness(m, 'A', 'B', 'C', 'D')).toEqual({ A: false, B: false, C: false, D: true });
    m.updateStatus('D', 'completed');
    expect(readiness(m, 'A', 'B', 'C', 'D')).toEqual({ A: false, B: true, C: true, D: true });
    m.updateStatus('B', 'started');
    expect(m.isReady('A')).toBe(false);
    m.updateStatus('C', 'started');
    expect(m.isReady('A')).toBe(true);
  });
});

describe('updateStatus', () => {
  it.each<[UnitStatus, UnitStatus]>([
    ['pending', 'started'],
    ['pending', 'completed'],
    ['started', 'completed'],
    ['completed', 'started'],
    ['completed', 'pending'],
  ])('allows %s → %s', (from, to) => {
    const m = new UnitManager();
    m.register('a');
    if (from !== 'pending') m.updateStatus('a', from);
    m.updateStatus('a', to);
    expect(m.unit('a').status).toBe(to);
  });

  it.each<UnitStatus>(['pending', 'started', 'completed'])('rejects the same status %s', (status) => {
    const m = new UnitManager();
    m.register('a');
    if (status !== 'pending') m.updateStatus('a', status);
    expect(() => m.updateStatus('a', status)).toThrow('checking status for unit "a": same status already set');
  });

  it('rejects unregistered units with UNIT_NOT_FOUND', () => {
    const m = new UnitManager();
    expect(() => m.updateStatus('a', 'started')).toThrow(expect.objectContaining({ code: 'UNIT_NOT_FOUND' }));
  });
});

describe('queries', () => {
  it('listUnits is sorted by id and holds only registered units', () => {
    const m = new UnitManager();
    for (const id of ['b', 'a', 'c']) m.register(id);
    m.addDependency('a', 'zz-unregistered', 'completed');
    expect(m.listUnits().map((u) => u.id)).toEqual(['a', 'b', 'c']);
  });

  it('getAllDependencies is sorted by depends_on and [] when none', () => {
    const m = new UnitManager();
    m.register('a');
    expect(m.getAllDependencies('a')).toEqual([]);
    for (const dep of ['d', 'b', 'c']) m.addDependency('a', dep, 'completed');
    expect(m.getAllDependencies('a').map((d) => d.depends_on)).toEqual(['b', 'c', 'd']);
  });

  it('sorts names in code-point order like Go', () => {
    const m = new UnitManager();
    for (const id of ['\u{1F600}', '\uFF5E', 'a']) m.register(id);
    expect(m.listUnits().map((u) => u.id)).toEqual(['a', '\uFF5E', '\u{1F600}']);
  });

  it('snapshots are copies', () => {
    const m = new UnitManager();
    m.register('a');
    const snapshot = m.unit('a');
    snapshot.status = 'completed';
    expect(m.unit('a').status).toBe('pending');
  });
});

describe('change notification', () => {
  async function isSettled(promise: Promise<void>): Promise<boolean> {
    let settled = false;
    void promise.then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    return settled;
  }

  it('watch() is pending before a change, resolved after updateStatus, and a new watch() is pending again', async () => {
    const m = new UnitManager();
    m.register('a');
    const first = m.watch();
    expect(await isSettled(first)).toBe(false);
    m.updateStatus('a', 'started');
    expect(await isSettled(first)).toBe(true);
    expect(await isSettled(m.watch())).toBe(false);
  });

  it.each<[string, (m: UnitManager) => void]>([
    ['register', (m) => m.register('new')],
    ['addDependency', (m) => m.addDependency('a', 'b', 'completed')],
    ['updateStatus', (m) => m.updateStatus('a', 'started')],
  ])('%s notifies subscribers and watchers once', async (_name, mutate) => {
    const m = new UnitManager();
    m.register('a');
    let calls = 0;
    m.subscribe(() => calls++);
    const watched = m.watch();
    mutate(m);
    expect(calls).toBe(1);
    expect(await isSettled(watched)).toBe(true);
  });

  it.each<[string, (m: UnitManager) => void]>([
    ['duplicate register', (m) => m.register('a')],
    ['cycle', (m) => m.addDependency('a', 'a', 'completed')],
    ['same status', (m) => m.updateStatus('a', 'pending')],
    ['unregistered update', (m) => m.updateStatus('ghost', 'started')],
    ['empty name', (m) => m.register('')],
  ])('a failed %s notifies nobody', async (_name, mutate) => {
    const m = new UnitManager();
    m.register('a');
    let calls = 0;
    m.subscribe(() => calls++);
    const watched = m.watch();
    expect(() => mutate(m)).toThrow();
    expect(calls).toBe(0);
    expect(await isSettled(watched)).toBe(false);
  });

  it('listeners see the new state and can unsubscribe', () => {
    const m = new UnitManager();
    m.register('a');
    const seen: UnitStatus[] = [];
    const unsubscribe = m.subscribe(() => seen.push(m.unit('a').status));
    m.updateStatus('a', 'started');
    m.updateStatus('a', 'completed');
    unsubscribe();
    unsubscribe();
    m.updateStatus('a', 'started');
    expect(seen).toEqual(['started', 'completed']);
  });

  it('a throwing listener neither undoes the mutation nor starves other listeners', () => {
    const reported: unknown[] = [];
    const m = new UnitManager({ onListenerError: (err) => reported.push(err) });
    m.register('a');
    const boom = new Error('listener bug');
    m.subscribe(() => {
      throw boom;
    });
    let second = 0;
    m.subscribe(() => second++);
    m.updateStatus('a', 'started');
    expect(m.unit('a').status).toBe('started');
    expect(second).toBe(1);
    expect(reported).toEqual([boom]);
  });
});
