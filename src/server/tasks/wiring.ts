// Maps the ServerContext onto the tasks module's ports: the provisioner's
// BuildService as TaskBuilds, the template registry + renderer as the
// create-time task-app check, and the background loop as a server
// BackgroundService. The only file of tasks/ that knows the neighbours'
// concrete classes; it holds no task logic.
import path from 'node:path';
import type { TemplateContext } from '../../protocol/template.js';
import type { ServerContext } from '../context.js';
import type { BackgroundService } from '../server.js';
import { renderTemplate } from '../templates/index.js';
import { TaskLoop } from './auto-pause.js';
import type { TaskAppCheck } from './ports.js';
import { TaskService } from './task-service.js';

/**
 * Task creation's 400 `Template does not define a task app.` (§4.1.4):
 * the template version is rendered once, as the start job will render it,
 * with the task's real ids and prompt. Ports are placeholders (the start job
 * allocates the real ones): the result is only inspected for task apps and
 * then discarded. A render failure is not a 400 — the start job fails the
 * same way and the task shows `error` (§6.7).
 */
export function templateTaskAppCheck(ctx: ServerContext): TaskAppCheck {
  return async (input) => {
    try {
      const version = await ctx.templates.forVersion(input.templateVersionId);
      const names = ['agentapi', ...(version.metadata.ports ?? [])];
      const context: TemplateContext = {
        task: input.task,
        workspace: { ...input.workspace, build_number: 1 },
        owner: input.owner,
        home_dir: path.join(ctx.config.dataDir, 'workspaces', input.workspace.id, 'home'),
        ports: Object.fromEntries(names.map((name, i) => [name, ctx.config.portRange.start + i])),
        access_url: ctx.accessUrl,
      };
      const spec = await renderTemplate(version.template, context);
      return (spec.apps ?? []).filter((app) => app.task_app === true).length;
    } catch (err) {
      ctx.logger.warn({ err, template_version_id: input.templateVersionId, task_id: input.task.id }, 'task-app check: template did not render');
      return undefined;
    }
  };
}

export function createTaskService(ctx: ServerContext): TaskService {
  return new TaskService({
    sql: ctx.sql,
    events: ctx.events,
    logger: ctx.logger,
    builds: ctx.builds,
    checkTaskApp: templateTaskAppCheck(ctx),
  });
}

/** BACKGROUND_SERVICES entry: auto-pause, task gauge, deferred delete builds. */
export function startTaskLoop(ctx: ServerContext): BackgroundService {
  const loop = new TaskLoop({
    sql: ctx.sql,
    logger: ctx.logger,
    metrics: ctx.metrics,
    service: createTaskService(ctx),
    idleTimeoutMs: ctx.config.taskIdleTimeoutMs,
  }).start();
  return { name: 'tasks loop', stop: () => loop.stop() };
}
