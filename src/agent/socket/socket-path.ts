// Claiming the agent socket's path (spec agent.md §4.1.3): length limit,
// refusing a path a live server answers on, replacing a stale file, creating
// missing parent directories 0700, and restricting the socket to its owner
// (0600) once listening. It must never remove a socket that still answers.
import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createConnection } from 'node:net';
import { dirname, join, relative, sep } from 'node:path';

/**
 * `sun_path` holds 108 bytes on Linux (104 on macOS/BSD) including the
 * terminating NUL; longer paths are rejected or silently truncated by the OS.
 */
export const MAX_SOCKET_PATH_BYTES = process.platform === 'linux' ? 107 : 103;

const LIVE_PROBE_TIMEOUT_MS = 1000;

export class SocketPathError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SocketPathError';
  }
}

export function checkSocketPathLength(path: string): void {
  const bytes = Buffer.byteLength(path);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    throw new SocketPathError(
      `socket path ${path} is too long: ${bytes} bytes, the limit for a Unix socket path is ${MAX_SOCKET_PATH_BYTES} bytes`,
    );
  }
}

/** Makes `path` ready to listen on, or throws `socket path <path> is not available`. */
export async function prepareSocketPath(path: string): Promise<void> {
  if (path === '') throw new SocketPathError('socket path must not be empty');
  checkSocketPathLength(path);
  if (await exists(path)) {
    if (await answers(path)) throw new SocketPathError(`socket path ${path} is not available`);
    try {
      await unlink(path);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') {
        throw new SocketPathError(`remove stale socket ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
  }
  await makeParentDirs(path);
}

/** Listens on `path` and chmods the socket 0600; the server is closed again if that fails. */
export async function listenOnSocket(server: Server, path: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(new SocketPathError(`listen on socket ${path}: ${err.message}`, { cause: err }));
    server.once('error', onError);
    server.listen(path, () => {
      server.off('error', onError);
      resolve();
    });
  });
  try {
    await chmod(path, 0o600);
  } catch (err) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw new SocketPathError(`restrict socket ${path} to its owner: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** Removes the socket file; a file already gone is fine. */
export async function removeSocketFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
  }
}

/** `mkdir -p` whose newly created directories are all 0700, whatever the umask. */
async function makeParentDirs(path: string): Promise<void> {
  const parent = dirname(path);
  const firstCreated = await mkdir(parent, { recursive: true, mode: 0o700 });
  if (firstCreated === undefined) return;
  // mkdir's mode is filtered by the umask; chmod states it exactly.
  const created = [firstCreated];
  const rest = relative(firstCreated, parent);
  if (rest !== '') {
    let current = firstCreated;
    for (const part of rest.split(sep)) {
      current = join(current, part);
      created.push(current);
    }
  }
  for (const dir of created) await chmod(dir, 0o700);
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
}

/** True when something accepts a connection on `path` within a second. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    const finish = (live: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(live);
    };
    const timer = setTimeout(() => finish(false), LIVE_PROBE_TIMEOUT_MS);
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

function errnoCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}
