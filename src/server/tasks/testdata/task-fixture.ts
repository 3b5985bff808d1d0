// Test fixture for the Tasks API: a real HTTP server with the real routes,
// auth, event bus, template registry and BuildService on a fresh migrated
// database — but WITHOUT the provisioner loop, so builds stay exactly as a
// test seeds or requests them (no agent is ever spawned). Seeds task rows
// in any §6.2 state by SQL. Tests only; production code never imports it,
// and stop() must be called (it closes the listener, bus and pool).
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { TestPostgres } from '../../../../test/helpers/postgres.js';
import type { AppHealth } from '../../../protocol/app-health.js';
import type { LifecycleState } from '../../../protocol/lifecycle.js';
import type { User } from '../../../protocol/users.js';
import { buildApp } from '../../api/app.js';
import { AuthService } from '../../auth/auth-service.js';
import { resolveServerConfig } from '../../config.js';
import type { ServerContext } from '../../context.js';
import { EventBus } from '../../db/event-bus.js';
import { DEFAULT_ORGANIZATION_ID } from '../../db/migrations/0001_initial.js';
import type { Sql } from '../../db/storage.js';
import { listenHttp } from '../../listen.js';
import { createServerMetrics } from '../../metrics.js';
import { BuildService } from '../../provisioner/build-service.js';
import { TemplateRegistry } from '../../provisioner/template-registry.js';
import type { BuildTransition, JobStatus, TaskState } from '../protocol.js';

/** Templates registered besides the built-in `demo`. */
const TEMPLATES: Record<string, string> = {
  'one-app.mjs': `export default () => ({ scripts: [], apps: [{ slug: 'chat', display_name: 'Chat', url: 'http://localhost:1/', task_app: true }] });`,
  'no-app.mjs': `export default () => ({ scripts: [], apps: [{ slug: 'web', display_name: 'Web', url: 'http://localhost:1/' }] });`,
  'two-apps.mjs': `export default () => ({ scripts: [], apps: [
    { slug: 'a', display_name: 'A', url: 'http://localhost:1/', task_app: true },
    { slug: 'b', display_name: 'B', url: 'http://localhost:2/', task_app: true }] });`,
  'broken.mjs': `export default () => { throw new Error('boom'); };`,
};

export interface Account {
  user: User;
  token: string;
}

