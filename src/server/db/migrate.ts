// Applies the schema migrations (spec §2.4): one transaction holding a
// transaction-scoped advisory lock, so replicas starting together apply each
// migration exactly once; versions recorded in `schema_migrations`. It never
// re-runs an applied version and never edits an applied migration's SQL.
import type { Logger } from 'pino';
import { StorageError } from './errors.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import type { Sql } from './storage.js';

/** pg_advisory_xact_lock key: 'tymg' in ASCII; only migrations take it. */
export const MIGRATION_LOCK_KEY = 0x74796d67;

export interface MigrateResult {
  /** Versions applied by this call, in order (empty when already up to date). */
  applied: number[];
}

export async function migrate(sql: Sql, logger: Logger, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrateResult> {
  checkOrder(migrations);
  const applied: number[] = [];
  try {
    await sql.begin(async (tx) => {
      // Everything below runs with the lock held, including the CREATE TABLE:
      // concurrent `create table if not exists` can itself fail with a duplicate key.
      await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`;
      await tx`create table if not exists schema_migrations (
        version integer primary key,
        name text not null,
        applied_at timestamptz not null default now()
      )`;
      const rows = await tx<{ version: number }[]>`select version from schema_migrations`;
      const done = new Set(rows.map((r) => r.version));
      for (const migration of migrations) {
        if (done.has(migration.version)) continue;
        // Simple query protocol (no parameters): a migration may hold many statements.
        await tx.unsafe(migration.sql);
        await tx`insert into schema_migrations (version, name) values (${migration.version}, ${migration.name})`;
        applied.push(migration.version);
      }
    });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new StorageError('migration', `migrating database: ${why}`, { cause: err });
  }
  if (applied.length > 0) logger.info({ versions: applied }, 'database migrated');
  return { applied };
}

function checkOrder(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= previous) {
      throw new StorageError('migration', `migration ${m.version} (${m.name}) is out of order: versions must increase`);
    }
    previous = m.version;
  }
}
