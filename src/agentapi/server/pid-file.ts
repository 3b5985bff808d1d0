// The PID file (§8): lets a shutdown script find this agentapi. Written before
// the agent starts, refused while another live instance owns it, and removed
// on exit only if it still holds our PID (a successor may have replaced it).
import { readFileSync, rmSync } from 'node:fs';
import type { Logger } from '../log.js';
import { atomicWriteFileSync } from '../state/atomic-write.js';

export class PidFileError extends Error {
  constructor(
    readonly code: 'pid_file_in_use' | 'pid_file_write_failed',
    message: string,
  ) {
    super(message);
    this.name = 'PidFileError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  const pid = Number(trimmed);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

export class PidFile {
  private constructor(
    readonly path: string,
    private readonly pid: number,
  ) {}

  /** Writes `<pid>\n` (mode 0600, parents 0700); throws PidFileError when a live instance owns it. */
  static acquire(path: string, logger: Logger, pid = process.pid): PidFile {
    const existing = readPid(path);
    if (existing !== undefined && existing !== pid) {
      if (isAlive(existing)) {
        throw new PidFileError(
          'pid_file_in_use',
          `failed to write PID file: another instance is already running with PID ${existing} (PID file: ${path})`,
        );
      }
      logger.warn({ path, stale_pid: existing }, 'Found stale PID file, will overwrite');
    }
    try {
      atomicWriteFileSync(path, `${pid}\n`);
    } catch (err) {
      throw new PidFileError('pid_file_write_failed', `failed to write PID file: ${err instanceof Error ? err.message : String(err)}`);
    }
    return new PidFile(path, pid);
  }

  /** Removes the file if it still holds our PID. Never throws. */
  release(): void {
    if (readPid(this.path) !== this.pid) return;
    rmSync(this.path, { force: true });
  }
}
