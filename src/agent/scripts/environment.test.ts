import { describe, expect, it } from 'vitest';
import { buildScriptEnvironment, RESERVED_VARIABLES } from './environment.js';
import { identity } from './testdata/harness.js';

const paths = { scriptDataDir: '/data/coder-script-data/abc', binDir: '/data/coder-script-data/bin' };

describe('buildScriptEnvironment', () => {
  it('layers agent env, expanded manifest values, reserved variables and PATH', () => {
    const env = buildScriptEnvironment(
      {
        agentEnv: { PATH: '/usr/bin:/bin', HOME: '/home/alice', KEEP: 'agent', UNSET: undefined },
        manifestEnv: { GREETING: 'hi $HOME', KEEP: 'manifest', EDITOR: '${HOME}/bin/vi' },
        identity,
      },
      paths,
    );
    expect(env).toMatchObject({
      HOME: '/home/alice',
      KEEP: 'manifest',
      GREETING: 'hi /home/alice',
      EDITOR: '/home/alice/bin/vi',
      CODER: 'true',
      CODER_AGENT_URL: identity.agentUrl,
      CODER_AGENT_TOKEN: identity.agentToken,
      CODER_WORKSPACE_ID: identity.workspaceId,
      CODER_WORKSPACE_NAME: 'dev',
      CODER_WORKSPACE_OWNER_NAME: 'alice',
      CODER_WORKSPACE_AGENT_NAME: 'main',
      CODER_AGENT_SOCKET_PATH: identity.socketPath,
      CODER_SCRIPT_DATA_DIR: paths.scriptDataDir,
      CODER_SCRIPT_BIN_DIR: paths.binDir,
      PATH: '/data/coder-script-data/bin:/usr/bin:/bin',
    });
    expect('UNSET' in env).toBe(false);
  });

  it('never lets the manifest or the agent env override a reserved variable', () => {
    const hostile = Object.fromEntries(RESERVED_VARIABLES.map((name) => [name, 'manifest']));
    const env = buildScriptEnvironment({ agentEnv: { ...hostile }, manifestEnv: hostile, identity }, paths);
    for (const name of RESERVED_VARIABLES) expect(env[name], name).not.toBe('manifest');
  });

  it('omits agent URL and token in standalone mode, even when set elsewhere', () => {
    const env = buildScriptEnvironment(
      {
        agentEnv: { CODER_AGENT_TOKEN: 'leaked' },
        manifestEnv: { CODER_AGENT_URL: 'http://evil' },
        identity: { ...identity, agentUrl: undefined, agentToken: undefined },
      },
      paths,
    );
    expect('CODER_AGENT_URL' in env).toBe(false);
    expect('CODER_AGENT_TOKEN' in env).toBe(false);
  });

  it.each([
    [{ PATH: '/usr/bin' }, {}, '/data/coder-script-data/bin:/usr/bin'],
    [{ PATH: '/usr/bin' }, { PATH: '/opt/x:$PATH' }, '/data/coder-script-data/bin:/opt/x:/usr/bin'],
    [{}, {}, '/data/coder-script-data/bin'],
  ])('PATH from agent %j and manifest %j → %s', (agentEnv, manifestEnv, expected) => {
    expect(buildScriptEnvironment({ agentEnv, manifestEnv, identity }, paths).PATH).toBe(expected);
  });
});
