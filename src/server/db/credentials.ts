// The embedded PostgreSQL superuser credentials, generated once and kept in
// `<data-dir>/postgres-credentials.json` (mode 0600, spec §2.2). The password
// must never be logged or put into an error message.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EmbeddedPostgresError } from './errors.js';

export const CREDENTIALS_FILE = 'postgres-credentials.json';

const credentialsSchema = z.object({
  username: z.string().regex(/^[a-z_][a-z0-9_]*$/),
  password: z.string().min(16),
});
export type PostgresCredentials = z.infer<typeof credentialsSchema>;

/** Reads the credentials file; creates it (0600) with a fresh random password when absent. */
export function loadOrCreateCredentials(dataDir: string): { credentials: PostgresCredentials; created: boolean } {
  const file = join(dataDir, CREDENTIALS_FILE);
  if (existsSync(file)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      throw new EmbeddedPostgresError(`embedded postgres: ${file} is not valid JSON`);
    }
    const parsed = credentialsSchema.safeParse(raw);
    if (!parsed.success) throw new EmbeddedPostgresError(`embedded postgres: ${file} does not hold a username and password`);
    return { credentials: parsed.data, created: false };
  }
  // Hex keeps the password URL-safe: it goes into the connection URL as is.
  const credentials: PostgresCredentials = { username: 'taskyard', password: randomBytes(24).toString('hex') };
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { credentials, created: true };
}
