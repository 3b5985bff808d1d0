// Reconciliation at server start (server.md §4.6), before listening:
// re-adopt live agent processes (pid recorded and still that agent: they
// keep running and reconnect by themselves), mark dead ones disconnected
// with their task app `unhealthy` (§4.5), and fail abandoned jobs (§4.4.3).
// It never starts, stops or signals an agent.
import type { Logger } from 'pino';
import type { EventBus } from '../db/event-bus.js';
import type { Sql } from '../db/storage.js';
import type { ServerMetrics } from '../metrics.js';
import { currentAgents, isAgentAlive, markTaskAppUnhealthy } from './agent-connections.js';
import { failAbandonedJobs } from './job-queue.js';
import { DEFAULT_JOB_RUNNER_TIMING } from './job-runner.js';
import { notifyWorkspaceChanged } from './notify.js';

export interface ReconcileDeps {
  sql: Sql;
  events: EventBus;
  logger: Logger;
  metrics: ServerMetrics;
  abandonedAfterMs?: number;
}

export interface ReconcileResult {
  adoptedAgentIds: string[];
  deadAgentIds: string[];
  abandonedJobIds: string[];
}

export async function reconcileProvisioner(deps: ReconcileDeps): Promise<ReconcileResult> {
  const { sql, events, logger, metrics } = deps;
  const adoptedAgentIds: string[] = [];
  const deadAgentIds: string[] = [];
  for (const agent of await currentAgents(sql)) {
    const log = { agent_id: agent.id, workspace_id: agent.workspaceId, pid: agent.pid };
    if (agent.pid === null) continue;
    if (isAgentAlive(agent)) {
      adoptedAgentIds.push(agent.id);
      logger.info(log, 'workspace agent re-adopted');
      continue;
    }
    deadAgentIds.push(agent.id);
    logger.warn(log, 'workspace agent process is gone');
    // Recorded as connected (or never disconnected): a dead process holds no stream.
    const stillConnected = agent.disconnectedAt === null || (agent.lastConnectedAt !== null && agent.disconnectedAt < agent.lastConnectedAt);
    if (stillConnected) await sql`update agents set disconnected_at = now(), updated_at = now() where id = ${agent.id}`;
    if ((await markTaskAppUnhealthy(sql, agent.id)) || stillConnected) {
      await notifyWorkspaceChanged(sql, events, logger, agent.workspaceId, agent.buildId);
    }
  }

  const abandoned = await failAbandonedJobs(sql, deps.abandonedAfterMs ?? DEFAULT_JOB_RUNNER_TIMING.abandonedAfterMs);
  for (const job of abandoned) {
    logger.warn({ job_id: job.jobId, build_id: job.buildId, workspace_id: job.workspaceId }, 'provisioner job abandoned');
    metrics.workspaceBuilds.inc({ transition: job.transition, reason: job.reason, status: 'failed' });
    await notifyWorkspaceChanged(sql, events, logger, job.workspaceId, job.buildId);
  }
  return { adoptedAgentIds, deadAgentIds, abandonedJobIds: abandoned.map((j) => j.jobId) };
}
