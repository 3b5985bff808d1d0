// Task lifecycle requests (server.md §6.3): create (task + workspace + start
// build in one transaction, after the task-app check), pause, resume, input
// update and delete, with the exact status conflicts of §6.3 and the
// activity bumps of §6.6.1. Builds are only ever requested through the
// TaskBuilds port; jobs run elsewhere. It never talks to AgentAPI (send.ts,
// logs.ts do) and never answers HTTP itself.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { User } from '../../protocol/users.js';
import type { EventBus } from '../db/event-bus.js';
import type { Queryable, Sql } from '../db/storage.js';
import { taskErrors } from './errors.js';
import { isBuildActiveError, isWorkspaceExistsError, workspaceBuildJson, type TaskAppCheck, type TaskBuilds } from './ports.js';
import type { CreateTaskRequest, PauseTaskResponse, ResumeTaskResponse } from './protocol.js';
import { findTaskById } from './task-query.js';
import type { TaskRecord } from './task-record.js';
import { bumpTaskActivity, insertTask, setTaskWorkspace, softDeleteTask, updateTaskInput } from './task-store.js';

export interface TaskServiceDeps {
  sql: Sql;
  events: EventBus;
  logger: Logger;
  builds: TaskBuilds;
  /** Absent: creation skips the task-app check (the start job still renders). */
  checkTaskApp?: TaskAppCheck;
}

interface ResolvedVersion {
  templateId: string;
  templateVersionId: string;
}

export class TaskService {
  constructor(private readonly deps: TaskServiceDeps) {}

  /** §6.3 create; the body is validated already except for "exactly one template field". */
  async create(owner: User, actor: User, body: CreateTaskRequest): Promise<TaskRecord> {
    const version = await this.resolveTemplateVersion(body);
    const id = randomUUID();
    const name = body.name ?? `task-${randomBytes(4).toString('hex')}`;
    await this.deps.sql.begin(async (tx) => {
      await insertTask(tx, {
        id,
        ownerId: owner.id,
        name,
        displayName: body.display_name ?? '',
        templateId: version.templateId,
        templateVersionId: version.templateVersionId,
        prompt: body.input,
      });
      const workspace = await this.createWorkspace(tx, { ownerId: owner.id, templateId: version.templateId, name });
      await setTaskWorkspace(tx, id, workspace.id);
      await this.checkTaskApp({
        templateVersionId: version.templateVersionId,
        task: { id, name, prompt: body.input },
        workspace,
        owner: { id: owner.id, username: owner.username, email: owner.email },
      });
      await this.deps.builds.requestBuild(
        { workspaceId: workspace.id, transition: 'start', reason: 'initiator', templateVersionId: version.templateVersionId, initiatorId: actor.id },
        tx,
      );
      await this.deps.events.publish({ kind: 'task_updated', task_id: id, workspace_id: workspace.id }, tx);
    });
    this.deps.logger.info({ task_id: id, owner_id: owner.id, template_version_id: version.templateVersionId }, 'task created');
    return this.reload(id);
  }

  /** §6.3 pause: stop build `task_manual_pause` from active, initializing or error. */
  async pause(record: TaskRecord, actor: User): Promise<PauseTaskResponse> {
    const build = await this.requestStop(record, 'task_manual_pause', actor.id);
    if (!build) throw taskErrors.cannotPause(record.status);
    return { workspace_build_id: build.id };
  }

  /**
   * Stop build for `reason` unless the status forbids it (pending, paused,
   * unknown) or a build is already active; undefined then.
   */
  async requestStop(record: TaskRecord, reason: 'task_manual_pause' | 'task_auto_pause', initiatorId?: string): Promise<{ id: string } | undefined> {
    if (record.workspaceId === null || record.status === 'pending' || record.status === 'paused' || record.status === 'unknown') return undefined;
    try {
      const build = await this.deps.builds.requestBuild({ workspaceId: record.workspaceId, transition: 'stop', reason, initiatorId });
      this.deps.logger.info({ task_id: record.task.id, workspace_id: record.workspaceId, build_id: build.id, reason }, 'task pausing');
      return build;
    } catch (err) {
      if (isBuildActiveError(err)) return undefined;
      throw err;
    }
  }

  /** §6.3 resume: start build `task_resume` with the task's template version; renders the current input. */
  async resume(record: TaskRecord, actor: User): Promise<ResumeTaskResponse> {
    if (record.status !== 'paused' || record.workspaceId === null) throw taskErrors.notPaused(record.status);
    let build;
    try {
      build = await this.deps.builds.requestBuild({
        workspaceId: record.workspaceId,
        transition: 'start',
        reason: 'task_resume',
        templateVersionId: record.task.template_version_id,
        initiatorId: actor.id,
      });
    } catch (err) {
      if (isBuildActiveError(err)) throw taskErrors.notPaused((await this.reloadStatus(record)) ?? record.status);
      throw err;
    }
    await bumpTaskActivity(this.deps.sql, record.task.id);
    this.deps.logger.info({ task_id: record.task.id, workspace_id: record.workspaceId, build_id: build.id }, 'task resuming');
    return { workspace_build: workspaceBuildJson(build) };
  }

