// The settings of `taskyard server` (server.md §1.1), resolved from flags,
// environment and defaults (flag > env > default) and validated. Pure: it
// never touches files, sockets or the database. Error texts name the flag or
// variable the bad value came from and never echo a PostgreSQL URL (it may
// hold a password).
import { isAbsolute, join, resolve } from 'node:path';
import { parseGoDuration } from '../protocol/go-duration.js';
import { USERNAME_PATTERN } from '../protocol/users.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ListenAddress {
  host: string;
  /** 0 = any free port (chosen by the server before it starts). */
  port: number;
}

export interface ServerConfig {
  address: ListenAddress;
  /** Explicit --access-url; undefined = `http://<address>` once the port is known. */
  accessUrl: string | undefined;
  dataDir: string;
  /** `""` = embedded PostgreSQL. */
  postgresUrl: string;
  templatesDir: string;
  stopGracePeriodMs: number;
  /** 0 disables auto-pause. */
  taskIdleTimeoutMs: number;
  portRange: { start: number; end: number };
  /** `""` disables first-user creation. */
  firstUserUsername: string;
  logLevel: LogLevel;
  /**
   * Not in §1.1 (default off keeps §1.2.2): pause every workspace before the
   * shutdown order, for `taskyard up` where Ctrl+C stops the whole system.
   * Optional so configs built by hand (tests) need not name it.
   */
  pauseTasksOnShutdown?: boolean;
}

/** Flag values as commander hands them over (undefined = flag not given). */
export interface ServerFlags {
  address?: string;
  accessUrl?: string;
  dataDir?: string;
  postgresUrl?: string;
  templatesDir?: string;
  stopGracePeriod?: string;
  taskIdleTimeout?: string;
  portRange?: string;
  firstUserUsername?: string;
  logLevel?: string;
  pauseTasksOnShutdown?: boolean;
}

/** What the defaults depend on; injectable for tests. */
export interface ConfigSystem {
  uid: number;
  homeDir: string;
}

export class ServerConfigError extends Error {
  readonly code = 'server_config_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'ServerConfigError';
  }
}

interface Picked {
  value: string;
  /** `--flag` or `ENV_NAME`, for error texts. */
  source: string;
}

export function resolveServerConfig(flags: ServerFlags, env: NodeJS.ProcessEnv, system: ConfigSystem): ServerConfig {
  // An empty variable counts as unset, except where `""` means something (see allowEmpty).
  const pick = (flag: string | undefined, flagName: string, envName: string, fallback: string, allowEmpty = false): Picked => {
    if (flag !== undefined) return { value: flag, source: flagName };
    const fromEnv = env[envName];
    if (fromEnv !== undefined && (fromEnv !== '' || allowEmpty)) return { value: fromEnv, source: envName };
    return { value: fallback, source: flagName };
  };

  const address = parseAddress(pick(flags.address, '--address', 'TASKYARD_ADDRESS', '127.0.0.1:3000'));
  const accessPicked = pick(flags.accessUrl, '--access-url', 'TASKYARD_ACCESS_URL', '');
  const accessUrl = accessPicked.value === '' ? undefined : parseAccessUrl(accessPicked);
  const dataDir = absolute(pick(flags.dataDir, '--data-dir', 'TASKYARD_DATA_DIR', defaultDataDir(env, system)));
  const postgresUrl = parsePostgresUrl(pick(flags.postgresUrl, '--postgres-url', 'TASKYARD_POSTGRES_URL', '', true));
  const templatesDir = absolute(pick(flags.templatesDir, '--templates-dir', 'TASKYARD_TEMPLATES_DIR', join(dataDir, 'templates')));
  const stopGracePeriodMs = parseDuration(pick(flags.stopGracePeriod, '--stop-grace-period', 'TASKYARD_STOP_GRACE_PERIOD', '300s'));
  const taskIdleTimeoutMs = parseDuration(pick(flags.taskIdleTimeout, '--task-idle-timeout', 'TASKYARD_TASK_IDLE_TIMEOUT', '30m'));
  const portRange = parsePortRange(pick(flags.portRange, '--port-range', 'TASKYARD_PORT_RANGE', '20000-29999'));
  const firstUser = pick(flags.firstUserUsername, '--first-user-username', 'TASKYARD_FIRST_USER_USERNAME', 'admin', true);
  if (firstUser.value !== '' && !USERNAME_PATTERN.test(firstUser.value)) {
    throw new ServerConfigError(`invalid ${firstUser.source} ${JSON.stringify(firstUser.value)}: must match ${USERNAME_PATTERN.source}`);
  }
  const level = pick(flags.logLevel, '--log-level', 'TASKYARD_LOG_LEVEL', 'info');
  if (!(LOG_LEVELS as readonly string[]).includes(level.value)) {
    throw new ServerConfigError(`invalid ${level.source} ${JSON.stringify(level.value)}: expected debug, info, warn or error`);
  }
  const pauseTasksOnShutdown = flags.pauseTasksOnShutdown ?? parseBoolean(pick(undefined, '--pause-tasks-on-shutdown', 'TASKYARD_PAUSE_TASKS_ON_SHUTDOWN', 'false'));
  return {
    address,
    accessUrl,
    dataDir,
    postgresUrl,
    templatesDir,
    stopGracePeriodMs,
    taskIdleTimeoutMs,
    portRange,
    firstUserUsername: firstUser.value,
    logLevel: level.value as LogLevel,
    pauseTasksOnShutdown,
  };
}

