// `agentapi server`: listed in commander's help, but its arguments go to our
// own pflag-compatible parser untouched. Commander drops a leading `--`, and
// `--` is what separates server flags from the agent's own flags.
import type { Command } from 'commander';
import { runServer } from '../server/run-server.js';

export const SERVER_COMMAND = 'server';

export function registerServerCommand(program: Command): void {
  program
    .command(SERVER_COMMAND)
    .description('Run the HTTP API in front of a terminal agent: agentapi server [flags] -- <agent> [args...]')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments();
}

/** Runs the server when argv names it; returns undefined for other commands. */
export async function runServerCommandIfRequested(argv: readonly string[]): Promise<number | undefined> {
  if (argv[0] !== SERVER_COMMAND) return undefined;
  return runServer(argv.slice(1));
}
