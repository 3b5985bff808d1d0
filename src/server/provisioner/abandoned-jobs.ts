// What happens to a job whose replica stopped heartbeating (server.md
// §1.2.2, §4.4.3, §4.6): stop and delete jobs are resumed, start jobs are
// failed `provisioner job abandoned`. A stop job only signals the agent,
// waits and kills the workspace's processes, so running it again from the
// start is safe, and resuming it is what lets a task paused during a server
// crash reach `paused` instead of `error` (the same build keeps the agent's
// token valid for its stop scripts, §3.6). A start job spawns an agent, and a
// second spawn next to a half-started first one is not safe, so it fails and
// the task's way forward is pause → resume. Used by reconciliation at start
// and by every replica's periodic maintenance; it never runs a job itself.
import type { Logger } from 'pino';
import type { EventBus } from '../db/event-bus.js';
import type { Sql } from '../db/storage.js';
import type { ServerMetrics } from '../metrics.js';
import type { BuildTransition } from './builds.js';
import { takeBackAbandonedJobs, type AbandonedJob } from './job-queue.js';
import { notifyWorkspaceChanged } from './notify.js';

export interface AbandonedJobDeps {
  sql: Sql;
  events: EventBus;
  logger: Logger;
  metrics: ServerMetrics;
}

const RESUMABLE: ReadonlySet<BuildTransition> = new Set(['stop', 'delete']);
/** A stop job acquired this often without finishing is failed: it may be what crashes its replica. */
export const MAX_JOB_ATTEMPTS = 3;

export async function recoverAbandonedJobs(deps: AbandonedJobDeps, abandonedAfterMs: number): Promise<AbandonedJob[]> {
  const { sql, events, logger, metrics } = deps;
  const jobs = await takeBackAbandonedJobs(sql, { abandonedAfterMs, resumable: RESUMABLE, maxAttempts: MAX_JOB_ATTEMPTS });
  for (const job of jobs) {
    const log = { job_id: job.jobId, build_id: job.buildId, workspace_id: job.workspaceId, transition: job.transition, attempts: job.attempts };
    if (job.outcome === 'requeued') {
      logger.warn(log, 'provisioner job abandoned; queued again');
      await events.publish({ kind: 'job_queued', job_id: job.jobId, workspace_id: job.workspaceId });
    } else {
      logger.warn(log, 'provisioner job abandoned');
      metrics.workspaceBuilds.inc({ transition: job.transition, reason: job.reason, status: 'failed' });
    }
    await notifyWorkspaceChanged(sql, events, logger, job.workspaceId, job.buildId);
  }
  return jobs;
}