/** `$XDG_DATA_HOME/taskyard` or `~/.local/share/taskyard`; as root `/var/lib/taskyard`. */
export function defaultDataDir(env: NodeJS.ProcessEnv, system: ConfigSystem): string {
  if (system.uid === 0) return '/var/lib/taskyard';
  const xdg = env.XDG_DATA_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'taskyard');
  return join(system.homeDir, '.local', 'share', 'taskyard');
}

/** `host:port`, `[v6]:port`; port 0 = pick a free one. */
export function parseAddress({ value, source }: Picked): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new ServerConfigError(`invalid ${source} ${JSON.stringify(value)}: expected <host>:<port>`);
  return { host: match[1] ?? match[2]!, port };
}

/** The default access URL for a bound address (`http://<address>`). */
export function accessUrlFor(address: ListenAddress): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `http://${host}:${address.port}`;
}

function parseAccessUrl({ value, source }: Picked): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ServerConfigError(`invalid ${source} ${JSON.stringify(value)}: expected an http or https URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ServerConfigError(`invalid ${source} ${JSON.stringify(value)}: expected an http or https URL`);
  }
  return value.replace(/\/+$/, '');
}

function parsePostgresUrl({ value, source }: Picked): string {
  if (value === '') return '';
  let ok: boolean;
  try {
    const url = new URL(value);
    ok = (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
  } catch {
    ok = false;
  }
  // Never echo the value: it may contain a password.
  if (!ok) throw new ServerConfigError(`invalid ${source}: expected a postgres:// or postgresql:// URL`);
  return value;
}

function parseDuration({ value, source }: Picked): number {
  const ms = parseGoDuration(value);
  if (ms === undefined) throw new ServerConfigError(`invalid ${source} ${JSON.stringify(value)}: expected a duration such as 300s, 30m or 0`);
  return ms;
}

function parsePortRange({ value, source }: Picked): { start: number; end: number } {
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(value);
  const start = Number(match?.[1]);
  const end = Number(match?.[2]);
  if (!match || start < 1 || end > 65535 || start > end) {
    throw new ServerConfigError(`invalid ${source} ${JSON.stringify(value)}: expected <start>-<end> with 1 <= start <= end <= 65535`);
  }
  return { start, end };
}

function parseBoolean({ value, source }: Picked): boolean {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ServerConfigError(`invalid ${source} ${JSON.stringify(value)}: expected true or false`);
}

function absolute({ value, source }: Picked): string {
  if (value === '') throw new ServerConfigError(`invalid ${source} "": expected a directory`);
  return resolve(value);
}
