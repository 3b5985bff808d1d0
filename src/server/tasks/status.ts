// Task status derivation (server.md §6.2) as a pure function over the few
// facts it depends on: the latest build and its job, the latest build's
// agent, that agent's task app, and the task app's latest app-status report.
// The first rule that yields a non-`active` status wins. It also synthesises
// `current_state` while a task is starting. It must never query or mutate:
// callers gather the input (task-query.ts) and tests feed it tables.
import type { AppHealth } from '../../protocol/app-health.js';
import type { LifecycleState } from '../../protocol/lifecycle.js';
import type { BuildTransition, JobStatus, TaskCurrentState, TaskState, TaskStatus } from './protocol.js';

export interface TaskStatusInput {
  taskCreatedAt: Date;
  /** False when the task has no workspace (rule 1). */
  hasWorkspace: boolean;
  /** The workspace's latest build; null when it has none. */
  build: { transition: BuildTransition; jobStatus: JobStatus | null; createdAt: Date } | null;
  /** The agent of the latest build (null when that build has none yet). */
  agent: { lifecycle: LifecycleState; changedAt: Date } | null;
  /** That agent's task app (null when it has none). */
  taskApp: { health: AppHealth; changedAt: Date } | null;
  /** The latest app-status report of the workspace's task app, of any build. */
  latestReport: { state: TaskState; message: string; uri: string; createdAt: Date; currentBuild: boolean } | null;
}

/** Which rule decided: names the synthesised current_state message too. */
export type TaskStatusReason =
  | 'no_workspace'
  | 'no_job'
  | 'job_failed'
  | 'build_stopped'
  | 'start_pending'
  | 'build_in_transition'
  | 'agent_connecting'
  | 'agent_starting'
  | 'agent_not_running'
  | 'app_initializing'
  | 'app_unhealthy'
  | 'app_ready'
  | 'app_unknown';

export interface DerivedTaskStatus {
  status: TaskStatus;
  reason: TaskStatusReason;
  currentState: TaskCurrentState | null;
}

/** The current_state message synthesised per rule while a task is pending or initializing. */
export const STARTING_MESSAGES: Partial<Record<TaskStatusReason, string>> = {
  no_workspace: 'Workspace is starting',
  no_job: 'Workspace is starting',
  start_pending: 'Workspace is starting',
  agent_connecting: 'Agent is connecting',
  agent_starting: 'Agent is starting',
  app_initializing: 'App is initializing',
};

export function deriveTaskStatus(input: TaskStatusInput): DerivedTaskStatus {
  const { status, reason, since } = applyRules(input);
  return { status, reason, currentState: currentStateFor(input, status, reason, since) };
}

interface RuleResult {
  status: TaskStatus;
  reason: TaskStatusReason;
  /** When the deciding fact last changed (timestamp of a synthesised state). */
  since: Date;
}

function applyRules(input: TaskStatusInput): RuleResult {
  // 1. Workspace.
  if (!input.hasWorkspace) return { status: 'pending', reason: 'no_workspace', since: input.taskCreatedAt };
  // 2. Build step.
  const build = input.build;
  if (build === null || build.jobStatus === null) return { status: 'pending', reason: 'no_job', since: build?.createdAt ?? input.taskCreatedAt };
  if (build.jobStatus === 'failed' || build.jobStatus === 'canceled') return { status: 'error', reason: 'job_failed', since: build.createdAt };
  if (build.transition !== 'start') {
    if (build.jobStatus === 'succeeded') return { status: 'paused', reason: 'build_stopped', since: build.createdAt };
    return { status: 'unknown', reason: 'build_in_transition', since: build.createdAt };
  }
  if (build.jobStatus === 'pending') return { status: 'pending', reason: 'start_pending', since: build.createdAt };
  // start + running/succeeded → 3. Agent step.
  const agent = input.agent;
  if (agent === null || agent.lifecycle === 'created') return { status: 'initializing', reason: 'agent_connecting', since: agent?.changedAt ?? build.createdAt };
  if (agent.lifecycle === 'starting') return { status: 'initializing', reason: 'agent_starting', since: agent.changedAt };
  if (agent.lifecycle !== 'ready' && agent.lifecycle !== 'start_timeout' && agent.lifecycle !== 'start_error') {
    return { status: 'unknown', reason: 'agent_not_running', since: agent.changedAt };
  }
  // 4. App step.
  const app = input.taskApp;
  if (app === null) return { status: 'unknown', reason: 'app_unknown', since: agent.changedAt };
  switch (app.health) {
    case 'initializing':
      return { status: 'initializing', reason: 'app_initializing', since: app.changedAt };
    case 'unhealthy':
      return { status: 'error', reason: 'app_unhealthy', since: app.changedAt };
    case 'healthy':
    case 'disabled':
      return { status: 'active', reason: 'app_ready', since: app.changedAt };
    default:
      return { status: 'unknown', reason: 'app_unknown', since: app.changedAt };
  }
}

function currentStateFor(input: TaskStatusInput, status: TaskStatus, reason: TaskStatusReason, since: Date): TaskCurrentState | null {
  const report = input.latestReport;
  const starting = status === 'pending' || status === 'initializing';
  if (starting && (report === null || !report.currentBuild)) {
    const message = STARTING_MESSAGES[reason] ?? 'Workspace is starting';
    return { timestamp: since.toISOString(), state: 'working', message, uri: '' };
  }
  if (report === null) return null;
  return { timestamp: report.createdAt.toISOString(), state: report.state, message: report.message, uri: report.uri };
}
