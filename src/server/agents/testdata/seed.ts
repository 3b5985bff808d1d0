// Test support: rows the provisioner would store, inserted with plain SQL —
// users, a template version, workspaces, builds with their jobs, an agent
// with token, log sources, scripts and apps, and tasks — so the agent API can
// be tested without provisioning anything. Returns the plaintext agent token
// to the test only; the database gets its SHA-256, as in production.
import { createHash, randomUUID } from 'node:crypto';
import type { Queryable, Sql } from '../../db/storage.js';
import { DEFAULT_ORGANIZATION_ID } from '../../db/migrations/0001_initial.js';
import { generateAgentToken } from '../../auth/tokens.js';

export type JobStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'canceled';

export async function seedUser(sql: Queryable, username: string, role: 'owner' | 'member' = 'member'): Promise<string> {
  const [row] = await sql<{ id: string }[]>`insert into users (username, role) values (${username}, ${role}) returning id`;
  return row!.id;
}

export interface SeededWorkspace {
  workspaceId: string;
  ownerId: string;
  templateId: string;
  templateVersionId: string;
}

export async function seedTemplateVersion(sql: Queryable, templateId?: string): Promise<{ templateId: string; templateVersionId: string }> {
  let template = templateId;
  if (template === undefined) {
    const [row] = await sql<{ id: string }[]>`insert into templates (name) values (${`t-${randomUUID().slice(0, 8)}`}) returning id`;
    template = row!.id;
  }
  const source = `export default () => ({ scripts: [] }); // ${randomUUID()}`;
  const hash = createHash('sha256').update(source).digest('hex');
  const [version] = await sql<{ id: string }[]>`
    insert into template_versions (template_id, hash, source_path, source) values (${template}, ${hash}, '/dev/null', ${source}) returning id`;
  return { templateId: template, templateVersionId: version!.id };
}

export async function seedWorkspace(sql: Queryable, ownerId: string, name = `ws-${randomUUID().slice(0, 8)}`): Promise<SeededWorkspace> {
  const { templateId, templateVersionId } = await seedTemplateVersion(sql);
  const [row] = await sql<{ id: string }[]>`
    insert into workspaces (organization_id, owner_id, template_id, name)
    values (${DEFAULT_ORGANIZATION_ID}, ${ownerId}, ${templateId}, ${name}) returning id`;
  return { workspaceId: row!.id, ownerId, templateId, templateVersionId };
}

export interface BuildSpec {
  buildNumber: number;
  transition: 'start' | 'stop' | 'delete';
  jobStatus: JobStatus;
  /** Default: the workspace's template version. */
  templateVersionId?: string;
}

export async function seedBuild(sql: Queryable, ws: SeededWorkspace, spec: BuildSpec): Promise<{ buildId: string; jobId: string }> {
  const started = spec.jobStatus === 'pending' ? null : new Date();
  const [job] = await sql<{ id: string }[]>`
    insert into provisioner_jobs (workspace_id, status, started_at) values (${ws.workspaceId}, ${spec.jobStatus}, ${started}) returning id`;
  const [build] = await sql<{ id: string }[]>`
    insert into builds (workspace_id, build_number, transition, template_version_id, job_id)
    values (${ws.workspaceId}, ${spec.buildNumber}, ${spec.transition}, ${spec.templateVersionId ?? ws.templateVersionId}, ${job!.id})
    returning id`;
  return { buildId: build!.id, jobId: job!.id };
}

export async function setBuildJobStatus(sql: Queryable, buildId: string, status: JobStatus): Promise<void> {
  await sql`update provisioner_jobs set status = ${status} where id = (select job_id from builds where id = ${buildId})`;
}

export interface ScriptSeed {
  display_name: string;
  script: string;
  resource_address?: string;
  run_on_start?: boolean;
  run_on_stop?: boolean;
  cron?: string;
  timeout_ms?: number;
  depends_on?: string[];
  log_path?: string;
}

export interface AppSeed {
  slug: string;
  display_name?: string;
  url?: string;
  healthcheck?: { url: string; interval_s: number; threshold: number };
  task_app?: boolean;
}

export interface SeededAgent {
  agentId: string;
  token: string;
  buildId: string;
  scriptIds: string[];
  logSourceIds: string[];
  appIds: string[];
}

