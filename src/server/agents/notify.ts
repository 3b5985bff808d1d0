// Tells every replica that an agent's visible state changed (server.md §2.3):
// `workspace_updated` for the workspace, plus `task_updated` for its task, so
// task watch streams and dashboards re-read. Best effort: a failed NOTIFY is
// logged and never fails the agent's report (the state is stored already).
import type { ServerContext } from '../context.js';

export interface ChangedAgent {
  workspaceId: string;
  buildId: string;
}

/** `taskId` when the caller knows it; otherwise the workspace's (non-deleted) task is looked up. */
export async function notifyAgentChanged(ctx: ServerContext, agent: ChangedAgent, taskId?: string): Promise<void> {
  try {
    let task = taskId;
    if (task === undefined) {
      const rows = await ctx.sql<{ id: string }[]>`select id from tasks where workspace_id = ${agent.workspaceId} and deleted_at is null`;
      task = rows[0]?.id;
    }
    await ctx.events.publish({ kind: 'workspace_updated', workspace_id: agent.workspaceId, build_id: agent.buildId });
    if (task !== undefined) await ctx.events.publish({ kind: 'task_updated', task_id: task, workspace_id: agent.workspaceId });
  } catch (err) {
    ctx.logger.warn({ err, workspace_id: agent.workspaceId }, 'publishing an agent change failed');
  }
}
