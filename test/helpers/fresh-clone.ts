// Test and bench support: a fresh `git clone` of this checkout running the
// real `npm start` (bootstrap → `taskyard up` → `taskyard server` with
// embedded PostgreSQL in `<clone>/.taskyard`) the way a terminal runs it: npm
// leads its own process group, and stop() sends SIGINT to that group as
// Ctrl+C does. It also finds every process that belongs to the clone (cwd or
// command line under it) so a test can prove nothing outlived a stop. It
// never kills processes by name; kill() only signals the npm process group
// it started and processes it found under the clone dir.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from './agentapi-process.js';

export interface FreshClone {
  dir: string;
  remove(): void;
}

/**
 * `git clone` of the checkout's committed HEAD into a temp dir (0755: as root,
 * PostgreSQL runs as the `postgres` user, which must traverse it), with the
 * checkout's node_modules hard-linked in so bootstrap's `npm ci` is skipped:
 * the clone's package-lock.json gets an mtime older than the linked
 * node_modules/.package-lock.json (git gives every file "now", which would
 * trigger the install). The lock files must be equal, so the linked install
 * is the one `npm ci` would make; a real `npm ci` on a fresh clone is what
 * .ci/run proves. TypeScript is still compiled by bootstrap, as on a fresh clone.
 */
export function cloneCheckout(prefix = 'taskyard-fresh-clone-'): FreshClone {
  const parent = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(parent, 0o755);
  const dir = path.join(parent, 'taskyard');
  execFileSync('git', ['clone', '--quiet', PROJECT_ROOT, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  const marker = path.join(PROJECT_ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(dir, 'package-lock.json');
  if (readFileSync(lock, 'utf8') !== readFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8')) {
    throw new Error('the checkout has uncommitted package-lock.json changes: its node_modules is not what the clone would install');
  }
  execFileSync('cp', ['-al', path.join(PROJECT_ROOT, 'node_modules'), path.join(dir, 'node_modules')]);
  const installedAt = statSync(marker).mtimeMs / 1000;
  utimesSync(lock, installedAt - 60, installedAt - 60);
  return { dir, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

/** The environment of a terminal that never configured taskyard (no TASKYARD_*, no PORT). */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('TASKYARD_') || name === 'PORT' || name.startsWith('npm_') || name === 'INIT_CWD') continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

export interface NpmStartExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class NpmStart {
  stdout = '';
  stderr = '';
  readonly exited: Promise<NpmStartExit>;
  private readonly child: ChildProcess;

  /** `npm start -- <args>` in `dir`, leading its own process group like a terminal's foreground job. */
  constructor(
    readonly dir: string,
    args: string[],
    env: NodeJS.ProcessEnv = cleanEnv(),
  ) {
    this.child = spawn('npm', ['start', '--', ...args], { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (c: string) => (this.stdout += c));
    this.child.stderr!.setEncoding('utf8').on('data', (c: string) => (this.stderr += c));
    this.exited = new Promise((resolve) => this.child.on('close', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the banner's URL and token once `taskyard is running at <url>` was printed. */
  async waitForBanner(timeoutMs: number): Promise<{ url: string; token: string | undefined }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const url = /taskyard is running at (\S+)/.exec(this.stdout)?.[1];
      // The banner is written in one piece; wait for its last line.
      if (url !== undefined && /press Ctrl\+C again/.test(this.stdout)) return { url, token: /session token: (\S+)/.exec(this.stdout)?.[1] };
      if (!this.running) throw new Error(`npm start exited before the banner\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no banner after ${timeoutMs} ms\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Ctrl+C: SIGINT to the whole process group (npm, and `taskyard up` which npm exec'd). */
  interrupt(): void {
    try {
      process.kill(-this.pid, 'SIGINT');
    } catch {
      // group already gone
    }
  }

  /** Last resort for a failed test: SIGKILL the group (the server and PostgreSQL run in groups of their own). */
  kill(): void {
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

export interface ProcessInfo {
  pid: number;
  cwd: string;
  cmdline: string;
}

/** Processes (other than this one) whose cwd or command line is under `dir`. */
export function processesUnder(dir: string): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let cwd = '';
    let cmdline: string;
    try {
      cwd = readlinkSync(`/proc/${entry}/cwd`);
    } catch {
      // gone, or a kernel thread
    }
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      continue;
    }
    if (cwd === dir || cwd.startsWith(prefix) || cmdline.includes(prefix)) found.push({ pid: Number(entry), cwd, cmdline });
  }
  return found;
}

/** SIGKILLs what processesUnder(dir) finds (cleanup after a failed test), until none is left. */
export async function killProcessesUnder(dir: string): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const left = processesUnder(dir);
    if (left.length === 0) return;
    for (const { pid } of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
