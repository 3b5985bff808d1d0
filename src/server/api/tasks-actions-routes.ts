// Tasks API, action endpoints (server.md §6.3–§6.5): send, input update,
// logs, pause and resume, each answering the exact status conflicts of the
// spec. Registered by tasks-routes.ts with the shared TaskService. Handlers
// parse and authorize only; the rules live in src/server/tasks/.
import { requireUser } from '../auth/middleware.js';
import type { ServerContext } from '../context.js';
import { resolveTask } from '../tasks/lookup.js';
import { taskLogs } from '../tasks/logs.js';
import { taskInputRequestSchema } from '../tasks/protocol.js';
import { sendTaskInput } from '../tasks/send.js';
import type { TaskService } from '../tasks/task-service.js';
import type { App } from './env.js';
import { readJson } from './errors.js';

export function registerTaskActionRoutes(app: App, ctx: ServerContext, service: TaskService): void {
  const authenticated = requireUser(ctx);

  app.post('/api/v2/tasks/:user/:task/send', authenticated, async (c) => {
    const record = await resolveTask(ctx.sql, ctx.auth, c.get('user'), c.req.param('user'), c.req.param('task'));
    const { input } = await readJson(c, taskInputRequestSchema);
    await sendTaskInput(record, input, { signal: AbortSignal.any([c.req.raw.signal, ctx.shutdownSignal]) });
    await service.bumpActivity(record);
    return c.body(null, 204);
  });

  app.patch('/api/v2/tasks/:user/:task/input', authenticated, async (c) => {
    const record = await resolveTask(ctx.sql, ctx.auth, c.get('user'), c.req.param('user'), c.req.param('task'));
    const { input } = await readJson(c, taskInputRequestSchema);
    await service.updateInput(record, input);
    return c.body(null, 204);
  });

  app.get('/api/v2/tasks/:user/:task/logs', authenticated, async (c) => {
    const record = await resolveTask(ctx.sql, ctx.auth, c.get('user'), c.req.param('user'), c.req.param('task'));
    return c.json(await taskLogs(ctx.sql, record, c.req.raw.signal));
  });

  app.post('/api/experimental/tasks/:user/:task/pause', authenticated, async (c) => {
    const record = await resolveTask(ctx.sql, ctx.auth, c.get('user'), c.req.param('user'), c.req.param('task'));
    return c.json(await service.pause(record, c.get('user')), 202);
  });

  app.post('/api/experimental/tasks/:user/:task/resume', authenticated, async (c) => {
    const record = await resolveTask(ctx.sql, ctx.auth, c.get('user'), c.req.param('user'), c.req.param('task'));
    return c.json(await service.resume(record, c.get('user')), 202);
  });
}
