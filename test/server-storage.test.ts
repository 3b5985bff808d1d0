// Storage (server.md §2) against a real PostgreSQL: the embedded cluster's
// start/restart, OS user and data-dir rules, orphan recovery, migrations
// (idempotent, two migrators at once) and the LISTEN/NOTIFY event bus. Must
// never leave a postmaster running: every cluster started here is stopped.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ServerEvent } from '../src/protocol/server-events.js';
import { EmbeddedPostgres } from '../src/server/db/embedded-postgres.js';
import { DataDirInaccessibleError } from '../src/server/db/errors.js';
import { EventBus } from '../src/server/db/event-bus.js';
import { migrate } from '../src/server/db/migrate.js';
import { DEFAULT_ORGANIZATION_ID } from '../src/server/db/migrations/0001_initial.js';
import { MIGRATIONS, type Migration } from '../src/server/db/migrations/index.js';
import { lookupOsUser } from '../src/server/db/os-user.js';
import { binariesRunnableBy, resolvePostgresBinaries } from '../src/server/db/postgres-binaries.js';
import { openStorage, type Sql } from '../src/server/db/storage.js';
import { usePostgres } from './helpers/postgres.js';

const silent = pino({ level: 'silent' });
/** Throwaway clusters: no fsync (a start costs ~0.3 s instead of ~1 s). */
const fast = { initdbNoSync: true, settings: { fsync: 'off' } } as const;
const isRoot = process.getuid?.() === 0;
const pg = usePostgres();
const tempDirs: string[] = [];

function traversableTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'taskyard-storage-'));
  chmodSync(dir, 0o755);
  tempDirs.push(dir);
  return dir;
}

