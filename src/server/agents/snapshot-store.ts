// task_snapshots (server.md §2.5, §5.1 steps 4 and 7, §6.5): the task lookup
// that precedes reading a snapshot body, the one-statement upsert, and the
// read the tasks API uses for paused/initializing tasks. It never decides
// HTTP statuses and never touches a row except by that single upsert.
import type { Queryable } from '../db/storage.js';
import { snapshotEnvelopeSchema, type SnapshotEnvelope, type SnapshotMessage } from './snapshot-envelope.js';

/**
 * Step 4: the task exists, is not soft-deleted and belongs to the agent's
 * workspace. False for a task of another workspace, exactly as for an unknown one.
 */
export async function taskBelongsToWorkspace(sql: Queryable, taskId: string, workspaceId: string): Promise<boolean> {
  const rows = await sql`
    select 1 from tasks where id = ${taskId} and deleted_at is null and workspace_id = ${workspaceId}`;
  return rows.length > 0;
}

/** Step 7: insert or replace the task's one row in a single statement; `log_snapshot_created_at = now()`. */
export async function upsertTaskSnapshot(sql: Queryable, taskId: string, envelope: SnapshotEnvelope): Promise<void> {
  await sql`
    insert into task_snapshots (task_id, log_snapshot, log_snapshot_created_at)
    values (${taskId}, ${JSON.stringify(envelope)}::text::jsonb, now())
    on conflict (task_id) do update
      set log_snapshot = excluded.log_snapshot, log_snapshot_created_at = excluded.log_snapshot_created_at`;
}

export type StoredTaskSnapshot =
  | { format: 'agentapi'; messages: SnapshotMessage[]; createdAt: Date }
  /** A row whose envelope this server cannot read (§6.5: 500 `Unsupported task snapshot format.`). */
  | { format: 'unsupported'; createdAt: Date };

/** The tasks API's read (§6.5): undefined when the task has no snapshot row. */
export async function readTaskSnapshot(sql: Queryable, taskId: string): Promise<StoredTaskSnapshot | undefined> {
  const rows = await sql<{ log_snapshot: unknown; log_snapshot_created_at: Date }[]>`
    select log_snapshot, log_snapshot_created_at from task_snapshots where task_id = ${taskId}`;
  const row = rows[0];
  if (!row) return undefined;
  const parsed = snapshotEnvelopeSchema.safeParse(row.log_snapshot);
  if (!parsed.success) return { format: 'unsupported', createdAt: row.log_snapshot_created_at };
  return { format: 'agentapi', messages: parsed.data.data.messages, createdAt: row.log_snapshot_created_at };
}
