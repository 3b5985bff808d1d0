// Issue #7: `npm start` on a fresh clone brings up the whole system, and
// Ctrl+C stops all of it without losing the tasks. One clone, one task, real
// processes only (npm, bootstrap, `taskyard up`, `taskyard server`, embedded
// PostgreSQL, the demo template's agent, AgentAPI and demo agent):
//   1. first `npm start -- --address 127.0.0.1:0`: bootstrap compiles, the
//      first PostgreSQL start is announced with its duration, the banner
//      prints the dashboard and login URLs and the token; /healthz and /login
//      answer; the token is kept in .taskyard/session (0600);
//   2. a demo task created through the API with the printed token becomes
//      active and idle; progress shows its build; the CLI is logged in;
//   3. Ctrl+C (SIGINT to the process group, delivered twice as a terminal
//      plus npm's forwarding do) pauses the task, exits 0 and leaves NO
//      process: none with the workspace's TASKYARD_WORKSPACE_ID, none whose
//      cwd or command line is under the clone (PostgreSQL, agent, AgentAPI, demo agent);
//   4. a second `npm start` reuses .taskyard/: no initdb, the same token, the
//      task listed as paused with its snapshot, and resume restores it;
//   5. Ctrl+C again: exit 0, nothing left.
// With Debian's Chromium the dashboard steps run too (sign in, the task's
// chat, the paused snapshot, Resume → chat), screenshots in
// test-artifacts/npm-start/; without it they are skipped with a warning.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceProcesses, killWorkspaceProcesses } from '../src/server/provisioner/processes.js';
import type { Task, TaskLogs } from '../src/server/tasks/protocol.js';
import { PROJECT_ROOT } from './helpers/agentapi-process.js';
import { HAVE_CHROMIUM, launchChromium, warnChromiumMissing, type BrowserSession } from './helpers/chromium.js';
import { DashboardDriver } from './helpers/dashboard-driver.js';
import { cleanEnv, cloneCheckout, killProcessesUnder, NpmStart, processesUnder, type FreshClone } from './helpers/fresh-clone.js';

const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts', 'npm-start');
if (!HAVE_CHROMIUM) warnChromiumMissing('npm-start.test (browser steps only)', 'the dashboard of a fresh clone');

/** First start: bootstrap's tsc on a fresh clone (~25 s on 2 busy cores) + initdb. */
const FIRST_START_MS = 240_000;
const NEXT_START_MS = 120_000;
const STOP_MS = 90_000;
const TASK = 'fresh';
const START_ARGS = ['--address', '127.0.0.1:0', '--stop-grace-period', '60s'];

let clone: FreshClone;
let npm: NpmStart | undefined;
let url = '';
let token = '';
let workspaceId = '';
let browser: BrowserSession | undefined;
const dashboard = (): DashboardDriver => new DashboardDriver(browser!.page, url);

async function call<T>(method: string, pathname: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${url}${pathname}`, {
    method,
    headers: { 'Coder-Session-Token': token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

async function waitForTask(check: (t: Task) => boolean, what: string, timeoutMs = 90_000): Promise<Task> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await call<Task>('GET', `/api/v2/tasks/me/${TASK}`);
    if (check(body)) return body;
    if (Date.now() > deadline) throw new Error(`task never ${what}: ${JSON.stringify(body)}\n${npm?.stdout ?? ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const isActiveIdle = (t: Task) => t.status === 'active' && t.current_state?.state === 'idle';

async function startNpm(timeoutMs: number): Promise<void> {
  npm = new NpmStart(clone.dir, START_ARGS);
  const banner = await npm.waitForBanner(timeoutMs);
  url = banner.url;
  expect(banner.token, `no token in the banner:\n${npm.stdout}`).toBeDefined();
  token = banner.token!;
}

/** Ctrl+C and the checks every stop must pass: exit 0, the task paused, no process left. */
async function interruptAndCheckNothingLeft(times: number): Promise<string> {
  const run = npm!;
  run.interrupt();
  // A terminal's Ctrl+C plus npm forwarding it again: the same key press, not "stop faster".
  for (let i = 1; i < times; i++) {
    await new Promise((r) => setTimeout(r, 20));
    run.interrupt();
  }
  const exit = await Promise.race([run.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), STOP_MS))]);
  expect(exit, `npm start did not stop within ${STOP_MS} ms\n${run.stdout}\n${run.stderr}`).toEqual({ code: 0, signal: null });
  expect(run.stdout).not.toContain('stopping faster');
  expect(findWorkspaceProcesses(workspaceId)).toEqual([]);
  expect(processesUnder(clone.dir)).toEqual([]);
  expect(existsSync(path.join(clone.dir, '.taskyard', 'postgres', 'postmaster.pid'))).toBe(false);
  return run.stdout;
}

