// Typed storage errors with stable texts. The server command prints their
// message verbatim as `error: <message>`, so texts must never include a
// database password or any other secret.

export type StorageErrorCode =
  | 'embedded_postgres'
  | 'data_dir_inaccessible'
  | 'storage_connect'
  | 'migration'
  | 'event_payload';

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}

/** Starting, initialising or stopping the embedded PostgreSQL failed. */
export class EmbeddedPostgresError extends StorageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('embedded_postgres', message, options);
    this.name = 'EmbeddedPostgresError';
  }
}

/** Spec §2.2: the exact text when the `postgres` OS user cannot reach the data dir. */
export class DataDirInaccessibleError extends StorageError {
  constructor(
    readonly dataDir: string,
    readonly osUser: string,
  ) {
    super(
      'data_dir_inaccessible',
      `embedded postgres: data directory ${dataDir} is not accessible by OS user "${osUser}"; use a --data-dir outside /root or --postgres-url`,
    );
    this.name = 'DataDirInaccessibleError';
  }
}

/** Replaces the password of a PostgreSQL URL so it can be logged or shown. */
export function redactPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = 'xxxxx';
    return parsed.toString();
  } catch {
    return '<invalid postgres url>';
  }
}
