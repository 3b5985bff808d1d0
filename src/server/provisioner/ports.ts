// Per-workspace port allocation (server.md §4.1.3, §4.4.4): every name of a
// template's `metadata.ports` plus `agentapi` gets a port from --port-range
// that is stable across stop/start (the rows of port_allocations), unique on
// the host (a unique index, so concurrent jobs of any replica cannot share
// one), and free when first allocated. Only the delete job releases ports.
import { createServer } from 'node:net';
import type { Queryable } from '../db/storage.js';
import { ProvisionerError } from './errors.js';

export interface PortRange {
  start: number;
  end: number;
}

/** The port names a template version needs: `agentapi` first, then its metadata.ports. */
export function portNames(metadataPorts: readonly string[] | undefined): string[] {
  return [...new Set(['agentapi', ...(metadataPorts ?? [])])];
}

/** True when nothing listens on `port` (any interface) right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * The workspace's ports for `names`: existing allocations are kept, missing
 * names get the lowest port of `range` that is neither allocated nor in use.
 */
export async function allocatePorts(
  sql: Queryable,
  workspaceId: string,
  names: readonly string[],
  range: PortRange,
  isFree: (port: number) => Promise<boolean> = isPortFree,
): Promise<Record<string, number>> {
  const ports: Record<string, number> = {};
  for (const row of await sql<{ name: string; port: number }[]>`select name, port from port_allocations where workspace_id = ${workspaceId}`) {
    ports[row.name] = row.port;
  }
  const missing = names.filter((name) => ports[name] === undefined);
  if (missing.length === 0) return pick(ports, names);
  const taken = new Set((await sql<{ port: number }[]>`select port from port_allocations`).map((r) => r.port));
  let candidate = range.start;
  for (const name of missing) {
    for (;;) {
      while (candidate <= range.end && taken.has(candidate)) candidate++;
      if (candidate > range.end) {
        throw new ProvisionerError('ports_exhausted', `no free port left in --port-range ${range.start}-${range.end} for "${name}"`);
      }
      const port = candidate;
      taken.add(port);
      if (!(await isFree(port))) continue;
      const inserted = await sql`
        insert into port_allocations (workspace_id, name, port) values (${workspaceId}, ${name}, ${port})
        on conflict do nothing returning port`;
      if (inserted.length > 0) {
        ports[name] = port;
        break;
      }
    }
  }
  return pick(ports, names);
}

export async function releasePorts(sql: Queryable, workspaceId: string): Promise<void> {
  await sql`delete from port_allocations where workspace_id = ${workspaceId}`;
}

function pick(ports: Record<string, number>, names: readonly string[]): Record<string, number> {
  return Object.fromEntries(names.map((name) => [name, ports[name]!]));
}
