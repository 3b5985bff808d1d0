// Opens the server's storage (spec §2): the embedded PostgreSQL or the
// external one of --postgres-url, and one `postgres` client pool on it.
// It never runs migrations (the composition root does, next) and never logs
// a URL with its password.
import postgres from 'postgres';
import type { Logger } from 'pino';
import { EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded-postgres.js';
import { redactPostgresUrl, StorageError } from './errors.js';

/** The connection pool every query goes through. */
export type Sql = postgres.Sql;
/** A pool or a transaction: functions that accept either take this. */
export type Queryable = postgres.ISql;

export interface Storage {
  sql: Sql;
  /** Present when the server started its own PostgreSQL. */
  embedded?: EmbeddedPostgres;
  /** Closes the pool, then stops the embedded PostgreSQL. */
  close(): Promise<void>;
}

export interface OpenStorageOptions {
  /** `""`/undefined = embedded. */
  postgresUrl?: string;
  dataDir: string;
  logger: Logger;
  /** Passed to the embedded PostgreSQL (tests: settings, OS user). */
  embedded?: Partial<Omit<EmbeddedPostgresOptions, 'dataDir' | 'logger'>>;
  /** Pool size (default 10). */
  maxConnections?: number;
}

export async function openStorage(options: OpenStorageOptions): Promise<Storage> {
  const { logger } = options;
  if (options.postgresUrl) {
    const sql = await connect(options.postgresUrl, logger, options.maxConnections);
    logger.info({ postgres_url: redactPostgresUrl(options.postgresUrl) }, 'using external postgres');
    return { sql, close: () => sql.end({ timeout: 5 }) };
  }
  const embedded = await EmbeddedPostgres.start({ ...options.embedded, dataDir: options.dataDir, logger });
  let sql: Sql;
  try {
    sql = await connect(embedded.url, logger, options.maxConnections);
  } catch (err) {
    await embedded.stop();
    throw err;
  }
  return {
    sql,
    embedded,
    close: async () => {
      // Order matters: clients first, so PostgreSQL's fast shutdown has no sessions to abort.
      await sql.end({ timeout: 5 });
      await embedded.stop();
    },
  };
}

/** A pool on `url`, checked with one round trip. */
export async function connect(url: string, logger: Logger, max = 10): Promise<Sql> {
  const sql = postgres(url, {
    max,
    // The default prints NOTICEs with console.log, i.e. onto stdout.
    onnotice: (notice) => logger.debug({ postgres_notice: notice.message }, 'postgres notice'),
    connection: { application_name: 'taskyard-server' },
    connect_timeout: 10,
  });
  try {
    await sql`select 1`;
  } catch (err) {
    await sql.end({ timeout: 1 });
    const why = err instanceof Error ? err.message : String(err);
    throw new StorageError('storage_connect', `cannot connect to PostgreSQL at ${redactPostgresUrl(url)}: ${why}`, { cause: err });
  }
  return sql;
}
