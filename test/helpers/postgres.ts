// Test support: ONE real PostgreSQL per test file (the embedded one the
// server uses, in a temp dir, fsync off), and a fresh database per test.
// It must never share a database between tests, and never outlive the file:
// afterAll closes every client it handed out and stops PostgreSQL.
//
//   import { usePostgres } from './helpers/postgres.js';
//   const pg = usePostgres();                            // registers beforeAll/afterAll
//   it('…', async () => {
//     const db = await pg.createDatabase();              // empty database
//     const m = await pg.createDatabase({ migrated: true }); // full schema (cloned from a template)
//     await m.sql`select count(*) from users`;
//     spawnServer(['--postgres-url', m.url]);            // a URL for child processes
//   });
//
// Cost: the first start of a file ≈ 1 s (initdb + start); createDatabase ≈
// 10–50 ms; `migrated: true` migrates a template database once per file and
// then clones it (CREATE DATABASE … TEMPLATE), so it costs the same.
// Outside vitest hooks use startTestPostgres() and call stop() yourself.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import postgres from 'postgres';
import { afterAll, beforeAll } from 'vitest';
import { EmbeddedPostgres } from '../../src/server/db/embedded-postgres.js';
import { migrate } from '../../src/server/db/migrate.js';
import type { Sql } from '../../src/server/db/storage.js';

export interface TestDatabase {
  name: string;
  /** Superuser URL of this database (for --postgres-url / TASKYARD_POSTGRES_URL). */
  url: string;
  /** A small pool on it, closed by the helper. */
  sql: Sql;
}

export interface CreateDatabaseOptions {
  /** Apply all migrations (cloned from a template migrated once per cluster). */
  migrated?: boolean;
}

export interface TestPostgres {
  /** Superuser URL of the `postgres` maintenance database. */
  readonly url: string;
  readonly embedded: EmbeddedPostgres;
  createDatabase(options?: CreateDatabaseOptions): Promise<TestDatabase>;
  /** A URL for `database` on this cluster. */
  urlFor(database: string): string;
  /** Another pool (e.g. a second replica's), closed by the helper. */
  connect(url: string, max?: number): Sql;
  stop(): Promise<void>;
}

const silent = pino({ level: 'silent' });
const TEMPLATE_DB = 'taskyard_migrated_template';

/** Starts a throwaway cluster in a fresh temp dir. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'taskyard-test-pg-'));
  // As root PostgreSQL runs as the `postgres` user, which must traverse the dir (mkdtemp makes it 0700).
  chmodSync(dir, 0o755);
  const embedded = await EmbeddedPostgres.start({
    dataDir: dir,
    logger: silent,
    initdbNoSync: true,
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: 200 },
  });
  const pools = new Set<Sql>();
  const open = (url: string, max = 4): Sql => {
    const sql = postgres(url, { max, onnotice: () => undefined });
    pools.add(sql);
    return sql;
  };
  const admin = open(embedded.url, 2);
  let counter = 0;
  let template: Promise<void> | undefined;
  const urlFor = (database: string): string => {
    const url = new URL(embedded.url);
    url.pathname = `/${database}`;
    return url.toString();
  };

  const prepareTemplate = async (): Promise<void> => {
    await admin.unsafe(`create database ${TEMPLATE_DB}`);
    const sql = postgres(urlFor(TEMPLATE_DB), { max: 1, onnotice: () => undefined });
    try {
      await migrate(sql, silent);
    } finally {
      // CREATE DATABASE … TEMPLATE needs the template to have no sessions.
      await sql.end();
    }
  };

  return {
    url: embedded.url,
    embedded,
    urlFor,
    connect: open,
    async createDatabase(options = {}) {
      const name = `test_${process.pid}_${++counter}`;
      if (options.migrated) {
        template ??= prepareTemplate();
        await template;
        await admin.unsafe(`create database ${name} template ${TEMPLATE_DB}`);
      } else {
        await admin.unsafe(`create database ${name}`);
      }
      const url = urlFor(name);
      return { name, url, sql: open(url) };
    },
    async stop() {
      await Promise.all([...pools].map((sql) => sql.end({ timeout: 1 })));
      pools.clear();
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One cluster for the calling test file: started in beforeAll, stopped in
 * afterAll. Read properties only inside hooks and tests.
 */
export function usePostgres(): TestPostgres {
  let instance: TestPostgres | undefined;
  beforeAll(async () => {
    instance = await startTestPostgres();
  });
  afterAll(async () => {
    await instance?.stop();
    instance = undefined;
  });
  const get = (): TestPostgres => {
    if (!instance) throw new Error('usePostgres(): the cluster is only available inside tests and hooks');
    return instance;
  };
  return {
    get url() {
      return get().url;
    },
    get embedded() {
      return get().embedded;
    },
    createDatabase: (options) => get().createDatabase(options),
    urlFor: (database) => get().urlFor(database),
    connect: (url, max) => get().connect(url, max),
    stop: () => get().stop(),
  };
}
