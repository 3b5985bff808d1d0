// App health (agent.md §3.5.1) as a table of probe results → reported states,
// under fake timers with an injected probe.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppHealth } from '../../protocol/app-health.js';
import type { ManifestApp } from '../../protocol/manifest.js';
import { AppHealthChecker } from './health-checker.js';

const silent = pino({ level: 'silent' });
const WEB = '00000000-0000-4000-8000-00000000a005';
const DOCS = '00000000-0000-4000-8000-00000000a006';

const app = (id: string, healthcheck?: { interval_s: number; threshold: number }): ManifestApp => ({
  id,
  slug: id === WEB ? 'web' : 'docs',
  display_name: '',
  url: 'http://localhost:1/',
  healthcheck: healthcheck ? { url: `http://localhost:1/${id}/status`, ...healthcheck } : null,
});

let reports: Record<string, AppHealth>[];
let checker: AppHealthChecker | undefined;

beforeEach(() => {
  vi.useFakeTimers();
  reports = [];
});

afterEach(() => {
  checker?.stop();
  vi.useRealTimers();
});

/** Runs the checker with probe answers in order (a number = HTTP status, 'down' = no answer), one per interval. */
async function run(answers: (number | 'down')[], threshold = 3): Promise<AppHealth[]> {
  const queue = [...answers];
  checker = new AppHealthChecker({
    apps: [app(WEB, { interval_s: 2, threshold })],
    report: async (h) => void reports.push(h),
    logger: silent,
    probe: async () => {
      const next = queue.shift() ?? 'down';
      if (next === 'down') throw new Error('connect ECONNREFUSED');
      return next;
    },
  });
  checker.start();
  await vi.advanceTimersByTimeAsync(answers.length * 2_000 - 1);
  return reports.map((r) => r[WEB]!);
}

describe('AppHealthChecker', () => {
  it.each<[string, (number | 'down')[], AppHealth[]]>([
    ['first success → healthy', [200], ['initializing', 'healthy']],
    ['a 404 is still a success (< 500)', ['down', 404], ['initializing', 'healthy']],
    ['failures below the threshold stay initializing', ['down', 503], ['initializing']],
    ['threshold consecutive failures → unhealthy', ['down', 500, 'down'], ['initializing', 'unhealthy']],
    ['healthy survives fewer failures than the threshold', [200, 'down', 'down', 200], ['initializing', 'healthy']],
    ['healthy → unhealthy → healthy', [200, 'down', 502, 'down', 200], ['initializing', 'healthy', 'unhealthy', 'healthy']],
    ['a success resets the failure count', ['down', 'down', 200, 'down', 'down', 200], ['initializing', 'healthy']],
  ])('%s', async (_name, answers, expected) => {
    expect(await run(answers)).toEqual(expected);
  });

  it('probes every interval_s, starting right away', async () => {
    const times: number[] = [];
    checker = new AppHealthChecker({
      apps: [app(WEB, { interval_s: 3, threshold: 1 })],
      report: async () => {},
      logger: silent,
      probe: async () => (times.push(Date.now()), 200),
    });
    const t0 = Date.now();
    checker.start();
    await vi.advanceTimersByTimeAsync(9_000);
    expect(times.map((t) => t - t0)).toEqual([0, 3_000, 6_000, 9_000]);
  });

  it('reports apps without a healthcheck as disabled, in the first report with the others', async () => {
    checker = new AppHealthChecker({
      apps: [app(WEB, { interval_s: 1, threshold: 1 }), app(DOCS)],
      report: async (h) => void reports.push(h),
      logger: silent,
      probe: () => new Promise(() => {}),
    });
    checker.start();
    expect(reports).toEqual([{ [WEB]: 'initializing', [DOCS]: 'disabled' }]);
    expect(checker.health(DOCS)).toBe('disabled');
  });

  it('tells subscribers about changes and stops probing when stopped', async () => {
    const seen: string[] = [];
    let probes = 0;
    checker = new AppHealthChecker({
      apps: [app(WEB, { interval_s: 1, threshold: 1 })],
      report: async () => {},
      logger: silent,
      probe: async () => (probes++, 200),
    });
    checker.subscribe((id, h) => seen.push(`${id}:${h}`));
    checker.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([`${WEB}:healthy`]);
    checker.stop();
    const before = probes;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(probes).toBe(before);
    expect(vi.getTimerCount()).toBe(0);
  });
});
