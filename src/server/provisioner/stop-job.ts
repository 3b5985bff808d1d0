// The stop and delete jobs (server.md §4.4.5–4.4.6). Stop, in the normative
// order: (1) deliver `shutdown` to the agent over its events channel (NOTIFY
// `agent_command`, whichever replica holds the stream); (2) no
// `shutting_down` within 10 s → SIGTERM the agent; (3) wait for the agent to
// exit; (4) the grace period (from job start) elapsed → SIGKILL its process
// group; (5) SIGKILL every remaining process of the workspace (found by
// TASKYARD_WORKSPACE_ID in its environment); then succeed — stop scripts'
// own failures never fail it. Delete = stop, then remove the workspace
// directory and socket, release the ports and mark the workspace deleted.
// The stop never touches the home directory.
import { rmSync } from 'node:fs';
import type { Build } from './builds.js';
import type { JobDeps } from './job-deps.js';
import { releasePorts } from './ports.js';
import { isAgentProcess, killWorkspaceProcesses, sendSignal, sleep } from './processes.js';
import { latestAgent, type AgentRecord } from './queries.js';
import { agentSocketPath, removeWorkspaceDir, workspacePaths } from './workspace-dirs.js';

/** Lifecycle states that show the agent has begun its stop sequence. */
const SHUTDOWN_STARTED = new Set(['shutting_down', 'shutdown_timeout', 'shutdown_error', 'off']);

export async function runStopJob(deps: JobDeps, build: Build, signal: AbortSignal): Promise<void> {
  await stopWorkspace(deps, build, signal);
}

export async function runDeleteJob(deps: JobDeps, build: Build, signal: AbortSignal): Promise<void> {
  await stopWorkspace(deps, build, signal);
  signal.throwIfAborted();
  removeWorkspaceDir(workspacePaths(deps.dataDir, build.workspaceId));
  rmSync(agentSocketPath(deps.host.uid, build.workspaceId), { force: true });
  await deps.sql.begin(async (tx) => {
    await releasePorts(tx, build.workspaceId);
    await tx`update workspaces set deleted_at = coalesce(deleted_at, now()), updated_at = now() where id = ${build.workspaceId}`;
  });
}

async function stopWorkspace(deps: JobDeps, build: Build, signal: AbortSignal): Promise<void> {
  const jobStartedAt = Date.now();
  const deadline = jobStartedAt + deps.stopGracePeriodMs;
  const log = deps.logger.child({ workspace_id: build.workspaceId, build_id: build.id, job_id: build.job.id });
  const agent = await latestAgent(deps.sql, build.workspaceId);
  if (agent && isAgentProcess(agent.pid, agent.tokenHash)) {
    await stopAgent(deps, build, agent, deadline, signal, log);
  } else if (agent) {
    log.info({ agent_id: agent.id }, 'workspace agent is not running');
  }
  const killed = await killWorkspaceProcesses(build.workspaceId);
  if (killed.length > 0) log.info({ pids: killed }, 'killed remaining workspace processes');
  log.info({ duration_ms: Date.now() - jobStartedAt }, 'workspace stopped');
}

async function stopAgent(
  deps: JobDeps,
  build: Build,
  agent: AgentRecord,
  deadline: number,
  signal: AbortSignal,
  log: JobDeps['logger'],
): Promise<void> {
  const pid = agent.pid!;
  const alive = (): boolean => isAgentProcess(pid, agent.tokenHash);
  const { pollMs, shutdownAckTimeoutMs } = deps.timing;

  // 1. The events channel (the agent-API module forwards this as SSE `shutdown`).
  await deps.events.publish({ kind: 'agent_command', workspace_id: build.workspaceId, agent_id: agent.id, build_id: build.id, command: 'shutdown' });
  log.info({ agent_id: agent.id, pid }, 'shutdown sent to workspace agent');

  // 2. Acknowledged by lifecycle `shutting_down` (or later) within the ack timeout, else SIGTERM.
  const ackDeadline = Math.min(Date.now() + shutdownAckTimeoutMs, deadline);
  let acknowledged = false;
  while (alive() && Date.now() < ackDeadline) {
    const [row] = await deps.sql<{ lifecycle_state: string }[]>`select lifecycle_state from agents where id = ${agent.id}`;
    if (row && SHUTDOWN_STARTED.has(row.lifecycle_state)) {
      acknowledged = true;
      break;
    }
    await sleep(pollMs, signal);
  }
  if (!acknowledged && alive() && Date.now() < deadline) {
    log.warn({ agent_id: agent.id, pid }, 'workspace agent did not acknowledge shutdown; sending SIGTERM');
    sendSignal(pid, 'SIGTERM');
  }

  // 3. Wait for the agent to exit, until the grace period is over.
  while (alive() && Date.now() < deadline) await sleep(pollMs, signal);

  // 4. Grace period over: the agent's whole process group.
  if (alive()) {
    log.warn({ agent_id: agent.id, pid, pgid: agent.pgid }, 'stop grace period elapsed; killing the agent process group');
    if (agent.pgid !== null && agent.pgid > 0) sendSignal(-agent.pgid, 'SIGKILL');
    sendSignal(pid, 'SIGKILL');
    for (let i = 0; i < 50 && alive(); i++) await sleep(20);
  }
}
