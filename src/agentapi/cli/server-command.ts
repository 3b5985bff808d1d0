// `agentapi server`: listed in commander's help, but its arguments go to our
// own pflag-compatible parser untouched (cli.ts routes them before commander
// runs). Commander drops a leading `--`, and `--` is what separates server
// flags from the agent's own flags.
import type { Command } from 'commander';

export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('Run the HTTP API in front of a terminal agent: agentapi server [flags] -- <agent> [args...]')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments();
}
