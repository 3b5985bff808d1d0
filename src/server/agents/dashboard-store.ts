// The dashboard's read model of an agent (server.md §8.3): the agent with its
// connection status, scripts and apps; its latest unit snapshot; its script
// output after a log id; and a build's script timings. Every read takes the
// viewer and answers undefined for what the viewer may not see (members see
// only their own workspaces, owners all), exactly as for what does not exist.
// Read-only: nothing here writes.
import type { User } from '../../protocol/users.js';
import type { Queryable } from '../db/storage.js';
import { agentConnectionStatus, type AgentConnectionStatus } from './connection-state.js';

export interface AgentView {
  id: string;
  name: string;
  workspace_id: string;
  build_id: string;
  lifecycle_state: string;
  lifecycle_changed_at: string | null;
  status: AgentConnectionStatus;
  first_connected_at: string | null;
  last_connected_at: string | null;
  disconnected_at: string | null;
  scripts: { id: string; display_name: string; resource_address: string; run_on_start: boolean; run_on_stop: boolean; cron: string; timeout_ms: number; depends_on: string[] }[];
  apps: { id: string; slug: string; display_name: string; health: string }[];
  log_sources: { id: string; display_name: string }[];
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** Owners see every workspace, members their own. */
const visibleTo = (sql: Queryable, user: User) => (user.role === 'owner' ? sql`true` : sql`w.owner_id = ${user.id}`);

interface AgentRow {
  id: string;
  name: string;
  workspace_id: string;
  build_id: string;
  lifecycle_state: string;
  lifecycle_changed_at: Date | null;
  first_connected_at: Date | null;
  last_connected_at: Date | null;
  disconnected_at: Date | null;
  db_now: Date;
}

export async function visibleAgentExists(sql: Queryable, agentId: string, user: User): Promise<boolean> {
  const rows = await sql`select 1 from agents a join workspaces w on w.id = a.workspace_id where a.id = ${agentId} and ${visibleTo(sql, user)}`;
  return rows.length > 0;
}

export async function readAgentView(sql: Queryable, agentId: string, user: User): Promise<AgentView | undefined> {
  const rows = await sql<AgentRow[]>`
    select a.id, a.name, a.workspace_id, a.build_id, a.lifecycle_state, a.lifecycle_changed_at,
           a.first_connected_at, a.last_connected_at, a.disconnected_at, now() as db_now
    from agents a join workspaces w on w.id = a.workspace_id
    where a.id = ${agentId} and ${visibleTo(sql, user)}`;
  const agent = rows[0];
  if (!agent) return undefined;
  const [scripts, apps, logSources] = await Promise.all([
    sql<AgentView['scripts']>`
      select id, display_name, resource_address, run_on_start, run_on_stop, cron, timeout_ms, depends_on
      from scripts where agent_id = ${agentId} order by ordinal, id`,
    sql<AgentView['apps']>`select id, slug, display_name, health from apps where agent_id = ${agentId} order by created_at, slug`,
    sql<AgentView['log_sources']>`
      select ls.id, ls.display_name from log_sources ls where ls.agent_id = ${agentId}
      order by (select min(s.ordinal) from scripts s where s.log_source_id = ls.id) nulls last, ls.created_at, ls.id`,
  ]);
  return {
    id: agent.id,
    name: agent.name,
    workspace_id: agent.workspace_id,
    build_id: agent.build_id,
    lifecycle_state: agent.lifecycle_state,
    lifecycle_changed_at: iso(agent.lifecycle_changed_at),
    status: agentConnectionStatus(agent, agent.db_now),
    first_connected_at: iso(agent.first_connected_at),
    last_connected_at: iso(agent.last_connected_at),
    disconnected_at: iso(agent.disconnected_at),
    scripts: scripts.map((s) => ({ ...s, depends_on: [...s.depends_on] })),
    apps: apps.map((a) => ({ ...a })),
    log_sources: logSources.map((ls) => ({ ...ls })),
  };
}

export interface UnitsView {
  units: unknown[];
  dependencies: unknown[];
  updated_at: string | null;
}

/** The latest unit snapshot (empty lists before the first report). */
export async function readUnitsView(sql: Queryable, agentId: string): Promise<UnitsView> {
  const rows = await sql<{ snapshot: { units?: unknown[]; dependencies?: unknown[] }; updated_at: Date }[]>`
    select snapshot, updated_at from unit_snapshots where agent_id = ${agentId}`;
  const row = rows[0];
  return { units: row?.snapshot.units ?? [], dependencies: row?.snapshot.dependencies ?? [], updated_at: iso(row?.updated_at ?? null) };
}

export interface AgentLogView {
  id: number;
  created_at: string;
  output: string;
  level: string;
  source_id: string;
}

/** At most this many lines per read; page on with `after` = the last id. */
export const AGENT_LOGS_PAGE = 1000;

export async function readAgentLogs(sql: Queryable, agentId: string, afterId: number): Promise<AgentLogView[]> {
  const rows = await sql<{ id: string; created_at: Date; output: string; level: string; log_source_id: string }[]>`
    select id, created_at, output, level, log_source_id from agent_logs
    where agent_id = ${agentId} and id > ${afterId} order by id limit ${AGENT_LOGS_PAGE}`;
  return rows.map((r) => ({ id: Number(r.id), created_at: r.created_at.toISOString(), output: r.output, level: r.level, source_id: r.log_source_id }));
}

export interface ScriptTimingView {
  script_id: string;
  display_name: string;
  started_at: string;
  ended_at: string;
  exit_code: number;
  stage: 'start' | 'stop' | 'cron';
  status: string;
}

/**
 * A start build's timings are its agent's; a stop or delete build ran the
 * stop scripts of the agent of the start build before it, so it gets that
 * agent's `stop` timings from the build's creation on. Undefined when the
 * build does not exist or is not visible.
 */
export async function readBuildTimings(sql: Queryable, buildId: string, user: User): Promise<ScriptTimingView[] | undefined> {
  const builds = await sql<{ workspace_id: string; build_number: number; transition: string; created_at: Date }[]>`
    select b.workspace_id, b.build_number, b.transition, b.created_at
    from builds b join workspaces w on w.id = b.workspace_id
    where b.id = ${buildId} and ${visibleTo(sql, user)}`;
  const build = builds[0];
  if (!build) return undefined;
  const forStart = build.transition === 'start';
  const rows = await sql<(Omit<ScriptTimingView, 'started_at' | 'ended_at'> & { started_at: Date; ended_at: Date })[]>`
    select t.script_id, s.display_name, t.started_at, t.ended_at, t.exit_code, t.stage, t.status
    from script_timings t
    join scripts s on s.id = t.script_id
    join agents a on a.id = s.agent_id
    where ${
      forStart
        ? sql`a.build_id = ${buildId}`
        : sql`a.build_id = (
            select sb.id from builds sb
            where sb.workspace_id = ${build.workspace_id} and sb.transition = 'start' and sb.build_number < ${build.build_number}
            order by sb.build_number desc limit 1)
          and t.stage = 'stop' and t.started_at >= ${build.created_at}`
    }
    order by t.started_at, s.ordinal`;
  return rows.map((r) => ({ ...r, started_at: r.started_at.toISOString(), ended_at: r.ended_at.toISOString() }));
}
