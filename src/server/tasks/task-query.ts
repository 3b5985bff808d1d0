// The one query behind every Task JSON (server.md §6.1): a task joined with
// its owner, template, workspace, latest build + job, latest agent, that
// agent's task app and the task app's latest app-status report. Soft-deleted
// tasks are never returned. Read-only: mutations live in task-store.ts.
import type { Fragment } from 'postgres';
import type { Queryable } from '../db/storage.js';
import { toTaskRecord, type TaskRecord, type TaskRow } from './task-record.js';

function selectTasks(sql: Queryable, where: Fragment): Promise<TaskRow[]> {
  return sql<TaskRow[]>`
    select t.id, t.organization_id, t.owner_id, u.username as owner_name, t.name, t.display_name,
           t.template_id, t.template_version_id, tp.name as template_name,
           tp.display_name as template_display_name, tp.icon as template_icon,
           t.workspace_id, w.name as workspace_name, t.initial_prompt, t.created_at, t.updated_at, t.last_activity_at,
           b.id as build_id, b.build_number, b.transition as build_transition, b.created_at as build_created_at,
           j.status as job_status,
           a.id as agent_id, a.build_id as agent_build_id, a.lifecycle_state as agent_lifecycle,
           coalesce(a.lifecycle_changed_at, a.created_at) as agent_changed_at,
           a.last_connected_at as agent_last_connected_at, a.disconnected_at as agent_disconnected_at,
           ap.id as app_id, ap.url as app_url, ap.health as app_health, ap.updated_at as app_updated_at,
           s.state as report_state, s.message as report_message, s.uri as report_uri,
           s.created_at as report_created_at, s.agent_id as report_agent_id
    from tasks t
    join users u on u.id = t.owner_id
    join templates tp on tp.id = t.template_id
    left join workspaces w on w.id = t.workspace_id
    left join lateral (
      select id, build_number, transition, created_at, job_id from builds
      where workspace_id = t.workspace_id order by build_number desc limit 1
    ) b on true
    left join provisioner_jobs j on j.id = b.job_id
    left join lateral (
      select ag.* from agents ag join builds ab on ab.id = ag.build_id
      where ag.workspace_id = t.workspace_id order by ab.build_number desc limit 1
    ) a on true
    left join lateral (
      select id, url, health, updated_at from apps where agent_id = a.id and task_app order by created_at, id limit 1
    ) ap on true
    left join lateral (
      select st.state, st.message, st.uri, st.created_at, st.agent_id
      from app_statuses st join apps sa on sa.id = st.app_id
      where st.workspace_id = t.workspace_id and sa.task_app
      order by st.created_at desc, st.id desc limit 1
    ) s on true
    where t.deleted_at is null and ${where}
    order by t.created_at desc, t.id desc`;
}

export async function findTaskById(sql: Queryable, id: string): Promise<TaskRecord | undefined> {
  const [row] = await selectTasks(sql, sql`t.id = ${id}`);
  return row && toTaskRecord(row);
}

export async function findTaskByName(sql: Queryable, ownerId: string, name: string): Promise<TaskRecord | undefined> {
  const [row] = await selectTasks(sql, sql`t.owner_id = ${ownerId} and t.name = ${name}`);
  return row && toTaskRecord(row);
}

/** Newest first; every owner's tasks when `ownerId` is undefined. */
export async function listTasks(sql: Queryable, ownerId: string | undefined): Promise<TaskRecord[]> {
  const rows = await selectTasks(sql, ownerId === undefined ? sql`true` : sql`t.owner_id = ${ownerId}`);
  return rows.map(toTaskRecord);
}

/** Tasks idle since `before` (auto-pause candidates; their status is still to be checked). */
export async function listTasksIdleSince(sql: Queryable, before: Date): Promise<TaskRecord[]> {
  const rows = await selectTasks(sql, sql`t.last_activity_at <= ${before} and t.workspace_id is not null`);
  return rows.map(toTaskRecord);
}
