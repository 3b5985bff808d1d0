// The dashboard's agent reads (server.md §8.3), user-authenticated:
// `GET /api/v2/workspaceagents/{id}`, `…/{id}/units`, `…/{id}/logs?after=<id>`
// and `GET /api/v2/workspacebuilds/{id}/timings`. Members see only their own
// workspaces; anything else (or a malformed id) is the usual 404. Read-only.
import { z } from 'zod';
import * as dashboard from '../agents/dashboard-store.js';
import { AgentApiError } from '../agents/errors.js';
import { requireUser } from '../auth/middleware.js';
import type { ServerContext } from '../context.js';
import type { App } from './env.js';
import { notFound } from './errors.js';

const guid = z.guid();
const afterSchema = z.string().regex(/^\d{1,15}$/, { message: 'must be a non-negative integer' });

export function registerAgentDashboardRoutes(app: App, ctx: ServerContext): void {
  const authenticated = requireUser(ctx);
  const agentParam = (id: string): string => {
    if (!guid.safeParse(id).success) throw notFound();
    return id;
  };

  app.get('/api/v2/workspaceagents/:id', authenticated, async (c) => {
    const view = await dashboard.readAgentView(ctx.sql, agentParam(c.req.param('id')), c.get('user'));
    if (!view) throw notFound();
    return c.json(view);
  });

  app.get('/api/v2/workspaceagents/:id/units', authenticated, async (c) => {
    const id = agentParam(c.req.param('id'));
    if (!(await dashboard.visibleAgentExists(ctx.sql, id, c.get('user')))) throw notFound();
    return c.json(await dashboard.readUnitsView(ctx.sql, id));
  });

  app.get('/api/v2/workspaceagents/:id/logs', authenticated, async (c) => {
    const id = agentParam(c.req.param('id'));
    const after = c.req.query('after');
    let afterId = 0;
    if (after !== undefined) {
      const parsed = afterSchema.safeParse(after);
      if (!parsed.success) throw new AgentApiError('invalidQuery', undefined, [{ field: 'after', detail: 'Query param "after" must be a non-negative integer' }]);
      afterId = Number(parsed.data);
    }
    if (!(await dashboard.visibleAgentExists(ctx.sql, id, c.get('user')))) throw notFound();
    return c.json(await dashboard.readAgentLogs(ctx.sql, id, afterId));
  });

  app.get('/api/v2/workspacebuilds/:id/timings', authenticated, async (c) => {
    const id = c.req.param('id');
    if (!guid.safeParse(id).success) throw notFound();
    const timings = await dashboard.readBuildTimings(ctx.sql, id, c.get('user'));
    if (!timings) throw notFound();
    return c.json({ agent_script_timings: timings });
  });
}
