// Workspace builds as the API shows them (server.md §4.4.1): the row types of
// builds and their provisioner jobs, the workspace build status derived from
// transition + job status, and the JSON shape. Pure: no queries, no I/O.

export const BUILD_TRANSITIONS = ['start', 'stop', 'delete'] as const;
export type BuildTransition = (typeof BUILD_TRANSITIONS)[number];

export const BUILD_REASONS = ['initiator', 'task_manual_pause', 'task_auto_pause', 'task_resume'] as const;
export type BuildReason = (typeof BUILD_REASONS)[number];

export const JOB_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'canceled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export type WorkspaceBuildStatus =
  | 'pending'
  | 'starting'
  | 'running'
  | 'stopping'
  | 'stopped'
  | 'deleting'
  | 'deleted'
  | 'failed';

export interface ProvisionerJob {
  id: string;
  status: JobStatus;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

export interface Build {
  id: string;
  workspaceId: string;
  buildNumber: number;
  transition: BuildTransition;
  reason: BuildReason;
  templateVersionId: string;
  initiatorId: string | null;
  createdAt: Date;
  job: ProvisionerJob;
}

/** §4.4.1: start → pending/starting/running/failed; stop → pending/stopping/stopped/failed; delete → deleting/deleted/failed. */
export function workspaceBuildStatus(transition: BuildTransition, job: JobStatus): WorkspaceBuildStatus {
  if (job === 'failed' || job === 'canceled') return 'failed';
  switch (transition) {
    case 'start':
      return job === 'pending' ? 'pending' : job === 'running' ? 'starting' : 'running';
    case 'stop':
      return job === 'pending' ? 'pending' : job === 'running' ? 'stopping' : 'stopped';
    case 'delete':
      return job === 'succeeded' ? 'deleted' : 'deleting';
  }
}

export function isJobActive(status: JobStatus): boolean {
  return status === 'pending' || status === 'running';
}

export interface BuildJson {
  id: string;
  workspace_id: string;
  build_number: number;
  transition: BuildTransition;
  reason: BuildReason;
  template_version_id: string;
  job: {
    id: string;
    status: JobStatus;
    error: string | null;
    created_at: string;
    started_at: string | null;
    completed_at: string | null;
  };
  status: WorkspaceBuildStatus;
  created_at: string;
}

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

/** The Build JSON of §4.4.1 (e.g. `{"workspace_build": buildJson(b)}` on resume). */
export function buildJson(build: Omit<Build, 'initiatorId'> & { initiatorId?: string | null }): BuildJson {
  return {
    id: build.id,
    workspace_id: build.workspaceId,
    build_number: build.buildNumber,
    transition: build.transition,
    reason: build.reason,
    template_version_id: build.templateVersionId,
    job: {
      id: build.job.id,
      status: build.job.status,
      error: build.job.error,
      created_at: build.job.createdAt.toISOString(),
      started_at: iso(build.job.startedAt),
      completed_at: iso(build.job.completedAt),
    },
    status: workspaceBuildStatus(build.transition, build.job.status),
    created_at: build.createdAt.toISOString(),
  };
}
