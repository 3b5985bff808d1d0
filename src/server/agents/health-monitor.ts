// The §4.5 health rule (server.md): while an agent's start build is the
// workspace's current build, its task app is set `unhealthy` when the agent
// process is gone (`kill(pid, 0)` fails) or the agent has been disconnected
// for more than 60 s, counted from the later of when it went away and this
// server's start (a restarted server gives agents time to reconnect). The
// agent re-posts its real app health on reconnect, which undoes this. A
// background service runs the check every few seconds on every replica (the
// update is idempotent). It never touches builds, processes or other apps.
import type { Logger } from 'pino';
import type { BackgroundService } from '../server.js';
import type { ServerContext } from '../context.js';
import type { Sql } from '../db/storage.js';
import { agentConnectionStatus } from './connection-state.js';
import { notifyAgentChanged } from './notify.js';

export const HEALTH_CHECK_INTERVAL_MS = 5_000;
/** §4.5: disconnected for longer than this → task app unhealthy. */
export const DISCONNECTED_UNHEALTHY_AFTER_MS = 60_000;

export interface HealthCheckOptions {
  /** When this server started; a disconnect is counted from no earlier than this. */
  serverStartedAt: Date;
  /** Default: `process.kill(pid, 0)` succeeds or fails with EPERM. */
  isProcessAlive?: (pid: number) => boolean;
}

export interface UnhealthyAgent {
  agentId: string;
  workspaceId: string;
  buildId: string;
  reason: 'process_gone' | 'disconnected';
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface CandidateRow {
  id: string;
  workspace_id: string;
  build_id: string;
  pid: number | null;
  created_at: Date;
  last_connected_at: Date | null;
  disconnected_at: Date | null;
  db_now: Date;
}

/** Since when the agent counts as gone; undefined while connected. */
function disconnectedSince(row: CandidateRow): Date | undefined {
  if (agentConnectionStatus(row, row.db_now) === 'connected') return undefined;
  if (row.last_connected_at === null) return row.created_at;
  if (row.disconnected_at !== null && row.disconnected_at >= row.last_connected_at) return row.disconnected_at;
  return row.last_connected_at;
}

/** One pass of the rule; returns the agents whose task app it set `unhealthy`. */
export async function checkAgentHealth(sql: Sql, options: HealthCheckOptions): Promise<UnhealthyAgent[]> {
  const isAlive = options.isProcessAlive ?? processIsAlive;
  // Agents of current, successfully provisioned start builds whose task app is not unhealthy yet.
  const candidates = await sql<CandidateRow[]>`
    select a.id, a.workspace_id, a.build_id, a.pid, a.created_at, a.last_connected_at, a.disconnected_at, now() as db_now
    from agents a
    join builds b on b.id = a.build_id
    join provisioner_jobs j on j.id = b.job_id
    where j.status = 'succeeded'
      and b.build_number = (select max(build_number) from builds l where l.workspace_id = a.workspace_id)
      and exists (select 1 from apps p where p.agent_id = a.id and p.task_app and p.health <> 'unhealthy')`;
  const marked: UnhealthyAgent[] = [];
  for (const row of candidates) {
    let reason: UnhealthyAgent['reason'] | undefined;
    if (row.pid !== null && !isAlive(row.pid)) reason = 'process_gone';
    else {
      const since = disconnectedSince(row);
      const from = since && Math.max(since.getTime(), options.serverStartedAt.getTime());
      if (from !== undefined && row.db_now.getTime() - from > DISCONNECTED_UNHEALTHY_AFTER_MS) reason = 'disconnected';
    }
    if (!reason) continue;
    // Unless the agent reconnected since the candidates were read.
    const unchanged =
      reason === 'process_gone' ? sql`true`
      : row.last_connected_at === null ? sql`(select last_connected_at from agents where id = ${row.id}) is null`
      : sql`(select date_trunc('milliseconds', last_connected_at) from agents where id = ${row.id}) = ${row.last_connected_at}`;
    const updated = await sql`
      update apps set health = 'unhealthy', updated_at = now()
      where agent_id = ${row.id} and task_app and health <> 'unhealthy' and ${unchanged}
      returning id`;
    if (updated.length > 0) marked.push({ agentId: row.id, workspaceId: row.workspace_id, buildId: row.build_id, reason });
  }
  return marked;
}

/** The periodic check as a background service of server.ts. */
export function startAgentHealthMonitor(ctx: ServerContext, intervalMs = HEALTH_CHECK_INTERVAL_MS): BackgroundService {
  const serverStartedAt = new Date();
  let running: Promise<void> | undefined;
  const tick = (): void => {
    if (running) return;
    running = runOnce(ctx, serverStartedAt, ctx.logger).finally(() => (running = undefined));
  };
  const timer = setInterval(tick, intervalMs);
  return {
    name: 'agent health monitor',
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

async function runOnce(ctx: ServerContext, serverStartedAt: Date, logger: Logger): Promise<void> {
  try {
    for (const agent of await checkAgentHealth(ctx.sql, { serverStartedAt })) {
      logger.warn({ agent_id: agent.agentId, workspace_id: agent.workspaceId, build_id: agent.buildId, reason: agent.reason }, 'task app marked unhealthy');
      await notifyAgentChanged(ctx, agent);
    }
  } catch (err) {
    logger.warn({ err }, 'agent health check failed');
  }
}