async function screenshot(name: string): Promise<void> {
  await browser?.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  clone = cloneCheckout();
  if (HAVE_CHROMIUM) {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  }
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (npm?.running) {
    npm.interrupt();
    await Promise.race([npm.exited, new Promise((r) => setTimeout(r, STOP_MS))]);
    npm.kill();
  }
  if (workspaceId) await killWorkspaceProcesses(workspaceId);
  if (clone) {
    await killProcessesUnder(clone.dir);
    clone.remove();
  }
}, STOP_MS + 30_000);

describe('npm start on a fresh clone', () => {
  it('first start: compiles, initialises PostgreSQL with progress, prints the banner; /healthz and /login answer', async () => {
    await startNpm(FIRST_START_MS);
    const out = npm!.stdout;
    expect(npm!.stderr).toContain('taskyard: compiling TypeScript…');
    expect(npm!.stderr).not.toContain('npm ci');
    expect(out).toContain('taskyard: PostgreSQL: first start, creating the database cluster in .taskyard/postgres (initdb takes a while)…');
    expect(out).toMatch(/taskyard: PostgreSQL: database cluster created in \d+\.\d s\n/);
    expect(out).toMatch(/taskyard: PostgreSQL: started in \d+\.\d s\n/);
    expect(out).toMatch(/taskyard: Server: started in \d+\.\d s; templates: demo\n/);
    expect(out).toContain('taskyard: first user "admin" created; its session token is kept in .taskyard/session');
    expect(out).toContain(`  Dashboard   ${url}/tasks\n`);
    expect(out).toContain(`  Sign in     ${url}/login\n`);
    expect(out).toContain('  CLI         TASKYARD_CONFIG_DIR=.taskyard/cli npx taskyard task list\n');
    expect(out).not.toContain('{"level"'); // JSON stays in the log file
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toBe('http://127.0.0.1:0');

    expect(await (await fetch(`${url}/healthz`)).text()).toBe('OK');
    const login = await fetch(`${url}/login`);
    expect(login.status).toBe(200);
    expect(login.headers.get('content-type')).toContain('text/html');

    const session = path.join(clone.dir, '.taskyard', 'session');
    expect(readFileSync(session, 'utf8').trim()).toBe(token);
    expect(statSync(session).mode & 0o777).toBe(0o600);
    const log = readFileSync(path.join(clone.dir, '.taskyard', 'server.log'), 'utf8').trim().split('\n');
    expect(log.map((line) => (JSON.parse(line) as { msg: string }).msg)).toContain('server started');
    expect(log.join('\n')).not.toContain(token);
  }, FIRST_START_MS + 30_000);

  it('a demo task created with the printed token becomes active; progress names its build; the CLI is logged in', async () => {
    const created = await call<Task>('POST', '/api/v2/tasks/me', { template: 'demo', input: 'hello', name: TASK });
    expect(created.status).toBe(201);
    workspaceId = created.body.workspace_id!;
    await waitForTask(isActiveIdle, 'became active and idle');
    expect(npm!.stdout).toContain(`taskyard: Build #1 (start) of admin/${TASK}: queued\n`);
    expect(npm!.stdout).toMatch(new RegExp(`taskyard: Build #1 \\(start\\) of admin/${TASK}: succeeded in \\d+\\.\\d s\\n`));

    const list = execFileSync(process.execPath, ['bin/taskyard.js', 'task', 'list'], { cwd: clone.dir, env: cleanEnv({ TASKYARD_CONFIG_DIR: '.taskyard/cli' }), encoding: 'utf8' });
    expect(list).toMatch(new RegExp(`^${TASK}\\s+active\\s+idle`, 'm'));

    if (browser) {
      await dashboard().login(token);
      await dashboard().gotoTask({ owner: 'admin', name: TASK });
      await dashboard().waitForActiveReply('Echo: hello');
      await screenshot('1-active-task');
    }
  }, 150_000);

  it('Ctrl+C (the key press delivered twice) pauses the task, exits 0 and leaves no process behind', async () => {
    const out = await interruptAndCheckNothingLeft(2);
    expect(out).toContain('taskyard: stopping: pausing the running tasks, then the server and PostgreSQL');
    expect(out).toContain('taskyard: Pausing 1 workspace(s) so their tasks can be resumed later…');
    expect(out).toMatch(new RegExp(`taskyard: Build #2 \\(pause\\) of admin/${TASK}: succeeded in \\d+\\.\\d s\\n`));
    expect(out).toContain('taskyard: Server: stopped (PostgreSQL too)');
  }, STOP_MS + 10_000);

  it('a second npm start reuses .taskyard: same token, the task is paused with its snapshot, and resumes', async () => {
    const firstToken = token;
    await startNpm(NEXT_START_MS);
    const out = npm!.stdout;
    expect(token).toBe(firstToken);
    expect(npm!.stderr).toContain('taskyard: dist/ is up to date');
    expect(out).not.toContain('first start');
    expect(out).not.toContain('first user');
    expect(out).toMatch(/taskyard: PostgreSQL: started in \d+\.\d s\n/);

    const { body: list } = await call<{ tasks: Task[] }>('GET', '/api/v2/tasks');
    expect(list.tasks.map((t) => [t.name, t.status])).toEqual([[TASK, 'paused']]);
    const { body: snapshot } = await call<TaskLogs>('GET', `/api/v2/tasks/me/${TASK}/logs`);
    expect(snapshot.snapshot).toBe(true);
    expect(snapshot.snapshot_at).toBeDefined();
    expect(snapshot.logs.map((l) => l.content.trim())).toEqual(expect.arrayContaining(['hello', 'Echo: hello']));

    if (browser) {
      const driver = dashboard();
      await driver.login(token);
      await driver.gotoTask({ owner: 'admin', name: TASK });
      await driver.waitForStatus('paused');
      await browser.page.locator('#snapshot').waitFor({ state: 'visible' });
      expect((await driver.snapshotEntries()).map((m) => m.text.trim())).toContain('Echo: hello');
      await screenshot('2-paused-after-restart');
      await driver.resumeAndWaitForChat('Echo: hello');
      await screenshot('3-resumed');
      expect(browser.pageErrors).toEqual([]);
    } else {
      expect((await call('POST', `/api/experimental/tasks/me/${TASK}/resume`)).status).toBe(202);
    }
    await waitForTask(isActiveIdle, 'active again after resume');
    const { body: live } = await call<TaskLogs>('GET', `/api/v2/tasks/me/${TASK}/logs`);
    expect(live.snapshot).toBeUndefined();
    expect(live.logs.map((l) => l.content.trim())).toEqual(expect.arrayContaining(['hello', 'Echo: hello']));
  }, NEXT_START_MS + 120_000);

  it('Ctrl+C on the second run stops everything again', async () => {
    const out = await interruptAndCheckNothingLeft(1);
    expect(out).toMatch(new RegExp(`taskyard: Build #4 \\(pause\\) of admin/${TASK}: succeeded`));
    expect(out).toContain("taskyard: stopped; paused tasks resume with `npm start` and the dashboard's Resume button");
  }, STOP_MS + 10_000);
});
