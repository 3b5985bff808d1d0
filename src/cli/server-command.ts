// `taskyard server`: parses flags (server.md §1.1), runs the control plane
// until SIGINT/SIGTERM, then its graceful shutdown, exit 0. Invalid settings
// or a failed start → stderr `error: <message>`, exit 1. Holds no server
// behaviour itself (that is src/server/server.ts).
import { homedir } from 'node:os';
import type { Command } from 'commander';
import { resolveServerConfig, ServerConfigError, type ServerFlags } from '../server/config.js';
import { startServer, type RunningServer } from '../server/server.js';

export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('Run the taskyard control plane (API, provisioner, dashboard)')
    .option('--address <host:port>', 'listen address; port 0 picks a free port (env TASKYARD_ADDRESS, default 127.0.0.1:3000)')
    .option('--access-url <url>', 'URL agents and clients reach the server at (env TASKYARD_ACCESS_URL, default http://<address>)')
    .option('--data-dir <dir>', 'data directory (env TASKYARD_DATA_DIR)')
    .option('--postgres-url <url>', 'external PostgreSQL; empty = embedded (env TASKYARD_POSTGRES_URL)')
    .option('--templates-dir <dir>', 'template modules (env TASKYARD_TEMPLATES_DIR, default <data-dir>/templates)')
    .option('--stop-grace-period <duration>', 'time stop scripts get before agents are killed (env TASKYARD_STOP_GRACE_PERIOD, default 300s)')
    .option('--task-idle-timeout <duration>', 'pause idle tasks after this long; 0 disables (env TASKYARD_TASK_IDLE_TIMEOUT, default 30m)')
    .option('--port-range <start-end>', 'ports allocated to workspaces (env TASKYARD_PORT_RANGE, default 20000-29999)')
    .option('--first-user-username <name>', 'owner created on first start; empty disables (env TASKYARD_FIRST_USER_USERNAME, default admin)')
    .option('--log-level <level>', 'debug, info, warn or error (env TASKYARD_LOG_LEVEL, default info)')
    .option(
      '--pause-tasks-on-shutdown',
      'on SIGINT/SIGTERM first pause every workspace (stop builds), then shut down; single replica only (env TASKYARD_PAUSE_TASKS_ON_SHUTDOWN, default false)',
    )
    .action(async (flags: ServerFlags) => {
      process.exitCode = await runServerCommand(flags);
    });
}

export async function runServerCommand(flags: ServerFlags): Promise<number> {
  let config;
  try {
    config = resolveServerConfig(flags, process.env, { uid: process.getuid?.() ?? -1, homeDir: homedir() });
  } catch (err) {
    if (err instanceof ServerConfigError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  // Signal handlers go in before starting: a signal during startup (initdb can
  // take a second) must still end in the shutdown sequence, not an orphaned PostgreSQL.
  // A second signal only shortens the optional pause step; the order stays.
  let signalled!: () => void;
  const stopRequested = new Promise<void>((resolve) => (signalled = resolve));
  let signals = 0;
  let server: RunningServer | undefined;
  const onSignal = (): void => {
    signals++;
    if (signals === 1) signalled();
    else server?.stopFaster();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    let started: RunningServer;
    try {
      started = server = await startServer(config);
    } catch (err) {
      process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
    await stopRequested;
    if (signals > 1) started.stopFaster();
    await started.stop();
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
