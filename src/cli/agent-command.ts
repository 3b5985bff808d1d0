// `taskyard agent`: parses flags, builds the control plane client and the
// agent, and maps SIGTERM/SIGINT to the agent's stop sequence. Logs are JSON
// lines on stderr (agent.md §3.1). Holds no agent behaviour itself.
import type { Command } from 'commander';
import { pino } from 'pino';
import { AgentConfigError, resolveAgentConfig, type AgentFlags } from '../agent/agent-config.js';
import { WorkspaceAgent } from '../agent/agent.js';
import { StandaloneControlPlane } from '../agent/control-plane/standalone.js';

export function registerAgentCommand(program: Command): void {
  program
    .command('agent')
    .description('Run the workspace agent: start/stop/cron scripts as sync units, and the agent socket')
    .option('--url <url>', 'control plane URL (env CODER_AGENT_URL)')
    .option('--token <token>', 'agent token (env CODER_AGENT_TOKEN)')
    .option('--manifest <file>', 'standalone mode: read the manifest from a file (env TASKYARD_AGENT_MANIFEST)')
    .option('--log-dir <dir>', 'script log directory (env CODER_AGENT_LOG_DIR)', undefined)
    .option('--script-data-dir <dir>', 'script data directory (env CODER_AGENT_SCRIPT_DATA_DIR)')
    .option('--socket-path <path>', 'agent socket path (env CODER_AGENT_SOCKET_PATH)')
    .option('--socket-server-enabled <bool>', 'serve the agent socket (env CODER_AGENT_SOCKET_SERVER_ENABLED)')
    .action(async (flags: AgentFlags) => {
      process.exitCode = await runAgent(flags);
    });
}

export async function runAgent(flags: AgentFlags): Promise<number> {
  let config;
  try {
    config = resolveAgentConfig(flags, process.env);
  } catch (err) {
    if (err instanceof AgentConfigError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const logger = pino(
    {
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination(2),
  );
  if (config.manifestFile === undefined) {
    // The control-plane client arrives with the server; until then only standalone mode runs.
    process.stderr.write('error: connecting to a control plane is not available in this build; use --manifest\n');
    return 1;
  }
  const agent = new WorkspaceAgent({
    config,
    controlPlane: new StandaloneControlPlane(config.manifestFile, logger),
    logger,
    env: process.env,
  });
  const onSignal = (signal: NodeJS.Signals) => agent.shutdown(signal);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    return await agent.run();
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
