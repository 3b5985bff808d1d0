// Test support: runs the real `agentapi` bin (compiled, from bin/agentapi.js)
// as a child process on a free port and talks to it over loopback HTTP.
// Every started process gets its own TMPDIR, removed once it has exited (a
// SIGKILLed agentapi cannot remove its uploads dir itself), and is tracked so
// a test can stop all of them. Concurrent tests each own an AgentApiSet
// instead: stopAllAgentApis() would kill the processes of their neighbours.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'vitest';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const AGENTAPI_BIN = fileURLToPath(new URL('../../bin/agentapi.js', import.meta.url));

export interface RunOptions {
  /** Flags before `--` (a `--port` is added unless given). */
  flags?: string[];
  /** The agent command line after `--`; defaults to the echo demo agent. */
  agent?: string[];
  env?: NodeJS.ProcessEnv;
  /** Text piped to stdin; without it stdin is an empty pipe (no initial prompt). */
  stdin?: string;
  cwd?: string;
  /** Run as another user (tests that need permissions to bite while we are root). */
  uid?: number;
  gid?: number;
  /** Where the process's own TMPDIR is made (default: os.tmpdir()); it must be traversable by `uid`. */
  tmpRoot?: string;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The demo agent as an agent command line. */
export function demoAgent(...args: string[]): string[] {
  return [process.execPath, AGENTAPI_BIN, 'demo-agent', ...args];
}

const running = new Set<AgentApiProcess>();

/** A fresh TMPDIR for one child process, owned by the user it runs as. */
export function processTmpDir(root = os.tmpdir(), owner?: { uid: number; gid: number }): string {
  const dir = mkdtempSync(path.join(root, 'agentapi-test-tmp-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  return dir;
}

export class AgentApiProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<ExitInfo>;
  private portValue: number | undefined;
  private readonly portWaiters: ((port: number) => void)[] = [];

  /** `tmpDir` (the child's TMPDIR) is removed when the child exits, before `exited` resolves. */
  constructor(
    readonly child: ChildProcess,
    readonly tmpDir?: string,
  ) {
    running.add(this);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      if (this.portValue === undefined) this.scanForPort();
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        running.delete(this);
        if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
        resolve({ code, signal });
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Parsed JSON log lines printed so far. */
  logs(): Record<string, unknown>[] {
    // Only complete lines: the last one may still be arriving.
    const lines = this.stdout.split('\n').slice(0, -1);
    const out: Record<string, unknown>[] = [];
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        out.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Not a log line (e.g. a pretty-printed document).
      }
    }
    return out;
  }

  /** Resolves with the first log line matching `predicate` (polling the captured stdout). */
  async waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs().find(predicate);
      if (found) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`agentapi exited before logging the expected line; stdout=${this.stdout} stderr=${this.stderr}`);
      }
      if (Date.now() > deadline) throw new Error(`expected log line never came; stdout=${this.stdout}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Log lines whose `msg` equals `msg`. */
  logsWithMsg(msg: string): Record<string, unknown>[] {
    return this.logs().filter((l) => l.msg === msg);
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  private scanForPort(): void {
    for (const entry of this.logs()) {
      if (entry.msg === 'Listening' && typeof entry.port === 'number') {
        this.portValue = entry.port;
        for (const w of this.portWaiters.splice(0)) w(entry.port);
        return;
      }
    }
  }

  /** Resolves with the HTTP port once the server logs that it listens. */
  port(timeoutMs = 15_000): Promise<number> {
    if (this.portValue !== undefined) return Promise.resolve(this.portValue);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`agentapi did not start listening; stdout=${this.stdout} stderr=${this.stderr}`)),
        timeoutMs,
      );
      void this.exited.then((e) => {
        clearTimeout(timer);
        reject(new Error(`agentapi exited (${e.code}/${e.signal}) before listening; stderr=${this.stderr}`));
      });
      this.portWaiters.push((p) => {
        clearTimeout(timer);
        resolve(p);
      });
    });
  }

  async url(path = ''): Promise<string> {
    return `http://127.0.0.1:${await this.port()}${path}`;
  }

  async getJson<T = Record<string, unknown>>(path: string): Promise<T> {
    const res = await fetch(await this.url(path));
    return (await res.json()) as T;
  }

  async postMessage(content: string, type: 'user' | 'raw' = 'user'): Promise<Response> {
    return fetch(await this.url('/message'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content, type }),
    });
  }

  /** Polls /status until it reports `status` (tests wait on behaviour, not fixed sleeps). */
  async waitForStatus(status: 'stable' | 'running', timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const body = await this.getJson<{ status: string }>('/status');
      if (body.status === status) return;
      if (Date.now() > deadline) throw new Error(`status stayed ${body.status}, wanted ${status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitInfo> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** Starts `agentapi server [flags] -- <agent>` on a free port. */
export function startAgentApi(options: RunOptions = {}): AgentApiProcess {
  const flags = options.flags ?? [];
  const hasPort = flags.some((f) => f === '--port' || f === '-p' || f.startsWith('--port='));
  const args = [AGENTAPI_BIN, 'server', ...(hasPort ? [] : ['--port', '0']), ...flags, '--', ...(options.agent ?? demoAgent())];
  const user = options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : undefined;
  const tmpDir = processTmpDir(options.tmpRoot, user);
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, args, {
      cwd: options.cwd ?? PROJECT_ROOT,
      env: { ...process.env, TMPDIR: tmpDir, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      ...user,
    });
  } catch (err) {
    rmSync(tmpDir, { recursive: true, force: true });
    throw err;
  }
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  else child.stdin!.end();
  return new AgentApiProcess(child, tmpDir);
}

/** Runs the agentapi bin with `args` to completion. */
export async function runAgentApi(args: string[], options: { env?: NodeJS.ProcessEnv; stdin?: string } = {}) {
  const tmpDir = processTmpDir();
  const child = spawn(process.execPath, [AGENTAPI_BIN, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, TMPDIR: tmpDir, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const proc = new AgentApiProcess(child, tmpDir);
  child.stdin!.end(options.stdin ?? '');
  const exit = await proc.exited;
  return { ...exit, stdout: proc.stdout, stderr: proc.stderr };
}

/** Kills every agentapi process a test left running (for afterEach of tests that do not run concurrently). */
export async function stopAllAgentApis(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop('SIGKILL')));
}

/**
 * The agentapi processes of one owner (a test, or a beforeAll): `start` adds,
 * `stopAll` SIGKILLs what is still running. Their TMPDIRs go under `tmpRoot`.
 */
export class AgentApiSet {
  private readonly members = new Set<AgentApiProcess>();

  constructor(private readonly tmpRoot?: string) {}

  start(options: RunOptions = {}): AgentApiProcess {
    const proc = startAgentApi({ tmpRoot: this.tmpRoot, ...options });
    this.members.add(proc);
    void proc.exited.then(() => this.members.delete(proc));
    return proc;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.members].map((p) => p.stop('SIGKILL')));
  }
}

export interface AgentApiTestScope {
  /** The test's own temp dir (mode `dirMode`), removed when the test finishes. */
  dir: string;
  agents: AgentApiSet;
}

/**
 * A temp dir and an AgentApiSet for one test, cleaned up when it finishes:
 * processes first, then the dir. Safe in concurrent tests (pass the test's
 * own context, not the global onTestFinished).
 */
export function agentApiTestScope(context: Pick<TestContext, 'onTestFinished'>, prefix: string, dirMode = 0o700): AgentApiTestScope {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, dirMode);
  const agents = new AgentApiSet(dir);
  context.onTestFinished(async () => {
    await agents.stopAll();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, agents };
}
