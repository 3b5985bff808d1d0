// The dashboard's HTML shells (server.md §8): the login page, the task list
// and the task page, plus a plain not-found page. Each shell holds the
// labelled, accessible markup and names its browser script; the data comes
// from the JSON API at run time, handed over only through data-* attributes
// (no inline script). Everything interpolated is escaped.
import { TASK_NAME_PATTERN } from '../tasks/protocol.js';
import { escapeHtml, renderLayout } from './html.js';

export interface LoginPageOptions {
  /** Where to go after signing in (already checked to be a local path). */
  next: string;
  /** A plain error line, e.g. `Invalid session token.`. */
  error?: string;
}

export function renderLoginPage(options: LoginPageOptions): string {
  const error = options.error === undefined ? '' : `<p id="login-error" class="error" role="alert">${escapeHtml(options.error)}</p>`;
  return renderLayout({
    title: 'Sign in',
    body: `<main id="app" class="page narrow" data-page="login">
<h1>Sign in</h1>
<form class="card form" method="post" action="/login">
<input type="hidden" name="next" value="${escapeHtml(options.next)}">
<label for="token">Session token</label>
<input id="token" name="token" type="password" autocomplete="current-password" spellcheck="false" required aria-describedby="token-hint">
<p id="token-hint" class="hint">The token <code>taskyard server</code> printed for the first user (<code>npm start</code> keeps it in
<code>.taskyard/session</code>), or any API token (<code>taskyard login</code> saves one in <code>~/.config/taskyard/session</code>).</p>
${error}
<div class="actions"><button type="submit" class="btn primary">Sign in</button></div>
</form>
</main>`,
  });
}

export function renderTasksPage(username: string): string {
  return renderLayout({
    title: 'Tasks',
    username,
    scripts: ['tasks.js'],
    body: `<main id="app" class="page" data-page="tasks" data-user="${escapeHtml(username)}">
<h1>Tasks</h1>
<section class="card" aria-labelledby="create-heading">
<h2 id="create-heading">New task</h2>
<form id="create-form" class="form grid-form" novalidate>
<label for="template">Template</label>
<select id="template" name="template"><option value="">Loading templates…</option></select>
<label for="prompt">Prompt</label>
<textarea id="prompt" name="input" rows="3" placeholder="What should the agent do?"></textarea>
<label for="task-name">Name <span class="muted">(optional)</span></label>
<input id="task-name" name="name" spellcheck="false" autocomplete="off" placeholder="task-1a2b3c4d" aria-describedby="name-hint">
<p id="name-hint" class="hint span">Lowercase letters, digits and inner dashes (<code>${escapeHtml(TASK_NAME_PATTERN.source)}</code>); empty picks a name.</p>
<div id="create-error" class="error span" role="alert" hidden></div>
<div class="actions span"><button id="create" type="submit" class="btn primary">Create task</button></div>
</form>
</section>
<section class="card" aria-labelledby="tasks-heading">
<div class="section-head"><h2 id="tasks-heading">My tasks</h2><span id="list-updated" class="muted"></span></div>
<div id="list-error" class="error" role="alert" hidden></div>
<table id="tasks" class="table">
<thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">State</th><th scope="col">Created</th></tr></thead>
<tbody id="task-rows"></tbody>
</table>
<p id="no-tasks" class="empty" hidden>No tasks yet. Create one above.</p>
</section>
</main>`,
  });
}

export interface TaskPageOptions {
  username: string;
  owner: string;
  name: string;
}

export function renderTaskPage(options: TaskPageOptions): string {
  const { owner, name } = options;
  return renderLayout({
    title: `${owner}/${name}`,
    username: options.username,
    scripts: ['task.js'],
    body: `<main id="app" class="page" data-page="task" data-owner="${escapeHtml(owner)}" data-name="${escapeHtml(name)}">
<nav class="crumbs" aria-label="Breadcrumb"><a href="/tasks">Tasks</a> <span aria-hidden="true">/</span> ${escapeHtml(owner)}</nav>
<div class="task-head">
<h1>${escapeHtml(name)}</h1>
<span id="task-status" class="badge" data-status="" role="status" aria-live="polite" aria-atomic="true"><span class="visually-hidden">Task status: </span><span id="task-status-text">loading</span></span>
<span id="watch-state" class="muted"></span>
<span class="spacer"></span>
<button id="pause" type="button" class="btn" disabled>Pause</button>
<button id="resume" type="button" class="btn primary" disabled>Resume</button>
</div>
<p id="task-state" class="state"></p>
<p id="action-note" class="note" aria-live="polite"></p>
<div id="action-error" class="error" role="alert" hidden></div>
<div class="task-grid">
<section class="card conversation" aria-labelledby="conversation-heading">
<h2 id="conversation-heading">Conversation</h2>
<div id="conversation-error" class="error" role="alert" hidden></div>
<div id="chat" class="chat" hidden></div>
<div id="snapshot" class="snapshot" hidden>
<p id="snapshot-note" class="note"></p>
<div id="snapshot-messages" class="messages" role="log" aria-label="Conversation snapshot (read-only)" tabindex="0"></div>
</div>
<p id="conversation-note" class="note" hidden></p>
</section>
<aside class="card agent" aria-labelledby="agent-heading">
<h2 id="agent-heading">Workspace agent</h2>
<div id="agent-error" class="error" role="alert" hidden></div>
<p id="no-agent" class="muted">No agent yet.</p>
<dl id="agent-summary" class="summary"></dl>
<h3 id="units-heading">Sync units</h3>
<table id="units" class="table compact" aria-labelledby="units-heading">
<thead><tr><th scope="col">Unit</th><th scope="col">Status</th><th scope="col">Ready</th></tr></thead><tbody></tbody>
</table>
<h3 id="scripts-heading">Scripts</h3>
<table id="scripts" class="table compact" aria-labelledby="scripts-heading">
<thead><tr><th scope="col">Script</th><th scope="col">Stage</th><th scope="col">Status</th><th scope="col">Exit</th><th scope="col">Duration</th></tr></thead><tbody></tbody>
</table>
<details id="agent-logs"><summary>Agent logs</summary><pre id="agent-log-lines" class="log" tabindex="0"></pre></details>
</aside>
</div>
</main>`,
  });
}

export function renderNotFoundPage(username: string, what: string): string {
  return renderLayout({
    title: 'Not found',
    username,
    body: `<main id="app" class="page narrow" data-page="not-found">
<h1>Not found</h1>
<p class="error" role="alert">${escapeHtml(what)}</p>
<p><a href="/tasks">Back to the tasks</a></p>
</main>`,
  });
}
