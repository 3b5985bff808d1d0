// `taskyard task …` (server.md §7): thin commander wiring from flags and
// arguments to actions.ts. `--url`/`--token` (else TASKYARD_URL /
// TASKYARD_SESSION_TOKEN / the files of `taskyard login`) are options of
// `task` itself. API errors print as `error: <message>` + `<detail>`, exit 1.
// It must never import server code beyond the Tasks API's zod schemas.
import { Command, Option } from 'commander';
import { ApiClient, CliError, printCliError, type CredentialFlags } from '../api-client.js';
import * as actions from './actions.js';
import { OUTPUT_FORMATS, type OutputFormat } from './render.js';
import { TaskApi } from './task-api.js';

const io: actions.Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

/** Runs an action with the API of `command`'s credentials; CliErrors → stderr, exit 1. */
async function run(command: Command, action: (api: TaskApi) => Promise<void>): Promise<void> {
  try {
    const flags = command.optsWithGlobals<CredentialFlags>();
    await action(new TaskApi(ApiClient.fromFlags({ url: flags.url, token: flags.token })));
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    printCliError(err);
    process.exitCode = 1;
  }
}

function outputOption(): Option {
  return new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table');
}

export function registerTaskCommand(program: Command): void {
  const task = program
    .command('task')
    .alias('tasks')
    .description('Create and manage tasks: AI agents in workspaces that pause and resume')
    .option('--url <url>', 'server URL (env TASKYARD_URL, else the saved login)')
    .option('--token <token>', 'session token (env TASKYARD_SESSION_TOKEN, else the saved login)');
  const ident = '<task>';
  const identHelp = 'task ID, <name> (yours) or <owner>/<name>';

  task
    .command('create')
    .description('Create a task from a template with an initial prompt')
    .argument('[input]', 'the prompt')
    .requiredOption('--template <template>', 'template name or template version ID')
    .option('--name <name>', 'task name (default task-<8 hex>)')
    .option('--stdin', 'read the prompt from stdin', false)
    .action((input: string | undefined, options: { template: string; name?: string; stdin: boolean }, command: Command) =>
      run(command, (api) => actions.createTask(api, io, input, options)),
    );

  task
    .command('list')
    .alias('ls')
    .description('List tasks')
    .addOption(outputOption())
    .option('-a, --all', 'tasks of every user you can see', false)
    .option('--status <status>', 'only tasks in this status')
    .action((options: { output: OutputFormat; all: boolean; status?: string }, command: Command) => run(command, (api) => actions.listTasks(api, io, options)));

  task
    .command('status')
    .description('Show a task\'s status')
    .argument(ident, identHelp)
    .addOption(outputOption())
    .option('--watch', 'stream updates until the task is active, paused or error', false)
    .action((identifier: string, options: { output: OutputFormat; watch: boolean }, command: Command) =>
      run(command, (api) => actions.taskStatus(api, io, identifier, options)),
    );

  task
    .command('send')
    .description('Send input to an active task')
    .argument(ident, identHelp)
    .argument('[input]', 'the message')
    .option('--stdin', 'read the message from stdin', false)
    .action((identifier: string, input: string | undefined, options: { stdin: boolean }, command: Command) =>
      run(command, (api) => actions.sendToTask(api, io, identifier, input, options)),
    );

  task
    .command('logs')
    .description('Show a task\'s conversation (a snapshot while it is paused)')
    .argument(ident, identHelp)
    .addOption(outputOption())
    .action((identifier: string, options: { output: OutputFormat }, command: Command) => run(command, (api) => actions.taskLogs(api, io, identifier, options)));

  task
    .command('pause')
    .description('Pause a task (stops its workspace, keeps the conversation)')
    .argument(ident, identHelp)
    .option('--no-wait', 'return once the pause is requested')
    .action((identifier: string, options: { wait: boolean }, command: Command) => run(command, (api) => actions.pauseTask(api, io, identifier, options)));

  task
    .command('resume')
    .description('Resume a paused task')
    .argument(ident, identHelp)
    .option('--no-wait', 'return once the resume is requested')
    .action((identifier: string, options: { wait: boolean }, command: Command) => run(command, (api) => actions.resumeTask(api, io, identifier, options)));

  task
    .command('delete')
    .alias('rm')
    .description('Delete tasks')
    .argument('<task...>', identHelp)
    .option('-y, --yes', 'do not ask for confirmation', false)
    .action((identifiers: string[], options: { yes: boolean }, command: Command) => run(command, (api) => actions.deleteTasks(api, io, identifiers, options)));
}
