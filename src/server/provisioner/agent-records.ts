// The rows a start build provisions for its agent (server.md §4.4.4): the
// agent (token stored only as its SHA-256), one log source per script,
// scripts with fresh ids in template order, apps (health `initializing`
// when they have a healthcheck, else `disabled`; `task_app` marks the task
// app) — the manifest is served from exactly these rows. Also the agent's
// process ids once spawned. It never sees a plaintext token.
import type { WorkspaceSpec } from '../../protocol/template.js';
import type { Queryable } from '../db/storage.js';

export interface AgentRecordsInput {
  buildId: string;
  workspaceId: string;
  tokenHash: Buffer;
  spec: WorkspaceSpec;
  /** The manifest's `directory` when the spec names none. */
  homeDir: string;
}

export interface StoredAgent {
  agentId: string;
  scriptIds: string[];
  appIds: string[];
}

/** Inserts the agent and everything it runs; call inside the caller's transaction. */
export async function storeAgentRecords(tx: Queryable, input: AgentRecordsInput): Promise<StoredAgent> {
  const { spec } = input;
  const [agent] = await tx<{ id: string }[]>`
    insert into agents (build_id, workspace_id, token_hash, directory, environment)
    values (${input.buildId}, ${input.workspaceId}, ${input.tokenHash}, ${spec.directory ?? input.homeDir}, ${JSON.stringify(spec.env ?? {})}::text::jsonb)
    returning id`;
  const agentId = agent!.id;
  const scriptIds: string[] = [];
  for (const [ordinal, script] of spec.scripts.entries()) {
    const [source] = await tx<{ id: string }[]>`
      insert into log_sources (agent_id, display_name) values (${agentId}, ${script.display_name}) returning id`;
    const [row] = await tx<{ id: string }[]>`
      insert into scripts (agent_id, log_source_id, ordinal, display_name, resource_address, script, run_on_start, run_on_stop,
                           cron, timeout_ms, depends_on, log_path, start_blocks_login)
      values (${agentId}, ${source!.id}, ${ordinal}, ${script.display_name}, ${script.resource_address ?? ''}, ${script.script},
              ${script.run_on_start ?? false}, ${script.run_on_stop ?? false}, ${script.cron ?? ''}, ${script.timeout_ms ?? 0},
              ${tx.array(script.depends_on ?? [])}::text[], ${script.log_path ?? ''}, ${script.start_blocks_login ?? false})
      returning id`;
    scriptIds.push(row!.id);
  }
  const appIds: string[] = [];
  for (const app of spec.apps ?? []) {
    const check = app.healthcheck;
    const [row] = await tx<{ id: string }[]>`
      insert into apps (agent_id, slug, display_name, url, icon, healthcheck_url, healthcheck_interval_s, healthcheck_threshold, health, task_app)
      values (${agentId}, ${app.slug}, ${app.display_name}, ${app.url}, ${app.icon ?? ''}, ${check?.url ?? null},
              ${check?.interval_s ?? null}, ${check?.threshold ?? null}, ${check ? 'initializing' : 'disabled'}, ${app.task_app ?? false})
      returning id`;
    appIds.push(row!.id);
  }
  return { agentId, scriptIds, appIds };
}

export async function recordAgentProcess(sql: Queryable, agentId: string, pid: number, pgid: number): Promise<void> {
  await sql`update agents set pid = ${pid}, pgid = ${pgid}, updated_at = now() where id = ${agentId}`;
}
