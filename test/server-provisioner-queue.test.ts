// Provisioner bookkeeping on a real PostgreSQL (server.md §4.1.1, §4.4.1–3,
// §4.6): template registration and versions, build requests (409 text,
// build numbers, NOTIFY, template version rules), two job runners on one
// database running each job once, heartbeats, abandoned jobs, and port
// allocation. Executors here are fakes: no process is spawned. Must never
// share a database between tests or leave a runner or listener running.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerEvent } from '../src/protocol/server-events.js';
import { resolveServerConfig } from '../src/server/config.js';
import { startServer } from '../src/server/server.js';
import type { Build } from '../src/server/provisioner/builds.js';
import { isProvisionerError, PROVISIONER_MESSAGES } from '../src/server/provisioner/errors.js';
import { JobRunner, type JobExecutor } from '../src/server/provisioner/job-runner.js';
import { allocatePorts, releasePorts } from '../src/server/provisioner/ports.js';
import { MAX_JOB_ATTEMPTS } from '../src/server/provisioner/abandoned-jobs.js';
import { reconcileProvisioner } from '../src/server/provisioner/reconcile.js';
import { startHarness, type Harness } from '../src/server/provisioner/testdata/harness.js';
import { usePostgres } from './helpers/postgres.js';

const pg = usePostgres();
const harnesses: Harness[] = [];
const runners: JobRunner[] = [];

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
  await Promise.all(harnesses.splice(0).map((h) => h.stop()));
});

const SIMPLE = `export default () => ({ scripts: [{ display_name: 'hi', script: 'echo hi', run_on_start: true }] });\n`;

async function harness(): Promise<Harness> {
  const db = await pg.createDatabase({ migrated: true });
  const h = await startHarness({ sql: db.sql, runJobs: false });
  harnesses.push(h);
  return h;
}

