// Agent process bookkeeping for reconciliation and the agent API's health
// checks (server.md §4.5–4.6): which agents should be running (those of a
// start build that is still their workspace's latest build), whether a
// recorded agent process is alive (by pid AND its token, so a recycled pid
// never counts), and marking a task app `unhealthy` when its agent is gone.
// Connection times themselves belong to agents/connection-state.ts. It
// never signals a process.
import type { Queryable } from '../db/storage.js';
import { isAgentProcess } from './processes.js';
import type { AgentRecord } from './queries.js';

/** Whether the agent's recorded process still runs (kill(pid, 0) and its token in /proc/<pid>/environ). */
export function isAgentAlive(agent: Pick<AgentRecord, 'pid' | 'tokenHash'>): boolean {
  return isAgentProcess(agent.pid, agent.tokenHash);
}

export interface CurrentAgent {
  id: string;
  workspaceId: string;
  buildId: string;
  pid: number | null;
  tokenHash: Buffer;
  lastConnectedAt: Date | null;
  disconnectedAt: Date | null;
}

/** Agents of start builds that are their workspace's latest build: the agents that should be running. */
export async function currentAgents(sql: Queryable): Promise<CurrentAgent[]> {
  const rows = await sql<{ id: string; workspace_id: string; build_id: string; pid: number | null; token_hash: Buffer; last_connected_at: Date | null; disconnected_at: Date | null }[]>`
    select a.id, a.workspace_id, a.build_id, a.pid, a.token_hash, a.last_connected_at, a.disconnected_at
    from agents a join builds b on b.id = a.build_id
    where b.transition = 'start'
      and b.build_number = (select max(l.build_number) from builds l where l.workspace_id = a.workspace_id)`;
  return rows.map((r) => ({
    id: r.id,
    workspaceId: r.workspace_id,
    buildId: r.build_id,
    pid: r.pid,
    tokenHash: r.token_hash,
    lastConnectedAt: r.last_connected_at,
    disconnectedAt: r.disconnected_at,
  }));
}

/** Sets the agent's task app `unhealthy` unless it already is; true when it changed. */
export async function markTaskAppUnhealthy(sql: Queryable, agentId: string): Promise<boolean> {
  const rows = await sql`
    update apps set health = 'unhealthy', updated_at = now()
    where agent_id = ${agentId} and task_app and health <> 'unhealthy'
    returning id`;
  return rows.length > 0;
}
