// The dashboard's HTML shells: self-contained (no external resource, no
// inline script), labelled controls and live regions the browser test and
// screen readers rely on, and escaping of everything interpolated.
import { describe, expect, it } from 'vitest';
import { renderLoginPage, renderNotFoundPage, renderTaskPage, renderTasksPage } from './pages.js';

const PAGES = {
  login: renderLoginPage({ next: '/tasks' }),
  tasks: renderTasksPage('admin'),
  task: renderTaskPage({ username: 'admin', owner: 'admin', name: 't1' }),
  notFound: renderNotFoundPage('admin', 'Resource not found.'),
};

/** Every URL-carrying attribute value in the markup. */
function attributeUrls(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src|action|formaction|poster|srcset|data)\s*=\s*"([^"]*)"/gi)].map((m) => m[1]!);
}

describe.each(Object.entries(PAGES))('the %s page', (_name, html) => {
  it('is self-contained: only same-origin URLs, no inline script', () => {
    for (const url of attributeUrls(html)) expect(url === 'data:,' || /^\/(?!\/)/.test(url), url).toBe(true);
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/i);
    expect(html).toContain('<link rel="stylesheet" href="/assets/dashboard.css">');
  });

  it('labels every form control', () => {
    for (const [, id] of html.matchAll(/<(?:input|select|textarea) id="([^"]+)"/g)) expect(html, id).toMatch(new RegExp(`<label for="${id}"`));
  });
});

describe('the task page', () => {
  const html = PAGES.task;

  it('has the status badge as a live status region, and labelled Pause and Resume buttons (disabled until the task is known)', () => {
    expect(html).toMatch(/<span id="task-status" class="badge" data-status="" role="status" aria-live="polite"/);
    expect(html).toContain('<button id="pause" type="button" class="btn" disabled>Pause</button>');
    expect(html).toContain('<button id="resume" type="button" class="btn primary" disabled>Resume</button>');
    expect(html).toMatch(/<div id="action-error" class="error" role="alert" hidden>/);
  });

  it('has the conversation (chat or read-only snapshot) and the agent panel with units and scripts', () => {
    for (const id of ['chat', 'snapshot', 'snapshot-messages', 'agent-summary', 'units', 'scripts', 'agent-log-lines']) expect(html).toContain(`id="${id}"`);
    expect(html).toContain('aria-label="Conversation snapshot (read-only)"');
  });
});

describe('the login page', () => {
  it('shows an error only when given one, as an alert', () => {
    expect(PAGES.login).not.toContain('role="alert"');
    expect(renderLoginPage({ next: '/tasks', error: 'Invalid session token.' })).toContain('<p id="login-error" class="error" role="alert">Invalid session token.</p>');
  });

  it('has no top-bar user and no sign-out form', () => {
    expect(PAGES.login).not.toContain('/logout');
    expect(PAGES.tasks).toContain('<form class="signout" method="post" action="/logout"><button type="submit" class="link">Sign out</button></form>');
  });
});

it('escapes everything it interpolates', () => {
  const evil = '"><script>alert(1)</script>';
  const pages = [
    renderLoginPage({ next: evil, error: evil }),
    renderTasksPage(evil),
    renderTaskPage({ username: evil, owner: evil, name: evil }),
    renderNotFoundPage(evil, evil),
  ];
  for (const html of pages) {
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain(evil);
    expect(html).toContain('&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;');
  }
});
