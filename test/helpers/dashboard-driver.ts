// Test support: the web dashboard (server.md §8) as a user drives it, as a
// small page object over a Playwright Page: sign in with a token, create a
// task from the form, wait for the agent's reply in the live chat, send a
// message, pause and wait for the read-only snapshot, resume and wait for
// the chat again, and read the units panel. It selects by role, label and
// the dashboard's stable ids, never by layout. Shared by every test that
// drives the dashboard (the browser test, the fresh-clone `npm start`
// test); it must never call the API directly: only what a user can do.
import type { FrameLocator, Locator, Page } from 'playwright-core';

export interface CreateTaskOptions {
  /** Template name in the select (default `demo`). */
  template?: string;
  prompt: string;
  /** Empty: the server picks one. */
  name?: string;
}

/** `owner/name` of a task as shown in its page URL. */
export interface TaskRef {
  owner: string;
  name: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Matches text with a line that reads exactly `line` (agent replies are monospace blocks). */
export function lineRegExp(line: string): RegExp {
  return new RegExp(`(^|\\n)\\s*${escapeRegExp(line)}[ \\t]*($|\\n)`);
}

export class DashboardDriver {
  constructor(
    readonly page: Page,
    /** The server's access URL, without a trailing slash. */
    readonly baseUrl: string,
    /** How long to wait for the server and the agent (builds start processes). */
    readonly timeoutMs = 60_000,
  ) {}

  /** The task page's status badge (`data-status` carries the status). */
  get statusBadge(): Locator {
    return this.page.locator('#task-status');
  }

  /** The live chat of an active task (the AgentAPI chat in an iframe). */
  get chat(): FrameLocator {
    return this.page.frameLocator('iframe[title="Task chat"]');
  }

  /** The read-only snapshot's messages (paused, pending, initializing). */
  get snapshotMessages(): Locator {
    return this.page.getByRole('log', { name: 'Conversation snapshot (read-only)' }).locator('.msg');
  }

  /** The line above the snapshot: its time, or why there is none. */
  get snapshotNote(): Locator {
    return this.page.locator('#snapshot-note');
  }

  /** The error box next to the create form. */
  get createError(): Locator {
    return this.page.locator('#create-error');
  }

  /** The error box under the Pause / Resume buttons. */
  get actionError(): Locator {
    return this.page.locator('#action-error');
  }

  async gotoTasks(): Promise<void> {
    await this.page.goto(`${this.baseUrl}/tasks`);
  }

  async gotoTask(task: TaskRef): Promise<void> {
    await this.page.goto(`${this.baseUrl}/tasks/${encodeURIComponent(task.owner)}/${encodeURIComponent(task.name)}`);
  }

  /** Fills the login form and submits it; resolves once the browser left /login. */
  async login(token: string): Promise<void> {
    if (new URL(this.page.url(), this.baseUrl).pathname !== '/login') await this.page.goto(`${this.baseUrl}/login`);
    await this.page.getByLabel('Session token').fill(token);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.page.waitForURL((url) => url.pathname !== '/login', { timeout: this.timeoutMs });
  }

  /** Submits a wrong token; resolves with the error line the login page shows. */
  async loginExpectingError(token: string): Promise<string> {
    if (new URL(this.page.url(), this.baseUrl).pathname !== '/login') await this.page.goto(`${this.baseUrl}/login`);
    await this.page.getByLabel('Session token').fill(token);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    const error = this.page.getByRole('alert');
    await error.waitFor({ timeout: this.timeoutMs });
    return (await error.textContent()) ?? '';
  }

  private async fillCreateForm(options: CreateTaskOptions): Promise<void> {
    if (new URL(this.page.url(), this.baseUrl).pathname !== '/tasks') await this.gotoTasks();
    const template = options.template ?? 'demo';
    await this.page.locator(`#template option[value="${template}"]`).waitFor({ state: 'attached', timeout: this.timeoutMs });
    await this.page.getByLabel('Template').selectOption(template);
    await this.page.getByLabel('Prompt').fill(options.prompt);
    await this.page.getByLabel(/^Name/).fill(options.name ?? '');
    await this.page.getByRole('button', { name: 'Create task' }).click();
  }

