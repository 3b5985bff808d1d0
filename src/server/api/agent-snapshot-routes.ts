// `POST /api/v2/workspaceagents/me/tasks/{task}/log-snapshot?format=agentapi`
// (server.md §5.1): the checks run in the spec's exact order and the first
// failure answers — token, task id, query, task lookup (before a single body
// byte is read), the 64 KiB cap while the body streams in, the body, then one
// upsert. On every failure the stored row is left as it was. Counts
// `taskyard_log_snapshots_total{result}`; never logs the body or the token.
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { BodyLimitError, readBodyCapped } from '../agents/body.js';
import { AgentApiError } from '../agents/errors.js';
import { checkSnapshotQuery, decodeSnapshotBody, SNAPSHOT_MAX_BYTES, snapshotEnvelope } from '../agents/snapshot-envelope.js';
import { taskBelongsToWorkspace, upsertTaskSnapshot } from '../agents/snapshot-store.js';
import { agentAuthentication } from '../agents/token-validity.js';
import type { ServerContext } from '../context.js';
import type { App, AppEnv } from './env.js';
import { notFound } from './errors.js';

export const LOG_SNAPSHOT_PATH = '/api/v2/workspaceagents/me/tasks/:task/log-snapshot';

const taskIdSchema = z.guid();

export function registerAgentSnapshotRoutes(app: App, ctx: ServerContext): void {
  // First, so that it also counts the 401s of step 1.
  const countResult: MiddlewareHandler<AppEnv> = async (c, next) => {
    await next();
    ctx.metrics.logSnapshots.inc({ result: c.res.status === 204 ? 'stored' : 'rejected' });
  };

  app.post(LOG_SNAPSHOT_PATH, countResult, agentAuthentication(ctx), async (c) => {
    const agent = c.get('agent');
    const taskId = c.req.param('task');
    if (!taskIdSchema.safeParse(taskId).success) throw new AgentApiError('invalidTaskId');
    checkSnapshotQuery(new URL(c.req.url).searchParams);
    if (!(await taskBelongsToWorkspace(ctx.sql, taskId, agent.workspaceId))) throw notFound();

    let body: Uint8Array;
    try {
      body = await readBodyCapped(c.req.raw, SNAPSHOT_MAX_BYTES);
    } catch (err) {
      if (err instanceof BodyLimitError) throw new AgentApiError('snapshotTooLarge');
      throw err;
    }
    const messages = decodeSnapshotBody(body);
    try {
      await upsertTaskSnapshot(ctx.sql, taskId, snapshotEnvelope(messages));
    } catch (err) {
      ctx.logger.error({ err, task_id: taskId, workspace_id: agent.workspaceId }, 'storing task log snapshot failed');
      throw new AgentApiError('storeSnapshotFailed');
    }
    ctx.logger.info({ task_id: taskId, workspace_id: agent.workspaceId, messages: messages.length }, 'task log snapshot stored');
    return c.body(null, 204);
  });
}
