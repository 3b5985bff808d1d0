// Runs the agent program in a real pseudo-terminal (@lydell/node-pty) and owns
// that process: spawn, byte-exact writes, output, exit, kill. It never parses
// what the agent prints; the emulator (screen.ts) does that.
import pty from '@lydell/node-pty';
import which from 'which';

export interface AgentProcessOptions {
  command: readonly string[];
  cols: number;
  rows: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface AgentExit {
  exitCode: number;
  signal: number;
}

export class SpawnError extends Error {
  readonly code = 'spawn_failed';
  constructor(cause: string) {
    super(`failed to setup process: ${cause}`);
    this.name = 'SpawnError';
  }
}

export class AgentProcess {
  readonly exited: Promise<AgentExit>;
  private exitInfo: AgentExit | undefined;
  private readonly listeners = new Set<(data: string) => void>();

  private constructor(private readonly pty: pty.IPty) {
    this.exited = new Promise((resolve) => {
      pty.onExit(({ exitCode, signal }) => {
        this.exitInfo = { exitCode, signal: signal ?? 0 };
        resolve(this.exitInfo);
      });
    });
    pty.onData((data) => {
      for (const l of this.listeners) l(data);
    });
  }

  static spawn(options: AgentProcessOptions): AgentProcess {
    const [program, ...args] = options.command;
    if (program === undefined || program === '') throw new SpawnError('no agent command given');
    const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), TERM: 'vt100' };
    // node-pty reports a missing program only from inside the forked child
    // (as screen text and exit code 1); look it up first so the failure is a
    // clear spawn error, as upstream's exec.
    const resolved = which.sync(program, { nothrow: true, path: env.PATH });
    if (resolved === null) {
      throw new SpawnError(
        program.includes('/')
          ? `fork/exec ${program}: no such file or directory`
          : `exec: "${program}": executable file not found in $PATH`,
      );
    }
    let handle: pty.IPty;
    try {
      handle = pty.spawn(program, args, {
        name: 'vt100',
        cols: options.cols,
        rows: options.rows,
        cwd: options.cwd ?? process.cwd(),
        // TERM=vt100 keeps agents to a small, well-understood escape repertoire.
        env,
      });
    } catch (err) {
      throw new SpawnError(err instanceof Error ? err.message : String(err));
    }
    return new AgentProcess(handle);
  }

  get pid(): number {
    return this.pty.pid;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  onData(listener: (data: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Writes bytes verbatim. Throws when the agent is gone, so callers can report it. */
  write(data: string): void {
    if (this.exitInfo) throw new Error('agent process has exited');
    this.pty.write(data);
  }

  signal(signal: NodeJS.Signals): void {
    if (this.exitInfo) return;
    try {
      process.kill(this.pty.pid, signal);
    } catch {
      // Already gone: the exit event will follow.
    }
  }

  /**
   * Stops the agent: SIGINT, then SIGKILL after `graceMs` if it is still alive.
   * Resolves once the process has exited.
   */
  async stop(graceMs = 5000): Promise<AgentExit> {
    if (this.exitInfo) return this.exitInfo;
    this.signal('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.signal('SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    return this.exited;
  }

  /** Releases the PTY file descriptors. */
  close(): void {
    try {
      this.pty.kill('SIGHUP');
    } catch {
      // The PTY may already be closed.
    }
  }
}