  /** §6.3 PATCH input: only while paused. */
  async updateInput(record: TaskRecord, input: string): Promise<void> {
    if (record.status !== 'paused') throw taskErrors.inputNotPaused(record.status);
    await updateTaskInput(this.deps.sql, record.task.id, input);
    await this.publish(record);
  }

  /**
   * §6.3 delete: soft delete, then a delete build. When a build is still
   * active the delete build is queued later by the background sweep
   * (auto-pause.ts), so deleting never waits for a start to finish. The
   * workspace gives up its name in the soft delete's transaction: it lives
   * on until its delete build finished, but the task name is free at once
   * and a new task of that name needs a workspace of that name.
   */
  async delete(record: TaskRecord, actor: User): Promise<void> {
    const deleted = await this.deps.sql.begin(async (tx) => {
      if (!(await softDeleteTask(tx, record.task.id))) return false;
      if (record.workspaceId !== null) await this.deps.builds.markDeleteRequested(record.workspaceId, tx);
      return true;
    });
    if (!deleted) return;
    await this.publish(record);
    this.deps.logger.info({ task_id: record.task.id, workspace_id: record.workspaceId }, 'task deleted');
    if (record.workspaceId !== null) await this.requestDeleteBuild(record.workspaceId, actor.id);
  }

  /** Queues the delete build of a deleted task's workspace; false while another build is active. */
  async requestDeleteBuild(workspaceId: string, initiatorId?: string): Promise<boolean> {
    try {
      await this.deps.builds.requestBuild({ workspaceId, transition: 'delete', reason: 'initiator', initiatorId });
      return true;
    } catch (err) {
      if (isBuildActiveError(err)) return false;
      throw err;
    }
  }

  /** §6.6.1 activity (last_activity_at is not part of the Task JSON: no notification). */
  async bumpActivity(record: TaskRecord): Promise<void> {
    await bumpTaskActivity(this.deps.sql, record.task.id);
  }

  private async resolveTemplateVersion(body: CreateTaskRequest): Promise<ResolvedVersion> {
    const sql = this.deps.sql;
    if (body.template !== undefined) {
      const [row] = await sql<{ id: string; active_version_id: string | null }[]>`
        select id, active_version_id from templates where name = ${body.template} and deleted_at is null`;
      if (!row || row.active_version_id === null) throw taskErrors.templateNotFound('template', body.template);
      return { templateId: row.id, templateVersionId: row.active_version_id };
    }
    const versionId = body.template_version_id ?? '';
    const [row] = await sql<{ template_id: string }[]>`
      select v.template_id from template_versions v join templates t on t.id = v.template_id
      where v.id = ${versionId} and t.deleted_at is null`;
    if (!row) throw taskErrors.templateNotFound('template_version_id', versionId);
    return { templateId: row.template_id, templateVersionId: versionId };
  }

  private async createWorkspace(tx: Queryable, input: { ownerId: string; templateId: string; name: string }): Promise<{ id: string; name: string }> {
    try {
      return await this.deps.builds.createWorkspace(input, tx);
    } catch (err) {
      // Deleted tasks' workspaces have released their names (delete()), so a
      // live workspace of this name belongs to a live task or to no task.
      if (isWorkspaceExistsError(err)) throw taskErrors.nameTaken();
      throw err;
    }
  }

  private async checkTaskApp(input: Parameters<TaskAppCheck>[0]): Promise<void> {
    if (!this.deps.checkTaskApp) return;
    const count = await this.deps.checkTaskApp(input);
    // undefined: rendering failed; the start job fails the same way and the task shows `error`.
    if (count !== undefined && count !== 1) {
      throw taskErrors.noTaskApp(count === 0 ? 'The rendered workspace has no app with task_app: true.' : `The rendered workspace has ${count} apps with task_app: true; exactly one is required.`);
    }
  }

  private async publish(record: TaskRecord): Promise<void> {
    await this.deps.events.publish({ kind: 'task_updated', task_id: record.task.id, ...(record.workspaceId ? { workspace_id: record.workspaceId } : {}) });
  }

  private async reload(id: string): Promise<TaskRecord> {
    const record = await findTaskById(this.deps.sql, id);
    if (!record) throw new Error(`task ${id} vanished right after creation`);
    return record;
  }

  private async reloadStatus(record: TaskRecord): Promise<TaskRecord['status'] | undefined> {
    return (await findTaskById(this.deps.sql, record.task.id))?.status;
  }
}
