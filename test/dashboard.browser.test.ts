// The web dashboard (server.md §8.4) in a real browser: Debian's Chromium
// driven by playwright-core against a real `taskyard server` (the compiled
// bin) on a test PostgreSQL, with the built-in `demo` template's real agent,
// AgentAPI and demo-agent processes. One task goes through what a user does:
// sign in (a wrong token first), create from the form (an invalid name
// first), see `active` with `Echo: hello` in the chat, send another message,
// pause → the read-only snapshot with its time, resume → the full restored
// conversation; the units panel lists the demo's units as completed.
// Screenshots go to test-artifacts/dashboard/ (the README uses them).
// Without /usr/bin/chromium the suite is skipped with a warning, never passed.
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killWorkspaceProcesses } from '../src/server/provisioner/processes.js';
import { PROJECT_ROOT } from './helpers/agentapi-process.js';
import { HAVE_CHROMIUM, launchChromium, warnChromiumMissing, type BrowserSession } from './helpers/chromium.js';
import { DashboardDriver, lineRegExp } from './helpers/dashboard-driver.js';
import { usePostgres, type TestDatabase } from './helpers/postgres.js';
import { startTaskyard, stopAllTaskyard, type TaskyardProcess } from './helpers/taskyard-process.js';

const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts', 'dashboard');

if (!HAVE_CHROMIUM) warnChromiumMissing('dashboard.browser.test', 'the dashboard');

const pg = usePostgres();