function processUid(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('Uid:'));
  return Number(line?.split(/\s+/)[1]);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** PIDs of processes whose command line mentions `dir` (a cluster's postmaster and backends). */
function processesUsing(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('embedded PostgreSQL', () => {
  it('creates <data-dir>/postgres and 0600 credentials, and a restart reuses the data', async () => {
    const dataDir = traversableTempDir();
    const first = await openStorage({ dataDir, logger: silent, embedded: fast });
    await migrate(first.sql, silent);
    await first.sql`insert into users (username, role) values ('survivor', 'owner')`;
    const firstPid = first.embedded!.pid!;
    await first.close();
    expect(isAlive(firstPid)).toBe(false);
    expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
    expect(statSync(join(dataDir, 'postgres-credentials.json')).mode & 0o777).toBe(0o600);

    const second = await openStorage({ dataDir, logger: silent, embedded: fast });
    try {
      expect((await migrate(second.sql, silent)).applied).toEqual([]);
      const rows = await second.sql<{ username: string }[]>`select username from users`;
      expect(rows.map((r) => r.username)).toEqual(['survivor']);
    } finally {
      await second.close();
    }
    expect(processesUsing(join(dataDir, 'postgres'))).toEqual([]);
  });

  it.runIf(isRoot)('as root runs PostgreSQL as the OS user postgres, which owns the cluster', () => {
    const user = lookupOsUser('postgres');
    expect(user).toBeDefined();
    expect(processUid(pg.embedded.pid!)).toBe(user!.uid);
    expect(statSync(join(pg.embedded.dataDir, 'postgres')).uid).toBe(user!.uid);
  });

  it.runIf(isRoot)('as root creates the OS user when it is missing', async () => {
    const name = `tyardpg${process.pid % 100000}`;
    spawnSync('userdel', [name]);
    spawnSync('groupdel', [name]);
    expect(lookupOsUser(name)).toBeUndefined();
    const embedded = await EmbeddedPostgres.start({ dataDir: traversableTempDir(), logger: silent, osUser: name, ...fast });
    try {
      const user = lookupOsUser(name);
      expect(user).toBeDefined();
      expect(processUid(embedded.pid!)).toBe(user!.uid);
    } finally {
      await embedded.stop();
      spawnSync('userdel', [name]);
      spawnSync('groupdel', [name]);
    }
  });

  it.runIf(isRoot)('fails with the spec text when the OS user cannot traverse the data dir', async () => {
    const locked = mkdtempSync(join(tmpdir(), 'taskyard-locked-')); // 0700, owned by root
    tempDirs.push(locked);
    const dataDir = join(locked, 'data');
    const started = EmbeddedPostgres.start({ dataDir, logger: silent });
    await expect(started).rejects.toBeInstanceOf(DataDirInaccessibleError);
    await expect(started).rejects.toThrow(
      `embedded postgres: data directory ${dataDir} is not accessible by OS user "postgres"; use a --data-dir outside /root or --postgres-url`,
    );
    expect(existsSync(join(dataDir, 'postgres'))).toBe(false);
  });

  it.runIf(isRoot)('copies the binaries to a root-owned cache when the OS user cannot reach node_modules', () => {
    const installed = resolvePostgresBinaries();
    const locked = mkdtempSync(join(tmpdir(), 'taskyard-locked-bin-')); // 0700, like /root
    tempDirs.push(locked);
    cpSync(installed.nativeDir, join(locked, 'native'), { recursive: true, verbatimSymlinks: true });
    copyFileSync(join(installed.nativeDir, '..', 'package.json'), join(locked, 'package.json'));
    const unreachable = { nativeDir: join(locked, 'native'), initdb: join(locked, 'native/bin/initdb'), postgres: join(locked, 'native/bin/postgres') };
    const user = lookupOsUser('postgres')!;
    const cache = traversableTempDir();
    const usable = binariesRunnableBy(unreachable, user, cache);
    expect(usable.nativeDir.startsWith(cache)).toBe(true);
    const version = spawnSync(usable.postgres, ['--version'], { uid: user.uid, gid: user.gid, encoding: 'utf8' });
    expect(version.stdout).toMatch(/^postgres \(PostgreSQL\) \d+/);
    expect(binariesRunnableBy(unreachable, user, cache)).toEqual(usable);
    expect(binariesRunnableBy(installed, user, cache)).toBe(installed);
    chmodSync(join(usable.nativeDir, '..'), 0o777);
    expect(() => binariesRunnableBy(unreachable, user, cache)).toThrow(/refusing to use .*: not a directory owned by this user and writable only by it/);
  });

  it('stops a postmaster orphaned by a killed server, then starts', async () => {
    const dataDir = traversableTempDir();
    const moduleUrl = new URL('../dist/server/db/embedded-postgres.js', import.meta.url).href;
    const script = `
      const { EmbeddedPostgres } = await import(${JSON.stringify(moduleUrl)});
      const { pino } = await import('pino');
      const pg = await EmbeddedPostgres.start({ dataDir: ${JSON.stringify(dataDir)}, logger: pino({ level: 'silent' }), initdbNoSync: true, settings: { fsync: 'off' } });
      process.stdout.write(String(pg.pid) + '\\n');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    const orphanPid = await new Promise<number>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => resolve(Number(chunk.trim())));
      child.on('exit', (code) => reject(new Error(`child exited with ${String(code)}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(isAlive(orphanPid)).toBe(true);

    const embedded = await EmbeddedPostgres.start({ dataDir, logger: silent, ...fast });
    try {
      expect(isAlive(orphanPid)).toBe(false);
      expect(embedded.pid).not.toBe(orphanPid);
    } finally {
      await embedded.stop();
    }
  });
});

describe('migrations', () => {
  it('apply every migration once and are idempotent', async () => {
    const db = await pg.createDatabase();
    expect((await migrate(db.sql, silent)).applied).toEqual(MIGRATIONS.map((m) => m.version));
    expect((await migrate(db.sql, silent)).applied).toEqual([]);
    const rows = await db.sql<{ version: number }[]>`select version from schema_migrations order by version`;
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('two migrators starting at once on an empty database apply each migration once', async () => {
    const db = await pg.createDatabase();
    const counting: Migration = {
      version: 9001,
      name: 'count applications',
      sql: `create table if not exists applied_count (n integer not null);
            insert into applied_count values (1);`,
    };
    const list = [...MIGRATIONS, counting];
    const replicaA = pg.connect(db.url);
    const replicaB = pg.connect(db.url);
    const [a, b] = await Promise.all([migrate(replicaA, silent, list), migrate(replicaB, silent, list)]);
    expect([...a.applied, ...b.applied].sort((x, y) => x - y)).toEqual(list.map((m) => m.version));
    expect(a.applied.length === 0 || b.applied.length === 0).toBe(true);
    const counted = await db.sql<{ count: string }[]>`select count(*) from applied_count`;
    expect(Number(counted[0]!.count)).toBe(1);
  });

  it('reject a list whose versions do not increase', async () => {
    const db = await pg.createDatabase();
    const bad: Migration[] = [{ version: 2, name: 'b', sql: 'select 1' }, { version: 1, name: 'a', sql: 'select 1' }];
    await expect(migrate(db.sql, silent, bad)).rejects.toThrow('migration 1 (a) is out of order: versions must increase');
  });

  it('a failing migration leaves nothing applied', async () => {
    const db = await pg.createDatabase();
    const broken: Migration = { version: 9002, name: 'broken', sql: 'create table half_done (id int); select no_such_function();' };
    await expect(migrate(db.sql, silent, [...MIGRATIONS, broken])).rejects.toThrow(/^migrating database: /);
    const found = await db.sql<{ exists: boolean }[]>`select to_regclass('users') is not null as exists`;
    expect(found[0]!.exists).toBe(false);
  });

  it('0003 frees the names of live workspaces whose task was deleted or that have a delete build', async () => {
    const db = await pg.createDatabase();
    await migrate(db.sql, silent, MIGRATIONS.filter((m) => m.version < 3));
    const org = DEFAULT_ORGANIZATION_ID;
    const [user] = await db.sql<{ id: string }[]>`insert into users (username, role) values ('u', 'owner') returning id`;
    const [template] = await db.sql<{ id: string }[]>`insert into templates (name) values ('t') returning id`;
    const [version] = await db.sql<{ id: string }[]>`
      insert into template_versions (template_id, hash, source_path, source) values (${template!.id}, ${'a'.repeat(64)}, 't.mjs', '') returning id`;
    const workspace = async (name: string, deleted = false) =>
      (await db.sql<{ id: string }[]>`
        insert into workspaces (organization_id, owner_id, template_id, name, deleted_at)
        values (${org}, ${user!.id}, ${template!.id}, ${name}, ${deleted ? new Date() : null}) returning id`)[0]!.id;
    const task = (workspaceId: string, name: string, deleted: boolean) => db.sql`
      insert into tasks (organization_id, owner_id, name, template_id, template_version_id, workspace_id, initial_prompt, deleted_at)
      values (${org}, ${user!.id}, ${name}, ${template!.id}, ${version!.id}, ${workspaceId}, 'p', ${deleted ? new Date() : null})`;
    const taskDeleted = await workspace('a');
    await task(taskDeleted, 'a', true);
    const taskLive = await workspace('b');
    await task(taskLive, 'b', false);
    const deleteBuild = await workspace('c');
    const [job] = await db.sql<{ id: string }[]>`insert into provisioner_jobs (workspace_id) values (${deleteBuild}) returning id`;
    await db.sql`insert into builds (workspace_id, build_number, transition, template_version_id, job_id) values (${deleteBuild}, 1, 'delete', ${version!.id}, ${job!.id})`;
    const gone = await workspace('d', true);

    expect((await migrate(db.sql, silent)).applied).toEqual(MIGRATIONS.filter((m) => m.version >= 3).map((m) => m.version));
    const rows = await db.sql<{ id: string; released: boolean }[]>`select id, delete_requested_at is not null as released from workspaces`;
    expect(Object.fromEntries(rows.map((r) => [r.id, r.released]))).toEqual({ [taskDeleted]: true, [taskLive]: false, [deleteBuild]: true, [gone]: false });
    for (const name of ['a', 'c', 'd']) await workspace(name);
    await expect(workspace('b')).rejects.toThrow(/workspaces_owner_name_key/);
  });

  it('create every table of §2.5', async () => {
    const db = await pg.createDatabase({ migrated: true });
    const rows = await db.sql<{ table_name: string }[]>`select table_name from information_schema.tables where table_schema = 'public'`;
    const tables = rows.map((r) => r.table_name);
    for (const table of ['users', 'api_keys', 'templates', 'template_versions', 'workspaces', 'builds', 'provisioner_jobs', 'agents', 'scripts',
      'script_timings', 'log_sources', 'agent_logs', 'apps', 'app_statuses', 'unit_snapshots', 'port_allocations', 'tasks', 'task_snapshots']) {
      expect(tables).toContain(table);
    }
  });

  it('define task_snapshots exactly as §2.5', async () => {
    const db = await pg.createDatabase({ migrated: true });
    const columns = await db.sql<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null }[]>`
      select column_name, data_type, is_nullable, column_default from information_schema.columns
      where table_name = 'task_snapshots' order by ordinal_position`;
    expect(columns).toEqual([
      { column_name: 'task_id', data_type: 'uuid', is_nullable: 'NO', column_default: null },
      { column_name: 'log_snapshot', data_type: 'jsonb', is_nullable: 'NO', column_default: null },
      { column_name: 'log_snapshot_created_at', data_type: 'timestamp with time zone', is_nullable: 'NO', column_default: 'now()' },
    ]);
    const constraints = await db.sql<{ def: string }[]>`
      select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'task_snapshots'::regclass and contype in ('p', 'f')`;
    expect(constraints.map((c) => c.def).sort()).toEqual(['FOREIGN KEY (task_id) REFERENCES tasks(id) ON DELETE CASCADE', 'PRIMARY KEY (task_id)']);
  });
});

describe('event bus', () => {
  const buses: EventBus[] = [];
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });

  async function twoReplicas(): Promise<{ a: EventBus; b: EventBus; sqlA: Sql }> {
    const db = await pg.createDatabase();
    const sqlA = pg.connect(db.url);
    const a = await EventBus.start(sqlA, silent);
    const b = await EventBus.start(pg.connect(db.url), silent);
    buses.push(a, b);
    return { a, b, sqlA };
  }

  function collect(bus: EventBus): ServerEvent[] {
    const events: ServerEvent[] = [];
    bus.subscribe((e) => events.push(e));
    return events;
  }

  async function until(check: () => boolean): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for events');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('delivers an event to every replica, the sender included', async () => {
    const { a, b } = await twoReplicas();
    const [atA, atB] = [collect(a), collect(b)];
    const event: ServerEvent = { kind: 'agent_command', workspace_id: '11111111-1111-4111-8111-111111111111', command: 'shutdown' };
    await a.publish(event);
    await until(() => atA.length === 1 && atB.length === 1);
    expect([atA, atB]).toEqual([[event], [event]]);
  });

  it('filters by kind, drops rolled-back and malformed events', async () => {
    const { a, b, sqlA } = await twoReplicas();
    const all = collect(b);
    const jobs: ServerEvent[] = [];
    b.on('job_queued', (e) => jobs.push(e));
    const task: ServerEvent = { kind: 'task_updated', task_id: '22222222-2222-4222-8222-222222222222' };
    await a.publish(task);
    const rollback = new Error('rollback');
    await expect(
      sqlA.begin(async (tx) => {
        await a.publish({ kind: 'job_queued', job_id: '33333333-3333-4333-8333-333333333333' }, tx);
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    await sqlA`select pg_notify('taskyard_events', '{"kind":"nope"}')`;
    const job: ServerEvent = { kind: 'job_queued', job_id: '44444444-4444-4444-8444-444444444444' };
    await a.publish(job);
    await until(() => jobs.length === 1);
    expect(all).toEqual([task, job]);
    expect(jobs).toEqual([job]);
  });

  it('sends only the schema keys (ids), never extra content', async () => {
    const { a, b } = await twoReplicas();
    const atB = collect(b);
    const withExtra = { kind: 'task_updated', task_id: '22222222-2222-4222-8222-222222222222', prompt: 'x'.repeat(9000) };
    await a.publish(withExtra as ServerEvent);
    await until(() => atB.length === 1);
    expect(atB).toEqual([{ kind: 'task_updated', task_id: '22222222-2222-4222-8222-222222222222' }]);
  });
});
