// The agent's manifest (server.md §5 `GET manifest`, agent.md §2.1) built from
// the rows the provisioner stored for its start build: identity, directory,
// environment, scripts in template order, apps with health checks, log
// sources, and `task: {id, app_slug}` when the workspace belongs to a task.
// The result is validated with the protocol's manifestSchema before it goes
// out, so the server can never hand an agent a manifest the agent refuses.
import { manifestSchema, type Manifest } from '../../protocol/manifest.js';
import type { Queryable } from '../db/storage.js';
import { AgentApiError } from './errors.js';

interface AgentRow {
  agent_id: string;
  agent_name: string;
  workspace_id: string;
  workspace_name: string;
  owner_name: string;
  build_id: string;
  build_number: number;
  directory: string;
  environment: unknown;
}

interface ScriptRow {
  id: string;
  log_source_id: string;
  log_path: string;
  script: string;
  cron: string;
  run_on_start: boolean;
  run_on_stop: boolean;
  start_blocks_login: boolean;
  timeout_ms: number;
  display_name: string;
  resource_address: string;
  depends_on: string[];
}

interface AppRow {
  id: string;
  slug: string;
  display_name: string;
  url: string;
  healthcheck_url: string | null;
  healthcheck_interval_s: number | null;
  healthcheck_threshold: number | null;
  task_app: boolean;
}

/** Undefined when the agent row is gone (deleted workspace). */
export async function buildManifest(sql: Queryable, agentId: string): Promise<Manifest | undefined> {
  const agents = await sql<AgentRow[]>`
    select a.id as agent_id, a.name as agent_name, w.id as workspace_id, w.name as workspace_name,
           u.username as owner_name, b.id as build_id, b.build_number, a.directory, a.environment
    from agents a
    join builds b on b.id = a.build_id
    join workspaces w on w.id = a.workspace_id
    join users u on u.id = w.owner_id
    where a.id = ${agentId}`;
  const agent = agents[0];
  if (!agent) return undefined;
  const [scripts, apps, logSources, tasks] = await Promise.all([
    sql<ScriptRow[]>`
      select id, log_source_id, log_path, script, cron, run_on_start, run_on_stop, start_blocks_login,
             timeout_ms, display_name, resource_address, depends_on
      from scripts where agent_id = ${agentId} order by ordinal, id`,
    sql<AppRow[]>`
      select id, slug, display_name, url, healthcheck_url, healthcheck_interval_s, healthcheck_threshold, task_app
      from apps where agent_id = ${agentId} order by created_at, slug`,
    // Sources in the order of the scripts that write to them, then any others.
    sql<{ id: string; display_name: string }[]>`
      select ls.id, ls.display_name from log_sources ls
      where ls.agent_id = ${agentId}
      order by (select min(s.ordinal) from scripts s where s.log_source_id = ls.id) nulls last, ls.created_at, ls.id`,
    sql<{ id: string }[]>`select id from tasks where workspace_id = ${agent.workspace_id} and deleted_at is null`,
  ]);
  const taskApp = apps.find((app) => app.task_app);
  const task = tasks[0];
  const manifest = {
    agent_id: agent.agent_id,
    agent_name: agent.agent_name,
    workspace_id: agent.workspace_id,
    workspace_name: agent.workspace_name,
    owner_name: agent.owner_name,
    build_id: agent.build_id,
    build_number: agent.build_number,
    directory: agent.directory,
    environment_variables: agent.environment,
    scripts: scripts.map((s) => ({ ...s, depends_on: [...s.depends_on] })),
    apps: apps.map((app) => ({
      id: app.id,
      slug: app.slug,
      display_name: app.display_name,
      url: app.url,
      healthcheck:
        app.healthcheck_url === null
          ? null
          : { url: app.healthcheck_url, interval_s: app.healthcheck_interval_s ?? 0, threshold: app.healthcheck_threshold ?? 0 },
    })),
    task: task && taskApp ? { id: task.id, app_slug: taskApp.slug } : null,
    log_sources: logSources.map((ls) => ({ id: ls.id, display_name: ls.display_name })),
  };
  const parsed = manifestSchema.safeParse(manifest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AgentApiError('invalidManifest', `${issue.path.map(String).join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
