// The task watch stream's engine (server.md §6.3 `…/watch`): emits the Task
// JSON at once and again whenever it changed. Changes are noticed through
// the event bus (`task_updated` for the task, `workspace_updated` /
// `job_queued` for its workspace, any replica) plus a periodic recheck for
// what nobody announces (time-based health, a lost LISTEN connection). It
// re-reads and compares the JSON, so duplicate or unrelated events cost one
// query and emit nothing. While nothing changes it writes `: ping` every
// 15 s, as the agent events stream does (agents/command-channel.ts), so
// proxies and browsers do not drop an idle stream. Ends when `signal`
// aborts or the task is deleted; it owns its timers and subscriptions.
import type { EventBus } from '../db/event-bus.js';
import type { Queryable } from '../db/storage.js';
import { TASK_WATCH_EVENT } from './protocol.js';
import { findTaskById } from './task-query.js';

export const WATCH_RECHECK_MS = 5_000;
/** `: ping` comment interval of an open watch stream. */
export const WATCH_PING_INTERVAL_MS = 15_000;

export interface WatchDeps {
  sql: Queryable;
  events: EventBus;
}

/** What the watch needs of an SSE response (Hono's SSEStreamingApi fits). */
export interface WatchSink {
  write(text: string): Promise<unknown>;
}

export interface WatchOptions {
  recheckMs?: number;
  pingIntervalMs?: number;
}

/** Resolves when the watch ended (signal aborted, task deleted); rejects only on write/query failure. */
export async function watchTask(deps: WatchDeps, taskId: string, sink: WatchSink, signal: AbortSignal, options: WatchOptions = {}): Promise<void> {
  // Writes go out one after another: a ping never lands inside a task event.
  let writes: Promise<unknown> = Promise.resolve();
  const write = (text: string): Promise<unknown> => (writes = writes.then(() => sink.write(text)));
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
  // A failed ping means the client is gone; the abort ends the loop, so the error is dropped here.
  const ping = setInterval(() => void write(': ping\n\n').catch(() => undefined), options.pingIntervalMs ?? WATCH_PING_INTERVAL_MS);
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
        await write(`event: ${TASK_WATCH_EVENT}\ndata: ${json}\n\n`);
      }
    }
  } finally {
    clearInterval(timer);
    clearInterval(ping);
    unsubscribe();
    unsubscribeRelisten();
    signal.removeEventListener('abort', poke);
  }
}
