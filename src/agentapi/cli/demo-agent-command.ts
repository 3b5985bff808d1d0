// The `agentapi demo-agent` sub-command: parses its flags and hands them to the
// demo agent's composition root. It must never hold demo-agent behaviour.
import { Command, InvalidArgumentError } from 'commander';
import { runDemoAgent, type DemoAgentOptions } from '../demo-agent/demo-agent.js';

interface DemoAgentFlags {
  echo?: boolean;
  thinkMs: number;
  greeting?: string;
}

export function parseThinkMs(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a non-negative integer (milliseconds)');
  return Number(value);
}

export function registerDemoAgentCommand(program: Command): void {
  program
    .command('demo-agent')
    .description('deterministic fake TUI agent: replays a script, or echoes every message back')
    .argument('[script]', 'JSON array of {expectMessage, thinkDurationMS?, responseMessage}')
    .option('--echo', 'echo messages after the script has ended')
    .option('--think-ms <ms>', 'thinking time before each echo reply', parseThinkMs, 0)
    .option('--greeting <text>', 'first agent message of echo mode')
    .action(async (scriptPath: string | undefined, flags: DemoAgentFlags) => {
      const options: DemoAgentOptions = {
        scriptPath,
        echo: flags.echo === true,
        thinkMs: flags.thinkMs,
        greeting: flags.greeting,
      };
      const exit = (code: number): void => process.exit(code);
      const code = await runDemoAgent(options, {
        input: process.stdin,
        output: process.stdout,
        signals: process,
        exit,
      });
      exit(code);
    });
}
