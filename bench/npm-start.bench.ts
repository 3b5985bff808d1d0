// Issue #7 Performance: time from `npm start` until the dashboard answers
// (GET /login → 200) on a clone of this checkout, first run (empty
// .taskyard/: initdb included) and second run (same .taskyard/), each run
// ended with Ctrl+C (SIGINT to npm's process group) before the next.
//
// Baseline, measured in the same run: the bare `taskyard server
// --postgres-url` bin (no npm, no bootstrap, no `taskyard up`, no embedded
// PostgreSQL) on an already running PostgreSQL with an empty database, until
// the same GET /login answers. That is the least any start costs (Node,
// module loading, migrations, templates, listen); the ratio shows what
// `npm start` adds: npm itself, bootstrap's up-to-date check, the wrapper,
// and starting (first run: creating) the embedded cluster.
//
// bootstrap compiles once before timing (a clone has no dist/), so both runs
// measure the start of an installed checkout, not tsc.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeLoopbackPort } from '../src/server/db/embedded-postgres.js';
import { cleanEnv, cloneCheckout, killProcessesUnder, NpmStart } from '../test/helpers/fresh-clone.js';
import { startTestPostgres } from '../test/helpers/postgres.js';
import { TASKYARD_BIN } from '../test/helpers/taskyard-process.js';
import { percentile, type Benchmark } from './harness.js';

const SAMPLES = 3;
const START_TIMEOUT_MS = 120_000;

async function waitForLogin(url: string, startedAt: number, isAlive: () => boolean): Promise<number> {
  for (;;) {
    try {
      const response = await fetch(`${url}/login`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      if (response.status === 200) return performance.now() - startedAt;
    } catch {
      // not listening yet
    }
    if (!isAlive()) throw new Error('the process exited before the dashboard answered');
    if (performance.now() - startedAt > START_TIMEOUT_MS) throw new Error(`dashboard not answering after ${START_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One `npm start` until /login answers, then Ctrl+C and wait for the exit. */
async function timeNpmStart(dir: string): Promise<number> {
  const port = await freeLoopbackPort();
  const startedAt = performance.now();
  const npm = new NpmStart(dir, ['--address', `127.0.0.1:${port}`]);
  let elapsed: number;
  try {
    elapsed = await waitForLogin(`http://127.0.0.1:${port}`, startedAt, () => npm.running);
  } finally {
    npm.interrupt();
    await npm.exited;
  }
  const exit = await npm.exited;
  if (exit.code !== 0) throw new Error(`npm start exited with ${JSON.stringify(exit)}\n${npm.stdout}\n${npm.stderr}`);
  return elapsed;
}

async function timeBareServer(postgresUrl: string): Promise<number> {
  const port = await freeLoopbackPort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-bare-server-'));
  const startedAt = performance.now();
  const child = spawn(process.execPath, [TASKYARD_BIN, 'server', '--address', `127.0.0.1:${port}`, '--postgres-url', postgresUrl, '--data-dir', dataDir], {
    env: cleanEnv(),
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    return await waitForLogin(`http://127.0.0.1:${port}`, startedAt, () => child.exitCode === null);
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const npmStartToDashboard: Benchmark = {
  name: 'npm start to dashboard',
  async run() {
    const clone = cloneCheckout('bench-npm-start-');
    const first: number[] = [];
    const second: number[] = [];
    const bare: number[] = [];
    const pg = await startTestPostgres();
    try {
      execFileSync(process.execPath, ['scripts/bootstrap.mjs'], { cwd: clone.dir, stdio: 'ignore' });
      for (let i = 0; i < SAMPLES; i++) {
        rmSync(path.join(clone.dir, '.taskyard'), { recursive: true, force: true });
        first.push(await timeNpmStart(clone.dir));
        second.push(await timeNpmStart(clone.dir));
        bare.push(await timeBareServer((await pg.createDatabase()).url));
      }
    } finally {
      await pg.stop();
      await killProcessesUnder(clone.dir);
      clone.remove();
    }
    for (const list of [first, second, bare]) list.sort((a, b) => a - b);
    const baseline = { name: `bare taskyard server --postgres-url (running PG, empty db), p50 of ${SAMPLES}`, value: percentile(bare, 50) };
    return [
      { name: `npm start → /login 200, first run (empty .taskyard, initdb), p50 of ${SAMPLES}`, value: percentile(first, 50), unit: 'ms', baseline },
      { name: `npm start → /login 200, second run (same .taskyard), p50 of ${SAMPLES}`, value: percentile(second, 50), unit: 'ms', baseline },
    ];
  },
};

export const npmStartBenchmarks: Benchmark[] = [npmStartToDashboard];
