// The task page (server.md §8.3) in Chromium for every non-active status,
// over the real app on a real PostgreSQL with seeded task rows (no
// provisioner, so each status holds still): the badge, Pause / Resume
// enabled exactly as the API allows (§6.3), the read-only snapshot with its
// time, the texts without a snapshot, and the note for error/unknown. The
// live path (active chat, pause, resume) is test/dashboard.browser.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATE_SEEDS, TaskTestServer } from '../src/server/tasks/testdata/task-fixture.js';
import { HAVE_CHROMIUM, launchChromium, warnChromiumMissing, type BrowserSession } from './helpers/chromium.js';
import { DashboardDriver } from './helpers/dashboard-driver.js';
import { usePostgres } from './helpers/postgres.js';

if (!HAVE_CHROMIUM) warnChromiumMissing('dashboard-states.browser.test', 'the task page per status');

const pg = usePostgres();

/** The one browser global the checks below use (tsconfig has no DOM lib). */
interface BrowserGlobals {
  getComputedStyle(node: object): { whiteSpace: string };
}
const SNAPSHOT_AT = '2030-01-02T03:04:05.678Z';
const ENVELOPE = {
  format: 'agentapi',
  data: {
    messages: [
      { id: 0, content: 'Hello!', role: 'agent', time: '2030-01-02T03:00:00Z' },
      { id: 1, content: 'build it', role: 'user', time: '2030-01-02T03:01:00Z' },
      { id: 2, content: 'Done:\n  built it', role: 'agent', time: '2030-01-02T03:02:00Z' },
    ],
  },
};

describe.skipIf(!HAVE_CHROMIUM)('task page per status in Chromium', () => {
  let server: TaskTestServer;
  let browser: BrowserSession;
  let driver: DashboardDriver;

  beforeAll(async () => {
    server = await TaskTestServer.start(pg);
    const owner = server.owner;
    await Promise.all([
      server.seedTask({ owner, name: 'pending', ...STATE_SEEDS.pending }),
      server.seedTask({ owner, name: 'initializing', ...STATE_SEEDS.initializing }),
      server.seedTask({ owner, name: 'paused-snap', ...STATE_SEEDS.paused, snapshot: { envelope: ENVELOPE, createdAt: SNAPSHOT_AT } }),
      server.seedTask({ owner, name: 'paused-none', ...STATE_SEEDS.paused }),
      server.seedTask({ owner, name: 'errored', ...STATE_SEEDS.error }),
      server.seedTask({ owner, name: 'unknown', ...STATE_SEEDS.unknown }),
    ]);
    browser = await launchChromium();
    await browser.context.addCookies([{ name: 'coder_session_token', value: owner.token, url: server.url, httpOnly: true, sameSite: 'Lax' }]);
    driver = new DashboardDriver(browser.page, server.url, 15_000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const button = (name: string) => browser.page.getByRole('button', { name });
  const note = () => browser.page.locator('#conversation-note');

  it.each([
    ['pending', 'pending', false, false, 'Task is pending. No snapshot available.'],
    ['initializing', 'initializing', true, false, 'Task is initializing. No snapshot available.'],
    ['paused-none', 'paused', false, true, 'Task is paused. No snapshot available (snapshot may have failed during pause, resume your task to view logs).'],
  ])('%s: badge %s, Pause %s, Resume %s, and the no-snapshot text', async (name, status, pause, resume, text) => {
    await driver.gotoTask({ owner: 'admin', name });
    await driver.waitForStatus(status);
    await driver.snapshotNote.filter({ hasText: text }).waitFor({ timeout: 15_000 });
    expect(await driver.snapshotNote.textContent()).toBe(text);
    expect(await driver.snapshotMessages.count()).toBe(0);
    expect(await button('Pause').isEnabled()).toBe(pause);
    expect(await button('Resume').isEnabled()).toBe(resume);
    expect(await browser.page.locator('iframe').count()).toBe(0);
  });

  it('paused with a snapshot: its messages read-only, in order, with the time it was taken', async () => {
    await driver.gotoTask({ owner: 'admin', name: 'paused-snap' });
    await driver.waitForStatus('paused');
    await driver.snapshotMessages.first().waitFor({ timeout: 15_000 });
    expect(await driver.snapshotEntries()).toEqual([
      { role: 'agent', text: 'Hello!' },
      { role: 'user', text: 'build it' },
      { role: 'agent', text: 'Done:\n  built it' },
    ]);
    const time = driver.snapshotNote.locator('time');
    expect(await time.getAttribute('datetime')).toBe(SNAPSHOT_AT);
    expect(await time.textContent()).toBe(await browser.page.evaluate((iso) => new Date(iso).toLocaleString(), SNAPSHOT_AT));
    expect(await driver.snapshotNote.textContent()).toMatch(/^Read-only snapshot of the last 3 messages, taken .+\. Resume the task to continue the conversation\.$/);
    // Agent text keeps its line breaks and indentation (pre-wrap).
    expect(await driver.snapshotMessages.last().locator('.body').evaluate((n) => (globalThis as unknown as BrowserGlobals).getComputedStyle(n).whiteSpace)).toBe('pre-wrap');
    expect(await button('Resume').isEnabled()).toBe(true);
    expect(await button('Pause').isEnabled()).toBe(false);
  });

  it.each([
    ['errored', 'error', true, 'Task is in state error: the conversation is not available. Check the scripts and agent logs.'],
    ['unknown', 'unknown', false, 'Task is unknown: the conversation is not available until it settles.'],
  ])('%s: badge %s, Pause %s, no snapshot request, a plain note', async (name, status, pause, text) => {
    await driver.gotoTask({ owner: 'admin', name });
    await driver.waitForStatus(status);
    await note().filter({ hasText: text }).waitFor({ timeout: 15_000 });
    expect(await button('Pause').isEnabled()).toBe(pause);
    expect(await button('Resume').isEnabled()).toBe(false);
    expect(await browser.page.locator('#snapshot').isHidden()).toBe(true);
  });

  it('the list shows every task with its status and picks up a task created elsewhere within one refresh', async () => {
    await driver.gotoTasks();
    await driver.taskRow({ owner: 'admin', name: 'unknown' }).waitFor({ timeout: 15_000 });
    const statuses = await browser.page.locator('#task-rows tr').evaluateAll((rows) =>
      rows.map((r) => [r.getAttribute('data-task'), r.querySelector('td:nth-child(2) .badge')?.textContent]),
    );
    expect(new Map(statuses as [string, string][])).toEqual(
      new Map([
        ['admin/pending', 'pending'], ['admin/initializing', 'initializing'], ['admin/paused-snap', 'paused'],
        ['admin/paused-none', 'paused'], ['admin/errored', 'error'], ['admin/unknown', 'unknown'],
      ]),
    );
    const created = await server.call('POST', '/api/v2/tasks/me', { token: server.owner.token, body: { template: 'one-app', input: 'hi', name: 'later' } });
    expect(created.status).toBe(201);
    await driver.taskRow({ owner: 'admin', name: 'later' }).waitFor({ timeout: 8_000 });
  });

  it('a pending task has no agent yet; nothing threw in the page', async () => {
    await driver.gotoTask({ owner: 'admin', name: 'pending' });
    await driver.waitForStatus('pending');
    expect(await browser.page.locator('#no-agent').isVisible()).toBe(true);
    expect(browser.pageErrors).toEqual([]);
  });
});
