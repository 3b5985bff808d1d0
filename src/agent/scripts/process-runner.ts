// Runs one script process to its end (agent.md §2.4.2, §2.4.5–§2.4.7):
// `<shell> -c <script>` in its own session/process group; on timeout or
// cancellation SIGHUP to the group, then SIGKILL after the grace; pipes a
// background child keeps open after a clean exit are closed after the grace
// with the WARNING line; the outcome is mapped to an exit code and a typed
// error. It owns the child, its pipes and its timers and must never return
// while any of them is still live — nor touch units, timings or metrics.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import {
  pipesLeftOpen,
  scriptCanceled,
  scriptTimedOut,
  ScriptRunnerError,
  errorText,
} from './errors.js';
import { formatGoDuration } from './go-duration.js';
import type { ScriptOutput } from './script-output.js';

export const DEFAULT_SHELLS: readonly string[] = ['/bin/bash', '/bin/sh'];

/** Exit code for timeouts, pipes left open and spawn failures (upstream's "unknown status"). */
export const UNKNOWN_EXIT_CODE = 255;
/** Exit code when a signal the runner did not send ended the process (Go's ExitCode()). */
export const SIGNALED_EXIT_CODE = -1;

export interface ProcessRunSpec {
  script: string;
  cwd: string;
  env: Readonly<Record<string, string>>;
  /** 0 = no timeout. Counted from the spawn. */
  timeoutMs: number;
  /** Cancellation (agent shutdown, close). */
  signal: AbortSignal;
  /** SIGHUP → SIGKILL delay. */
  killGraceMs: number;
  /** How long pipes may stay open after the process exited. */
  pipesGraceMs: number;
  output: ScriptOutput;
  /** Tried in order; the first executable one runs the script. */
  shells?: readonly string[];
  /** Called with the process (and group) id once spawned. */
  onSpawn?: (pid: number) => void;
}

export interface ProcessRunResult {
  exitCode: number;
  /** Absent on success. */
  error?: ScriptRunnerError;
}

export function pipesLeftOpenWarning(graceMs: number): string {
  return (
    `WARNING: script exited successfully, but output pipes were not closed after ${formatGoDuration(graceMs)}. ` +
    'Background processes must redirect their output (for example: cmd > /dev/null 2>&1 &).'
  );
}

export function pickShell(shells: readonly string[]): string {
  for (const shell of shells) {
    try {
      accessSync(shell, constants.X_OK);
      return shell;
    } catch {
      // Try the next one.
    }
  }
  return shells[shells.length - 1] ?? '/bin/sh';
}

export function spawnFailure(err: unknown): ProcessRunResult {
  return {
    exitCode: UNKNOWN_EXIT_CODE,
    error: new ScriptRunnerError('SPAWN_FAILED', `start command: ${errorText(err)}`, { cause: err }),
  };
}

export function runScriptProcess(spec: ProcessRunSpec): Promise<ProcessRunResult> {
  if (spec.signal.aborted) return Promise.resolve({ exitCode: UNKNOWN_EXIT_CODE, error: scriptCanceled() });
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(pickShell(spec.shells ?? DEFAULT_SHELLS), ['-c', spec.script], {
        cwd: spec.cwd,
        env: spec.env,
        detached: true, // setsid(): the script leads a new process group we can signal as a whole
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      resolve(spawnFailure(err));
      return;
    }
    new ScriptProcess(child, spec, resolve).watch();
  });
}

/** The state machine of one live child; resolves exactly once, after every handle is released. */
class ScriptProcess {
  private spawned = false;
  private settled = false;
  private stopReason: 'timeout' | 'cancel' | undefined;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private pipesForcedClosed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly onAbort = (): void => this.stop('cancel');

  constructor(
    private readonly child: ChildProcess,
    private readonly spec: ProcessRunSpec,
    private readonly resolve: (result: ProcessRunResult) => void,
  ) {}

  watch(): void {
    const { child, spec } = this;
    child.stdout?.on('data', (chunk: Buffer) => spec.output.write('stdout', chunk));
    child.stderr?.on('data', (chunk: Buffer) => spec.output.write('stderr', chunk));
    child.on('spawn', () => {
      this.spawned = true;
      if (child.pid !== undefined) spec.onSpawn?.(child.pid);
      if (spec.timeoutMs > 0) this.after(spec.timeoutMs, () => this.stop('timeout'));
      spec.signal.addEventListener('abort', this.onAbort, { once: true });
      if (spec.signal.aborted) this.stop('cancel');
    });
    child.on('error', (err) => {
      // After a successful spawn this only reports a failed kill(); the exit still comes.
      if (!this.spawned) this.finish(spawnFailure(err));
    });
    child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      if (this.stopReason !== undefined) return;
      // A background child may hold our pipes forever: give them the grace, then let go.
      this.after(spec.pipesGraceMs, () => {
        this.pipesForcedClosed = true;
        this.closePipes();
      });
    });
    // 'close' = exited AND both pipes closed (by EOF or by us).
    child.on('close', () => this.finish(this.result()));
  }

  private stop(reason: 'timeout' | 'cancel'): void {
    if (this.stopReason !== undefined || this.settled) return;
    this.stopReason = reason;
    this.signalGroup('SIGHUP');
    this.after(this.spec.killGraceMs, () => {
      this.signalGroup('SIGKILL');
      // Something outside the group may still hold the pipes; do not wait for it.
      this.closePipes();
    });
  }

  private result(): ProcessRunResult {
    if (this.stopReason === 'timeout') return { exitCode: UNKNOWN_EXIT_CODE, error: scriptTimedOut() };
    if (this.stopReason === 'cancel') return { exitCode: UNKNOWN_EXIT_CODE, error: scriptCanceled() };
    const exit = this.exit ?? { code: null, signal: null };
    if (exit.signal !== null) {
      return { exitCode: SIGNALED_EXIT_CODE, error: new ScriptRunnerError('EXIT_FAILURE', `signal: ${exit.signal}`) };
    }
    const code = exit.code ?? UNKNOWN_EXIT_CODE;
    if (code !== 0) return { exitCode: code, error: new ScriptRunnerError('EXIT_FAILURE', `exit status ${code}`) };
    if (this.pipesForcedClosed) {
      this.spec.output.writeLine('stderr', pipesLeftOpenWarning(this.spec.pipesGraceMs));
      return { exitCode: UNKNOWN_EXIT_CODE, error: pipesLeftOpen() };
    }
    return { exitCode: 0 };
  }

  private finish(result: ProcessRunResult): void {
    if (this.settled) return;
    this.settled = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.spec.signal.removeEventListener('abort', this.onAbort);
    this.closePipes();
    this.resolve(result);
  }

  private after(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.settled) action();
    }, ms);
    this.timers.add(timer);
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the whole group is already gone.
    }
  }

  private closePipes(): void {
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
  }
}
