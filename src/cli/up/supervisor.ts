// Runs the whole local system for `taskyard up` / `npm start`: spawns the real
// `taskyard server --pause-tasks-on-shutdown` (embedded PostgreSQL, data in
// the up data dir), turns its output into progress lines and a banner, keeps
// the first user's token, and owns the stop sequence. It holds no server
// behaviour and never stops a process itself other than by signalling the
// server it spawned.
//
// Stop sequence (Ctrl+C, SIGTERM, SIGHUP):
//   1. the server runs in its own process group, so the terminal's Ctrl+C
//      reaches only this process (and npm); we send it ONE SIGTERM;
//   2. the server pauses every workspace (stop builds: agents run their stop
//      scripts, which store AgentAPI state and the log snapshot), then stops
//      HTTP, the provisioner loop, and PostgreSQL last (§1.2.2);
//   3. a second Ctrl+C (not the same key press delivered twice, see
//      stop-signals.ts) sends a second SIGINT: the server stops waiting for the
//      pauses, kills what still stops and goes on with step 2's shutdown order;
//      later presses only print that PostgreSQL is being stopped: killing the
//      server now would orphan it;
//   4. we exit with the server's exit code once its output is flushed.
// package.json's start script `exec`s us: otherwise sh (dash) sits between
// npm and us, and after a Ctrl+C it re-raises SIGINT on itself once we exit
// 0, so `npm start` would end "killed by SIGINT" after a clean stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { userSchema } from '../../protocol/users.js';
import { ApiClient, ApiRequestError } from '../api-client.js';
import { bannerText, displayPath } from './banner.js';
import type { UpOptions } from './options.js';
import { firstPostgresStartNotice, parseServerLine, ProgressFormatter, workspaceOf, type ServerLogLine } from './progress.js';
import { loadSessionToken, logInCli, parseFirstUserLine, saveSessionToken } from './session.js';
import { StopSignals } from './stop-signals.js';
import { listWorkspaceNamesFromApi, WorkspaceNames } from './workspace-names.js';

/** src/cli/up/ and dist/cli/up/ are both three levels below the package root. */
const TASKYARD_BIN = fileURLToPath(new URL('../../../bin/taskyard.js', import.meta.url));
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const FIRST_USER_LINE_GRACE_MS = 1_000;
const PIPE_CLOSE_GRACE_MS = 2_000;
const MAX_SERVER_LOG_BYTES = 10 * 1024 * 1024;

/** `<dataDir>/server-data` → the relocated server data, so people find it (replaced when stale). */
function linkServerData(dataDir: string, serverDataDir: string): void {
  const link = join(dataDir, 'server-data');
  let current: string | undefined;
  try {
    current = readlinkSync(link);
  } catch {
    current = undefined;
  }
  if (current === serverDataDir) return;
  rmSync(link, { force: true });
  symlinkSync(serverDataDir, link);
}

/** Waits for `promise`, at most `ms`; the timer never outlives the wait. */
async function atMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

export interface UpIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const PREFIX = 'taskyard: ';

