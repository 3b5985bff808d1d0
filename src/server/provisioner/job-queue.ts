// The provisioner job queue in PostgreSQL (server.md §4.4.3): acquire the
// oldest pending job with FOR UPDATE SKIP LOCKED (so every job runs on
// exactly one replica), heartbeat it, complete it, and fail running jobs
// whose heartbeat is older than the abandonment threshold. Only the replica
// that acquired a job may heartbeat or complete it. No job logic here.
import type { Queryable } from '../db/storage.js';
import type { Build, BuildReason, BuildTransition, JobStatus } from './builds.js';
import { PROVISIONER_MESSAGES } from './errors.js';
import { getBuildByJob } from './queries.js';

/** The oldest pending job, now `running` on `workerId`, as its build; undefined when none is pending. */
export async function acquireJob(sql: Queryable, workerId: string): Promise<Build | undefined> {
  const [row] = await sql<{ id: string }[]>`
    update provisioner_jobs
    set status = 'running', worker_id = ${workerId}, started_at = now(), heartbeat_at = now(), updated_at = now()
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
}

/** Fails every running job whose heartbeat is older than `abandonedAfterMs` with `provisioner job abandoned`. */
export async function failAbandonedJobs(sql: Queryable, abandonedAfterMs: number): Promise<AbandonedJob[]> {
  const rows = await sql<{ job_id: string; build_id: string; workspace_id: string; transition: BuildTransition; reason: BuildReason }[]>`
    with failed as (
      update provisioner_jobs
      set status = 'failed', error = ${PROVISIONER_MESSAGES.jobAbandoned}, completed_at = now(), updated_at = now()
      where status = 'running'
        and coalesce(heartbeat_at, started_at, created_at) < now() - make_interval(secs => ${abandonedAfterMs / 1000})
      returning id, workspace_id)
    select f.id as job_id, b.id as build_id, f.workspace_id, b.transition, b.reason
    from failed f join builds b on b.job_id = f.id`;
  return rows.map((r) => ({ jobId: r.job_id, buildId: r.build_id, workspaceId: r.workspace_id, transition: r.transition, reason: r.reason }));
}