describe.skipIf(!HAVE_CHROMIUM)('web dashboard in Chromium', () => {
  let db: TestDatabase;
  let root: string;
  let browser: BrowserSession;
  let server: TaskyardProcess;
  let baseUrl: string;
  let token: string;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    db = await pg.createDatabase({ migrated: true });
    root = mkdtempSync(path.join(tmpdir(), 'taskyard-dashboard-'));
    chmodSync(root, 0o755);
    // A block of AgentAPI ports of its own, so concurrent test files rarely meet.
    const base = 40000 + (process.pid % 250) * 20;
    server = startTaskyard([
      'server', '--address', '127.0.0.1:0', '--postgres-url', db.url, '--data-dir', path.join(root, 'data'),
      '--first-user-username', 'admin', '--task-idle-timeout', '0', '--port-range', `${base}-${base + 9}`,
    ]);
    await server.waitFor(() => server.logs().some((l) => l.msg === 'server started'), 'server started', 60_000);
    baseUrl = String(server.logs().find((l) => l.msg === 'server started')!.access_url).replace(/\/+$/, '');
    token = /First user "admin" created\. Session token: (\S+)/.exec(server.stdout)![1]!;
    browser = await launchChromium();
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    const workspaces = db ? await db.sql<{ id: string }[]>`select id from workspaces` : [];
    await stopAllTaskyard();
    for (const { id } of workspaces) await killWorkspaceProcesses(id);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('sign in, create a demo task, chat, pause to the snapshot, resume to the restored chat; units completed', { timeout: 240_000 }, async () => {
    const driver = new DashboardDriver(page, baseUrl);

    // Unauthenticated: every page leads to /login; a wrong token is refused plainly.
    await page.goto(`${baseUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await driver.loginExpectingError('abcdefghij-abcdefghijabcdefghijab')).toBe('Invalid session token.');
    await page.screenshot({ path: path.join(ARTIFACTS, 'login-error.png') });
    await driver.login(token);
    expect(new URL(page.url()).pathname).toBe('/tasks');
    const cookie = (await browser.context.cookies(baseUrl)).find((c) => c.name === 'coder_session_token');
    expect(cookie).toMatchObject({ value: token, httpOnly: true, sameSite: 'Lax', path: '/' });

    // The API's refusal shows next to the form, as the API said it.
    const refusal = await driver.createTaskExpectingError({ prompt: 'hello', name: 'Not Valid' });
    expect(refusal).toMatch(/^Validation failed\.\nname: name must match /);
    await page.screenshot({ path: path.join(ARTIFACTS, 'create-error.png') });

    const task = await driver.createTask({ template: 'demo', prompt: 'hello', name: 'web-demo' });
    expect(task).toEqual({ owner: 'admin', name: 'web-demo' });
    await driver.waitForActiveReply('Echo: hello');
    expect(await page.getByRole('button', { name: 'Pause' }).isEnabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Resume' }).isEnabled()).toBe(false);
    // §8.4: the units panel lists the demo's units as completed.
    for (const unit of ['coder_script.prepare', 'module.agentapi.coder_script.agentapi']) await driver.waitForUnitStatus(unit, 'completed');
    await page.locator('#scripts tr[data-script="coder_script.prepare"][data-stage="start"] .badge[data-status="ok"]').waitFor({ timeout: 30_000 });
    // Scripts' output reaches the agent log panel.
    await page.getByText('Agent logs').click();
    await expect.poll(() => page.locator('#agent-log-lines').textContent(), { timeout: 30_000 }).toMatch(/\[Prepare workspace\] Workspace ready/);

    await driver.sendChat('second');
    await driver.waitForChatReply('Echo: second');
    const before = await driver.chatMessages();
    expect(before.slice(-4)).toEqual([
      { role: 'user', text: 'hello' },
      { role: 'agent', text: expect.stringMatching(lineRegExp('Echo: hello')) },
      { role: 'user', text: 'second' },
      { role: 'agent', text: expect.stringMatching(lineRegExp('Echo: second')) },
    ]);
    await driver.waitForChatStable();
    await page.screenshot({ path: path.join(ARTIFACTS, 'task-active.png') });

    // A stale page (Resume still enabled on an active task): the API's refusal is shown plainly, message and detail.
    await page.locator('#resume').evaluate((button) => button.removeAttribute('disabled'));
    await page.getByRole('button', { name: 'Resume' }).click();
    await driver.actionError.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await driver.actionError.locator('.message').textContent()).toBe('Task is not paused.');
    expect(await driver.actionError.locator('.detail').textContent()).toBe('Task status is "active".');
    expect(await page.getByRole('button', { name: 'Resume' }).isEnabled()).toBe(false);

    // The list shows the task live: its status and current state.
    await driver.gotoTasks();
    const row = driver.taskRow(task);
    await row.locator('.badge[data-status="active"]').waitFor({ timeout: 30_000 });
    expect(await row.getByRole('link', { name: 'web-demo' }).getAttribute('href')).toBe('/tasks/admin/web-demo');
    await page.screenshot({ path: path.join(ARTIFACTS, 'tasks-list.png') });

    await driver.gotoTask(task);
    await driver.waitForActiveReply('Echo: second');
    await driver.pauseAndWaitForSnapshot();
    expect(await page.locator('iframe[title="Task chat"]').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Resume' }).isEnabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Pause' }).isEnabled()).toBe(false);
    const snapshotAt = await driver.snapshotNote.locator('time').getAttribute('datetime');
    expect(Number.isNaN(Date.parse(snapshotAt ?? ''))).toBe(false);
    expect(await driver.snapshotNote.textContent()).toMatch(/^Read-only snapshot of the last 5 messages, taken .+\. Resume the task to continue the conversation\.$/);
    // The snapshot holds the last messages before the pause, read-only (no composer on the page).
    expect(await driver.snapshotEntries()).toEqual(before);
    expect(await page.locator('textarea, input:not([type=hidden]), [contenteditable]').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'task-paused.png') });

    await driver.resumeAndWaitForChat('Echo: second');
    await expect.poll(() => driver.chatMessages(), { timeout: 30_000 }).toEqual(before);
    await driver.waitForChatStable();
    for (const unit of ['coder_script.prepare', 'module.agentapi.coder_script.agentapi']) await driver.waitForUnitStatus(unit, 'completed');
    await page.screenshot({ path: path.join(ARTIFACTS, 'task-resumed.png') });

    expect(browser.pageErrors).toEqual([]);
  });
});
