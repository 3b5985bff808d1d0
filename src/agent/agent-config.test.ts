import { describe, expect, it } from 'vitest';
import { AgentConfigError, resolveAgentConfig } from './agent-config.js';

describe('resolveAgentConfig', () => {
  it('uses the defaults of the spec', () => {
    expect(resolveAgentConfig({ url: 'http://cp', token: 't' }, {})).toEqual({
      url: 'http://cp',
      token: 't',
      manifestFile: undefined,
      logDir: '/tmp',
      scriptDataDir: '/tmp',
      socketPath: '/tmp/coder-agent.sock',
      socketServerEnabled: true,
    });
  });

  it('reads the environment, and flags beat it', () => {
    const env = {
      CODER_AGENT_URL: 'http://env',
      CODER_AGENT_TOKEN: 'env-token',
      CODER_AGENT_LOG_DIR: '/var/log/x',
      CODER_AGENT_SOCKET_PATH: '/run/a.sock',
      CODER_AGENT_SOCKET_SERVER_ENABLED: 'false',
    };
    expect(resolveAgentConfig({}, env)).toMatchObject({
      url: 'http://env',
      token: 'env-token',
      logDir: '/var/log/x',
      socketPath: '/run/a.sock',
      socketServerEnabled: false,
    });
    expect(resolveAgentConfig({ url: 'http://flag', socketPath: '/x.sock' }, env)).toMatchObject({
      url: 'http://flag',
      socketPath: '/x.sock',
    });
  });

  it('needs neither url nor token in standalone mode', () => {
    expect(resolveAgentConfig({ manifest: 'm.json' }, {})).toMatchObject({ manifestFile: 'm.json', url: undefined });
    expect(resolveAgentConfig({}, { TASKYARD_AGENT_MANIFEST: 'env.json' }).manifestFile).toBe('env.json');
  });

  it.each([
    [{}, {}, '--url (CODER_AGENT_URL) is required'],
    [{ url: 'http://cp' }, {}, '--token (CODER_AGENT_TOKEN) is required'],
    [{ url: 'not a url', token: 't' }, {}, '--url (CODER_AGENT_URL) is not a valid URL: not a url'],
    [{ manifest: 'm', socketServerEnabled: 'maybe' }, {}, 'invalid value "maybe" for --socket-server-enabled'],
  ])('rejects %j %j', (flags, env, message) => {
    expect(() => resolveAgentConfig(flags, env)).toThrow(AgentConfigError);
    expect(() => resolveAgentConfig(flags, env)).toThrow(message);
  });
});
