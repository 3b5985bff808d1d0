// What the tasks module needs from its neighbours, as narrow interfaces:
// the provisioner's workspace/build requests (BuildService satisfies
// TaskBuilds structurally) and a dry render of a template version for the
// task-app check of task creation. wiring.ts maps the ServerContext onto
// them; nothing in tasks/ imports the provisioner's internals.
import type { Queryable } from '../db/storage.js';
import type { BuildReason, BuildTransition, JobStatus, WorkspaceBuild } from './protocol.js';
import { buildJson } from '../provisioner/builds.js';

/** A queued or finished workspace build, as BuildService returns it. */
export interface TaskBuild {
  id: string;
  workspaceId: string;
  buildNumber: number;
  transition: BuildTransition;
  reason: BuildReason;
  templateVersionId: string;
  createdAt: Date;
  job: { id: string; status: JobStatus; error: string | null; createdAt: Date; startedAt: Date | null; completedAt: Date | null };
}

export interface TaskBuilds {
  /** Throws an error whose `code` is `workspace_exists` when the owner has a live workspace of that name not marked for deletion. */
  createWorkspace(input: { ownerId: string; templateId: string; name: string }, via?: Queryable): Promise<{ id: string; name: string }>;
  /** Frees the workspace's name for a new workspace; the row stays live for its delete build. */
  markDeleteRequested(workspaceId: string, via?: Queryable): Promise<void>;
  /** Throws an error whose `code` is `build_active` while a job of the workspace is pending/running. */
  requestBuild(
    input: { workspaceId: string; transition: BuildTransition; reason?: BuildReason; templateVersionId?: string; initiatorId?: string },
    via?: Queryable,
  ): Promise<TaskBuild>;
}

/** The rendering context of a task's first start build, minus what only the start job knows. */
export interface TaskAppCheckInput {
  templateVersionId: string;
  task: { id: string; name: string; prompt: string };
  workspace: { id: string; name: string };
  owner: { id: string; username: string; email: string };
}

/**
 * Renders the template version once as the start job would and returns how
 * many apps are `task_app: true`; `undefined` when rendering itself fails
 * (the start job will fail the same way and the task shows `error`).
 */
export type TaskAppCheck = (input: TaskAppCheckInput) => Promise<number | undefined>;

/** True for the provisioner's `A workspace build is already active.` (by code, not text). */
export function isBuildActiveError(err: unknown): boolean {
  return hasCode(err, 'build_active');
}

export function isWorkspaceExistsError(err: unknown): boolean {
  return hasCode(err, 'workspace_exists');
}

function hasCode(err: unknown, code: string): boolean {
  for (let current: unknown = err; current instanceof Error; current = current.cause) {
    if ((current as Error & { code?: unknown }).code === code) return true;
  }
  return false;
}

/** §4.4.1 Build JSON (the provisioner's one definition). */
export function workspaceBuildJson(build: TaskBuild): WorkspaceBuild {
  return buildJson(build);
}
