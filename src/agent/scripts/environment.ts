// A script's environment (agent.md §2.4.3): the agent's environment, then the
// manifest's `environment_variables` (values `$VAR`-expanded against the
// agent's environment), then the reserved variables no manifest value can
// override, and PATH with the script bin dir first. Pure: it must never read
// process.env — the agent passes its environment in.
import { expandEnv, lookupIn } from './expand-env.js';

/** Who and where the agent is; exported to scripts as `CODER_*` variables. */
export interface WorkspaceIdentity {
  /** Absent in standalone mode: scripts then get no `CODER_AGENT_URL`. */
  agentUrl?: string | undefined;
  /** Absent in standalone mode: scripts then get no `CODER_AGENT_TOKEN`. */
  agentToken?: string | undefined;
  workspaceId: string;
  workspaceName: string;
  ownerName: string;
  agentName: string;
  /** The effective socket path (agent.md §4.1). */
  socketPath: string;
}

export interface ScriptEnvironmentSource {
  agentEnv: Readonly<Record<string, string | undefined>>;
  manifestEnv: Readonly<Record<string, string>>;
  identity: WorkspaceIdentity;
}

export interface ScriptPaths {
  scriptDataDir: string;
  binDir: string;
}

/** Names a manifest can never set; URL and token are removed when the agent has none. */
export const RESERVED_VARIABLES = [
  'CODER',
  'CODER_AGENT_URL',
  'CODER_AGENT_TOKEN',
  'CODER_WORKSPACE_ID',
  'CODER_WORKSPACE_NAME',
  'CODER_WORKSPACE_OWNER_NAME',
  'CODER_WORKSPACE_AGENT_NAME',
  'CODER_AGENT_SOCKET_PATH',
  'CODER_SCRIPT_DATA_DIR',
  'CODER_SCRIPT_BIN_DIR',
] as const;

export function buildScriptEnvironment(source: ScriptEnvironmentSource, paths: ScriptPaths): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(source.agentEnv)) {
    if (value !== undefined) env[name] = value;
  }
  const lookup = lookupIn(source.agentEnv);
  for (const [name, value] of Object.entries(source.manifestEnv)) env[name] = expandEnv(value, lookup);

  const { identity } = source;
  const reserved: Record<(typeof RESERVED_VARIABLES)[number], string | undefined> = {
    CODER: 'true',
    CODER_AGENT_URL: identity.agentUrl,
    CODER_AGENT_TOKEN: identity.agentToken,
    CODER_WORKSPACE_ID: identity.workspaceId,
    CODER_WORKSPACE_NAME: identity.workspaceName,
    CODER_WORKSPACE_OWNER_NAME: identity.ownerName,
    CODER_WORKSPACE_AGENT_NAME: identity.agentName,
    CODER_AGENT_SOCKET_PATH: identity.socketPath,
    CODER_SCRIPT_DATA_DIR: paths.scriptDataDir,
    CODER_SCRIPT_BIN_DIR: paths.binDir,
  };
  for (const name of RESERVED_VARIABLES) {
    const value = reserved[name];
    if (value === undefined) delete env[name];
    else env[name] = value;
  }

  // The inherited PATH is the manifest's when it sets one (upstream), else the agent's.
  const inherited = env.PATH ?? '';
  env.PATH = inherited === '' ? paths.binDir : `${paths.binDir}:${inherited}`;
  return env;
}
