// Where `taskyard up` keeps the server's data when it runs as root. Embedded
// PostgreSQL then runs as OS user `postgres` (server.md §2.2), which must be
// able to enter the data directory; a checkout under /root, or inside a
// mkdtemp directory (0700), is closed to it, and `taskyard server` would
// refuse to start. For the DEFAULT data dir only, `up` then keeps the server's
// data in /var/lib/taskyard/checkouts/<hash of the checkout's .taskyard path>
// (stable, so the next start reuses it) and leaves a symlink to it in
// `.taskyard/server-data`; its own files (token, CLI config, log) stay in
// `.taskyard`. An explicitly chosen --data-dir is never moved: the server's
// own error explains it. It never changes permissions of existing directories.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const RELOCATED_DATA_ROOT = '/var/lib/taskyard/checkouts';

/**
 * Whether a user that is neither owner nor group member of any ancestor can
 * reach `dir`: every existing ancestor grants others search (o+x). Missing
 * parts count as reachable: the server creates them 0755.
 */
export function othersCanReach(dir: string, stat: (p: string) => { mode: number } | undefined = statOrUndefined): boolean {
  for (let current = dir; ; current = dirname(current)) {
    const info = stat(current);
    if (info && (info.mode & 0o001) === 0) return false;
    if (dirname(current) === current) return true;
  }
}

function statOrUndefined(p: string): { mode: number } | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

/** The stable directory the server's data moves to for `upDataDir`. */
export function relocatedDataDir(upDataDir: string, root = RELOCATED_DATA_ROOT): string {
  return join(root, createHash('sha256').update(upDataDir).digest('hex').slice(0, 16));
}
