// Tasks API, resource endpoints (server.md §6.3): create, list with
// `q=owner:… status:…`, get, watch (SSE `task`) and delete; the action
// endpoints (tasks-actions-routes.ts) and the AgentAPI proxy
// (tasks-proxy-routes.ts) are registered from here so app.ts needs one
// line. Handlers parse and authorize; task logic lives in src/server/tasks/.
import { streamSSE } from 'hono/streaming';
import { requireUser } from '../auth/middleware.js';
import type { ServerContext } from '../context.js';
import { taskErrors } from '../tasks/errors.js';
import { canSee, resolveOwner, resolveTask } from '../tasks/lookup.js';
import { createTaskRequestSchema, TASK_STATUSES, type TaskList, type TaskStatus } from '../tasks/protocol.js';
import { listTasks } from '../tasks/task-query.js';
import { watchTask } from '../tasks/watch.js';
import { createTaskService } from '../tasks/wiring.js';
import type { App } from './env.js';
import { HttpError, MESSAGES, readJson, type Validation } from './errors.js';
import { registerTaskActionRoutes } from './tasks-actions-routes.js';
import { registerTaskProxyRoutes } from './tasks-proxy-routes.js';

export interface TaskFilter {
  /** A `{user}` value; `*` = every owner the caller may see. */
  owner: string;
  status?: TaskStatus;
}

/** `q=owner:<user> status:<status>` (whitespace-separated; later terms win). */
export function parseTaskFilter(q: string): TaskFilter {
  const filter: TaskFilter = { owner: 'me' };
  const validations: Validation[] = [];
  for (const term of q.split(/\s+/).filter((t) => t !== '')) {
    const colon = term.indexOf(':');
    const key = colon < 0 ? '' : term.slice(0, colon);
    const value = colon < 0 ? '' : term.slice(colon + 1);
    if (key === 'owner' && value !== '') filter.owner = value;
    else if (key === 'status' && (TASK_STATUSES as readonly string[]).includes(value)) filter.status = value as TaskStatus;
    else if (key === 'status') validations.push({ field: 'status', detail: `status must be one of ${TASK_STATUSES.join(', ')}` });
    else validations.push({ field: key || term, detail: `unsupported filter term ${JSON.stringify(term)}; use owner:<user> or status:<status>` });
  }
  if (validations.length > 0) throw taskErrors.invalidFilter(validations);
  return filter;
}

export function registerTasksRoutes(app: App, ctx: ServerContext): void {
  const service = createTaskService(ctx);
  const authenticated = requireUser(ctx);

  app.post('/api/v2/tasks/:user', authenticated, async (c) => {
    const actor = c.get('user');
    const owner = await resolveOwner(ctx.auth, actor, c.req.param('user'));
    const body = await readJson(c, createTaskRequestSchema);
    if ((body.template === undefined) === (body.template_version_id === undefined)) {
      throw new HttpError(400, MESSAGES.validationFailed, undefined, [
        { field: 'template', detail: 'exactly one of template and template_version_id is required' },
      ]);
    }
    const record = await service.create(owner, actor, body);
    return c.json(record.task, 201);
  });

  app.get('/api/v2/tasks', authenticated, async (c) => {
    const actor = c.get('user');
    const filter = parseTaskFilter(c.req.query('q') ?? '');
    let ownerId: string | undefined;
    if (filter.owner !== '*') {
      const owner = await ctx.auth.resolveUser(filter.owner, actor);
      // An unknown or invisible owner simply has no tasks for this caller.
      if (!owner) return c.json({ tasks: [], count: 0 } satisfies TaskList);
      ownerId = owner.id;
    } else if (actor.role !== 'owner') {
      ownerId = actor.id;
    }
    const tasks = (await listTasks(ctx.sql, ownerId))
      .filter((r) => canSee(actor, r.task.owner_id) && (filter.status === undefined || r.status === filter.status))
      .map((r) => r.task);
    return c.json({ tasks, count: tasks.length } satisfies TaskList);
  });

  app.get('/api/v2/tasks/:user/:task', authenticated, async (c) => {
    const record = await resolveTask(ctx.sql, ctx.auth, c.get('user'), c.req.param('user'), c.req.param('task'));
    return c.json(record.task);
  });

  app.get('/api/v2/tasks/:user/:task/watch', authenticated, async (c) => {
    const record = await resolveTask(ctx.sql, ctx.auth, c.get('user'), c.req.param('user'), c.req.param('task'));
    const signal = AbortSignal.any([c.req.raw.signal, ctx.shutdownSignal]);
    return streamSSE(
      c,
      (stream) => watchTask(ctx, record.task.id, stream, signal),
      async (err) => {
        ctx.logger.error({ err, task_id: record.task.id }, 'task watch failed');
      },
    );
  });

  app.delete('/api/v2/tasks/:user/:task', authenticated, async (c) => {
    const record = await resolveTask(ctx.sql, ctx.auth, c.get('user'), c.req.param('user'), c.req.param('task'));
    await service.delete(record, c.get('user'));
    return c.body(null, 202);
  });

  registerTaskActionRoutes(app, ctx, service);
  registerTaskProxyRoutes(app, ctx);
}
