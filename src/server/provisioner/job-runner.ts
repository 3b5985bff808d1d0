// The provisioner loop of one replica (server.md §4.4.3): wakes on NOTIFY
// `job_queued` (and polls, since notifications can be lost), acquires jobs
// with SKIP LOCKED, runs each with a heartbeat every 5 s, records the result
// (an executor's error message becomes the job's error), and periodically
// takes back abandoned jobs of any replica (abandoned-jobs.ts). On stop() it
// stops acquiring and aborts running executors WITHOUT completing their
// jobs: they keep their state and are resumed or failed as abandoned once
// their heartbeat is stale (§1.2.2).
import type { Logger } from 'pino';
import type { EventBus, Unsubscribe } from '../db/event-bus.js';
import type { Sql } from '../db/storage.js';
import type { ServerMetrics } from '../metrics.js';
import type { Build } from './builds.js';
import { messageOf } from './errors.js';
import { recoverAbandonedJobs } from './abandoned-jobs.js';
import { acquireJob, completeJob, heartbeatJob } from './job-queue.js';
import { notifyWorkspaceChanged } from './notify.js';

/** Runs one build's job; resolves = succeeded, throws = failed with the error's message. */
export type JobExecutor = (build: Build, signal: AbortSignal) => Promise<void>;

export interface JobRunnerTiming {
  heartbeatMs: number;
  /** Running jobs whose heartbeat is older are abandoned (resumed or failed, abandoned-jobs.ts). */
  abandonedAfterMs: number;
  /** Fallback poll for pending jobs (a NOTIFY may be missed). */
  pollMs: number;
  /** How often running jobs of every replica are checked for abandonment. */
  maintenanceMs: number;
}

/**
 * Test knob: TASKYARD_PROVISIONER_ABANDONED_AFTER_MS (a positive integer)
 * replaces the 30 s abandonment threshold (§4.4.3), so crash tests of the real
 * bin need not wait 30 s; unset or invalid keeps 30 s.
 */
function abandonedAfterMsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.TASKYARD_PROVISIONER_ABANDONED_AFTER_MS);
  return Number.isInteger(value) && value > 0 ? value : 30_000;
}

export const DEFAULT_JOB_RUNNER_TIMING: JobRunnerTiming = { heartbeatMs: 5_000, abandonedAfterMs: abandonedAfterMsFromEnv(), pollMs: 2_000, maintenanceMs: 5_000 };

export interface JobRunnerOptions {
  sql: Sql;
  events: EventBus;
  logger: Logger;
  metrics: ServerMetrics;
  workerId: string;
  execute: JobExecutor;
  timing?: Partial<JobRunnerTiming>;
  /** Jobs run concurrently on this replica (stop jobs may wait out a long grace period). */
  maxConcurrent?: number;
}

export class JobRunner {
  private readonly timing: JobRunnerTiming;
  private readonly running = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly unsubscribes: Unsubscribe[] = [];
  private draining: Promise<void> | undefined;
  private drainAgain = false;
  private stopped = false;

  constructor(private readonly options: JobRunnerOptions) {
    this.timing = { ...DEFAULT_JOB_RUNNER_TIMING, ...options.timing };
  }

  start(): void {
    const { events } = this.options;
    this.unsubscribes.push(events.on('job_queued', () => this.drain()), events.onRelisten(() => this.drain()));
    this.timers.push(setInterval(() => this.drain(), this.timing.pollMs), setInterval(() => void this.maintain(), this.timing.maintenanceMs));
    this.drain();
  }

  /** Acquires pending jobs until none is left or the concurrency limit is reached. */
  drain(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = this.acquireAll()
      .catch((err: unknown) => this.options.logger.error({ err }, 'acquiring provisioner jobs failed'))
      .finally(() => {
        this.draining = undefined;
        if (this.drainAgain) {
          this.drainAgain = false;
          this.drain();
        }
      });
  }

  /** Takes back abandoned jobs (any replica's: a crashed replica never completes its jobs). */
  async maintain(): Promise<void> {
    if (this.stopped) return;
    try {
      await recoverAbandonedJobs(this.options, this.timing.abandonedAfterMs);
    } catch (err) {
      this.options.logger.error({ err }, 'provisioner maintenance failed');
    }
  }

  /** Order: stop acquiring → abort running executors → wait for them (their jobs keep their state). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    this.abort.abort();
    await this.draining;
    await Promise.allSettled([...this.running.values()]);
  }

  private async acquireAll(): Promise<void> {
    const max = this.options.maxConcurrent ?? 16;
    while (!this.stopped && this.running.size < max) {
      const build = await acquireJob(this.options.sql, this.options.workerId);
      if (!build) return;
      if (this.stopped) {
        // Acquired while stopping: leave it running-without-heartbeat for abandonment, as a crash would.
        return;
      }
      const run = this.run(build).finally(() => this.running.delete(build.job.id));
      this.running.set(build.job.id, run);
    }
  }

  private async run(build: Build): Promise<void> {
    const { sql, logger, metrics, events, workerId } = this.options;
    const log = logger.child({ job_id: build.job.id, build_id: build.id, workspace_id: build.workspaceId });
    log.info({ transition: build.transition, reason: build.reason, build_number: build.buildNumber }, 'provisioner job started');
    metrics.provisionerJobsRunning.inc();
    const heartbeat = setInterval(() => {
      heartbeatJob(sql, build.job.id, workerId).catch((err: unknown) => log.warn({ err }, 'provisioner job heartbeat failed'));
    }, this.timing.heartbeatMs);
    let error: string | null = null;
    try {
      await notifyWorkspaceChanged(sql, events, log, build.workspaceId, build.id);
      try {
        await this.options.execute(build, this.abort.signal);
      } catch (err) {
        if (this.abort.signal.aborted) {
          log.info('provisioner job interrupted by shutdown; it keeps its state');
          return;
        }
        error = messageOf(err);
      }
      const status = error === null ? 'succeeded' : 'failed';
      if (!(await completeJob(sql, build.job.id, workerId, status, error))) {
        log.warn({ status }, 'provisioner job was no longer ours to complete');
        return;
      }
      metrics.workspaceBuilds.inc({ transition: build.transition, reason: build.reason, status });
      if (error === null) log.info('provisioner job succeeded');
      else log.warn({ error }, 'provisioner job failed');
      await notifyWorkspaceChanged(sql, events, log, build.workspaceId, build.id);
    } catch (err) {
      log.error({ err }, 'provisioner job bookkeeping failed');
    } finally {
      clearInterval(heartbeat);
      metrics.provisionerJobsRunning.dec();
    }
  }
}
