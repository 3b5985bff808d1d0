// The clean environment of a spawned `taskyard agent` (server.md §4.4.4):
// exactly PATH (package commands first), HOME, USER, LOGNAME, SHELL, LANG and
// the CODER_*/TASKYARD_* variables below — nothing else of the server's own
// environment leaks in (no database URL, no session token). Pure.
import type { WorkspacePaths } from './workspace-dirs.js';

export interface AgentEnvironmentInput {
  accessUrl: string;
  /** The agent token (only ever here and in the agent's memory). */
  token: string;
  paths: WorkspacePaths;
  socketPath: string;
  workspaceId: string;
  workspaceName: string;
  ownerName: string;
  /** Directory of the `taskyard`/`agentapi` shims, prepended to `basePath`. */
  binDir: string;
  /** The server's PATH. */
  basePath: string | undefined;
  /** OS user name (USER, LOGNAME). */
  user: string;
  lang: string | undefined;
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function agentEnvironment(input: AgentEnvironmentInput): Record<string, string> {
  return {
    PATH: `${input.binDir}:${input.basePath || DEFAULT_PATH}`,
    HOME: input.paths.home,
    USER: input.user,
    LOGNAME: input.user,
    SHELL: '/bin/bash',
    LANG: input.lang || 'C.UTF-8',
    CODER_AGENT_URL: input.accessUrl,
    CODER_AGENT_TOKEN: input.token,
    CODER_AGENT_LOG_DIR: input.paths.logs,
    CODER_AGENT_SCRIPT_DATA_DIR: input.paths.scriptData,
    CODER_AGENT_SOCKET_PATH: input.socketPath,
    CODER_WORKSPACE_ID: input.workspaceId,
    CODER_WORKSPACE_NAME: input.workspaceName,
    CODER_WORKSPACE_OWNER_NAME: input.ownerName,
    TASKYARD_WORKSPACE_ID: input.workspaceId,
  };
}
