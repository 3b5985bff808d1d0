// The provisioner job queue in PostgreSQL (server.md §4.4.3): acquire the
// oldest pending job with FOR UPDATE SKIP LOCKED (so every job runs on
// exactly one replica), heartbeat it, complete it, and take back running jobs
// whose heartbeat is older than the abandonment threshold: re-queue the
// resumable ones, fail the rest. Only the replica that acquired a job may
// heartbeat or complete it. No job logic here.
import type { Queryable } from '../db/storage.js';
import type { Build, BuildReason, BuildTransition, JobStatus } from './builds.js';
import { PROVISIONER_MESSAGES } from './errors.js';
import { getBuildByJob } from './queries.js';

/** The oldest pending job, now `running` on `workerId`, as its build; undefined when none is pending. */
export async function acquireJob(sql: Queryable, workerId: string): Promise<Build | undefined> {
  const [row] = await sql<{ id: string }[]>`
    update provisioner_jobs
    set status = 'running', worker_id = ${workerId}, started_at = now(), heartbeat_at = now(), updated_at = now(),
        attempts = attempts + 1
    where id = (
      select id from provisioner_jobs where status = 'pending'
      order by created_at, id
      for update skip locked
      limit 1)
    returning id`;
  return row ? getBuildByJob(sql, row.id) : undefined;
}

/** Refreshes the heartbeat; false when the job is no longer running on `workerId` (e.g. failed as abandoned). */
export async function heartbeatJob(sql: Queryable, jobId: string, workerId: string): Promise<boolean> {
  const rows = await sql`
    update provisioner_jobs set heartbeat_at = now()
    where id = ${jobId} and status = 'running' and worker_id = ${workerId}
    returning id`;
  return rows.length > 0;
}

/** Ends a running job; false when it was not running on `workerId` any more (nothing changed). */
export async function completeJob(
  sql: Queryable,
  jobId: string,
  workerId: string,
  status: Extract<JobStatus, 'succeeded' | 'failed'>,
  error: string | null,
): Promise<boolean> {
  const rows = await sql`
    update provisioner_jobs
    set status = ${status}, error = ${error}, completed_at = now(), updated_at = now()
    where id = ${jobId} and status = 'running' and worker_id = ${workerId}
    returning id`;
  return rows.length > 0;
}

export interface AbandonedJob {
  jobId: string;
  buildId: string;
  workspaceId: string;
  transition: BuildTransition;
  reason: BuildReason;
  /** How often the job was acquired so far. */
  attempts: number;
  /** `requeued`: pending again, to be run from the start; `failed`: `provisioner job abandoned`. */
  outcome: 'requeued' | 'failed';
}

export interface AbandonedJobPolicy {
  abandonedAfterMs: number;
  /** Transitions whose executor is safe to run again from the start. */
  resumable: ReadonlySet<BuildTransition>;
  /** A resumable job acquired this often is failed instead (it may be what kills its replica). */
  maxAttempts: number;
}

/**
 * Takes back every running job whose heartbeat is older than
 * `abandonedAfterMs`: resumable ones below `maxAttempts` go back to
 * `pending` (same build, same job), the others are failed with
 * `provisioner job abandoned`. One statement, so two replicas checking at
 * once never both act on a job.
 */
export async function takeBackAbandonedJobs(sql: Queryable, policy: AbandonedJobPolicy): Promise<AbandonedJob[]> {
  const resumable = [...policy.resumable];
  const rows = await sql<{ job_id: string; build_id: string; workspace_id: string; transition: BuildTransition; reason: BuildReason; attempts: number; requeue: boolean }[]>`
    with abandoned as (
      select j.id, b.id as build_id, j.workspace_id, b.transition, b.reason, j.attempts,
             (b.transition = any(${resumable}::text[]) and j.attempts < ${policy.maxAttempts}) as requeue
      from provisioner_jobs j join builds b on b.job_id = j.id
      where j.status = 'running'
        and coalesce(j.heartbeat_at, j.started_at, j.created_at) < now() - make_interval(secs => ${policy.abandonedAfterMs / 1000})
      for update of j skip locked),
    updated as (
      update provisioner_jobs j
      set status = case when a.requeue then 'pending' else 'failed' end,
          error = case when a.requeue then null else ${PROVISIONER_MESSAGES.jobAbandoned} end,
          completed_at = case when a.requeue then null else now() end,
          worker_id = case when a.requeue then null else j.worker_id end,
          heartbeat_at = case when a.requeue then null else j.heartbeat_at end,
          updated_at = now()
      from abandoned a where j.id = a.id
      returning j.id)
    select a.id as job_id, a.build_id, a.workspace_id, a.transition, a.reason, a.attempts, a.requeue
    from abandoned a join updated u on u.id = a.id`;
  return rows.map((r) => ({
    jobId: r.job_id,
    buildId: r.build_id,
    workspaceId: r.workspace_id,
    transition: r.transition,
    reason: r.reason,
    attempts: r.attempts,
    outcome: r.requeue ? 'requeued' : 'failed',
  }));
}
