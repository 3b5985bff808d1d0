// The tasks background loop (server.md §6.6.2, §9.2): every 10 s it
//   1. sets the `taskyard_tasks{status}` gauge (every replica, all statuses);
//   2. under `pg_try_advisory_xact_lock` (one replica at a time) pauses every
//      `active` task idle for `--task-idle-timeout` with a stop build
//      `task_auto_pause` (counted in `taskyard_task_auto_pauses_total`), and
//      queues the delete builds that task deletion had to defer.
// A task whose agent reports `working` is busy, not idle: its activity
// heartbeat comes only every 30 s, so it gets max(timeout, 90 s) before
// it counts as idle (a stuck `working` without heartbeats still pauses).
// stop() ends the timer and waits for a tick in flight.
import type { Logger } from 'pino';
import type { Queryable, Sql } from '../db/storage.js';
import type { ServerMetrics } from '../metrics.js';
import { TASK_STATUSES, type TaskStatus } from './protocol.js';
import { listTasks, listTasksIdleSince } from './task-query.js';
import type { TaskRecord } from './task-record.js';
import type { TaskService } from './task-service.js';
import { deletedTasksAwaitingDeleteBuild } from './task-store.js';

export const AUTO_PAUSE_INTERVAL_MS = 10_000;
/** Three missed 30 s `working` heartbeats. */
export const WORKING_GRACE_MS = 90_000;
/** pg_try_advisory_xact_lock key of the loop: 'tyap' in ASCII. */
const AUTO_PAUSE_LOCK_KEY = 0x74796170;

export interface TaskLoopDeps {
  sql: Sql;
  logger: Logger;
  metrics: Pick<ServerMetrics, 'tasks' | 'taskAutoPauses'>;
  service: Pick<TaskService, 'requestStop' | 'requestDeleteBuild'>;
  /** 0 disables auto-pause (the gauge and the delete sweep still run). */
  idleTimeoutMs: number;
  intervalMs?: number;
}

/** Whether `record` is due for auto-pause at `now`. */
export function isIdle(record: TaskRecord, now: number, idleTimeoutMs: number): boolean {
  if (idleTimeoutMs <= 0 || record.status !== 'active') return false;
  const limit = record.task.current_state?.state === 'working' ? Math.max(idleTimeoutMs, WORKING_GRACE_MS) : idleTimeoutMs;
  return now - record.lastActivityAt.getTime() >= limit;
}

export class TaskLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: TaskLoopDeps) {}

  start(): this {
    this.schedule(0);
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass; exported for tests. Errors are logged, never thrown. */
  async tick(): Promise<void> {
    try {
      await this.updateGauge();
      await this.deps.sql.begin(async (tx) => {
        const [row] = await tx<{ locked: boolean }[]>`select pg_try_advisory_xact_lock(${AUTO_PAUSE_LOCK_KEY}) as locked`;
        if (!row?.locked) return;
        await this.pauseIdleTasks(tx);
        await this.queueDeferredDeletes(tx);
      });
    } catch (err) {
      this.deps.logger.error({ err }, 'task loop failed');
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        this.schedule(this.deps.intervalMs ?? AUTO_PAUSE_INTERVAL_MS);
      });
    }, delayMs);
  }

  private async updateGauge(): Promise<void> {
    const counts = new Map<TaskStatus, number>(TASK_STATUSES.map((s) => [s, 0]));
    for (const record of await listTasks(this.deps.sql, undefined)) counts.set(record.status, (counts.get(record.status) ?? 0) + 1);
    for (const [status, count] of counts) this.deps.metrics.tasks.set({ status }, count);
  }

  private async pauseIdleTasks(tx: Queryable): Promise<void> {
    const timeout = this.deps.idleTimeoutMs;
    if (timeout <= 0) return;
    const now = Date.now();
    for (const record of await listTasksIdleSince(tx, new Date(now - timeout))) {
      if (this.stopped || !isIdle(record, now, timeout)) continue;
      const build = await this.deps.service.requestStop(record, 'task_auto_pause');
      if (!build) continue;
      this.deps.metrics.taskAutoPauses.inc();
      this.deps.logger.info(
        { task_id: record.task.id, workspace_id: record.workspaceId, build_id: build.id, idle_ms: now - record.lastActivityAt.getTime() },
        'task auto-paused',
      );
    }
  }

  private async queueDeferredDeletes(tx: Queryable): Promise<void> {
    for (const { taskId, workspaceId } of await deletedTasksAwaitingDeleteBuild(tx)) {
      if (this.stopped) return;
      if (await this.deps.service.requestDeleteBuild(workspaceId)) {
        this.deps.logger.info({ task_id: taskId, workspace_id: workspaceId }, 'deferred delete build queued');
      }
    }
  }
}
