import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isScriptError, ScriptRunnerError } from './errors.js';
import { script } from './testdata/harness.js';
import { createRunnerFixture, type RunnerFixture } from './testdata/runner-fixture.js';

let fx: RunnerFixture;
afterEach(async () => {
  await fx.dispose();
});

const outFile = (name: string): string => path.join(fx.out, name);

describe('ScriptRunner: depends_on (§2.8)', () => {
  it('spawns B only after A’s unit is completed', async () => {
    fx = createRunnerFixture();
    const b = script({
      script: 'test -f "$OUT/a-done" && touch "$OUT/b-saw-a"',
      display_name: 'B',
      depends_on: ['A'],
      run_on_start: true,
    });
    await fx.runner.init([b, script({ script: 'sleep 1; touch "$OUT/a-done"', display_name: 'A', run_on_start: true })]);
    expect(fx.manager.getAllDependencies('B')).toEqual([
      { unit: 'B', depends_on: 'A', required_status: 'completed', current_status: 'pending', is_satisfied: false },
    ]);
    await fx.runner.execute('START');
    expect(existsSync(outFile('b-saw-a'))).toBe(true);
    const order = fx.transitions.filter(([, status]) => status !== 'pending');
    expect(order).toEqual([
      ['A', 'started'],
      ['A', 'completed'],
      ['B', 'started'],
      ['B', 'completed'],
    ]);
    expect(fx.sink.outputs(b.log_source_id)).toEqual([expect.stringMatching(/^Dependencies satisfied after [12]s$/)]);
  });

  it('writes the waiting lines on the heartbeat while A runs', async () => {
    fx = createRunnerFixture({ tuning: { dependencyHeartbeatMs: 1_000 } });
    const b = script({ script: 'echo B ran', display_name: 'B', depends_on: ['A'], run_on_start: true });
    await fx.runner.init([script({ script: 'sleep 2.3', display_name: 'A', run_on_start: true }), b]);
    await fx.runner.execute('START');
    const lines = fx.sink.outputs(b.log_source_id);
    expect(lines.slice(0, 2)).toEqual(['Waiting for "A"... (1s)', 'Waiting for "A"... (2s)']);
    expect(lines.slice(-2)).toEqual([expect.stringMatching(/^Dependencies satisfied after [23]s$/), 'B ran']);
  });

  it('fails init on a cycle with the exact message; nothing runs, no edge is added', async () => {
    fx = createRunnerFixture();
    await expect(
      fx.runner.init([
        script({ script: 'touch "$OUT/a"', display_name: 'A', depends_on: ['B'], run_on_start: true, run_on_stop: true }),
        script({ script: 'touch "$OUT/b"', display_name: 'B', depends_on: ['A'], run_on_start: true, run_on_stop: true }),
      ]),
    ).rejects.toThrow(new ScriptRunnerError('DEPENDENCY_CYCLE', 'script dependency cycle detected: A -> B -> A'));
    expect(fx.manager.getAllDependencies('A')).toEqual([]);
    expect(fx.manager.getAllDependencies('B')).toEqual([]);
    for (const stage of ['START', 'STOP', 'ALL'] as const) {
      await expect(fx.runner.execute(stage)).rejects.toThrow('execute: not initialized');
    }
    expect(existsSync(outFile('a')) || existsSync(outFile('b'))).toBe(false);
    await expect(fx.runner.init([])).rejects.toThrow('init: already initialized');
  });

  it('waits for an unregistered dependency satisfied from outside (sync start X, sync complete X)', async () => {
    fx = createRunnerFixture({ tuning: { dependencyHeartbeatMs: 300 } });
    const b = script({ script: 'touch "$OUT/b"', display_name: 'B', depends_on: ['X'], run_on_start: true });
    await fx.runner.init([b]);
    expect(fx.records).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'script dependency is not a registered unit', unit_name: 'B', depends_on: 'X' }),
    );
    expect(fx.sink.outputs(b.log_source_id)).toEqual([
      'Dependency "X" is not registered; waiting for it to be registered and completed',
    ]);
    const executing = fx.runner.execute('START');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(existsSync(outFile('b'))).toBe(false);
    expect(fx.manager.unit('B').status).toBe('pending');
    // What the socket server does for `taskyard sync start X` and `taskyard sync complete X`:
    fx.manager.register('X');
    fx.manager.updateStatus('X', 'started');
    expect(existsSync(outFile('b'))).toBe(false);
    fx.manager.updateStatus('X', 'completed');
    await executing;
    expect(existsSync(outFile('b'))).toBe(true);
    expect(fx.manager.unit('B').status).toBe('completed');
    expect(fx.sink.outputs(b.log_source_id)).toContainEqual(expect.stringMatching(/^Waiting for "X" \(not registered\)\.\.\. \(\d+s\)$/));
  });

  it('abandons a waiting script on shutdown: not run, no timing, unit stays pending', async () => {
    fx = createRunnerFixture();
    const b = script({ script: 'touch "$OUT/b"', display_name: 'B', depends_on: ['X'], run_on_start: true });
    await fx.runner.init([b]);
    const executing = fx.runner.execute('START').catch((err: unknown) => err);
    await fx.runner.execute('STOP');
    const err = await executing;
    expect(isScriptError(err, 'DEPENDENCY_WAIT_ABANDONED')).toBe(true);
    await fx.runner.close();
    expect(existsSync(outFile('b'))).toBe(false);
    expect(fx.reporter.timings).toEqual([]);
    expect(fx.manager.unit('B').status).toBe('pending');
    expect(fx.runner.metrics.samples().map((m) => m.value)).toEqual([0, 0]);
  });

  it('close() alone also abandons dependency waits', async () => {
    fx = createRunnerFixture();
    await fx.runner.init([script({ script: 'true', display_name: 'B', depends_on: ['X'], run_on_start: true })]);
    const executing = fx.runner.execute('START').catch((err: unknown) => err);
    await fx.runner.close();
    expect(isScriptError(await executing, 'DEPENDENCY_WAIT_ABANDONED')).toBe(true);
  });

  it('ignores depends_on for STOP and CRON runs, logging it once at init', async () => {
    fx = createRunnerFixture();
    const stop = script({ script: 'touch "$OUT/stopped"', display_name: 'S', depends_on: ['X'], run_on_stop: true });
    await fx.runner.init([stop]);
    expect(fx.records.filter((r) => r.msg === 'depends_on is only honoured by start scripts; ignored for stop and cron runs')).toEqual([
      expect.objectContaining({ script_id: stop.id, unit_name: 'S' }),
    ]);
    expect(fx.sink.outputs(stop.log_source_id)).toEqual([]);
    await fx.runner.execute('STOP');
    expect(existsSync(outFile('stopped'))).toBe(true);
  });

  it('lets a nameless script wait too, without adding edges', async () => {
    fx = createRunnerFixture();
    const nameless = script({ script: 'touch "$OUT/nameless"', depends_on: ['A'], run_on_start: true });
    await fx.runner.init([nameless, script({ script: 'sleep 0.3; touch "$OUT/a"', display_name: 'A', run_on_start: true })]);
    expect(fx.manager.listUnits().map((u) => u.id)).toEqual(['A']);
    await fx.runner.execute('START');
    expect(readFileSync(outFile('a'), 'utf8')).toBe('');
    expect(existsSync(outFile('nameless'))).toBe(true);
  });
});
