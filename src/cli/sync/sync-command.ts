// `taskyard sync …` (spec agent.md §5): thin commander wiring from flags and
// arguments to the agent socket client and the renderers. Scripts call it in
// tight loops, so it must never import server, agent, runner or agentapi code
// (nor zod/pino): only the socket client, wire types and its own helpers.
import { Command, InvalidArgumentError, Option } from 'commander';
import { AgentSocketClient } from '../../agent/socket/client.js';
import { withContext } from './errors.js';
import { parseGoDuration } from './go-duration.js';
import { LIST_COLUMNS, nameList, OUTPUT_FORMATS, quoteName, renderList, renderStatus, STATUS_COLUMNS, type OutputFormat } from './render.js';
import { resolveSocketPath } from './socket-path.js';
import { runStart } from './start.js';

const DEFAULT_START_TIMEOUT = '5m';

interface GlobalOptions {
  socketPath?: string;
}

interface OutputOptions {
  output: OutputFormat;
  column: string[];
}

export function registerSyncCommand(program: Command): void {
  const sync = program
    .command('sync')
    .description('Coordinate workspace scripts through the agent\'s unit dependencies')
    .option('--socket-path <path>', 'agent socket path (default: $CODER_AGENT_SOCKET_PATH, else /tmp/coder-agent.sock)');

  sync
    .command('ping')
    .description('Check that the agent socket answers')
    .action(async (_options: unknown, command: Command) => {
      await withContext('ping failed', clientFor(command).ping());
      write('Success\n');
    });

  sync
    .command('want')
    .description('Declare that a unit depends on other units reaching "completed"')
    .argument('[args...]', '<unit> <depends-on> [depends-on...]')
    .action(async (args: string[], _options: unknown, command: Command) => {
      const [unit, ...dependencies] = args;
      if (unit === undefined || dependencies.length === 0) {
        throw new Error('at least two arguments are required: <unit> <depends-on> [depends-on...]');
      }
      const client = clientFor(command);
      for (const dependency of dependencies) await withContext('declare dependency failed', client.want(unit, dependency));
      write(`Unit ${quoteName(unit)} declared dependencies: ${nameList(dependencies)}\n`);
    });

  sync
    .command('start')
    .description('Wait for a unit\'s dependencies, then mark it started')
    .argument('[unit...]', 'unit name')
    .addOption(
      new Option('--timeout <duration>', 'how long to wait for dependencies (Go duration, 0 = forever)')
        .default(parseGoDuration(DEFAULT_START_TIMEOUT), DEFAULT_START_TIMEOUT)
        .argParser(parseDurationFlag),
    )
    .action(async (args: string[], options: { timeout: number }, command: Command) => {
      await runStart(clientFor(command), exactlyOneUnit(args), { timeoutMs: options.timeout, write });
    });

  sync
    .command('complete')
    .description('Mark a unit completed')
    .argument('[unit...]', 'unit name')
    .action(async (args: string[], _options: unknown, command: Command) => {
      await withContext('complete unit failed', clientFor(command).complete(exactlyOneUnit(args)));
      write('Success\n');
    });

  withOutputOptions(sync.command('status'), STATUS_COLUMNS)
    .description('Show a unit\'s status and dependencies')
    .argument('[unit...]', 'unit name')
    .action(async (args: string[], options: OutputOptions, command: Command) => {
      const unit = exactlyOneUnit(args);
      const status = await withContext('get status failed', clientFor(command).status(unit));
      write(renderStatus(status, options.output, options.column));
    });

  withOutputOptions(sync.command('list'), LIST_COLUMNS)
    .description('List all registered units')
    .action(async (options: OutputOptions, command: Command) => {
      const units = await withContext('list units failed', clientFor(command).list());
      write(renderList(units, options.output, options.column));
    });

  sync
    .command('graph')
    .description('Print the unit dependency graph in DOT format')
    .option('--labels', 'label nodes with unit names')
    .action(async (options: { labels?: boolean }, command: Command) => {
      const dot = await withContext('get graph failed', clientFor(command).graph({ labels: options.labels === true }));
      write(`${dot}\n`);
    });
}

function withOutputOptions(command: Command, columns: readonly string[]): Command {
  return command
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .option(
      '-c, --column <columns>',
      `columns to show, comma-separated (${columns.join(', ')})`,
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    );
}

function clientFor(command: Command): AgentSocketClient {
  return new AgentSocketClient(resolveSocketPath(command.optsWithGlobals<GlobalOptions>().socketPath));
}

function exactlyOneUnit(args: readonly string[]): string {
  const [unit] = args;
  if (unit === undefined || args.length !== 1) throw new Error('exactly one unit name is required');
  return unit;
}

function parseDurationFlag(value: string): number {
  try {
    return parseGoDuration(value);
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
  }
}

function write(text: string): void {
  process.stdout.write(text);
}
