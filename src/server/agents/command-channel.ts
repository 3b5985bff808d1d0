// One agent's command channel, `GET /api/v2/workspaceagents/me/events`
// (server.md §5, §4.4.5, §4.5): while the stream is open it relays
// `agent_command` NOTIFYs for this agent — from any replica — as SSE
// `shutdown {build_id, grace_period_ms}`, sends `shutdown` at once when a
// stop/delete build of the workspace is already pending or running, writes
// `: ping` every 15 s, and keeps the connection bookkeeping and the
// `taskyard_agents_connected` gauge. It owns its timer and subscriptions and
// releases them when the stream ends (client gone, server shutdown). It never
// sends the same build's shutdown twice on one stream.
import { SHUTDOWN_EVENT, type ShutdownEvent } from '../../protocol/agent-events.js';
import type { ServerEvent } from '../../protocol/server-events.js';
import type { AuthenticatedAgent } from '../auth/middleware.js';
import type { ServerContext } from '../context.js';
import type { Queryable } from '../db/storage.js';
import { EVENTS_PING_INTERVAL_MS, markAlive, markConnected, markDisconnected } from './connection-state.js';
import { notifyAgentChanged } from './notify.js';

/** What the channel needs of an SSE response (Hono's SSEStreamingApi fits). */
export interface EventSink {
  write(text: string): Promise<unknown>;
  onAbort(listener: () => void): void;
}

export interface CommandChannelOptions {
  pingIntervalMs?: number;
  /** Aborted when the HTTP request is gone. */
  requestSignal?: AbortSignal;
}

type AgentCommand = Extract<ServerEvent, { kind: 'agent_command' }>;

/**
 * The `shutdown` to send for a workspace: the build `buildId` (from a NOTIFY),
 * or else the newest stop/delete build whose job is pending or running;
 * `grace_period_ms` is what is left of --stop-grace-period counted from the
 * job's start, as the stop job enforces it (§4.4.5). Undefined when there is
 * nothing to stop.
 */
export async function shutdownToSend(sql: Queryable, workspaceId: string, stopGracePeriodMs: number, buildId?: string): Promise<ShutdownEvent | undefined> {
  const rows = await sql<{ id: string; elapsed_ms: number }[]>`
    select b.id, coalesce(extract(epoch from (now() - j.started_at)) * 1000, 0)::float8 as elapsed_ms
    from builds b join provisioner_jobs j on j.id = b.job_id
    where b.workspace_id = ${workspaceId}
      and ${buildId === undefined ? sql`b.transition in ('stop', 'delete') and j.status in ('pending', 'running')` : sql`b.id = ${buildId}`}
    order by b.build_number desc limit 1`;
  const row = rows[0];
  if (!row) return buildId === undefined ? undefined : { build_id: buildId, grace_period_ms: stopGracePeriodMs };
  return { build_id: row.id, grace_period_ms: Math.max(0, stopGracePeriodMs - Math.max(0, Math.round(row.elapsed_ms))) };
}

function commandIsFor(event: AgentCommand, agent: AuthenticatedAgent): boolean {
  if (event.command !== 'shutdown') return false;
  return event.agent_id !== undefined ? event.agent_id === agent.agentId : event.workspace_id === agent.workspaceId;
}

/** A grace period the event itself carries (a field the protocol schema may add); it wins over the computed one. */
function carriedGracePeriod(event: AgentCommand): number | undefined {
  const carried = (event as { grace_period_ms?: unknown }).grace_period_ms;
  return typeof carried === 'number' && Number.isInteger(carried) && carried >= 0 ? carried : undefined;
}

/** Runs the channel until the stream ends; resolves after the cleanup (bookkeeping written). */
export async function runCommandChannel(ctx: ServerContext, agent: AuthenticatedAgent, sink: EventSink, options: CommandChannelOptions = {}): Promise<void> {
  const log = { agent_id: agent.agentId, workspace_id: agent.workspaceId, build_id: agent.buildId };
  const ended = new AbortController();
  const end = (): void => ended.abort();
  sink.onAbort(end);
  options.requestSignal?.addEventListener('abort', end, { once: true });
  ctx.shutdownSignal.addEventListener('abort', end, { once: true });
  if (ctx.shutdownSignal.aborted || options.requestSignal?.aborted) end();

  // Writes go out one after another, never interleaved.
  let writes: Promise<unknown> = Promise.resolve();
  const write = (text: string): void => {
    writes = writes.then(() => (ended.signal.aborted ? undefined : sink.write(text)));
  };
  const sent = new Set<string>();
  const sendShutdown = (data: ShutdownEvent): void => {
    if (sent.has(data.build_id)) return;
    sent.add(data.build_id);
    ctx.logger.info({ ...log, stop_build_id: data.build_id, grace_period_ms: data.grace_period_ms }, 'sending shutdown to agent');
    write(`event: ${SHUTDOWN_EVENT}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const sendPendingStop = async (event?: AgentCommand): Promise<void> => {
    const data = await shutdownToSend(ctx.sql, agent.workspaceId, ctx.config.stopGracePeriodMs, event?.build_id);
    if (data === undefined) {
      if (event) ctx.logger.warn(log, 'agent_command without build_id and no stop build pending; ignored');
      return;
    }
    const carried = event && carriedGracePeriod(event);
    sendShutdown(carried === undefined ? data : { ...data, grace_period_ms: carried });
  };
  const failed = (what: string) => (err: unknown) => ctx.logger.warn({ ...log, err }, what);

  // Subscribe before looking for a pending stop, so a NOTIFY between the two is not lost.
  const unsubscribe = ctx.events.on('agent_command', (event) => {
    if (commandIsFor(event, agent)) sendPendingStop(event).catch(failed('relaying an agent command failed'));
  });
  // NOTIFYs sent while the LISTEN connection was down are lost: look again.
  const unsubscribeRelisten = ctx.events.onRelisten(() => void sendPendingStop().catch(failed('re-checking for a stop build failed')));

  let stamp: Date | undefined;
  let ping: NodeJS.Timeout | undefined;
  ctx.metrics.agentsConnected.inc();
  try {
    write(': connected\n\n');
    stamp = await markConnected(ctx.sql, agent.agentId);
    ctx.logger.info(log, 'agent connected');
    await notifyAgentChanged(ctx, agent);
    await sendPendingStop();
    ping = setInterval(() => {
      write(': ping\n\n');
      markAlive(ctx.sql, agent.agentId)
        .then((at) => (stamp = at ?? stamp))
        .catch(failed('refreshing last_connected_at failed'));
    }, options.pingIntervalMs ?? EVENTS_PING_INTERVAL_MS);
    if (!ended.signal.aborted) await new Promise<void>((resolve) => ended.signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    clearInterval(ping);
    unsubscribe();
    unsubscribeRelisten();
    options.requestSignal?.removeEventListener('abort', end);
    ctx.shutdownSignal.removeEventListener('abort', end);
    ctx.metrics.agentsConnected.dec();
    await writes.catch(() => undefined);
    if (stamp !== undefined) {
      const disconnected = await markDisconnected(ctx.sql, agent.agentId, stamp).catch((err: unknown) => {
        failed('recording the disconnect failed')(err);
        return false;
      });
      ctx.logger.info(log, 'agent disconnected');
      if (disconnected) await notifyAgentChanged(ctx, agent);
    }
  }
}
