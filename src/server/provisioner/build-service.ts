// Workspaces and build requests (server.md §4.4.1–4.4.3): creating a
// workspace row, queueing a build — at most one pending/running job per
// workspace (else 409 `A workspace build is already active.`), build numbers
// 1, 2, …, NOTIFY `job_queued` on commit — and marking a workspace's delete
// as requested, which frees its name. All accept the caller's transaction
// so a task and its first build commit together. It never runs a
// job (job-runner.ts does) and never touches files or processes.
import postgres from 'postgres';
import type { Logger } from 'pino';
import { DEFAULT_ORGANIZATION_ID } from '../db/migrations/0001_initial.js';
import type { EventBus } from '../db/event-bus.js';
import type { Queryable, Sql } from '../db/storage.js';
import type { Build, BuildReason, BuildTransition } from './builds.js';
import { PROVISIONER_MESSAGES, ProvisionerError } from './errors.js';
import { getBuild, latestBuild } from './queries.js';

export interface Workspace {
  id: string;
  organizationId: string;
  ownerId: string;
  templateId: string;
  name: string;
  createdAt: Date;
}

export interface CreateWorkspaceInput {
  ownerId: string;
  templateId: string;
  /** Unique per owner among workspaces neither deleted nor marked for deletion (tasks use the task name). */
  name: string;
  organizationId?: string;
}

export interface RequestBuildInput {
  workspaceId: string;
  transition: BuildTransition;
  reason?: BuildReason;
  /**
   * Default: the latest build's version (stop/delete must keep it, §3.6),
   * or the template's active version for a workspace's first build.
   */
  templateVersionId?: string;
  initiatorId?: string;
}

export interface BuildServiceDeps {
  sql: Sql;
  events: EventBus;
  logger: Logger;
}

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(err: unknown, constraint: string): boolean {
  return err instanceof postgres.PostgresError && err.code === UNIQUE_VIOLATION && err.constraint_name === constraint;
}

export class BuildService {
  constructor(private readonly deps: BuildServiceDeps) {}

  /** Inserts a workspace; ProvisionerError `workspace_exists` when the owner already has one with this name. */
  async createWorkspace(input: CreateWorkspaceInput, via?: Queryable): Promise<Workspace> {
    const sql = via ?? this.deps.sql;
    try {
      const [row] = await sql<{ id: string; organization_id: string; owner_id: string; template_id: string; name: string; created_at: Date }[]>`
        insert into workspaces (organization_id, owner_id, template_id, name)
        values (${input.organizationId ?? DEFAULT_ORGANIZATION_ID}, ${input.ownerId}, ${input.templateId}, ${input.name})
        returning id, organization_id, owner_id, template_id, name, created_at`;
      return { id: row!.id, organizationId: row!.organization_id, ownerId: row!.owner_id, templateId: row!.template_id, name: row!.name, createdAt: row!.created_at };
    } catch (err) {
      if (isUniqueViolation(err, 'workspaces_owner_name_key')) throw new ProvisionerError('workspace_exists', PROVISIONER_MESSAGES.workspaceExists, { cause: err });
      throw err;
    }
  }

  /**
   * Records that the workspace is to be deleted. From then on its name is
   * free for a new workspace of the owner (migration 0003), while the row
   * stays live for its delete build. Queueing a delete build records it too;
   * a caller that may have to defer the build (a task delete meeting an
   * active build) records it first, in its own transaction.
   */
  async markDeleteRequested(workspaceId: string, via?: Queryable): Promise<void> {
    const sql = via ?? this.deps.sql;
    await sql`update workspaces set delete_requested_at = coalesce(delete_requested_at, now()), updated_at = now() where id = ${workspaceId}`;
  }

  /**
   * Queues a build of `transition` and returns it (job `pending`). Throws
   * ProvisionerError `build_active` while another job of the workspace is
   * pending/running, `workspace_not_found`, `template_version_not_found`.
   * With `via` (a transaction) the build and its NOTIFY commit with it.
   */
  async requestBuild(input: RequestBuildInput, via?: Queryable): Promise<Build> {
    try {
      const build = via ? await this.queue(via, input) : await this.deps.sql.begin((tx) => this.queue(tx, input));
      this.deps.logger.info(
        { workspace_id: build.workspaceId, build_id: build.id, job_id: build.job.id, transition: build.transition, reason: build.reason, build_number: build.buildNumber },
        'workspace build queued',
      );
      return build;
    } catch (err) {
      if (isUniqueViolation(err, 'provisioner_jobs_one_active_per_workspace') || isUniqueViolation(err, 'builds_workspace_id_build_number_key')) {
        throw new ProvisionerError('build_active', PROVISIONER_MESSAGES.buildActive, { cause: err });
      }
      throw err;
    }
  }

  getBuild(buildId: string): Promise<Build | undefined> {
    return getBuild(this.deps.sql, buildId);
  }

  latestBuild(workspaceId: string): Promise<Build | undefined> {
    return latestBuild(this.deps.sql, workspaceId);
  }

  private async queue(tx: Queryable, input: RequestBuildInput): Promise<Build> {
    // The row lock serialises concurrent requests for one workspace (any replica).
    const [workspace] = await tx<{ id: string; template_id: string; active_version_id: string | null }[]>`
      select w.id, w.template_id, t.active_version_id
      from workspaces w join templates t on t.id = w.template_id
      where w.id = ${input.workspaceId} and w.deleted_at is null
      for update of w`;
    if (!workspace) throw new ProvisionerError('workspace_not_found', PROVISIONER_MESSAGES.workspaceNotFound);
    const active = await tx`select 1 from provisioner_jobs where workspace_id = ${workspace.id} and status in ('pending', 'running') limit 1`;
    if (active.length > 0) throw new ProvisionerError('build_active', PROVISIONER_MESSAGES.buildActive);

    const latest = await latestBuild(tx, workspace.id);
    const versionId = input.templateVersionId ?? latest?.templateVersionId ?? workspace.active_version_id;
    const version = versionId === null ? [] : await tx`select 1 from template_versions where id = ${versionId} and template_id = ${workspace.template_id}`;
    if (versionId === null || version.length === 0) {
      throw new ProvisionerError('template_version_not_found', PROVISIONER_MESSAGES.templateVersionNotFound);
    }

    const [job] = await tx<{ id: string }[]>`insert into provisioner_jobs (workspace_id) values (${workspace.id}) returning id`;
    const [build] = await tx<{ id: string }[]>`
      insert into builds (workspace_id, build_number, transition, reason, template_version_id, job_id, initiator_id)
      values (${workspace.id}, ${(latest?.buildNumber ?? 0) + 1}, ${input.transition}, ${input.reason ?? 'initiator'},
              ${versionId}, ${job!.id}, ${input.initiatorId ?? null})
      returning id`;
    await tx`update workspaces set updated_at = now() where id = ${workspace.id}`;
    if (input.transition === 'delete') await this.markDeleteRequested(workspace.id, tx);
    await this.deps.events.publish({ kind: 'job_queued', job_id: job!.id, workspace_id: workspace.id }, tx);
    await this.deps.events.publish({ kind: 'workspace_updated', workspace_id: workspace.id, build_id: build!.id }, tx);
    return (await getBuild(tx, build!.id))!;
  }
}
