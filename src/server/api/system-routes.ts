// Unauthenticated system endpoints: `GET /healthz` (§1.2.3), `GET
// /api/v2/buildinfo` (§1.2.3) and `GET /metrics` (§9.2, Prometheus text).
// They must never touch the database, so they answer during startup
// trouble and cost nothing to poll.
import type { ServerContext } from '../context.js';
import type { App } from './env.js';

export function registerSystemRoutes(app: App, ctx: ServerContext): void {
  app.get('/healthz', (c) => c.text('OK'));
  app.get('/api/v2/buildinfo', (c) => c.json({ version: ctx.version }));
  app.get('/metrics', async (c) => {
    const body = await ctx.metrics.registry.metrics();
    return c.body(body, 200, { 'Content-Type': ctx.metrics.registry.contentType });
  });
}
