// Test support: runs the real `agentapi` bin (compiled, from bin/agentapi.js)
// as a child process on a free port and talks to it over loopback HTTP.
// Every started process is tracked so a test can stop all of them.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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

export class AgentApiProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<ExitInfo>;
  private portValue: number | undefined;
  private readonly portWaiters: ((port: number) => void)[] = [];

  constructor(readonly child: ChildProcess) {
    running.add(this);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      if (this.portValue === undefined) this.scanForPort();
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        running.delete(this);
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
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? PROJECT_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
  });
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  else child.stdin!.end();
  return new AgentApiProcess(child);
}

/** Runs the agentapi bin with `args` to completion. */
export async function runAgentApi(args: string[], options: { env?: NodeJS.ProcessEnv; stdin?: string } = {}) {
  const child = spawn(process.execPath, [AGENTAPI_BIN, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const proc = new AgentApiProcess(child);
  child.stdin!.end(options.stdin ?? '');
  const exit = await proc.exited;
  return { ...exit, stdout: proc.stdout, stderr: proc.stderr };
}

/** Kills every agentapi process a test left running (for afterEach). */
export async function stopAllAgentApis(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop('SIGKILL')));
}
