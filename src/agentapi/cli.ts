// Entry point of the `agentapi` bin: builds the command tree and hands each
// sub-command to its own module. Holds no behaviour of its own. Sub-command
// modules are imported only when that sub-command runs (or for root help), so
// `agentapi --version`, which shell scripts call for version gates, starts fast.
import { Command, CommanderError } from 'commander';
import { AGENTAPI_COMPAT_VERSION } from './version.js';

type Register = (program: Command) => void;

/** Sub-commands, each loaded on demand. */
const SUBCOMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  attach: async () => (await import('./cli/attach-command.js')).registerAttachCommand,
  'demo-agent': async () => (await import('./cli/demo-agent-command.js')).registerDemoAgentCommand,
  format: async () => (await import('./cli/format-command.js')).registerFormatCommand,
  server: async () => (await import('./cli/server-command.js')).registerServerCommand,
};

/** Builds the program with the sub-commands `argv` needs (all of them when unsure). */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('agentapi')
    .description('HTTP API in front of a terminal coding agent (coder/agentapi compatible)')
    .version(`agentapi version ${AGENTAPI_COMPAT_VERSION}`, '-v, --version', 'print the version')
    .exitOverride();
  const first = argv[0];
  const versionOnly = first === '--version' || first === '-v';
  const names = versionOnly ? [] : first !== undefined && first in SUBCOMMANDS ? [first] : Object.keys(SUBCOMMANDS);
  for (const name of names) (await SUBCOMMANDS[name]!())(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'server') {
    // The server parses its own pflag-style flags (see cli/server-command.ts).
    const { runServer } = await import('./server/run-server.js');
    const code = await runServer(argv.slice(1));
    // The server has shut down in order; end now rather than wait on stray handles.
    process.exit(code);
  }
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors with 1.
      process.exitCode = err.exitCode === 0 ? 0 : 1;
      return;
    }
    process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}

// Allow `node --import tsx src/agentapi/cli.ts …` during development and tests.
if (import.meta.url === `file://${process.argv[1]}`) {
  void main(process.argv.slice(2));
}
