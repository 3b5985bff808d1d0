// `ANY /api/v2/tasks/{user}/{task}/agentapi/{path}` (server.md §6.3): the
// dashboard's and CLI's way to a task's AgentAPI. Only `active` tasks are
// proxied (else 409 `Task is <status>.`); an unreachable app is a 502.
// Proxied answers (errors included) pass through unchanged. The streaming
// itself lives in tasks/agentapi-proxy.ts.
import { requireUser } from '../auth/middleware.js';
import type { ServerContext } from '../context.js';
import { TaskAppError } from '../tasks/agentapi-client.js';
import { proxyToTaskApp } from '../tasks/agentapi-proxy.js';
import { taskErrors } from '../tasks/errors.js';
import { resolveTask } from '../tasks/lookup.js';
import type { App } from './env.js';

/** The part of the raw (still percent-encoded) path after `/agentapi`. */
function proxiedPath(url: string): string {
  const segments = new URL(url).pathname.split('/');
  // ['', 'api', 'v2', 'tasks', user, task, 'agentapi', ...rest]
  return segments.slice(7).join('/');
}

export function registerTaskProxyRoutes(app: App, ctx: ServerContext): void {
  const handler = requireUser(ctx);
  for (const pattern of ['/api/v2/tasks/:user/:task/agentapi', '/api/v2/tasks/:user/:task/agentapi/*']) {
    app.all(pattern, handler, async (c) => {
      const record = await resolveTask(ctx.sql, ctx.auth, c.get('user'), c.req.param('user') ?? '', c.req.param('task') ?? '');
      if (record.status !== 'active') throw taskErrors.proxyNotActive(record.status);
      if (record.appUrl === null) throw taskErrors.appUnreachable('The task has no task app.');
      try {
        return await proxyToTaskApp(record.appUrl, proxiedPath(c.req.url), c.req.raw, { signal: ctx.shutdownSignal });
      } catch (err) {
        if (err instanceof TaskAppError) throw taskErrors.appUnreachable(err.message);
        throw err;
      }
    });
  }
}
