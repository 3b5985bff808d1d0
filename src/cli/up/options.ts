// Settings of `taskyard up` (what `npm start` runs): the listen address
// (flag > TASKYARD_ADDRESS > PORT > 127.0.0.1:3000, as `taskyard server`
// plus the PORT convention of hosting platforms), the data directory (flag >
// TASKYARD_DATA_DIR > `.taskyard` in the working directory, i.e. inside the
// checkout for `npm start`), and every other argument, handed to `taskyard
// server` untouched. Pure: it never touches files or sockets. It validates
// only what it consumes itself; the server validates the rest with the
// texts of server.md §1.1.
import { join, resolve } from 'node:path';
import { parseAddress, ServerConfigError } from '../../server/config.js';

export const DEFAULT_UP_ADDRESS = '127.0.0.1:3000';
export const DEFAULT_UP_DATA_DIR = '.taskyard';

export class UpOptionsError extends Error {
  readonly code = 'up_options_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'UpOptionsError';
  }
}

export interface UpFlags {
  address?: string;
  dataDir?: string;
}

export interface UpOptions {
  /** `host:port` as given (port 0 = any free port); validated. */
  address: string;
  /** `up`'s own directory: token, CLI config, server log. */
  dataDir: string;
  /** The server's --data-dir: `dataDir`, unless relocated for root (postgres-reachable-dir.ts). */
  serverDataDir: string;
  /** Neither --data-dir nor TASKYARD_DATA_DIR chose `dataDir`. */
  defaultDataDir: boolean;
  /** Where the first user's session token is kept (0600). */
  sessionFile: string;
  /** A `TASKYARD_CONFIG_DIR` the CLI is logged in through (§3.7 files). */
  cliConfigDir: string;
  /** The server's JSON log (§9.1), appended. */
  serverLogFile: string;
  /** Arguments for `taskyard server` (flags first, then the pass-through ones). */
  serverArgs: string[];
  /** Whether `taskyard server` will start embedded PostgreSQL (no --postgres-url anywhere). */
  embeddedPostgres: boolean;
}

export function resolveUpOptions(flags: UpFlags, passThrough: readonly string[], env: NodeJS.ProcessEnv, cwd: string): UpOptions {
  const address = pickAddress(flags, env);
  const dataDirValue = flags.dataDir ?? (env.TASKYARD_DATA_DIR || DEFAULT_UP_DATA_DIR);
  if (dataDirValue === '') throw new UpOptionsError('invalid --data-dir "": expected a directory');
  const dataDir = resolve(cwd, dataDirValue);
  const postgresInArgs = passThrough.some((arg) => arg === '--postgres-url' || arg.startsWith('--postgres-url='));
  return {
    address,
    dataDir,
    serverDataDir: dataDir,
    defaultDataDir: flags.dataDir === undefined && !env.TASKYARD_DATA_DIR,
    sessionFile: join(dataDir, 'session'),
    cliConfigDir: join(dataDir, 'cli'),
    serverLogFile: join(dataDir, 'server.log'),
    serverArgs: ['server', '--address', address, '--data-dir', dataDir, '--pause-tasks-on-shutdown', ...passThrough],
    embeddedPostgres: !postgresInArgs && !env.TASKYARD_POSTGRES_URL,
  };
}

/** `options` with the server's data kept in `serverDataDir` instead. */
export function withServerDataDir(options: UpOptions, serverDataDir: string): UpOptions {
  const serverArgs = [...options.serverArgs];
  serverArgs[serverArgs.indexOf('--data-dir') + 1] = serverDataDir;
  return { ...options, serverDataDir, serverArgs };
}

function pickAddress(flags: UpFlags, env: NodeJS.ProcessEnv): string {
  let value: string;
  let source: string;
  if (flags.address !== undefined) [value, source] = [flags.address, '--address'];
  else if (env.TASKYARD_ADDRESS) [value, source] = [env.TASKYARD_ADDRESS, 'TASKYARD_ADDRESS'];
  else if (env.PORT) {
    if (!/^\d{1,5}$/.test(env.PORT) || Number(env.PORT) > 65535) throw new UpOptionsError(`invalid PORT ${JSON.stringify(env.PORT)}: expected a port number (0-65535)`);
    [value, source] = [`127.0.0.1:${env.PORT}`, 'PORT'];
  } else [value, source] = [DEFAULT_UP_ADDRESS, '--address'];
  try {
    parseAddress({ value, source });
  } catch (err) {
    // Same text as `taskyard server` gives, but before anything starts.
    if (err instanceof ServerConfigError) throw new UpOptionsError(err.message);
    throw err;
  }
  return value;
}