export async function seedAgent(
  sql: Queryable,
  ws: SeededWorkspace,
  buildId: string,
  parts: { scripts?: ScriptSeed[]; apps?: AppSeed[]; directory?: string; env?: Record<string, string>; pid?: number } = {},
): Promise<SeededAgent> {
  const { token, hash } = generateAgentToken();
  const [agent] = await sql<{ id: string }[]>`
    insert into agents (build_id, workspace_id, token_hash, directory, environment, pid)
    values (${buildId}, ${ws.workspaceId}, ${hash}, ${parts.directory ?? '/tmp'}, ${JSON.stringify(parts.env ?? {})}::text::jsonb, ${parts.pid ?? null})
    returning id`;
  const agentId = agent!.id;
  const scriptIds: string[] = [];
  const logSourceIds: string[] = [];
  for (const [ordinal, s] of (parts.scripts ?? []).entries()) {
    const [source] = await sql<{ id: string }[]>`insert into log_sources (agent_id, display_name) values (${agentId}, ${s.display_name}) returning id`;
    const [row] = await sql<{ id: string }[]>`
      insert into scripts (agent_id, log_source_id, ordinal, display_name, resource_address, script, run_on_start, run_on_stop, cron, timeout_ms, depends_on, log_path)
      values (${agentId}, ${source!.id}, ${ordinal}, ${s.display_name}, ${s.resource_address ?? ''}, ${s.script}, ${s.run_on_start ?? false},
              ${s.run_on_stop ?? false}, ${s.cron ?? ''}, ${s.timeout_ms ?? 0}, ${sql.array(s.depends_on ?? [])}::text[], ${s.log_path ?? ''})
      returning id`;
    logSourceIds.push(source!.id);
    scriptIds.push(row!.id);
  }
  const appIds: string[] = [];
  for (const app of parts.apps ?? []) {
    const check = app.healthcheck;
    const [row] = await sql<{ id: string }[]>`
      insert into apps (agent_id, slug, display_name, url, healthcheck_url, healthcheck_interval_s, healthcheck_threshold, health, task_app)
      values (${agentId}, ${app.slug}, ${app.display_name ?? app.slug}, ${app.url ?? 'http://localhost:1/'}, ${check?.url ?? null},
              ${check?.interval_s ?? null}, ${check?.threshold ?? null}, ${check ? 'initializing' : 'disabled'}, ${app.task_app ?? false})
      returning id`;
    appIds.push(row!.id);
  }
  return { agentId, token, buildId, scriptIds, logSourceIds, appIds };
}

export async function seedTask(sql: Queryable, ws: SeededWorkspace, name = `task-${randomUUID().slice(0, 8)}`): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into tasks (organization_id, owner_id, name, template_id, template_version_id, workspace_id, initial_prompt)
    values (${DEFAULT_ORGANIZATION_ID}, ${ws.ownerId}, ${name}, ${ws.templateId}, ${ws.templateVersionId}, ${ws.workspaceId}, 'hello')
    returning id`;
  return row!.id;
}

/** A workspace with one succeeded start build (number 1) and its agent: the common starting point. */
export async function seedRunningWorkspace(
  sql: Queryable,
  ownerId: string,
  parts: Parameters<typeof seedAgent>[3] = {},
): Promise<{ ws: SeededWorkspace; agent: SeededAgent }> {
  const ws = await seedWorkspace(sql, ownerId);
  const { buildId } = await seedBuild(sql, ws, { buildNumber: 1, transition: 'start', jobStatus: 'succeeded' });
  return { ws, agent: await seedAgent(sql, ws, buildId, parts) };
}

export interface HeldJob {
  /** Sets the job's status and lets go of it. */
  finish(status: JobStatus): Promise<void>;
  release(): Promise<void>;
}

/**
 * A build whose job stays as seeded while a provisioner loop runs on the same
 * database: the job row is inserted in a status nobody acquires, a held
 * transaction takes a FOR KEY SHARE lock on it, and only then it gets its
 * real status. Acquisition (`FOR UPDATE SKIP LOCKED`) skips the row while the
 * lock is held; reads and status updates (which do not touch key columns)
 * are not blocked. Release it (or finish()) at the end of the test.
 */
export async function seedHeldBuild(sql: Sql, ws: SeededWorkspace, spec: BuildSpec): Promise<{ buildId: string; jobId: string; held: HeldJob }> {
  const build = await seedBuild(sql, ws, { ...spec, jobStatus: 'canceled' });
  const conn = await sql.reserve();
  await conn`begin`;
  await conn`select 1 from provisioner_jobs where id = ${build.jobId} for key share`;
  await sql`update provisioner_jobs set status = ${spec.jobStatus}, started_at = ${spec.jobStatus === 'pending' ? null : new Date()} where id = ${build.jobId}`;
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    await conn`commit`;
    conn.release();
  };
  heldJobs.add(release);
  return {
    ...build,
    held: {
      async finish(status) {
        await sql`update provisioner_jobs set status = ${status} where id = ${build.jobId}`;
        await release();
      },
      release,
    },
  };
}

const heldJobs = new Set<() => Promise<void>>();

/** Releases every job still held (call in afterEach). */
export async function releaseHeldJobs(): Promise<void> {
  const all = [...heldJobs];
  heldJobs.clear();
  await Promise.all(all.map((release) => release()));
}