function fakeRunner(h: Harness, workerId: string, execute: JobExecutor, timing: ConstructorParameters<typeof JobRunner>[0]['timing'] = {}): JobRunner {
  const runner = new JobRunner({ sql: h.ctx.sql, events: h.ctx.events, logger: h.ctx.logger, metrics: h.ctx.metrics, workerId, execute, timing: { pollMs: 100, ...timing } });
  runners.push(runner);
  runner.start();
  return runner;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('template registration', () => {
  it('registers the built-in demo and directory templates; new content is a new active version, old versions stay renderable', async () => {
    const h = await harness();
    h.writeTemplate('simple.mjs', `export const metadata = { display_name: 'Simple', ports: ['web'] };\n${SIMPLE}`);
    const v1 = await h.register('simple');
    expect(await h.register('simple')).toBe(v1);
    const listed = await h.ctx.templates.list();
    expect(listed.map((t) => t.name)).toEqual(['demo', 'simple']);
    expect(listed[1]).toMatchObject({ display_name: 'Simple', description: '', icon: '', active_version_id: v1 });

    h.writeTemplate('simple.mjs', `export const metadata = { display_name: 'Simple 2' };\n${SIMPLE}// changed\n`);
    const v2 = await h.register('simple');
    expect(v2).not.toBe(v1);
    expect((await h.ctx.templates.list())[1]).toMatchObject({ display_name: 'Simple 2', active_version_id: v2 });

    // A fresh registry (another replica, or after a restart) renders v1 from its stored source.
    const { TemplateRegistry } = await import('../src/server/provisioner/template-registry.js');
    const other = new TemplateRegistry(h.ctx.sql, h.dataDir, h.ctx.logger);
    const old = await other.forVersion(v1);
    expect(old.metadata).toEqual({ display_name: 'Simple', ports: ['web'] });
    expect(old.template.content).not.toContain('// changed');
  });

  it('unknown version → template_version_not_found', async () => {
    const h = await harness();
    const err = await caught(h.ctx.templates.forVersion('00000000-0000-4000-8000-000000000000'));
    expect(isProvisionerError(err, 'template_version_not_found')).toBe(true);
  });
});

describe('taskyard server', () => {
  it('registers templates at start (a restart adds no version) and lists them at GET /api/v2/templates for signed-in users', async () => {
    const db = await pg.createDatabase({ migrated: true });
    const start = async () => {
      const config = resolveServerConfig({ address: '127.0.0.1:0', postgresUrl: db.url, dataDir: '/nonexistent-taskyard', logLevel: 'error' }, {}, { uid: 1000, homeDir: '/tmp' });
      const stdout: string[] = [];
      const server = await startServer(config, {
        stdout: { write: (chunk: string) => stdout.push(chunk) } as unknown as NodeJS.WritableStream,
        logDestination: { write: () => undefined },
      });
      return { server, token: /Session token: (\S+)/.exec(stdout.join(''))?.[1] };
    };
    const first = await start();
    try {
      const unauthenticated = await fetch(`${first.server.accessUrl}/api/v2/templates`);
      expect(unauthenticated.status).toBe(401);
      const response = await fetch(`${first.server.accessUrl}/api/v2/templates`, { headers: { 'Coder-Session-Token': first.token! } });
      expect(response.status).toBe(200);
      const body = (await response.json()) as Array<Record<string, unknown>>;
      expect(body).toEqual([
        {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          name: 'demo',
          display_name: 'Demo',
          description: expect.any(String),
          icon: '/icon/coder.svg',
          active_version_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        },
      ]);
    } finally {
      await first.server.stop();
    }
    const second = await start();
    await second.server.stop();
    expect(await db.sql`select 1 from template_versions`).toHaveLength(1);
  });
});

describe('build requests', () => {
  it('numbers builds 1, 2, 3; answers 409 text while a job is pending or running; stop keeps the template version', async () => {
    const h = await harness();
    h.writeTemplate('simple.mjs', SIMPLE);
    const version = await h.register('simple');
    const ws = await h.createWorkspace('simple');
    const queued: ServerEvent[] = [];
    const unsubscribe = h.ctx.events.subscribe((e) => queued.push(e));

    const b1 = await h.ctx.builds.requestBuild({ workspaceId: ws, transition: 'start', initiatorId: h.userId });
    expect(b1).toMatchObject({ buildNumber: 1, transition: 'start', reason: 'initiator', templateVersionId: version, initiatorId: h.userId, job: { status: 'pending', error: null, startedAt: null } });
    const conflict = await caught(h.ctx.builds.requestBuild({ workspaceId: ws, transition: 'stop' }));
    expect(isProvisionerError(conflict, 'build_active')).toBe(true);
    expect((conflict as Error).message).toBe('A workspace build is already active.');

    await h.ctx.sql`update provisioner_jobs set status = 'running' where id = ${b1.job.id}`;
    expect(isProvisionerError(await caught(h.ctx.builds.requestBuild({ workspaceId: ws, transition: 'stop' })), 'build_active')).toBe(true);
    await h.ctx.sql`update provisioner_jobs set status = 'succeeded' where id = ${b1.job.id}`;

    const b2 = await h.ctx.builds.requestBuild({ workspaceId: ws, transition: 'stop', reason: 'task_manual_pause' });
    expect(b2).toMatchObject({ buildNumber: 2, transition: 'stop', reason: 'task_manual_pause', templateVersionId: version });
    await h.ctx.sql`update provisioner_jobs set status = 'failed' where id = ${b2.job.id}`;
    const b3 = await h.ctx.builds.requestBuild({ workspaceId: ws, transition: 'start', reason: 'task_resume' });
    expect(b3.buildNumber).toBe(3);
    expect((await h.ctx.builds.latestBuild(ws))?.id).toBe(b3.id);

    await expect.poll(() => queued.filter((e) => e.kind === 'job_queued').map((e) => (e.kind === 'job_queued' ? e.job_id : ''))).toEqual([b1.job.id, b2.job.id, b3.job.id]);
    unsubscribe();
  });

  it('a workspace marked for deletion, or with a delete build queued, frees its name while it stays live', async () => {
    const h = await harness();
    h.writeTemplate('simple.mjs', SIMPLE);
    await h.register('simple');
    const first = await h.createWorkspace('simple', 'reused');
    await h.ctx.builds.requestBuild({ workspaceId: first, transition: 'delete' });
    const second = await h.createWorkspace('simple', 'reused');
    await h.ctx.builds.markDeleteRequested(second);
    const third = await h.createWorkspace('simple', 'reused');
    expect(isProvisionerError(await caught(h.createWorkspace('simple', 'reused')), 'workspace_exists')).toBe(true);
    const rows = await h.ctx.sql<{ id: string; live: boolean; released: boolean }[]>`
      select id, deleted_at is null as live, delete_requested_at is not null as released from workspaces where name = 'reused' order by created_at`;
    expect(rows).toEqual([
      { id: first, live: true, released: true },
      { id: second, live: true, released: true },
      { id: third, live: true, released: false },
    ]);
  });

  it('serialises concurrent requests: exactly one of ten wins', async () => {
    const h = await harness();
    h.writeTemplate('simple.mjs', SIMPLE);
    await h.register('simple');
    const ws = await h.createWorkspace('simple');
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => h.ctx.builds.requestBuild({ workspaceId: ws, transition: 'start' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(isProvisionerError(r.reason, 'build_active')).toBe(true);
  });

  it('commits with the caller’s transaction (rolled back → no build, no job)', async () => {
    const h = await harness();
    h.writeTemplate('simple.mjs', SIMPLE);
    await h.register('simple');
    const [template] = await h.ctx.sql<{ id: string }[]>`select id from templates where name = 'simple'`;
    await caught(
      h.ctx.sql.begin(async (tx) => {
        const ws = await h.ctx.builds.createWorkspace({ ownerId: h.userId, templateId: template!.id, name: 'rolled-back' }, tx);
        await h.ctx.builds.requestBuild({ workspaceId: ws.id, transition: 'start' }, tx);
        throw new Error('roll back');
      }),
    );
    expect(await h.ctx.sql`select 1 from provisioner_jobs`).toHaveLength(0);
    expect(await h.ctx.sql`select 1 from workspaces`).toHaveLength(0);
  });

  it('rejects unknown workspaces, foreign template versions and duplicate workspace names with typed errors', async () => {
    const h = await harness();
    h.writeTemplate('simple.mjs', SIMPLE);
    await h.register('simple');
    const ws = await h.createWorkspace('simple', 'dup');
    expect(isProvisionerError(await caught(h.createWorkspace('simple', 'dup')), 'workspace_exists')).toBe(true);
    expect(isProvisionerError(await caught(h.ctx.builds.requestBuild({ workspaceId: '00000000-0000-4000-8000-000000000000', transition: 'start' })), 'workspace_not_found')).toBe(true);
    const [demo] = await h.ctx.sql<{ active_version_id: string }[]>`select active_version_id from templates where name = 'demo'`;
    expect(isProvisionerError(await caught(h.ctx.builds.requestBuild({ workspaceId: ws, transition: 'start', templateVersionId: demo!.active_version_id })), 'template_version_not_found')).toBe(true);
  });
});

describe('job runners', () => {
  async function queueBuilds(h: Harness, count: number): Promise<Build[]> {
    h.writeTemplate('simple.mjs', SIMPLE);
    await h.register('simple');
    const builds: Build[] = [];
    for (let i = 0; i < count; i++) builds.push(await h.ctx.builds.requestBuild({ workspaceId: await h.createWorkspace('simple'), transition: 'start' }));
    return builds;
  }

  it('two replicas on one database run every job exactly once', async () => {
    const h = await harness();
    const builds = await queueBuilds(h, 12);
    const ran: Array<{ worker: string; job: string }> = [];
    const executor = (worker: string): JobExecutor => async (build) => {
      ran.push({ worker, job: build.job.id });
      await new Promise((r) => setTimeout(r, 30));
    };
    fakeRunner(h, 'replica-a', executor('replica-a'));
    fakeRunner(h, 'replica-b', executor('replica-b'));
    for (const b of builds) expect((await h.waitForJob(b.id)).job.status).toBe('succeeded');
    expect(ran.map((r) => r.job).sort()).toEqual(builds.map((b) => b.job.id).sort());
    const workers = await h.ctx.sql<{ worker_id: string }[]>`select distinct worker_id from provisioner_jobs`;
    expect(workers.map((w) => w.worker_id).every((w) => w === 'replica-a' || w === 'replica-b')).toBe(true);
    expect(await h.ctx.metrics.registry.getSingleMetricAsString('taskyard_workspace_builds_total')).toContain('taskyard_workspace_builds_total{transition="start",reason="initiator",status="succeeded"} 12');
  });

  it('an executor error fails the job with its message; the running gauge returns to 0', async () => {
    const h = await harness();
    const [build] = await queueBuilds(h, 1);
    fakeRunner(h, 'r', async () => {
      expect(await h.ctx.metrics.registry.getSingleMetricAsString('taskyard_provisioner_jobs_running')).toContain('taskyard_provisioner_jobs_running 1');
      throw new Error('template "x": boom');
    });
    const done = await h.waitForJob(build!.id);
    expect(done.job).toMatchObject({ status: 'failed', error: 'template "x": boom' });
    expect(done.job.completedAt).not.toBeNull();
    // The runner records the result first and lowers the gauge right after: poll, don't race it.
    await expect.poll(() => h.ctx.metrics.registry.getSingleMetricAsString('taskyard_provisioner_jobs_running')).toContain('taskyard_provisioner_jobs_running 0');
  });

  it('heartbeats keep a long job alive while another replica checks for abandoned jobs', async () => {
    const h = await harness();
    const [build] = await queueBuilds(h, 1);
    const timing = { heartbeatMs: 100, abandonedAfterMs: 600, maintenanceMs: 100 };
    fakeRunner(h, 'worker', () => new Promise((r) => setTimeout(r, 2_000)), timing);
    const watcher = fakeRunner(h, 'watcher', async () => undefined, timing);
    await h.waitForJob(build!.id, ['running']);
    expect((await h.waitForJob(build!.id)).job.status).toBe('succeeded');
    await watcher.stop();
  });

  it('a stopped replica leaves its running job as is; it is failed `provisioner job abandoned` once its heartbeat is stale', async () => {
    const h = await harness();
    const [build] = await queueBuilds(h, 1);
    let entered = false;
    const crashed = fakeRunner(h, 'crashed', (_b, signal) => {
      entered = true;
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    await expect.poll(() => entered).toBe(true);
    await crashed.stop();
    expect((await h.ctx.builds.getBuild(build!.id))?.job.status).toBe('running');

    // Fresh heartbeat: reconciliation leaves it.
    expect((await reconcileProvisioner(h.ctx)).abandonedJobIds).toEqual([]);
    await h.ctx.sql`update provisioner_jobs set heartbeat_at = now() - interval '31 seconds' where id = ${build!.job.id}`;
    expect((await reconcileProvisioner(h.ctx)).abandonedJobIds).toEqual([build!.job.id]);
    const failed = await h.ctx.builds.getBuild(build!.id);
    expect(failed?.job).toMatchObject({ status: 'failed', error: PROVISIONER_MESSAGES.jobAbandoned });
  });

  /** A workspace whose start build succeeded and whose stop build (returned) a replica holds, then crashes with. */
  async function abandonedStopBuild(h: Harness, worker: string): Promise<Build> {
    const [start] = await queueBuilds(h, 1);
    const runner = fakeRunner(h, `${worker}-start`, async () => undefined);
    await h.waitForJob(start!.id);
    await runner.stop();
    const stop = await h.ctx.builds.requestBuild({ workspaceId: start!.workspaceId, transition: 'stop', reason: 'task_manual_pause' });
    let entered = false;
    const crashed = fakeRunner(h, worker, (_b, signal) => {
      entered = true;
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    await expect.poll(() => entered).toBe(true);
    await crashed.stop();
    await h.ctx.sql`update provisioner_jobs set heartbeat_at = now() - interval '31 seconds' where id = ${stop.job.id}`;
    return stop;
  }

  it('an abandoned stop job is queued again (same build) and another replica finishes it', async () => {
    const h = await harness();
    const stop = await abandonedStopBuild(h, 'crashed');
    const result = await reconcileProvisioner(h.ctx);
    expect(result).toMatchObject({ abandonedJobIds: [], requeuedJobIds: [stop.job.id] });
    expect((await h.ctx.builds.getBuild(stop.id))?.job).toMatchObject({ status: 'pending', error: null });

    const ran: string[] = [];
    fakeRunner(h, 'survivor', async (build) => void ran.push(build.id));
    const done = await h.waitForJob(stop.id);
    expect(done.job.status).toBe('succeeded');
    expect(ran).toEqual([stop.id]);
    expect((await h.ctx.builds.latestBuild(stop.workspaceId))?.id).toBe(stop.id);
  });

  it(`a stop job abandoned ${MAX_JOB_ATTEMPTS} times is failed instead of queued again`, async () => {
    const h = await harness();
    const stop = await abandonedStopBuild(h, 'crashed');
    await h.ctx.sql`update provisioner_jobs set attempts = ${MAX_JOB_ATTEMPTS} where id = ${stop.job.id}`;
    expect(await reconcileProvisioner(h.ctx)).toMatchObject({ abandonedJobIds: [stop.job.id], requeuedJobIds: [] });
    expect((await h.ctx.builds.getBuild(stop.id))?.job).toMatchObject({ status: 'failed', error: PROVISIONER_MESSAGES.jobAbandoned });
  });
});

describe('ports', () => {
  let blocker: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve())));

  it('are stable per workspace, unique, skip ports in use, and are released on delete', async () => {
    const h = await harness();
    h.writeTemplate('simple.mjs', SIMPLE);
    await h.register('simple');
    const base = 40000 + (process.pid % 500) * 20;
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(base + 1, resolve));
    const range = { start: base, end: base + 5 };
    const a = await h.createWorkspace('simple');
    const b = await h.createWorkspace('simple');
    const portsA = await allocatePorts(h.ctx.sql, a, ['agentapi', 'web'], range);
    expect(portsA).toEqual({ agentapi: base, web: base + 2 });
    expect(await allocatePorts(h.ctx.sql, a, ['agentapi', 'web'], range)).toEqual(portsA);
    expect(await allocatePorts(h.ctx.sql, b, ['agentapi'], range)).toEqual({ agentapi: base + 3 });
    // A new name on a later version is added; the existing ones stay.
    expect(await allocatePorts(h.ctx.sql, a, ['agentapi', 'web', 'docs'], range)).toEqual({ ...portsA, docs: base + 4 });
    expect(isProvisionerError(await caught(allocatePorts(h.ctx.sql, b, ['x', 'y'], range)), 'ports_exhausted')).toBe(true);
    await releasePorts(h.ctx.sql, a);
    expect(await allocatePorts(h.ctx.sql, b, ['z'], range)).toEqual({ z: base });
  });
});
