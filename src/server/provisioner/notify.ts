// Tells every replica that a workspace's builds changed (server.md §2.3):
// `workspace_updated`, plus `task_updated` for the workspace's live task so
// task watch streams re-read. Best effort: the state is stored already, so a
// failed NOTIFY is logged and never fails a job.
import type { Logger } from 'pino';
import type { EventBus } from '../db/event-bus.js';
import type { Queryable } from '../db/storage.js';

export async function notifyWorkspaceChanged(sql: Queryable, events: EventBus, logger: Logger, workspaceId: string, buildId?: string): Promise<void> {
  try {
    await events.publish({ kind: 'workspace_updated', workspace_id: workspaceId, ...(buildId ? { build_id: buildId } : {}) });
    const tasks = await sql<{ id: string }[]>`select id from tasks where workspace_id = ${workspaceId} and deleted_at is null`;
    for (const task of tasks) await events.publish({ kind: 'task_updated', task_id: task.id, workspace_id: workspaceId });
  } catch (err) {
    logger.warn({ err, workspace_id: workspaceId }, 'publishing a workspace change failed');
  }
}
