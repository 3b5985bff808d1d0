// The agent's clean environment (server.md §4.4.4): exactly the listed
// variables, PATH with the package commands first, defaults for an empty
// PATH/LANG. Pure.
import { describe, expect, it } from 'vitest';
import { agentEnvironment, DEFAULT_PATH } from './agent-env.js';
import { workspacePaths } from './workspace-dirs.js';

const input = {
  accessUrl: 'http://127.0.0.1:3000',
  token: 'tok',
  paths: workspacePaths('/data', 'ws-id'),
  socketPath: '/tmp/taskyard-1000/ws-id.sock',
  workspaceId: 'ws-id',
  workspaceName: 'demo',
  ownerName: 'alice',
  binDir: '/data/bin',
  basePath: '/usr/bin:/bin',
  user: 'alice',
  lang: 'en_US.UTF-8',
};

describe('agentEnvironment', () => {
  it('is exactly the §4.4.4 variables', () => {
    expect(agentEnvironment(input)).toEqual({
      PATH: '/data/bin:/usr/bin:/bin',
      HOME: '/data/workspaces/ws-id/home',
      USER: 'alice',
      LOGNAME: 'alice',
      SHELL: '/bin/bash',
      LANG: 'en_US.UTF-8',
      CODER_AGENT_URL: 'http://127.0.0.1:3000',
      CODER_AGENT_TOKEN: 'tok',
      CODER_AGENT_LOG_DIR: '/data/workspaces/ws-id/logs',
      CODER_AGENT_SCRIPT_DATA_DIR: '/data/workspaces/ws-id/script-data',
      CODER_AGENT_SOCKET_PATH: '/tmp/taskyard-1000/ws-id.sock',
      CODER_WORKSPACE_ID: 'ws-id',
      CODER_WORKSPACE_NAME: 'demo',
      CODER_WORKSPACE_OWNER_NAME: 'alice',
      TASKYARD_WORKSPACE_ID: 'ws-id',
    });
  });

  it('falls back to a standard PATH and C.UTF-8 when the server has none', () => {
    const env = agentEnvironment({ ...input, basePath: '', lang: undefined });
    expect(env.PATH).toBe(`/data/bin:${DEFAULT_PATH}`);
    expect(env.LANG).toBe('C.UTF-8');
  });
});
