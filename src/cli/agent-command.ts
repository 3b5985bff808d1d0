// `taskyard agent`: parses flags, builds the control plane client (HTTP with
// --url/--token, the manifest file with --manifest) and the agent, maps
// SIGTERM/SIGINT to the agent's stop sequence, and a token the control plane
// keeps rejecting to `error: agent token rejected`, exit 1 (agent.md §3.1,
// §3.2.1). Logs are JSON lines on stderr. Holds no agent behaviour itself.
import type { Command } from 'commander';
import { pino } from 'pino';
import { AgentConfigError, resolveAgentConfig, type AgentFlags } from '../agent/agent-config.js';
import { WorkspaceAgent } from '../agent/agent.js';
import { TOKEN_REJECTED_MESSAGE } from '../agent/control-plane/errors.js';
import { HttpControlPlane, type HttpControlPlaneTiming } from '../agent/control-plane/http.js';
import { StandaloneControlPlane } from '../agent/control-plane/standalone.js';
import type { ControlPlane } from '../agent/control-plane/types.js';

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

export interface RunAgentOverrides {
  /** Control plane retry timing (tests shorten the 5-minute token window and the backoff). */
  controlPlaneTiming?: Partial<HttpControlPlaneTiming>;
}

export async function runAgent(flags: AgentFlags, overrides: RunAgentOverrides = {}): Promise<number> {
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
  let tokenRejected = false;
  // Set once the agent exists; the control plane is built first because the agent needs it.
  let onTokenRejected = (): void => {};
  let controlPlane: ControlPlane;
  if (config.manifestFile !== undefined) {
    controlPlane = new StandaloneControlPlane(config.manifestFile, logger);
  } else {
    controlPlane = new HttpControlPlane({
      url: config.url!,
      token: config.token!,
      logger,
      timing: overrides.controlPlaneTiming,
      onFatal: () => {
        // Every request fails from here on; stop scripts still run so the workspace is left tidy.
        tokenRejected = true;
        onTokenRejected();
      },
    });
  }
  const agent = new WorkspaceAgent({ config, controlPlane, logger, env: process.env });
  onTokenRejected = () => agent.shutdown(TOKEN_REJECTED_MESSAGE);
  const onSignal = (signal: NodeJS.Signals) => agent.shutdown(signal);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const code = await agent.run();
    // A token rejected while fetching the manifest already made run() print the error and return 1.
    if (tokenRejected && code === 0) {
      process.stderr.write(`error: ${TOKEN_REJECTED_MESSAGE}\n`);
      return 1;
    }
    return code;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
