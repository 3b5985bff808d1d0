// The OS account embedded PostgreSQL runs as when the server runs as root
// (spec §2.2): PostgreSQL refuses to run as uid 0, so we look up — or create
// — an unprivileged user (`postgres`) and check that it can reach the data
// directory and the shipped binaries. It never changes permissions of
// directories it did not create: an unreachable data dir is the caller's error.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { EmbeddedPostgresError } from './errors.js';

export interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

/** `getent passwd <name>` → uid/gid, or undefined when the user does not exist. */
export function lookupOsUser(name: string): OsUser | undefined {
  const result = spawnSync('getent', ['passwd', name], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  const fields = result.stdout.trim().split(':');
  const uid = Number(fields[2]);
  const gid = Number(fields[3]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) return undefined;
  return { name, uid, gid };
}

function groupExists(name: string): boolean {
  return spawnSync('getent', ['group', name]).status === 0;
}

/**
 * Returns the user, creating a system user (no home, no login shell) when it
 * is missing. Two processes may race here (two test workers, two replicas):
 * a failed useradd is fine when the user exists afterwards.
 */
export function ensureOsUser(name: string): OsUser {
  const existing = lookupOsUser(name);
  if (existing) return existing;
  const shell = existsSync('/usr/sbin/nologin') ? '/usr/sbin/nologin' : '/bin/false';
  const args = ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', shell];
  // `--user-group` fails when a group of that name already exists (left by a removed user).
  args.push(...(groupExists(name) ? ['--gid', name] : ['--user-group']), name);
  const result = spawnSync('useradd', args, { encoding: 'utf8' });
  const created = lookupOsUser(name);
  if (created) return created;
  const why = result.error ? result.error.message : result.stderr.trim() || `useradd exited with ${String(result.status)}`;
  throw new EmbeddedPostgresError(`embedded postgres: cannot create OS user "${name}": ${why}`);
}

/**
 * True when `user` can `cd` into `dir` — i.e. execute permission on every
 * path component, as the kernel checks it (ACLs and groups included). Runs a
 * tiny shell as that user instead of re-implementing permission rules.
 */
export function canTraverse(user: OsUser, dir: string): boolean {
  const result = spawnSync('/bin/sh', ['-c', 'cd -- "$1"', 'sh', dir], { uid: user.uid, gid: user.gid, stdio: 'ignore' });
  return result.status === 0;
}
