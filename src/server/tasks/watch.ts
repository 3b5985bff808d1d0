// The task watch stream's engine (server.md §6.3 `…/watch`): emits the Task
// JSON at once and again whenever it changed. Changes are noticed through
// the event bus (`task_updated` for the task, `workspace_updated` /
// `job_queued` for its workspace, any replica) plus a periodic recheck for
// what nobody announces (time-based health, a lost LISTEN connection). It
// re-reads and compares the JSON, so duplicate or unrelated events cost one
// query and emit nothing. Ends when `signal` aborts or the task is deleted.
import type { EventBus } from '../db/event-bus.js';
import type { Queryable } from '../db/storage.js';
import type { Task } from './protocol.js';
import { findTaskById } from './task-query.js';

export const WATCH_RECHECK_MS = 5_000;

export interface WatchDeps {
  sql: Queryable;
  events: EventBus;
}

export interface WatchOptions {
  recheckMs?: number;
}

/** Resolves when the watch ended (signal aborted, task deleted); rejects only on emit/query failure. */
export async function watchTask(deps: WatchDeps, taskId: string, emit: (task: Task) => Promise<void>, signal: AbortSignal, options: WatchOptions = {}): Promise<void> {
  let workspaceId: string | null = null;
  let dirty = true;
  let wake: (() => void) | undefined;
  const poke = (): void => {
    dirty = true;
    wake?.();
  };
  const unsubscribe = deps.events.subscribe((event) => {
    if (event.kind === 'task_updated' ? event.task_id === taskId : event.kind !== 'agent_command' && event.workspace_id !== undefined && event.workspace_id === workspaceId) poke();
  });
  const unsubscribeRelisten = deps.events.onRelisten(poke);
  const timer = setInterval(poke, options.recheckMs ?? WATCH_RECHECK_MS);
  signal.addEventListener('abort', poke, { once: true });
  let last: string | undefined;
  try {
    while (!signal.aborted) {
      if (!dirty) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      dirty = false;
      const record = await findTaskById(deps.sql, taskId);
      if (!record) return;
      workspaceId = record.workspaceId;
      const json = JSON.stringify(record.task);
      if (json !== last && !signal.aborted) {
        last = json;
        await emit(record.task);
      }
    }
  } finally {
    clearInterval(timer);
    unsubscribe();
    unsubscribeRelisten();
    signal.removeEventListener('abort', poke);
  }
}
