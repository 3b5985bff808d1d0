// `taskyard up` (what `npm start` runs): the whole local system in one
// command — `taskyard server` with embedded PostgreSQL and data in
// `./.taskyard`, progress lines, a sign-in banner, and Ctrl+C that pauses the
// tasks and stops everything. Thin: options are up/options.ts, the process
// and its output up/supervisor.ts. Flags it does not know go to `taskyard server`.
import type { Command } from 'commander';
import { resolveUpOptions, UpOptionsError, withServerDataDir, type UpFlags, type UpOptions } from './up/options.js';
import { othersCanReach, relocatedDataDir } from './up/postgres-reachable-dir.js';
import { runUp } from './up/supervisor.js';

export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description('Run the whole system locally (server, embedded PostgreSQL, dashboard); Ctrl+C pauses the tasks and stops it')
    .option('--address <host:port>', 'listen address; port 0 picks a free port (env TASKYARD_ADDRESS, or PORT; default 127.0.0.1:3000)')
    .option('--data-dir <dir>', 'data directory (env TASKYARD_DATA_DIR, default ./.taskyard)')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption('-h, --help', 'show help; every `taskyard server` flag is accepted too')
    .action(async (flags: UpFlags, command: Command) => {
      process.exitCode = await runUpCommand(flags, command.args);
    });
}

export async function runUpCommand(flags: UpFlags, passThrough: readonly string[]): Promise<number> {
  let options;
  try {
    options = resolveUpOptions(flags, passThrough, process.env, process.cwd());
  } catch (err) {
    if (err instanceof UpOptionsError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  return runUp(relocateForRoot(options), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
}

/** As root, the default data dir moves where OS user `postgres` can reach it (see postgres-reachable-dir.ts). */
function relocateForRoot(options: UpOptions): UpOptions {
  const mustMove = process.getuid?.() === 0 && options.embeddedPostgres && options.defaultDataDir && !othersCanReach(options.dataDir);
  return mustMove ? withServerDataDir(options, relocatedDataDir(options.dataDir)) : options;
}
