// SQL behind the agent's reports (server.md §5): lifecycle, script timings,
// script output (with the 16 MiB per-agent cap), app health, app status (with
// the task activity bump of §6.6.1) and the latest unit snapshot. Every write
// is scoped to the reporting agent's own rows; nothing here answers HTTP or
// publishes events — the route module does, from what these return.
import type { ScriptTiming, LogBatch } from '../../protocol/agent-reports.js';
import type { AppHealth } from '../../protocol/app-health.js';
import type { LifecycleReport } from '../../protocol/lifecycle.js';
import type { UnitsReport } from '../../protocol/units-report.js';
import type { Queryable, Sql } from '../db/storage.js';

/** §5 `POST logs`: more than this much output per agent → 413 `Logs limit exceeded.`. */
export const MAX_AGENT_LOG_BYTES = 16 * 1024 * 1024;

/**
 * Stores the reported state unless a newer one is already stored (a re-post
 * after a reconnect must not undo a later transition). True when stored.
 */
export async function recordLifecycle(sql: Queryable, agentId: string, report: LifecycleReport): Promise<boolean> {
  const rows = await sql`
    update agents set lifecycle_state = ${report.state}, lifecycle_changed_at = ${report.changed_at}::timestamptz, updated_at = now()
    where id = ${agentId} and (lifecycle_changed_at is null or lifecycle_changed_at <= ${report.changed_at}::timestamptz)
    returning id`;
  return rows.length > 0;
}

/** Inserts one timing; a repeat of (script_id, start) is a no-op. False when the script is not this agent's. */
export async function recordScriptTiming(sql: Queryable, agentId: string, timing: ScriptTiming): Promise<boolean> {
  const scripts = await sql`select 1 from scripts where id = ${timing.script_id} and agent_id = ${agentId}`;
  if (scripts.length === 0) return false;
  await sql`
    insert into script_timings (script_id, started_at, ended_at, exit_code, stage, status)
    values (${timing.script_id}, ${timing.start}::timestamptz, ${timing.end}::timestamptz, ${timing.exit_code},
            ${timing.stage.toLowerCase()}, ${timing.status})
    on conflict (script_id, started_at) do nothing`;
  return true;
}

export type AppendLogsResult = 'stored' | 'unknown_source' | 'limit_exceeded';

/** PostgreSQL text cannot hold NUL; script output sometimes does. */
const sanitizeOutput = (output: string): string => output.replaceAll('\u0000', '\uFFFD');

/**
 * Appends a batch in one transaction: the source must be this agent's, and the
 * agent's running total must stay within MAX_AGENT_LOG_BYTES — once a batch
 * would pass it, the agent is marked overflowed and every later batch is refused too.
 */
export async function appendLogs(sql: Sql, agentId: string, batch: LogBatch, limitBytes = MAX_AGENT_LOG_BYTES): Promise<AppendLogsResult> {
  const outputs = batch.logs.map((line) => sanitizeOutput(line.output));
  const bytes = outputs.reduce((sum, output) => sum + Buffer.byteLength(output, 'utf8'), 0);
  return sql.begin(async (tx) => {
    const sources = await tx`select 1 from log_sources where id = ${batch.log_source_id} and agent_id = ${agentId}`;
    if (sources.length === 0) return 'unknown_source';
    const counted = await tx`
      update agents set logs_bytes = logs_bytes + ${bytes}
      where id = ${agentId} and not logs_overflowed and logs_bytes + ${bytes} <= ${limitBytes}
      returning id`;
    if (counted.length === 0) {
      await tx`update agents set logs_overflowed = true where id = ${agentId}`;
      return 'limit_exceeded';
    }
    if (batch.logs.length > 0) {
      await tx`
        insert into agent_logs (agent_id, log_source_id, created_at, output, level)
        select ${agentId}, ${batch.log_source_id}, l.created_at, l.output, l.level
        from unnest(${batch.logs.map((l) => l.created_at)}::timestamptz[], ${outputs}::text[], ${batch.logs.map((l) => l.level)}::text[])
          with ordinality as l(created_at, output, level, n)
        order by l.n`;
    }
    return 'stored';
  });
}

/** App ids in `healths` that are not apps of this agent (the request is then refused). */
export async function unknownAppIds(sql: Queryable, agentId: string, appIds: string[]): Promise<string[]> {
  if (appIds.length === 0) return [];
  const rows = await sql<{ id: string }[]>`select id from apps where agent_id = ${agentId} and id = any(${appIds}::uuid[])`;
  const known = new Set(rows.map((r) => r.id));
  return appIds.filter((id) => !known.has(id));
}

/** Sets the reported healths; the number of apps whose health actually changed. */
export async function recordAppHealth(sql: Queryable, agentId: string, healths: Record<string, AppHealth>): Promise<number> {
  const ids = Object.keys(healths);
  if (ids.length === 0) return 0;
  const rows = await sql`
    update apps set health = h.health, updated_at = now()
    from unnest(${ids}::uuid[], ${ids.map((id) => healths[id]!)}::text[]) as h(id, health)
    where apps.id = h.id and apps.agent_id = ${agentId} and apps.health <> h.health
    returning apps.id`;
  return rows.length;
}

export interface AppStatusRecord {
  appSlug: string;
  state: 'working' | 'idle' | 'complete' | 'failed';
  message: string;
  uri: string;
}

export type AppStatusResult = { kind: 'unknown_app' } | { kind: 'stored'; changed: boolean; taskId: string | undefined };

/**
 * Records a status of one of this agent's apps. A report equal to the app's
 * latest one (the agent's 30 s `working` heartbeat) adds no row, so the
 * latest row's created_at says when the current state began. `working`
 * bumps the workspace's task's last_activity_at (§6.6.1).
 */
export async function recordAppStatus(sql: Queryable, agent: { agentId: string; workspaceId: string }, status: AppStatusRecord): Promise<AppStatusResult> {
  const apps = await sql<{ id: string }[]>`select id from apps where agent_id = ${agent.agentId} and slug = ${status.appSlug}`;
  const app = apps[0];
  if (!app) return { kind: 'unknown_app' };
  const inserted = await sql`
    insert into app_statuses (app_id, agent_id, workspace_id, state, message, uri)
    select ${app.id}, ${agent.agentId}, ${agent.workspaceId}, ${status.state}, ${status.message}, ${status.uri}
    where not exists (
      select 1 from (select state, message, uri from app_statuses where app_id = ${app.id} order by created_at desc, id limit 1) latest
      where latest.state = ${status.state} and latest.message = ${status.message} and latest.uri = ${status.uri})
    returning id`;
  let taskId: string | undefined;
  if (status.state === 'working') {
    const bumped = await sql<{ id: string }[]>`
      update tasks set last_activity_at = now() where workspace_id = ${agent.workspaceId} and deleted_at is null returning id`;
    taskId = bumped[0]?.id;
  }
  return { kind: 'stored', changed: inserted.length > 0, taskId };
}

/** Replaces the agent's unit snapshot (only the latest one is kept). */
export async function recordUnits(sql: Queryable, agentId: string, report: UnitsReport): Promise<void> {
  await sql`
    insert into unit_snapshots (agent_id, snapshot, updated_at) values (${agentId}, ${JSON.stringify(report)}::text::jsonb, now())
    on conflict (agent_id) do update set snapshot = excluded.snapshot, updated_at = excluded.updated_at`;
}
