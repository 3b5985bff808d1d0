// Test support: runs the real `taskyard` bin (compiled, bin/taskyard.js) as
// child processes, and writes agent manifests into temp dirs. Every started
// agent is tracked so a test can stop all of them, and gets its own TMPDIR,
// removed once it has exited (a SIGKILLed process cannot clean up after itself).
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TASKYARD_BIN = fileURLToPath(new URL('../../bin/taskyard.js', import.meta.url));
/** `node <bin>`: scripts call the CLI this way, so no global install is needed. */
export const TASKYARD_CMD = `'${process.execPath}' '${TASKYARD_BIN}'`;

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const running = new Set<TaskyardProcess>();

export class TaskyardProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<ExitInfo>;

  /** `tmpDir` (the child's TMPDIR) is removed when the child exits, before `exited` resolves. */
  constructor(
    readonly child: ChildProcess,
    readonly tmpDir?: string,
  ) {
    running.add(this);
    child.stdout?.setEncoding('utf8').on('data', (c: string) => (this.stdout += c));
    child.stderr?.setEncoding('utf8').on('data', (c: string) => (this.stderr += c));
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        running.delete(this);
        if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
        resolve({ code, signal });
      }),
    );
  }

  /** JSON log lines (the agent logs to stderr). */
  logs(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const line of this.stderr.split('\n').slice(0, -1)) {
      if (!line.startsWith('{')) continue;
      try {
        out.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
    return out;
  }

  async waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (this.child.exitCode !== null) throw new Error(`process exited while waiting for ${what}; stderr=${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr=${this.stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async waitForSocket(path: string): Promise<void> {
    await this.waitFor(() => existsSync(path), `socket ${path}`);
  }

  lifecycleStates(): string[] {
    return this.logs()
      .filter((l) => l.msg === 'lifecycle state changed')
      .map((l) => String(l.state));
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitInfo> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

export function startTaskyard(args: string[], env: NodeJS.ProcessEnv = {}): TaskyardProcess {
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'taskyard-test-tmp-'));
  // 0755: the embedded PostgreSQL's initdb (run as the postgres user when we are root) reads a password file made in it.
  chmodSync(tmpDir, 0o755);
  const child = spawn(process.execPath, [TASKYARD_BIN, ...args], {
    env: { ...process.env, TMPDIR: tmpDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new TaskyardProcess(child, tmpDir);
}

/** Runs `taskyard <args>` to completion. */
export async function runTaskyard(args: string[], env: NodeJS.ProcessEnv = {}) {
  const proc = startTaskyard(args, env);
  const exit = await proc.exited;
  return { ...exit, stdout: proc.stdout, stderr: proc.stderr };
}

export async function stopAllTaskyard(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop('SIGKILL')));
}

let counter = 0;
/** A deterministic, unique GUID for manifest ids in tests. */
export function testGuid(): string {
  counter++;
  return `00000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
}

export interface ScriptSpec {
  script: string;
  display_name?: string;
  resource_address?: string;
  run_on_start?: boolean;
  run_on_stop?: boolean;
  cron?: string;
  timeout_ms?: number;
  depends_on?: string[];
}

export function writeManifest(file: string, scripts: ScriptSpec[], extra: Record<string, unknown> = {}): void {
  writeFileSync(
    file,
    JSON.stringify({
      agent_id: testGuid(),
      workspace_id: testGuid(),
      workspace_name: 'test-ws',
      owner_name: 'tester',
      scripts: scripts.map((s) => ({ id: testGuid(), log_source_id: testGuid(), ...s })),
      ...extra,
    }),
  );
}
