// The shape of one schema migration. Kept apart from the list so migration
// modules can import it without importing each other.

export interface Migration {
  /** Strictly increasing, never reused; recorded in schema_migrations(version). */
  version: number;
  /** Short label, recorded next to the version. */
  name: string;
  /** Statements run in one transaction (simple query protocol: no parameters, no CONCURRENTLY). */
  sql: string;
}
