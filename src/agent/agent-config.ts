// The settings of `taskyard agent` (spec agent.md §3.1), resolved from flags
// and environment. Pure: it never reads files or opens sockets.

export const DEFAULT_SOCKET_PATH = '/tmp/coder-agent.sock';

export interface AgentConfig {
  /** Control plane; absent in standalone mode. */
  url?: string;
  token?: string;
  /** Standalone mode: read the manifest from this file instead of the control plane. */
  manifestFile?: string;
  logDir: string;
  scriptDataDir: string;
  socketPath: string;
  socketServerEnabled: boolean;
}

export class AgentConfigError extends Error {
  readonly code = 'agent_config_invalid';
  constructor(message: string) {
    super(message);
    this.name = 'AgentConfigError';
  }
}

export interface AgentFlags {
  url?: string;
  token?: string;
  manifest?: string;
  logDir?: string;
  scriptDataDir?: string;
  socketPath?: string;
  socketServerEnabled?: string | boolean;
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

function parseBool(value: string | boolean, name: string): boolean {
  if (typeof value === 'boolean') return value;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new AgentConfigError(`invalid value ${JSON.stringify(value)} for ${name}: expected true or false`);
}

/** Flag > env > default. Standalone mode needs neither url nor token. */
export function resolveAgentConfig(flags: AgentFlags, env: NodeJS.ProcessEnv): AgentConfig {
  const pick = (flag: string | undefined, envName: string): string | undefined => {
    if (flag !== undefined && flag !== '') return flag;
    const fromEnv = env[envName];
    return fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined;
  };
  const manifestFile = pick(flags.manifest, 'TASKYARD_AGENT_MANIFEST');
  const url = pick(flags.url, 'CODER_AGENT_URL');
  const token = pick(flags.token, 'CODER_AGENT_TOKEN');
  if (manifestFile === undefined) {
    if (url === undefined) throw new AgentConfigError('--url (CODER_AGENT_URL) is required');
    if (token === undefined) throw new AgentConfigError('--token (CODER_AGENT_TOKEN) is required');
    try {
      new URL(url);
    } catch {
      throw new AgentConfigError(`--url (CODER_AGENT_URL) is not a valid URL: ${url}`);
    }
  }
  const enabled = flags.socketServerEnabled ?? env.CODER_AGENT_SOCKET_SERVER_ENABLED;
  return {
    url,
    token,
    manifestFile,
    logDir: pick(flags.logDir, 'CODER_AGENT_LOG_DIR') ?? '/tmp',
    scriptDataDir: pick(flags.scriptDataDir, 'CODER_AGENT_SCRIPT_DATA_DIR') ?? '/tmp',
    socketPath: pick(flags.socketPath, 'CODER_AGENT_SOCKET_PATH') ?? DEFAULT_SOCKET_PATH,
    socketServerEnabled:
      enabled === undefined || enabled === '' ? true : parseBool(enabled, '--socket-server-enabled (CODER_AGENT_SOCKET_SERVER_ENABLED)'),
  };
}
