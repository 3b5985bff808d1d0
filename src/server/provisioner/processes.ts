// Host processes of a workspace (Linux /proc): is a recorded agent pid still
// that agent (its environment carries the token whose hash we stored, so a
// recycled pid never passes), signalling a pid or process group, and finding
// and SIGKILLing every process whose environment contains
// `TASKYARD_WORKSPACE_ID=<id>` (server.md §4.4.5). It never matches processes
// by name and never signals a pid it has not just identified.
import { readdirSync, readFileSync } from 'node:fs';
import { hashAgentToken, hashesEqual } from '../auth/tokens.js';

/** kill(pid, 0): exists (also when owned by someone else). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The NUL-separated environment of `pid`; undefined when gone, null when not readable. */
export function readEnviron(pid: number): string[] | undefined | null {
  let raw: Buffer;
  try {
    raw = readFileSync(`/proc/${pid}/environ`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' ? null : undefined;
  }
  return raw.toString('utf8').split('\0').filter((entry) => entry !== '');
}

/**
 * Whether `pid` is still the agent with this token hash. A zombie or an
 * exited process has an empty environment and does not count; a process we
 * may not inspect counts when kill(pid, 0) says it exists.
 */
export function isAgentProcess(pid: number | null, tokenHash: Buffer): boolean {
  if (pid === null || pid <= 0) return false;
  const environ = readEnviron(pid);
  if (environ === null) return pidExists(pid);
  if (environ === undefined) return false;
  const token = environ.find((entry) => entry.startsWith('CODER_AGENT_TOKEN='))?.slice('CODER_AGENT_TOKEN='.length);
  return token !== undefined && hashesEqual(hashAgentToken(token), tokenHash);
}

/** Sends `signal` to `pid` (negative: a process group); false when it does not exist. */
export function sendSignal(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Pids (other than this process) whose environment has exactly `TASKYARD_WORKSPACE_ID=<workspaceId>`. */
export function findWorkspaceProcesses(workspaceId: string): number[] {
  const marker = `TASKYARD_WORKSPACE_ID=${workspaceId}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    if (readEnviron(pid)?.includes(marker)) found.push(pid);
  }
  return found;
}

/**
 * SIGKILLs every process of the workspace, again and again until a scan
 * finds none (a process may fork between scan and kill). Returns the pids killed.
 */
export async function killWorkspaceProcesses(workspaceId: string, maxRounds = 50): Promise<number[]> {
  const killed = new Set<number>();
  for (let round = 0; round < maxRounds; round++) {
    const pids = findWorkspaceProcesses(workspaceId);
    if (pids.length === 0) break;
    for (const pid of pids) if (sendSignal(pid, 'SIGKILL')) killed.add(pid);
    await sleep(20);
  }
  return [...killed];
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