export interface CallResult {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface SeedBuild {
  transition: BuildTransition;
  job: JobStatus;
}

export interface SeedTask {
  owner: Account;
  name: string;
  prompt?: string;
  template?: string;
  /** false: no workspace (status pending). */
  workspace?: boolean;
  builds?: SeedBuild[];
  /** The agent of the last start build. */
  agent?: { lifecycle: LifecycleState; connected?: boolean };
  /** Its task app. */
  app?: { health: AppHealth; url?: string };
  reports?: { state: TaskState; message: string }[];
  /** task_snapshots.log_snapshot (+ created_at). */
  snapshot?: { envelope: unknown; createdAt?: string };
  lastActivityAt?: Date;
}

export interface SeededTask {
  id: string;
  name: string;
  workspaceId: string | null;
  agentId: string | null;
  appId: string | null;
}

/** The §6.2 states as seeds (workspace, builds, agent, app). */
export const STATE_SEEDS = {
  pending: { builds: [{ transition: 'start', job: 'pending' }] },
  initializing: { builds: [{ transition: 'start', job: 'succeeded' }], agent: { lifecycle: 'starting' }, app: { health: 'initializing' } },
  active: { builds: [{ transition: 'start', job: 'succeeded' }], agent: { lifecycle: 'ready', connected: true }, app: { health: 'healthy' } },
  paused: {
    builds: [{ transition: 'start', job: 'succeeded' }, { transition: 'stop', job: 'succeeded' }],
    agent: { lifecycle: 'off' },
    app: { health: 'healthy' },
  },
  error: { builds: [{ transition: 'start', job: 'failed' }] },
  unknown: {
    builds: [{ transition: 'start', job: 'succeeded' }, { transition: 'stop', job: 'running' }],
    agent: { lifecycle: 'shutting_down', connected: true },
    app: { health: 'healthy' },
  },
} as const satisfies Record<string, Omit<SeedTask, 'owner' | 'name'>>;

/** A task status STATE_SEEDS can seed. */
export type SeedState = keyof typeof STATE_SEEDS;

export class TaskTestServer {
  private constructor(
    readonly ctx: ServerContext,
    readonly url: string,
    readonly owner: Account,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async start(pg: TestPostgres): Promise<TaskTestServer> {
    const db = await pg.createDatabase({ migrated: true });
    const dir = mkdtempSync(path.join(tmpdir(), 'taskyard-tasks-test-'));
    const templatesDir = path.join(dir, 'templates');
    mkdirSync(templatesDir);
    for (const [file, source] of Object.entries(TEMPLATES)) writeFileSync(path.join(templatesDir, file), source);
    const config = resolveServerConfig(
      { address: '127.0.0.1:0', postgresUrl: db.url, dataDir: path.join(dir, 'data'), templatesDir, taskIdleTimeout: '0' },
      {},
      { uid: 1000, homeDir: dir },
    );
    const logger = pino({ level: 'silent' });
    const sql = pg.connect(db.url, 10);
    const events = await EventBus.start(sql, logger);
    const shutdown = new AbortController();
    const ctx: ServerContext = {
      config,
      accessUrl: '',
      logger,
      sql,
      events,
      metrics: createServerMetrics(),
      auth: new AuthService(sql),
      templates: new TemplateRegistry(sql, config.dataDir, logger),
      builds: new BuildService({ sql, events, logger }),
      shutdownSignal: shutdown.signal,
      replicaId: 'test-replica',
      version: '0.0.0-test',
      stdout: process.stdout,
    };
    await ctx.templates.registerAll(templatesDir);
    const { user, token } = await ctx.auth.createFirstUser({ username: 'admin' });
    const listener = await listenHttp(buildApp(ctx).fetch, { host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${listener.port}`;
    ctx.accessUrl = url;
    return new TaskTestServer(ctx, url, { user, token }, async () => {
      shutdown.abort();
      await listener.close(1_000);
      await events.close();
      await sql.end({ timeout: 1 });
      rmSync(dir, { recursive: true, force: true });
    });
  }

  get sql(): Sql {
    return this.ctx.sql;
  }

  stop(): Promise<void> {
    return this.cleanup();
  }

  async createUser(username: string, role: 'owner' | 'member' = 'member'): Promise<Account> {
    const user = await this.ctx.auth.createUser({ username, role });
    return { user, token: await this.ctx.auth.createApiKey(user.id) };
  }

  async call(method: string, pathname: string, init: { token?: string; body?: unknown; raw?: string } = {}): Promise<CallResult> {
    const headers: Record<string, string> = {};
    if (init.token !== undefined) headers['Coder-Session-Token'] = init.token;
    const body = init.body !== undefined ? JSON.stringify(init.body) : init.raw;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.url}${pathname}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  async templateVersionId(name: string): Promise<string> {
    const [row] = await this.sql<{ active_version_id: string }[]>`select active_version_id from templates where name = ${name}`;
    if (!row) throw new Error(`no template ${name}`);
    return row.active_version_id;
  }

  /** A task seeded in one of the §6.2 states of STATE_SEEDS (owner: the first user). */
  seedState(state: SeedState, name = 't', owner: Account = this.owner, extra: Partial<SeedTask> = {}): Promise<SeededTask> {
    return this.seedTask({ owner, name, ...STATE_SEEDS[state], ...extra });
  }

  /** Inserts a task and its rows exactly as described (no BuildService, no provisioner). */
  async seedTask(seed: SeedTask): Promise<SeededTask> {
    const sql = this.sql;
    const [template] = await sql<{ id: string; active_version_id: string }[]>`
      select id, active_version_id from templates where name = ${seed.template ?? 'one-app'}`;
    const { id: templateId, active_version_id: versionId } = template!;
    let workspaceId: string | null = null;
    let agentId: string | null = null;
    let appId: string | null = null;
    if (seed.workspace !== false) {
      const [ws] = await sql<{ id: string }[]>`
        insert into workspaces (organization_id, owner_id, template_id, name)
        values (${DEFAULT_ORGANIZATION_ID}, ${seed.owner.user.id}, ${templateId}, ${seed.name}) returning id`;
      workspaceId = ws!.id;
    }
    const [task] = await sql<{ id: string }[]>`
      insert into tasks (organization_id, owner_id, name, template_id, template_version_id, workspace_id, initial_prompt, last_activity_at)
      values (${DEFAULT_ORGANIZATION_ID}, ${seed.owner.user.id}, ${seed.name}, ${templateId}, ${versionId}, ${workspaceId},
              ${seed.prompt ?? 'hello'}, ${seed.lastActivityAt ?? new Date()})
      returning id`;
    let lastStartBuild: string | undefined;
    for (const [index, build] of (seed.builds ?? []).entries()) {
      const [job] = await sql<{ id: string }[]>`
        insert into provisioner_jobs (workspace_id, status, started_at, completed_at)
        values (${workspaceId}, ${build.job}, ${build.job === 'pending' ? null : new Date()},
                ${build.job === 'pending' || build.job === 'running' ? null : new Date()})
        returning id`;
      const [row] = await sql<{ id: string }[]>`
        insert into builds (workspace_id, build_number, transition, reason, template_version_id, job_id, created_at)
        values (${workspaceId}, ${index + 1}, ${build.transition}, 'initiator', ${versionId}, ${job!.id},
                now() + ${`${index} milliseconds`}::interval)
        returning id`;
      if (build.transition === 'start') lastStartBuild = row!.id;
    }
    if (seed.agent && lastStartBuild && workspaceId) {
      const connected = seed.agent.connected ? new Date() : null;
      const [agent] = await sql<{ id: string }[]>`
        insert into agents (build_id, workspace_id, token_hash, lifecycle_state, lifecycle_changed_at, last_connected_at, first_connected_at)
        values (${lastStartBuild}, ${workspaceId}, ${randomBytes(32)}, ${seed.agent.lifecycle}, now(), ${connected}, ${connected})
        returning id`;
      agentId = agent!.id;
      if (seed.app) {
        const [app] = await sql<{ id: string }[]>`
          insert into apps (agent_id, slug, display_name, url, health, task_app)
          values (${agentId}, 'chat', 'Chat', ${seed.app.url ?? 'http://localhost:1/'}, ${seed.app.health}, true)
          returning id`;
        appId = app!.id;
        for (const [i, report] of (seed.reports ?? []).entries()) {
          await sql`
            insert into app_statuses (app_id, agent_id, workspace_id, state, message, created_at)
            values (${appId}, ${agentId}, ${workspaceId}, ${report.state}, ${report.message}, now() + ${`${i} milliseconds`}::interval)`;
        }
      }
    }
    if (seed.snapshot) {
      await sql`
        insert into task_snapshots (task_id, log_snapshot, log_snapshot_created_at)
        values (${task!.id}, ${JSON.stringify(seed.snapshot.envelope)}::text::jsonb, ${seed.snapshot.createdAt ?? new Date().toISOString()}::timestamptz)`;
    }
    return { id: task!.id, name: seed.name, workspaceId, agentId, appId };
  }

  /** Points the task's app at `url` (a real AgentAPI) and marks the task active-able. */
  async setAppUrl(appId: string, url: string): Promise<void> {
    await this.sql`update apps set url = ${url} where id = ${appId}`;
  }
}
