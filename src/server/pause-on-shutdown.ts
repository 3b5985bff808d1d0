// The opt-in first shutdown step of `taskyard server --pause-tasks-on-shutdown`
// (used by `taskyard up` / `npm start`, where Ctrl+C must stop the whole
// system): every workspace that may have a live agent gets a stop build
// (reason `task_manual_pause` when a task lives in it, else `initiator`), and
// the step waits until no workspace's latest build is a start or an
// unfinished stop. The stop jobs run the agents' stop scripts, which store the
// AgentAPI state and the log snapshot, so the tasks come back paused with
// their conversation. It runs BEFORE the normal order of §1.2.2 because the
// stop scripts need the HTTP API and the provisioner loop still running.
//
// It never waits unbounded: after the stop grace period (+ a margin) or when
// `hurry` aborts (a second Ctrl+C), it SIGKILLs the processes of the
// workspaces still stopping (found by TASKYARD_WORKSPACE_ID, never by name);
// their stop jobs keep their state and are completed by the next start's
// abandoned-job recovery. It pauses every workspace in the database, so it is
// meant for a single-replica setup; it never deletes anything.
import type { Logger } from 'pino';
import type { Sql } from './db/storage.js';
import { isProvisionerError, type BuildService, type JobStatus } from './provisioner/index.js';
import { killWorkspaceProcesses, sleep } from './provisioner/processes.js';

export interface PauseOnShutdownDeps {
  sql: Sql;
  builds: BuildService;
  logger: Logger;
  stopGracePeriodMs: number;
}

export interface PauseOnShutdownOptions {
  /** Aborted = stop waiting now and kill what is still stopping (a second Ctrl+C). */
  hurry?: AbortSignal;
  pollMs?: number;
  /** Added to the stop grace period: queueing and the job's own bookkeeping take a moment. */
  marginMs?: number;
}

export interface PauseOnShutdownResult {
  /** Workspaces this step queued a stop build for. */
  paused: string[];
  /** Workspaces whose processes were killed because the wait was cut short. */
  killed: string[];
  outcome: 'done' | 'hurried' | 'timed_out';
}

interface WorkspaceRow {
  id: string;
  name: string;
  owner_name: string;
  task_id: string | null;
  transition: 'start' | 'stop' | 'delete';
  job_status: JobStatus;
}

/** Not deleted, latest build a start (any job status) or an unfinished stop/delete. */
async function workspacesNotAtRest(sql: Sql): Promise<WorkspaceRow[]> {
  return sql<WorkspaceRow[]>`
    select w.id, w.name, u.username as owner_name, t.id as task_id, b.transition, j.status as job_status
    from workspaces w
    join users u on u.id = w.owner_id
    left join tasks t on t.workspace_id = w.id and t.deleted_at is null
    join lateral (select transition, job_id from builds where workspace_id = w.id order by build_number desc limit 1) b on true
    join provisioner_jobs j on j.id = b.job_id
    where w.deleted_at is null
      and (b.transition = 'start' and j.status in ('pending', 'running', 'succeeded')
           or b.transition <> 'start' and j.status in ('pending', 'running'))`;
}

export async function pauseWorkspacesOnShutdown(deps: PauseOnShutdownDeps, options: PauseOnShutdownOptions = {}): Promise<PauseOnShutdownResult> {
  const { sql, builds, logger } = deps;
  const pollMs = options.pollMs ?? 200;
  const startedAt = Date.now();
  const deadline = startedAt + deps.stopGracePeriodMs + (options.marginMs ?? 15_000);
  const paused: string[] = [];
  let pending = await workspacesNotAtRest(sql);
  logger.info({ count: pending.length }, 'pausing workspaces for shutdown');

  let outcome: PauseOnShutdownResult['outcome'] = 'done';
  while (pending.length > 0) {
    for (const ws of pending) {
      // A start still running is left to finish: stopping it midway would leave a half-started agent.
      if (ws.transition !== 'start' || ws.job_status !== 'succeeded') continue;
      try {
        const reason = ws.task_id === null ? 'initiator' : 'task_manual_pause';
        const build = await builds.requestBuild({ workspaceId: ws.id, transition: 'stop', reason });
        paused.push(ws.id);
        logger.info({ workspace_id: ws.id, workspace_name: ws.name, owner_name: ws.owner_name, task_id: ws.task_id, build_id: build.id }, 'workspace pausing for shutdown');
      } catch (err) {
        // Someone else (a pause, the auto-pause loop) queued a build meanwhile: wait for it instead.
        if (!isProvisionerError(err, 'build_active')) throw err;
      }
    }
    if (options.hurry?.aborted) {
      outcome = 'hurried';
      break;
    }
    if (Date.now() >= deadline) {
      outcome = 'timed_out';
      break;
    }
    try {
      await sleep(pollMs, options.hurry);
    } catch {
      outcome = 'hurried';
      break;
    }
    pending = await workspacesNotAtRest(sql);
  }

  const killed: string[] = [];
  if (outcome !== 'done') {
    // Whatever is left keeps its job state; only its processes go, so nothing outlives the system.
    for (const ws of await workspacesNotAtRest(sql)) {
      if (ws.transition === 'start' && ws.job_status === 'pending') continue; // never spawned
      await killWorkspaceProcesses(ws.id);
      killed.push(ws.id);
    }
    logger.warn({ outcome, workspace_ids: killed, duration_ms: Date.now() - startedAt }, 'pausing workspaces for shutdown cut short; workspace processes killed');
  } else {
    logger.info({ count: paused.length, duration_ms: Date.now() - startedAt }, 'workspaces paused for shutdown');
  }
  return { paused, killed, outcome };
}