export async function runUp(options: UpOptions, io: UpIo): Promise<number> {
  const say = (text: string): void => void io.stdout.write(`${PREFIX}${text}\n`);
  // 0755: as root, PostgreSQL runs as the OS user `postgres`, which must traverse it (§2.2).
  mkdirSync(options.dataDir, { recursive: true, mode: 0o755 });
  if (options.serverDataDir !== options.dataDir) {
    mkdirSync(options.serverDataDir, { recursive: true, mode: 0o755 });
    linkServerData(options.dataDir, options.serverDataDir);
    say(`PostgreSQL runs as OS user "postgres", which cannot enter ${displayPath(options.dataDir, io.cwd)}; the server's data is kept in ${options.serverDataDir} (linked as ${displayPath(join(options.dataDir, 'server-data'), io.cwd)})`);
  }
  const logFd = openServerLog(options.serverLogFile);

  const clusterDir = join(options.serverDataDir, 'postgres');
  if (options.embeddedPostgres && !existsSync(join(clusterDir, 'PG_VERSION'))) say(firstPostgresStartNotice(displayPath(clusterDir, io.cwd)));
  const startedAt = Date.now();
  const child = spawn(process.execPath, [TASKYARD_BIN, ...options.serverArgs], {
    cwd: io.cwd,
    env: io.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: the terminal's Ctrl+C must not reach it directly (see the stop sequence).
    detached: true,
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));

  const stopSignals = new StopSignals();
  let stopRequested = false;
  const onStopSignal = (): void => {
    switch (stopSignals.next()) {
      case 'stop':
        stopRequested = true;
        say('stopping: pausing the running tasks, then the server and PostgreSQL (Ctrl+C again to stop faster)…');
        signalServer(child, 'SIGTERM');
        break;
      case 'force':
        say('stopping faster: killing the processes of tasks still pausing (they finish pausing on the next start)…');
        signalServer(child, 'SIGINT');
        break;
      case 'still_stopping':
        say('still stopping: waiting for the server to stop PostgreSQL…');
        break;
      case 'duplicate':
        break;
    }
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onStopSignal);

  // A closed terminal (SIGHUP) makes our writes fail: that must not crash us
  // before the server we spawned has stopped.
  const ignoreWriteError = (): void => undefined;
  io.stdout.on('error', ignoreWriteError);
  io.stderr.on('error', ignoreWriteError);

  const names = new WorkspaceNames();
  const formatter = new ProgressFormatter(startedAt);
  let token = loadSessionToken(options.sessionFile);
  let firstUserSeen!: () => void;
  const firstUserLine = new Promise<void>((resolve) => (firstUserSeen = resolve));
  // Lines are handled strictly in order; a name lookup may make one wait a moment.
  let queue = Promise.resolve();
  const enqueue = (work: () => Promise<void> | void): void => {
    queue = queue.then(work).catch((err: unknown) => {
      io.stderr.write(`${PREFIX}output handling failed: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  };

  // Runs as soon as the line arrives, not through the queue: a queued banner may be waiting for this token.
  const onServerStdout = (line: string): void => {
    const firstUser = parseFirstUserLine(line);
    if (!firstUser) return enqueue(() => void io.stdout.write(`${line}\n`));
    token = firstUser.token;
    saveSessionToken(options.sessionFile, firstUser.token);
    firstUserSeen();
    enqueue(() => say(`first user "${firstUser.username}" created; its session token is kept in ${displayPath(options.sessionFile, io.cwd)}`));
  };
  const onServerLog = async (line: ServerLogLine): Promise<void> => {
    const workspaceId = workspaceOf(line);
    if (workspaceId !== undefined) await names.resolve(workspaceId);
    for (const text of formatter.format(line, (id) => names.get(id))) say(text);
    if (line.msg === 'server started' && typeof line.access_url === 'string' && !stopRequested) {
      await announce(line.access_url);
    }
  };
  const announce = async (accessUrl: string): Promise<void> => {
    // stdout and stderr are two pipes: the first-user line, written before
    // `server started`, may still be on its way through the other one.
    if (token === undefined) await atMost(firstUserLine, FIRST_USER_LINE_GRACE_MS);
    let rejected = false;
    if (token !== undefined) {
      rejected = !(await tokenAccepted(accessUrl, token));
      if (!rejected) {
        logInCli(options.cliConfigDir, accessUrl, token);
        names.useApi(listWorkspaceNamesFromApi(accessUrl, token));
      }
    }
    io.stdout.write(`${bannerText({ ...options, accessUrl, token, tokenRejected: rejected, cwd: io.cwd })}\n`);
  };

  createInterface({ input: child.stdout!, crlfDelay: Infinity }).on('line', onServerStdout);
  createInterface({ input: child.stderr!, crlfDelay: Infinity }).on('line', (raw) => {
    writeSync(logFd, `${raw}\n`);
    const parsed = parseServerLine(raw);
    // Not a log line (`error: …` of a failed start, a stack trace): the user must see it verbatim.
    if (parsed.kind === 'text') enqueue(() => void io.stderr.write(`${parsed.text}\n`));
    else enqueue(() => onServerLog(parsed.line));
  });

  try {
    const outcome = await Promise.race([exited, spawnFailed]);
    if (outcome instanceof Error) {
      io.stderr.write(`error: cannot start taskyard server: ${outcome.message}\n`);
      return 1;
    }
    // The 'exit' event may come before the last output lines: wait for the pipes
    // to close (bounded: a process that inherited them must not keep us here).
    await atMost(Promise.all([streamClosed(child.stdout!), streamClosed(child.stderr!)]), PIPE_CLOSE_GRACE_MS);
    await queue;
    const log = displayPath(options.serverLogFile, io.cwd);
    if (outcome.code === 0) {
      if (stopRequested) say('stopped; paused tasks resume with `npm start` and the dashboard\'s Resume button');
      return 0;
    }
    io.stderr.write(`error: taskyard server exited with ${outcome.signal ?? `code ${String(outcome.code)}`}; its log is in ${log}\n`);
    return outcome.code !== null && outcome.code > 0 ? outcome.code : 1;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onStopSignal);
    io.stdout.off('error', ignoreWriteError);
    io.stderr.off('error', ignoreWriteError);
    closeSync(logFd);
  }
}

/** Appends to the JSON log; one older generation is kept once it passed MAX_SERVER_LOG_BYTES. */
function openServerLog(file: string): number {
  try {
    if (statSync(file).size > MAX_SERVER_LOG_BYTES) renameSync(file, `${file}.1`);
  } catch {
    // no log yet
  }
  return openSync(file, 'a', 0o600);
}

/** Signals the server we spawned (never a group: PostgreSQL must be stopped by the server, last). */
function signalServer(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}

function streamClosed(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    if ((stream as { closed?: boolean }).closed) return resolve();
    stream.once('close', () => resolve());
  });
}

/** Whether the server accepts `token` (GET /api/v2/users/me); a network error counts as accepted (we cannot tell). */
async function tokenAccepted(url: string, token: string): Promise<boolean> {
  try {
    await new ApiClient(url, token).request('GET', '/api/v2/users/me', userSchema, { signal: AbortSignal.timeout(5_000) });
    return true;
  } catch (err) {
    return !(err instanceof ApiRequestError && err.status === 401);
  }
}
