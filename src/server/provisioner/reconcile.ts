// Reconciliation at server start (server.md §4.6), before listening:
// re-adopt live agent processes (pid recorded and still that agent: they
// keep running and reconnect by themselves), mark dead ones disconnected
// with their task app `unhealthy` (§4.5), and take back abandoned jobs
// (§4.4.3; stop/delete resumed, start failed: abandoned-jobs.ts). It never
// starts, stops or signals an agent itself.
import type { Logger } from 'pino';
import type { EventBus } from '../db/event-bus.js';
import type { Sql } from '../db/storage.js';
import type { ServerMetrics } from '../metrics.js';
import { currentAgents, isAgentAlive, markTaskAppUnhealthy } from './agent-connections.js';
import { recoverAbandonedJobs } from './abandoned-jobs.js';
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
  /** Jobs failed `provisioner job abandoned`. */
  abandonedJobIds: string[];
  /** Abandoned stop/delete jobs put back in the queue. */
  requeuedJobIds: string[];
}

export async function reconcileProvisioner(deps: ReconcileDeps): Promise<ReconcileResult> {
  const { sql, events, logger } = deps;
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

  const abandoned = await recoverAbandonedJobs(deps, deps.abandonedAfterMs ?? DEFAULT_JOB_RUNNER_TIMING.abandonedAfterMs);
  const ids = (outcome: 'requeued' | 'failed') => abandoned.filter((j) => j.outcome === outcome).map((j) => j.jobId);
  return { adoptedAgentIds, deadAgentIds, abandonedJobIds: ids('failed'), requeuedJobIds: ids('requeued') };
}
