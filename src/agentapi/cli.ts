// Entry point of the `agentapi` bin: builds the command tree and hands each
// sub-command to its own module. Holds no behaviour of its own.
import { Command, CommanderError } from 'commander';
import { registerAttachCommand } from './cli/attach-command.js';
import { registerDemoAgentCommand } from './cli/demo-agent-command.js';
import { registerFormatCommand } from './cli/format-command.js';
import { registerServerCommand, runServerCommandIfRequested } from './cli/server-command.js';
import { AGENTAPI_COMPAT_VERSION } from './version.js';

export function buildProgram(): Command {
  const program = new Command('agentapi')
    .description('HTTP API in front of a terminal coding agent (coder/agentapi compatible)')
    .version(`agentapi version ${AGENTAPI_COMPAT_VERSION}`, '-v, --version', 'print the version')
    .exitOverride();
  // Sub-commands register here, one line each.
  registerAttachCommand(program);
  registerDemoAgentCommand(program);
  registerFormatCommand(program);
  registerServerCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const serverExit = await runServerCommandIfRequested(argv);
  if (serverExit !== undefined) {
    // The server has shut down in order; end now rather than wait on stray handles.
    process.exit(serverExit);
  }
  const program = buildProgram();
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
