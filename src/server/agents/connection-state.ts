// Agent connection state (server.md §4.5): an agent is `connected` while its
// events stream is open on some replica. Streams stamp `first_connected_at` /
// `last_connected_at` when they open and refresh `last_connected_at` with
// every ping, and set `disconnected_at` when they close — unless a newer
// stream of the same agent has stamped since (a reconnect overlapping the old
// stream's close). A stamp older than CONNECTION_STALE_MS counts as
// disconnected, which covers a replica that died with streams open. It never
// decides anything about app health (health-monitor.ts does).
import type { Queryable } from '../db/storage.js';

/** `: ping` on the events stream (§5), and the refresh of last_connected_at. */
export const EVENTS_PING_INTERVAL_MS = 15_000;
/** Three missed pings: the stream's replica is gone. */
export const CONNECTION_STALE_MS = 45_000;

export type AgentConnectionStatus = 'connected' | 'disconnected';

export interface ConnectionTimes {
  last_connected_at: Date | null;
  disconnected_at: Date | null;
}

export function agentConnectionStatus(times: ConnectionTimes, now: Date): AgentConnectionStatus {
  const last = times.last_connected_at;
  if (last === null) return 'disconnected';
  if (times.disconnected_at !== null && times.disconnected_at >= last) return 'disconnected';
  return now.getTime() - last.getTime() > CONNECTION_STALE_MS ? 'disconnected' : 'connected';
}

// Stamps are whole milliseconds, so the Date a stream remembers compares
// equal to the stored value (PostgreSQL keeps microseconds).

/** A stream opened: returns the stamp it wrote. */
export async function markConnected(sql: Queryable, agentId: string): Promise<Date | undefined> {
  const rows = await sql<{ last_connected_at: Date }[]>`
    update agents set first_connected_at = coalesce(first_connected_at, now()), last_connected_at = date_trunc('milliseconds', now()), updated_at = now()
    where id = ${agentId} returning last_connected_at`;
  return rows[0]?.last_connected_at;
}

/** A ping went out on the stream: returns the new stamp. */
export async function markAlive(sql: Queryable, agentId: string): Promise<Date | undefined> {
  const rows = await sql<{ last_connected_at: Date }[]>`
    update agents set last_connected_at = date_trunc('milliseconds', now()) where id = ${agentId} returning last_connected_at`;
  return rows[0]?.last_connected_at;
}

/** The stream whose latest stamp was `lastStamp` closed. True when the agent now counts as disconnected. */
export async function markDisconnected(sql: Queryable, agentId: string, lastStamp: Date): Promise<boolean> {
  const rows = await sql`
    update agents set disconnected_at = now(), updated_at = now()
    where id = ${agentId} and (last_connected_at is null or last_connected_at <= ${lastStamp})
    returning id`;
  return rows.length > 0;
}
