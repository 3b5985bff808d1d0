// One task as the API sees it: the row the task query returns (task, owner,
// template, workspace, latest build + job, latest agent, its task app, the
// task app's latest report), turned into the §6.2 status input and the §6.1
// Task JSON. Pure: no SQL, no HTTP.
import { workspaceBuildStatus } from '../provisioner/builds.js';
import type { AppHealth } from '../../protocol/app-health.js';
import type { LifecycleState } from '../../protocol/lifecycle.js';
import type { AgentHealth, BuildTransition, JobStatus, Task, TaskState, TaskStatus } from './protocol.js';
import { deriveTaskStatus, type TaskStatusInput, type TaskStatusReason } from './status.js';

/** The columns of task-query.ts's select, as postgres.js returns them. */
export interface TaskRow {
  id: string;
  organization_id: string;
  owner_id: string;
  owner_name: string;
  name: string;
  display_name: string;
  template_id: string;
  template_version_id: string;
  template_name: string;
  template_display_name: string;
  template_icon: string;
  workspace_id: string | null;
  workspace_name: string | null;
  initial_prompt: string;
  created_at: Date;
  updated_at: Date;
  last_activity_at: Date;
  build_id: string | null;
  build_number: number | null;
  build_transition: BuildTransition | null;
  build_created_at: Date | null;
  job_status: JobStatus | null;
  agent_id: string | null;
  agent_build_id: string | null;
  agent_lifecycle: LifecycleState | null;
  agent_changed_at: Date | null;
  agent_last_connected_at: Date | null;
  agent_disconnected_at: Date | null;
  app_id: string | null;
  app_url: string | null;
  app_health: AppHealth | null;
  app_updated_at: Date | null;
  report_state: TaskState | null;
  report_message: string | null;
  report_uri: string | null;
  report_created_at: Date | null;
  report_agent_id: string | null;
}

/** A task with its derived status and JSON, plus what the routes need beyond the JSON. */
export interface TaskRecord {
  task: Task;
  status: TaskStatus;
  statusReason: TaskStatusReason;
  workspaceId: string | null;
  /** The task app's URL (AgentAPI) of the latest agent, if any. */
  appUrl: string | null;
  lastActivityAt: Date;
}

/** §4.4.1 workspace build status of the latest build; null before the first build. */
export function workspaceStatus(transition: BuildTransition | null, job: JobStatus | null): string | null {
  return transition === null || job === null ? null : workspaceBuildStatus(transition, job);
}

/** Connected while the agent's events stream is open on some replica (§4.5). */
export function agentHealth(row: TaskRow): AgentHealth | null {
  if (row.agent_id === null) return null;
  const connected = row.agent_last_connected_at !== null && (row.agent_disconnected_at === null || row.agent_disconnected_at < row.agent_last_connected_at);
  if (connected) return { healthy: true };
  return { healthy: false, reason: row.agent_last_connected_at === null ? 'agent has not connected' : 'agent has lost connection' };
}

export function statusInput(row: TaskRow): TaskStatusInput {
  // Only the latest build's own agent and app count: during a resume the
  // previous build's agent (now off) must not decide the status.
  const agentOfLatestBuild = row.agent_id !== null && row.agent_build_id === row.build_id;
  return {
    taskCreatedAt: row.created_at,
    hasWorkspace: row.workspace_id !== null,
    build:
      row.build_transition === null || row.build_created_at === null
        ? null
        : { transition: row.build_transition, jobStatus: row.job_status, createdAt: row.build_created_at },
    agent: agentOfLatestBuild && row.agent_lifecycle !== null ? { lifecycle: row.agent_lifecycle, changedAt: row.agent_changed_at ?? row.created_at } : null,
    taskApp: agentOfLatestBuild && row.app_health !== null ? { health: row.app_health, changedAt: row.app_updated_at ?? row.created_at } : null,
    latestReport:
      row.report_state === null || row.report_created_at === null
        ? null
        : {
            state: row.report_state,
            message: row.report_message ?? '',
            uri: row.report_uri ?? '',
            createdAt: row.report_created_at,
            currentBuild: agentOfLatestBuild && row.report_agent_id === row.agent_id,
          },
  };
}

export function toTaskRecord(row: TaskRow): TaskRecord {
  const derived = deriveTaskStatus(statusInput(row));
  const task: Task = {
    id: row.id,
    organization_id: row.organization_id,
    owner_id: row.owner_id,
    owner_name: row.owner_name,
    name: row.name,
    display_name: row.display_name,
    template_id: row.template_id,
    template_version_id: row.template_version_id,
    template_name: row.template_name,
    template_display_name: row.template_display_name,
    template_icon: row.template_icon,
    workspace_id: row.workspace_id,
    workspace_name: row.workspace_name,
    workspace_status: workspaceStatus(row.build_transition, row.job_status),
    workspace_build_number: row.build_number,
    workspace_agent_id: row.agent_id,
    workspace_agent_lifecycle: row.agent_lifecycle,
    workspace_agent_health: agentHealth(row),
    workspace_app_id: row.app_id,
    initial_prompt: row.initial_prompt,
    status: derived.status,
    current_state: derived.currentState,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
  return {
    task,
    status: derived.status,
    statusReason: derived.reason,
    workspaceId: row.workspace_id,
    appUrl: row.app_url,
    lastActivityAt: row.last_activity_at,
  };
}
