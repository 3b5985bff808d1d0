// A workspace's directories on the host (server.md §4.4.4, §4.4.6):
// <data-dir>/workspaces/<id>/{home,logs,script-data} and the agent socket
// directory /tmp/taskyard-<uid> (0700). The home directory is created on the
// first start only and otherwise never touched — not on stop, not on a later
// start; only the delete job removes the whole workspace directory.
import { chmodSync, existsSync, lstatSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ProvisionerError } from './errors.js';

export interface WorkspacePaths {
  root: string;
  home: string;
  logs: string;
  scriptData: string;
  /** The agent's stdout/stderr (appended). */
  agentLog: string;
}

export function workspacePaths(dataDir: string, workspaceId: string): WorkspacePaths {
  const root = path.join(dataDir, 'workspaces', workspaceId);
  const logs = path.join(root, 'logs');
  return { root, home: path.join(root, 'home'), logs, scriptData: path.join(root, 'script-data'), agentLog: path.join(logs, 'agent.log') };
}

/** Creates what is missing; `home` (0700) only when it does not exist yet. Returns whether home was created. */
export function prepareWorkspaceDirs(paths: WorkspacePaths): { homeCreated: boolean } {
  mkdirSync(paths.root, { recursive: true, mode: 0o700 });
  let homeCreated = false;
  if (!existsSync(paths.home)) {
    mkdirSync(paths.home, { mode: 0o700 });
    // mkdir's mode is filtered by the umask; 0700 is the contract.
    chmodSync(paths.home, 0o700);
    homeCreated = true;
  }
  mkdirSync(paths.logs, { recursive: true, mode: 0o700 });
  mkdirSync(paths.scriptData, { recursive: true, mode: 0o700 });
  return { homeCreated };
}

export function removeWorkspaceDir(paths: WorkspacePaths): void {
  rmSync(paths.root, { recursive: true, force: true });
}

/** `/tmp/taskyard-<uid>`: the agent sockets' directory. */
export function socketDir(uid: number): string {
  return `/tmp/taskyard-${uid}`;
}

export function agentSocketPath(uid: number, workspaceId: string): string {
  return path.join(socketDir(uid), `${workspaceId}.sock`);
}

/**
 * Ensures the socket directory exists as a real directory owned by `uid`
 * with mode 0700. /tmp is shared: a directory planted by another user (or a
 * symlink) is refused rather than used.
 */
export function prepareSocketDir(uid: number): string {
  const dir = socketDir(uid);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  if (!stat.isDirectory() || stat.uid !== uid) {
    throw new ProvisionerError('unsafe_socket_dir', `agent socket directory ${dir} is not a directory owned by uid ${uid}`);
  }
  if ((stat.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
  return dir;
}
