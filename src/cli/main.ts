// Entry point of the `taskyard` bin: the command tree. Sub-commands are
// imported only when they run, so `taskyard sync …` (called from scripts in
// tight loops) never loads server or agentapi code.
import { Command, CommanderError } from 'commander';

type Register = (program: Command) => void;

const SUBCOMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  agent: async () => (await import('./agent-command.js')).registerAgentCommand,
  sync: async () => (await import('./sync/sync-command.js')).registerSyncCommand,
  server: async () => (await import('./server-command.js')).registerServerCommand,
  login: async () => (await import('./login-command.js')).registerLoginCommand,
  task: async () => (await import('./task/task-command.js')).registerTaskCommand,
  up: async () => (await import('./up-command.js')).registerUpCommand,
};

export const TASKYARD_VERSION = '0.1.0';

export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('taskyard')
    .description('Run AI coding agents as tasks in workspaces that pause and resume')
    .version(`taskyard ${TASKYARD_VERSION}`, '--version', 'print the version')
    .exitOverride();
  const first = argv[0];
  const names = first !== undefined && first in SUBCOMMANDS ? [first] : first === '--version' ? [] : Object.keys(SUBCOMMANDS);
  for (const name of names) (await SUBCOMMANDS[name]!())(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 1;
      return;
    }
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
