// The control plane's HTTP API as one Hono app. To add endpoints, write a
// route module exporting `registerXRoutes(app, ctx)` and list it in
// ROUTE_MODULES below (one line). This file wires middleware and error
// handling only; it never holds endpoint logic.
import { Hono } from 'hono';
import type { ServerContext } from '../context.js';
import { registerAgentApiRoutes } from './agent-api-routes.js';
import { registerAgentDashboardRoutes } from './agent-dashboard-routes.js';
import { registerAgentEventsRoutes } from './agent-events-routes.js';
import { registerAgentSnapshotRoutes } from './agent-snapshot-routes.js';
import type { App, AppEnv } from './env.js';
import { errorBody, HttpError, MESSAGES } from './errors.js';
import { requestLog } from './request-log.js';
import { registerSystemRoutes } from './system-routes.js';
import { registerTasksRoutes } from './tasks-routes.js';
import { registerTemplatesRoutes } from './templates-routes.js';
import { registerUsersRoutes } from './users-routes.js';
import { registerWebRoutes } from '../web/routes.js';

export type RegisterRoutes = (app: App, ctx: ServerContext) => void;

/** Route modules, registered in this order. */
const ROUTE_MODULES: readonly RegisterRoutes[] = [
  registerSystemRoutes,
  registerUsersRoutes,
  registerTasksRoutes,
  registerTemplatesRoutes,
  registerAgentApiRoutes,
  registerAgentEventsRoutes,
  registerAgentSnapshotRoutes,
  registerAgentDashboardRoutes,
  registerWebRoutes,
];

export function buildApp(ctx: ServerContext): App {
  const app = new Hono<AppEnv>();
  app.use('*', requestLog(ctx));
  app.onError((err, c) => {
    if (err instanceof HttpError) return c.json(err.body, err.status);
    ctx.logger.error({ err, request_id: c.get('requestId'), method: c.req.method, path: c.req.path }, 'request failed');
    return c.json(errorBody(MESSAGES.internal), 500);
  });
  app.notFound((c) => c.json(errorBody(MESSAGES.routeNotFound), 404));
  for (const register of ROUTE_MODULES) register(app, ctx);
  return app;
}
