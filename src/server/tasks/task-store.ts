// Writes to the `tasks` table (server.md §6.3, §6.6.1): insert with the
// per-owner unique name, link the workspace, soft delete, input update and
// the activity bump. Every write leaves deleted tasks alone. It never
// decides statuses and never publishes events (task-service.ts does).
import postgres from 'postgres';
import { DEFAULT_ORGANIZATION_ID } from '../db/migrations/0001_initial.js';
import type { Queryable } from '../db/storage.js';
import { taskErrors } from './errors.js';

export interface NewTask {
  id: string;
  ownerId: string;
  name: string;
  displayName: string;
  templateId: string;
  templateVersionId: string;
  prompt: string;
}

export function isUniqueViolation(err: unknown, constraint: string): boolean {
  return err instanceof postgres.PostgresError && err.code === '23505' && err.constraint_name === constraint;
}

/** TaskError `name_taken` when the owner has a non-deleted task of that name. */
export async function insertTask(sql: Queryable, task: NewTask): Promise<void> {
  try {
    await sql`
      insert into tasks (id, organization_id, owner_id, name, display_name, template_id, template_version_id, initial_prompt)
      values (${task.id}, ${DEFAULT_ORGANIZATION_ID}, ${task.ownerId}, ${task.name}, ${task.displayName},
              ${task.templateId}, ${task.templateVersionId}, ${task.prompt})`;
  } catch (err) {
    if (isUniqueViolation(err, 'tasks_owner_name_key')) throw taskErrors.nameTaken();
    throw err;
  }
}

export async function setTaskWorkspace(sql: Queryable, taskId: string, workspaceId: string): Promise<void> {
  await sql`update tasks set workspace_id = ${workspaceId}, updated_at = now() where id = ${taskId}`;
}

/** Sets deleted_at; false when the task was already deleted (a concurrent delete). */
export async function softDeleteTask(sql: Queryable, taskId: string): Promise<boolean> {
  const rows = await sql`update tasks set deleted_at = now(), updated_at = now() where id = ${taskId} and deleted_at is null returning id`;
  return rows.length > 0;
}

/** Replaces the prompt the next start build renders (§6.3 PATCH input) and bumps activity. */
export async function updateTaskInput(sql: Queryable, taskId: string, input: string): Promise<void> {
  await sql`
    update tasks set initial_prompt = ${input}, updated_at = now(), last_activity_at = now()
    where id = ${taskId} and deleted_at is null`;
}

/** §6.6.1: creation, resume, send and input update count as activity. */
export async function bumpTaskActivity(sql: Queryable, taskId: string): Promise<void> {
  await sql`update tasks set last_activity_at = now() where id = ${taskId} and deleted_at is null`;
}

/** Deleted tasks whose workspace still lacks a delete build (the delete request met an active build). */
export async function deletedTasksAwaitingDeleteBuild(sql: Queryable): Promise<{ taskId: string; workspaceId: string }[]> {
  const rows = await sql<{ id: string; workspace_id: string }[]>`
    select t.id, t.workspace_id from tasks t
    join workspaces w on w.id = t.workspace_id and w.deleted_at is null
    where t.deleted_at is not null
      and not exists (select 1 from builds b where b.workspace_id = t.workspace_id and b.transition = 'delete' and b.created_at >= t.deleted_at)
      and not exists (select 1 from provisioner_jobs j where j.workspace_id = t.workspace_id and j.status in ('pending', 'running'))
    order by t.deleted_at
    limit 100`;
  return rows.map((r) => ({ taskId: r.id, workspaceId: r.workspace_id }));
}
