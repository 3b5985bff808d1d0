// Test support: the provisioner on a real PostgreSQL with the real HTTP API
// (agent endpoints included) in-process, built like the composition root
// but with the job runner's and stop job's timings injectable, a temp data
// dir and templates dir, one user, and a switch that blocks the agents'
// events stream. stop() ends the runner and the listener and SIGKILLs every
// process of the workspaces the test created (found by their
// TASKYARD_WORKSPACE_ID, never by name). It must never outlive a test.
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../../api/app.js';
import { AuthService } from '../../auth/auth-service.js';
import { resolveServerConfig } from '../../config.js';
import type { ServerContext } from '../../context.js';
import { EventBus } from '../../db/event-bus.js';
import type { Sql } from '../../db/storage.js';
import { listenHttp, pickFreePort, type HttpListener } from '../../listen.js';
import { createServerLogger } from '../../logger.js';
import { createServerMetrics } from '../../metrics.js';
import { BuildService } from '../build-service.js';
import type { Build, JobStatus } from '../builds.js';
import { jobDepsFromContext, type JobTiming } from '../job-deps.js';
import { JobRunner, type JobRunnerTiming } from '../job-runner.js';
import { createJobExecutor } from '../provisioner.js';
import { killWorkspaceProcesses } from '../processes.js';
import { getBuild } from '../queries.js';
import { TemplateRegistry } from '../template-registry.js';

export interface HarnessOptions {
  /** A pool on a migrated test database. */
  sql: Sql;
  stopGracePeriod?: string;
  portRange?: string;
  jobs?: Partial<JobTiming>;
  runner?: Partial<JobRunnerTiming>;
  /** Start a job runner (default true). */
  runJobs?: boolean;
}

export interface Harness {
  ctx: ServerContext;
  url: string;
  dataDir: string;
  templatesDir: string;
  runner: JobRunner | undefined;
  logLines: string[];
  userId: string;
  username: string;
  /** While true, `GET …/workspaceagents/me/events` answers 503 (agents never hear `shutdown`). */
  blockAgentEvents: boolean;
  writeTemplate(name: string, source: string): string;
  /** Registers built-ins + templatesDir; returns the version id of `name`. */
  register(name: string): Promise<string>;
  createWorkspace(templateName: string, name?: string): Promise<string>;
  /** A task row whose workspace is `workspaceId` (its input is the template's prompt). */
  createTask(workspaceId: string, templateVersionId: string, prompt: string): Promise<string>;
  waitForJob(buildId: string, statuses?: JobStatus[], timeoutMs?: number): Promise<Build>;
  /** A second job runner (another "replica") on the same database. */
  extraRunner(workerId: string): JobRunner;
  stop(): Promise<void>;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const root = mkdtempSync(path.join(tmpdir(), 'taskyard-prov-'));
  const dataDir = path.join(root, 'data');
  const templatesDir = path.join(root, 'templates');
  mkdirSync(templatesDir);
  const port = await pickFreePort('127.0.0.1');
  const config = resolveServerConfig(
    {
      address: `127.0.0.1:${port}`,
      dataDir,
      templatesDir,
      postgresUrl: 'postgres://unused@127.0.0.1/unused',
      stopGracePeriod: options.stopGracePeriod ?? '300s',
      portRange: options.portRange ?? '20000-29999',
      logLevel: 'debug',
    },
    {},
    { uid: process.getuid?.() ?? 1000, homeDir: root },
  );
  const logLines: string[] = [];
  const logger = createServerLogger('debug', { write: (line: string) => void logLines.push(line) });
  const events = await EventBus.start(options.sql, logger);
  const shutdown = new AbortController();
  const ctx: ServerContext = {
    config,
    accessUrl: `http://127.0.0.1:${port}`,
    logger,
    sql: options.sql,
    events,
    metrics: createServerMetrics(),
    auth: new AuthService(options.sql),
    templates: new TemplateRegistry(options.sql, dataDir, logger),
    builds: new BuildService({ sql: options.sql, events, logger }),
    shutdownSignal: shutdown.signal,
    replicaId: randomUUID(),
    version: 'test',
    stdout: process.stdout,
  };
  const username = `u${randomUUID().slice(0, 8)}`;
  const [user] = await options.sql<{ id: string }[]>`insert into users (username, email, role) values (${username}, ${`${username}@example.com`}, 'owner') returning id`;
  const app = buildApp(ctx);
  const workspaces = new Set<string>();
  const runners: JobRunner[] = [];
  const makeRunner = (workerId: string): JobRunner => {
    const runner = new JobRunner({
      sql: options.sql,
      events,
      logger: logger.child({ worker: workerId }),
      metrics: ctx.metrics,
      workerId,
      execute: createJobExecutor(jobDepsFromContext(ctx, { timing: options.jobs })),
      timing: { pollMs: 200, ...options.runner },
    });
    runners.push(runner);
    runner.start();
    return runner;
  };
  const harness: Harness = {
    ctx,
    url: ctx.accessUrl,
    dataDir,
    templatesDir,
    runner: undefined,
    logLines,
    userId: user!.id,
    username,
    blockAgentEvents: false,
    writeTemplate(name, source) {
      const file = path.join(templatesDir, name);
      writeFileSync(file, source);
      return file;
    },
    async register(name) {
      const registered = await ctx.templates.registerAll(templatesDir);
      const entry = registered.find((r) => r.name === name);
      if (!entry) throw new Error(`template ${name} was not registered`);
      return entry.versionId;
    },
    async createWorkspace(templateName, name = `ws-${randomUUID().slice(0, 8)}`) {
      const [template] = await options.sql<{ id: string }[]>`select id from templates where name = ${templateName}`;
      const workspace = await ctx.builds.createWorkspace({ ownerId: user!.id, templateId: template!.id, name });
      workspaces.add(workspace.id);
      return workspace.id;
    },
    async createTask(workspaceId, templateVersionId, prompt) {
      const [task] = await options.sql<{ id: string }[]>`
        insert into tasks (organization_id, owner_id, name, template_id, template_version_id, workspace_id, initial_prompt)
        select w.organization_id, w.owner_id, w.name, w.template_id, ${templateVersionId}, w.id, ${prompt}
        from workspaces w where w.id = ${workspaceId}
        returning id`;
      return task!.id;
    },
    async waitForJob(buildId, statuses = ['succeeded', 'failed', 'canceled'], timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const build = await getBuild(options.sql, buildId);
        if (build && statuses.includes(build.job.status)) return build;
        if (Date.now() > deadline) throw new Error(`build ${buildId}: job still ${build?.job.status} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    extraRunner: makeRunner,
    async stop() {
      await Promise.all(runners.map((r) => r.stop()));
      shutdown.abort();
      await listener.close(1_000);
      for (const id of workspaces) await killWorkspaceProcesses(id);
      await events.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
  const listener: HttpListener = await listenHttp((request) => {
    if (harness.blockAgentEvents && new URL(request.url).pathname.endsWith('/workspaceagents/me/events')) {
      return new Response('{"message":"blocked by the test"}', { status: 503, headers: { 'content-type': 'application/json' } });
    }
    return app.fetch(request);
  }, config.address);
  if (options.runJobs ?? true) harness.runner = makeRunner(ctx.replicaId);
  return harness;
}
