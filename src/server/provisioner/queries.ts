// Read-only queries over the provisioner's rows, exported for the modules
// that serve them (agent API: token lookup, current agent; tasks: latest
// build). One place knows how builds, jobs and agents join.
// Nothing here writes, and nothing here ever returns a token (only hashes).
import type { LifecycleState } from '../../protocol/lifecycle.js';
import type { Queryable } from '../db/storage.js';
import type { Build, BuildReason, BuildTransition, JobStatus } from './builds.js';

interface BuildRow {
  id: string;
  workspace_id: string;
  build_number: number;
  transition: BuildTransition;
  reason: BuildReason;
  template_version_id: string;
  initiator_id: string | null;
  created_at: Date;
  job_id: string;
  job_status: JobStatus;
  job_error: string | null;
  job_created_at: Date;
  job_started_at: Date | null;
  job_completed_at: Date | null;
}

export function buildFromRow(row: BuildRow): Build {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    buildNumber: row.build_number,
    transition: row.transition,
    reason: row.reason,
    templateVersionId: row.template_version_id,
    initiatorId: row.initiator_id,
    createdAt: row.created_at,
    job: {
      id: row.job_id,
      status: row.job_status,
      error: row.job_error,
      createdAt: row.job_created_at,
      startedAt: row.job_started_at,
      completedAt: row.job_completed_at,
    },
  };
}

async function selectBuilds(sql: Queryable, where: 'id' | 'latest' | 'job', value: string): Promise<Build | undefined> {
  const rows = await sql<BuildRow[]>`
    select b.id, b.workspace_id, b.build_number, b.transition, b.reason, b.template_version_id, b.initiator_id,
           b.created_at, j.id as job_id, j.status as job_status, j.error as job_error,
           j.created_at as job_created_at, j.started_at as job_started_at, j.completed_at as job_completed_at
    from builds b join provisioner_jobs j on j.id = b.job_id
    where ${where === 'id' ? sql`b.id = ${value}` : where === 'job' ? sql`j.id = ${value}` : sql`b.workspace_id = ${value}`}
    order by b.build_number desc
    limit 1`;
  return rows[0] ? buildFromRow(rows[0]) : undefined;
}

export function getBuild(sql: Queryable, buildId: string): Promise<Build | undefined> {
  return selectBuilds(sql, 'id', buildId);
}

export function getBuildByJob(sql: Queryable, jobId: string): Promise<Build | undefined> {
  return selectBuilds(sql, 'job', jobId);
}

/** The workspace's latest build (highest build_number), any job status. */
export function latestBuild(sql: Queryable, workspaceId: string): Promise<Build | undefined> {
  return selectBuilds(sql, 'latest', workspaceId);
}

/** One agent row (one per start build). */
export interface AgentRecord {
  id: string;
  buildId: string;
  workspaceId: string;
  name: string;
  /** SHA-256 of the token (compare with hashesEqual). */
  tokenHash: Buffer;
  lifecycleState: LifecycleState;
  directory: string;
  pid: number | null;
  pgid: number | null;
  firstConnectedAt: Date | null;
  lastConnectedAt: Date | null;
  disconnectedAt: Date | null;
  createdAt: Date;
  /** Build number of the agent's start build. */
  buildNumber: number;
}

interface AgentRow {
  id: string;
  build_id: string;
  workspace_id: string;
  name: string;
  token_hash: Buffer;
  lifecycle_state: LifecycleState;
  directory: string;
  pid: number | null;
  pgid: number | null;
  first_connected_at: Date | null;
  last_connected_at: Date | null;
  disconnected_at: Date | null;
  created_at: Date;
  build_number: number;
}

function agentFromRow(row: AgentRow): AgentRecord {
  return {
    id: row.id,
    buildId: row.build_id,
    workspaceId: row.workspace_id,
    name: row.name,
    tokenHash: row.token_hash,
    lifecycleState: row.lifecycle_state,
    directory: row.directory,
    pid: row.pid,
    pgid: row.pgid,
    firstConnectedAt: row.first_connected_at,
    lastConnectedAt: row.last_connected_at,
    disconnectedAt: row.disconnected_at,
    createdAt: row.created_at,
    buildNumber: row.build_number,
  };
}

async function selectAgents(sql: Queryable, where: 'token' | 'id' | 'build' | 'current', value: string | Buffer): Promise<AgentRecord | undefined> {
  const condition =
    where === 'token' ? sql`a.token_hash = ${value}`
    : where === 'id' ? sql`a.id = ${value}`
    : where === 'build' ? sql`a.build_id = ${value}`
    : sql`a.workspace_id = ${value}`;
  const rows = await sql<AgentRow[]>`
    select a.id, a.build_id, a.workspace_id, a.name, a.token_hash, a.lifecycle_state, a.directory, a.pid, a.pgid,
           a.first_connected_at, a.last_connected_at, a.disconnected_at, a.created_at, b.build_number
    from agents a join builds b on b.id = a.build_id
    where ${condition}
    order by b.build_number desc
    limit 1`;
  return rows[0] ? agentFromRow(rows[0]) : undefined;
}

/**
 * The agent whose token hashes to `tokenHash` (see hashAgentToken), whatever
 * its build's state: the §3.6 validity rule is the caller's to apply (with
 * the agent's build and latestBuild()).
 */
export function findAgentByTokenHash(sql: Queryable, tokenHash: Buffer): Promise<AgentRecord | undefined> {
  return selectAgents(sql, 'token', tokenHash);
}

export function getAgent(sql: Queryable, agentId: string): Promise<AgentRecord | undefined> {
  return selectAgents(sql, 'id', agentId);
}

export function agentForBuild(sql: Queryable, buildId: string): Promise<AgentRecord | undefined> {
  return selectAgents(sql, 'build', buildId);
}

/** The agent of the workspace's most recent start build that stored one (running or not). */
export function latestAgent(sql: Queryable, workspaceId: string): Promise<AgentRecord | undefined> {
  return selectAgents(sql, 'current', workspaceId);
}

/** The task provisioned into a workspace (its current input is the prompt), if any. */
export interface WorkspaceTask {
  id: string;
  name: string;
  prompt: string;
  deleted: boolean;
}

export async function taskOfWorkspace(sql: Queryable, workspaceId: string): Promise<WorkspaceTask | undefined> {
  const rows = await sql<{ id: string; name: string; initial_prompt: string; deleted_at: Date | null }[]>`
    select id, name, initial_prompt, deleted_at from tasks where workspace_id = ${workspaceId} limit 1`;
  const row = rows[0];
  return row ? { id: row.id, name: row.name, prompt: row.initial_prompt, deleted: row.deleted_at !== null } : undefined;
}