  /** Creates a task from the form on /tasks; resolves on its page. */
  async createTask(options: CreateTaskOptions): Promise<TaskRef> {
    await this.fillCreateForm(options);
    await this.page.waitForURL(/\/tasks\/[^/]+\/[^/]+$/, { timeout: this.timeoutMs });
    const [, owner = '', name = ''] = new URL(this.page.url()).pathname.split('/').slice(1);
    return { owner: decodeURIComponent(owner), name: decodeURIComponent(name) };
  }

  /** Submits the create form expecting the API to refuse; resolves with the error box's text. */
  async createTaskExpectingError(options: CreateTaskOptions): Promise<string> {
    await this.fillCreateForm(options);
    await this.createError.waitFor({ state: 'visible', timeout: this.timeoutMs });
    return (await this.createError.innerText()).trim();
  }

  /** The row of a task in the list on /tasks. */
  taskRow(task: TaskRef): Locator {
    return this.page.locator(`#task-rows tr[data-task="${task.owner}/${task.name}"]`);
  }

  async waitForStatus(status: string, timeoutMs = this.timeoutMs): Promise<void> {
    await this.page.locator(`#task-status[data-status="${status}"]`).waitFor({ timeout: timeoutMs });
  }

  /** Waits until the chat shows an agent message with a line reading exactly `line`. */
  async waitForChatReply(line: string): Promise<void> {
    await this.chat.locator('.msg.agent .body').filter({ hasText: lineRegExp(line) }).first().waitFor({ timeout: this.timeoutMs });
  }

  /** Waits for `active` and the agent's reply `line` in the live chat. */
  async waitForActiveReply(line: string): Promise<void> {
    await this.waitForStatus('active');
    await this.waitForChatReply(line);
  }

  /** Waits until the chat says the agent waits for input (`stable`). */
  async waitForChatStable(): Promise<void> {
    await this.chat.locator('#status[data-status="stable"]').waitFor({ timeout: this.timeoutMs });
  }

  /** Types a message into the chat and sends it with Enter, once the agent accepts input. */
  async sendChat(text: string): Promise<void> {
    const draft = this.chat.getByLabel('Message to the agent');
    await this.waitForChatStable();
    await draft.fill(text);
    await draft.press('Enter');
  }

  /** The chat's messages as `{role, text}` in order. */
  async chatMessages(): Promise<{ role: string; text: string }[]> {
    return this.chat.locator('.msg').evaluateAll((nodes) =>
      nodes.map((n) => ({ role: n.getAttribute('data-role') ?? '', text: n.querySelector('.body')?.textContent ?? '' })),
    );
  }

  /** The snapshot's messages as `{role, text}` in order. */
  async snapshotEntries(): Promise<{ role: string; text: string }[]> {
    return this.snapshotMessages.evaluateAll((nodes) =>
      nodes.map((n) => ({ role: n.getAttribute('data-role') ?? '', text: n.querySelector('.body')?.textContent ?? '' })),
    );
  }

  /** Clicks Pause and waits for `paused` with the read-only snapshot on screen. */
  async pauseAndWaitForSnapshot(): Promise<void> {
    await this.page.getByRole('button', { name: 'Pause' }).click();
    await this.waitForStatus('paused');
    await this.page.locator('#snapshot').waitFor({ state: 'visible', timeout: this.timeoutMs });
    await this.snapshotNote.filter({ hasText: /\S/ }).waitFor({ timeout: this.timeoutMs });
  }

  /** Clicks Resume and waits for `active` with the live chat showing `lastLine` from the agent. */
  async resumeAndWaitForChat(lastLine: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Resume' }).click();
    await this.waitForActiveReply(lastLine);
  }

  /** The status the units panel shows for `unit` (`completed`, …), or undefined when it is not listed. */
  async unitStatus(unit: string): Promise<string | undefined> {
    const row = this.page.locator(`#units tr[data-unit="${unit}"]`);
    if ((await row.count()) === 0) return undefined;
    return ((await row.locator('td[data-col="status"]').textContent()) ?? '').trim();
  }

  /** Waits until the units panel shows `unit` with `status`. */
  async waitForUnitStatus(unit: string, status: string): Promise<void> {
    await this.page.locator(`#units tr[data-unit="${unit}"] td[data-col="status"] .badge[data-status="${status}"]`).waitFor({ timeout: this.timeoutMs });
  }
}
