// The web dashboard's routes (server.md §8): `/` → `/tasks`, the static
// assets under `/assets/`, the task list and task pages, and the task's
// chat page (the AgentAPI chat of agentapi.md §3.11, served here and talking
// to the proxied AgentAPI at `/api/v2/tasks/{owner}/{task}/agentapi`). Pages
// need a signed-in browser: without a valid session they redirect to
// `/login` and come back afterwards. Sign-in itself: login-routes.ts. This
// module never registers anything under /api, so unknown API paths keep
// their JSON 404.
import type { Context } from 'hono';
import { renderChatPage } from '../../agentapi/chat/page.js';
import type { User } from '../../protocol/users.js';
import type { App } from '../api/env.js';
import { HttpError } from '../api/errors.js';
import type { ServerContext } from '../context.js';
import { resolveTask } from '../tasks/lookup.js';
import type { TaskRecord } from '../tasks/task-record.js';
import { etagMatches, findAsset } from './assets.js';
import { pageHeaders } from './guards.js';
import { registerLoginRoutes } from './login-routes.js';
import { renderNotFoundPage, renderTaskPage, renderTasksPage } from './pages.js';
import { clearSessionCookie, DEFAULT_LANDING, hasSessionCookie, loginLocation, sessionUser } from './session.js';

type PageHandler = (c: Context, user: User) => Promise<Response> | Response;

/** Runs `handler` for a signed-in browser; anyone else goes to /login (and a stale cookie is dropped). */
function signedIn(ctx: ServerContext, handler: PageHandler) {
  return async (c: Context): Promise<Response> => {
    const user = await sessionUser(c, ctx);
    if (user) return handler(c, user);
    if (hasSessionCookie(c)) clearSessionCookie(c, ctx);
    const url = new URL(c.req.url);
    return c.redirect(loginLocation(url.pathname + url.search), 302);
  };
}

/** The task the page names, or a plain HTML 404 page (the API's 404 rule: unknown and invisible look alike). */
async function taskOrNotFound(c: Context, ctx: ServerContext, user: User): Promise<TaskRecord | Response> {
  try {
    return await resolveTask(ctx.sql, ctx.auth, user, c.req.param('owner') ?? '', c.req.param('name') ?? '');
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) return c.html(renderNotFoundPage(user.username, err.message), 404);
    throw err;
  }
}

function taskBase(record: TaskRecord): string {
  return `/tasks/${encodeURIComponent(record.task.owner_name)}/${encodeURIComponent(record.task.name)}`;
}

function chatPage(ctx: ServerContext, embed: boolean) {
  return signedIn(ctx, async (c, user) => {
    const record = await taskOrNotFound(c, ctx, user);
    if (record instanceof Response) return record;
    const { owner_name: owner, name } = record.task;
    return c.html(
      renderChatPage({
        chatBasePath: `${taskBase(record)}/chat`,
        embed,
        apiBase: `/api/v2/tasks/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/agentapi`,
      }),
    );
  });
}

export function registerWebRoutes(app: App, ctx: ServerContext): void {
  const headers = pageHeaders();
  for (const path of ['/', '/login', '/logout', '/tasks', '/tasks/*', '/assets/*']) app.use(path, headers);
  registerLoginRoutes(app, ctx);

  app.get('/', (c) => c.redirect(DEFAULT_LANDING, 302));

  app.get('/assets/:name', (c) => {
    const asset = findAsset(c.req.param('name'));
    if (!asset) return c.text('Asset not found.', 404);
    c.header('ETag', asset.etag);
    c.header('Cache-Control', 'no-cache');
    c.header('X-Content-Type-Options', 'nosniff');
    if (etagMatches(c.req.header('If-None-Match'), asset.etag)) return c.body(null, 304);
    c.header('Content-Type', asset.contentType);
    return c.body(asset.body);
  });

  app.get(
    '/tasks',
    signedIn(ctx, (c, user) => c.html(renderTasksPage(user.username))),
  );

  app.get(
    '/tasks/:owner/:name',
    signedIn(ctx, async (c, user) => {
      const record = await taskOrNotFound(c, ctx, user);
      if (record instanceof Response) return record;
      // `me`, a user id or a task id in the URL: show the canonical address.
      if (c.req.param('owner') !== record.task.owner_name || c.req.param('name') !== record.task.name) return c.redirect(taskBase(record), 302);
      return c.html(renderTaskPage({ username: user.username, owner: record.task.owner_name, name: record.task.name }));
    }),
  );

  const fullChat = chatPage(ctx, false);
  const embedChat = chatPage(ctx, true);
  app.get('/tasks/:owner/:name/chat', fullChat);
  app.get('/tasks/:owner/:name/chat/', fullChat);
  app.get('/tasks/:owner/:name/chat/embed', embedChat);
  app.get('/tasks/:owner/:name/chat/embed/', embedChat);
}
