// Task logs (server.md §6.5): live from AgentAPI `GET /messages` while the
// task is `active`; the stored snapshot (task_snapshots, written by the
// agent API §5.1) while `paused`, `pending` or `initializing`; 409 for
// `error`/`unknown`. Entries map role user → input, agent → output; any
// other role, or an envelope format other than `agentapi`, is a 500. Reads only.
import { z } from 'zod';
import type { Queryable } from '../db/storage.js';
import { AgentApiClient, TaskAppError } from './agentapi-client.js';
import { taskErrors } from './errors.js';
import type { TaskLogEntry, TaskLogs } from './protocol.js';
import type { TaskRecord } from './task-record.js';

interface RawMessage {
  id: number;
  content: string;
  role: string;
  time: string;
}

/** `{id, content, type, time}` (§6.5); a role other than user/agent → 500. */
export function toLogEntry(message: RawMessage): TaskLogEntry {
  if (message.role !== 'user' && message.role !== 'agent') throw taskErrors.logRole(message.role);
  return { id: message.id, content: message.content, type: message.role === 'user' ? 'input' : 'output', time: message.time };
}

// Read leniently: a wrong role must surface as the role error, not as a format error.
const envelopeSchema = z.object({
  format: z.string(),
  data: z.object({
    messages: z.array(z.object({ id: z.number().int(), content: z.string(), role: z.string(), time: z.string() })),
  }),
});

export type StoredSnapshot = { kind: 'agentapi'; messages: RawMessage[]; createdAt: Date } | { kind: 'unsupported'; createdAt: Date };

/** The task's snapshot row (§2.5); undefined without one. */
export async function readSnapshot(sql: Queryable, taskId: string): Promise<StoredSnapshot | undefined> {
  const [row] = await sql<{ log_snapshot: unknown; log_snapshot_created_at: Date }[]>`
    select log_snapshot, log_snapshot_created_at from task_snapshots where task_id = ${taskId}`;
  if (!row) return undefined;
  const parsed = envelopeSchema.safeParse(row.log_snapshot);
  if (!parsed.success || parsed.data.format !== 'agentapi') return { kind: 'unsupported', createdAt: row.log_snapshot_created_at };
  return { kind: 'agentapi', messages: parsed.data.data.messages, createdAt: row.log_snapshot_created_at };
}

export async function taskLogs(sql: Queryable, record: TaskRecord, signal?: AbortSignal): Promise<TaskLogs> {
  switch (record.status) {
    case 'active':
      return { logs: (await liveMessages(record, signal)).map(toLogEntry) };
    case 'paused':
    case 'pending':
    case 'initializing': {
      const snapshot = await readSnapshot(sql, record.task.id);
      if (!snapshot) return { logs: [], snapshot: true };
      if (snapshot.kind === 'unsupported') throw taskErrors.snapshotFormat();
      return { logs: snapshot.messages.map(toLogEntry), snapshot: true, snapshot_at: snapshot.createdAt.toISOString() };
    }
    case 'error':
    case 'unknown':
      throw taskErrors.logsBadState(record.status);
  }
}

async function liveMessages(record: TaskRecord, signal?: AbortSignal): Promise<RawMessage[]> {
  if (record.appUrl === null) throw taskErrors.logsFailed('The task has no task app.');
  try {
    return await new AgentApiClient(record.appUrl).messages(signal);
  } catch (err) {
    if (err instanceof TaskAppError) throw taskErrors.logsFailed(err.apiDetail);
    throw err;
  }
}
