// Template endpoints (server.md §4.1.1): `GET /api/v2/templates` lists the
// registered templates with their active version. Any signed-in user may
// list them (task creation names them). It never loads or renders a module:
// it reads what registration stored.
import { requireUser } from '../auth/middleware.js';
import type { ServerContext } from '../context.js';
import type { App } from './env.js';

export function registerTemplatesRoutes(app: App, ctx: ServerContext): void {
  app.get('/api/v2/templates', requireUser(ctx), async (c) => c.json(await ctx.templates.list()));
}
