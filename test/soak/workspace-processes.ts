// What the soak needs to know about a workspace's host processes (Linux
// /proc): its AgentAPI server process (environment carries
// TASKYARD_WORKSPACE_ID=<id>, command line is `agentapi server`), the agent
// token its processes were started with, its state file's fingerprint, and
// every leftover process of a soak run. Processes are identified by their
// environment and command line, never by name alone, and only pids just
// identified are ever signalled.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { findWorkspaceProcesses, readEnviron } from '../../src/server/provisioner/processes.js';

export function readCmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
  } catch {
    return [];
  }
}

/** `agentapi server …` (the package bin run by node, or an `agentapi` executable). */
function isAgentapiServer(argv: readonly string[]): boolean {
  const bin = argv.findIndex((a, i) => i < 3 && /^agentapi(\.js)?$/.test(path.basename(a)));
  return bin >= 0 && argv[bin + 1] === 'server';
}

/** The workspace's running `agentapi server` processes. */
export function findAgentapiServers(workspaceId: string): number[] {
  return findWorkspaceProcesses(workspaceId).filter((pid) => isAgentapiServer(readCmdline(pid)));
}

/** CODER_AGENT_TOKEN of the workspace's running processes (its current build's agent token). */
export function workspaceAgentToken(workspaceId: string): string | undefined {
  for (const pid of findWorkspaceProcesses(workspaceId)) {
    const token = readEnviron(pid)
      ?.find((e) => e.startsWith('CODER_AGENT_TOKEN='))
      ?.slice('CODER_AGENT_TOKEN='.length);
    if (token) return token;
  }
  return undefined;
}

/** inode, mtime (ns) and size of a file, or `missing`: it changes on every atomic rename. */
export function fileFingerprint(file: string): string {
  try {
    const s = statSync(file, { bigint: true });
    return `${s.ino} ${s.mtimeNs} ${s.size}`;
  } catch {
    return 'missing';
  }
}

/**
 * Every process left from a soak run: one of its workspaces' processes, a
 * process whose environment carries the run's marker (the server), or one
 * whose command line names the run's directory (the embedded PostgreSQL,
 * started with a clean environment and `-D <run dir>/…`).
 */
export function findRunProcesses(workspaceIds: Iterable<string>, runMarker: string, runDir: string): { pid: number; argv: string[] }[] {
  const markers = new Set([...workspaceIds].map((id) => `TASKYARD_WORKSPACE_ID=${id}`));
  markers.add(runMarker);
  const found: { pid: number; argv: string[] }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const argv = readCmdline(pid);
    if (readEnviron(pid)?.some((e) => markers.has(e)) || argv.some((a) => a.includes(runDir))) found.push({ pid, argv });
  }
  return found;
}

/** Those of `workspaceIds` that still have a process (one scan of /proc). */
export function workspacesWithProcesses(workspaceIds: Iterable<string>): Set<string> {
  const byMarker = new Map([...workspaceIds].map((id) => [`TASKYARD_WORKSPACE_ID=${id}`, id]));
  const live = new Set<string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    for (const e of readEnviron(Number(entry)) ?? []) {
      const id = byMarker.get(e);
      if (id !== undefined) live.add(id);
    }
  }
  return live;
}

/** Resident set size of a process in bytes (VmRSS), undefined when gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
