import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { script } from './testdata/harness.js';
import { createRunnerFixture, type RunnerFixture } from './testdata/runner-fixture.js';

let fx: RunnerFixture;
afterEach(async () => {
  await fx.dispose();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const lines = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '') : [];

describe('ScriptRunner: cron (§2.5)', () => {
  it('runs `*/1 * * * * *` about once a second with stage CRON, completed → started → completed', async () => {
    fx = createRunnerFixture();
    const s = script({ script: 'date +%s%3N >> "$OUT/ticks"', display_name: 'tick', cron: '*/1 * * * * *' });
    await fx.runner.init([s]);
    await sleep(1_200);
    expect(lines(path.join(fx.out, 'ticks'))).toEqual([]); // nothing before startCron()
    fx.runner.startCron();
    const armed = Date.now();
    const tickFile = path.join(fx.out, 'ticks');
    const completedRuns = () => fx.transitions.filter(([, status]) => status === 'completed').length;
    while (completedRuns() < 3) await sleep(50);
    expect(Date.now() - armed).toBeLessThan(4_500);
    await fx.runner.close();
    const ticks = lines(tickFile).map(Number);
    for (let i = 1; i < ticks.length; i++) {
      // About a second apart (bash start-up jitter on a loaded machine aside).
      expect(ticks[i]! - ticks[i - 1]!).toBeGreaterThan(500);
      expect(ticks[i]! - ticks[i - 1]!).toBeLessThan(1_500);
    }
    expect(fx.reporter.timings.filter((t) => t.status === 'ok').length).toBeGreaterThanOrEqual(3);
    expect(new Set(fx.reporter.timings.map((t) => `${t.stage}/${t.script_id}`))).toEqual(new Set([`CRON/${s.id}`]));
    expect(fx.transitions.slice(0, 5)).toEqual([
      ['tick', 'pending'],
      ['tick', 'started'],
      ['tick', 'completed'],
      ['tick', 'started'],
      ['tick', 'completed'],
    ]);
  });

  it('close() right after startCron() returns promptly and runs nothing', async () => {
    fx = createRunnerFixture();
    await fx.runner.init([script({ script: 'touch "$OUT/ran"', display_name: 'tick', cron: '*/1 * * * * *' })]);
    fx.runner.startCron();
    const started = Date.now();
    await fx.runner.close();
    expect(Date.now() - started).toBeLessThan(200);
    await sleep(1_100);
    expect(existsSync(path.join(fx.out, 'ran'))).toBe(false);
  });

  it('lets runs overlap, and close() cancels running cron runs', async () => {
    fx = createRunnerFixture({ tuning: { killGraceMs: 200 } });
    await fx.runner.init([script({ script: 'echo go >> "$OUT/starts"; sleep 30', display_name: 'slow', cron: '*/1 * * * * *' })]);
    fx.runner.startCron();
    const starts = path.join(fx.out, 'starts');
    while (lines(starts).length < 2) await sleep(100);
    const closing = Date.now();
    await fx.runner.close();
    expect(Date.now() - closing).toBeLessThan(2_000);
    expect(fx.reporter.timings.length).toBeGreaterThanOrEqual(2);
    expect(fx.reporter.timings.every((t) => t.stage === 'CRON' && t.exit_code === 255)).toBe(true);
    expect(fx.records.filter((r) => r.msg === 'failed to update unit status').length).toBeGreaterThan(0);
  });

  it('logs an invalid expression at init and does not schedule it', async () => {
    fx = createRunnerFixture();
    const bad = script({ script: 'touch "$OUT/bad"', display_name: 'bad', cron: 'every minute please' });
    await fx.runner.init([bad, script({ script: 'touch "$OUT/ok"', display_name: 'ok', cron: '* * * * *' })]);
    expect(fx.records).toContainEqual(
      expect.objectContaining({ level: 'error', msg: 'invalid cron expression; script not scheduled', script_id: bad.id, cron: 'every minute please' }),
    );
    fx.runner.startCron();
    // Five fields are seconds-first (dow omitted): `* * * * *` fires every second, not every minute.
    while (!existsSync(path.join(fx.out, 'ok'))) await sleep(100);
    await fx.runner.close();
    expect(existsSync(path.join(fx.out, 'bad'))).toBe(false);
  });

  it('a STOP execution stops the scheduler', async () => {
    fx = createRunnerFixture();
    await fx.runner.init([script({ script: 'echo x >> "$OUT/ticks"', display_name: 'tick', cron: '*/1 * * * * *' })]);
    fx.runner.startCron();
    await fx.runner.execute('STOP');
    await sleep(1_200);
    expect(lines(path.join(fx.out, 'ticks'))).toEqual([]);
  });
});
