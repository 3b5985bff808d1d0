// Spawns `taskyard agent` for a start build (server.md §4.4.4): the server's
// own Node binary on the package's bin/taskyard.js, detached into its own
// session and process group (so it outlives the server and can be signalled
// as a group), cwd = home, stdout/stderr appended to logs/agent.log, and
// exactly the environment it is given. It never waits for the agent to exit
// and never keeps a pipe to it.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { Logger } from 'pino';
import { messageOf, ProvisionerError } from './errors.js';
import { packageBinScript } from './package-bin.js';

export interface SpawnAgentOptions {
  cwd: string;
  env: Record<string, string>;
  logFile: string;
  logger: Logger;
  node?: string;
  /** Default: the package's bin/taskyard.js. */
  script?: string;
}

export interface SpawnedAgent {
  pid: number;
  /** The agent leads its own process group. */
  pgid: number;
}

export async function spawnAgent(options: SpawnAgentOptions): Promise<SpawnedAgent> {
  const log = openSync(options.logFile, 'a', 0o600);
  try {
    const child = spawn(options.node ?? process.execPath, [options.script ?? packageBinScript('taskyard'), 'agent'], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    }).catch((err: unknown) => {
      throw new ProvisionerError('agent_spawn_failed', `spawning taskyard agent: ${messageOf(err)}`, { cause: err });
    });
    const pid = child.pid!;
    // libuv still reaps the child when it exits; unref only lets the server exit first.
    child.on('exit', (code, signal) => options.logger.info({ pid, code, signal }, 'workspace agent exited'));
    child.unref();
    return { pid, pgid: pid };
  } finally {
    closeSync(log);
  }
}
