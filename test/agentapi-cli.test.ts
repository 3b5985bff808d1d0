// The `agentapi` bin's command line, run as a real process: version, exit
// codes and the exact error texts users and scripts depend on.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../src/agentapi/http/openapi.js';
import { PROJECT_ROOT, runAgentApi, startAgentApi } from './helpers/agentapi-process.js';

const FIXTURE_OPENAPI = path.resolve(PROJECT_ROOT, '../shared/fixtures/agentapi/openapi.json');
const fixturePresent = existsSync(FIXTURE_OPENAPI);
if (!fixturePresent) console.warn(`note: ${FIXTURE_OPENAPI} absent; the byte comparison with upstream is skipped`);

describe('agentapi CLI', () => {
  it('--version prints exactly the compatibility version', async () => {
    const r = await runAgentApi(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: 'agentapi version 0.12.1\n' });
  });

  it('server --exit stops right after parsing with exit 0', async () => {
    expect((await runAgentApi(['server', '--exit', '--', 'x'])).code).toBe(0);
  });

  it.each([
    [['server', '--type', 'bogus', '--', 'x'], 'Error: failed to parse agent type: invalid agent type: bogus\n'],
    [['server', '--term-width', '9', '--', 'x'], 'Error: term width must be at least 10\n'],
    [['server', '--term-height', '9', '--', 'x'], 'Error: term height must be at least 10\n'],
    [['server', '--load-state', '--', 'x'], 'Error: --load-state requires --state-file to be set\n'],
    [['server', '--save-state', '--', 'x'], 'Error: --save-state requires --state-file to be set\n'],
    [['server', '--experimental-acp', '--', 'x'], 'Error: ACP transport (--experimental-acp) is not supported by this build\n'],
    [
      ['server', '--allowed-hosts', 'localhost:3284', '--', 'x'],
      "Error: failed to create server: failed to parse allowed hosts: 'localhost:3284' must not include a port\n",
    ],
    [
      ['server', '--allowed-hosts', 'http://x', '--', 'x'],
      "Error: failed to create server: failed to parse allowed hosts: 'http://x' must not include http:// or https://\n",
    ],
    [['server', '--bogus', '--', 'x'], 'Error: unknown flag: --bogus\n'],
    [['server'], 'Error: requires at least 1 arg(s), only received 0\n'],
  ])('%j fails with exit 1 and the exact message', async (args, message) => {
    const r = await runAgentApi(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(message);
    expect(r.stdout).toBe('');
  });

  it('an unknown sub-command fails with exit 1', async () => {
    const r = await runAgentApi(['frobnicate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('frobnicate');
  });

  it('--help prints usage and exits 0', async () => {
    const r = await runAgentApi(['server', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--allowed-hosts');
  });

  it('--print-openapi prints the document and nothing else, without spawning the agent', async () => {
    const r = await runAgentApi(['server', '--print-openapi', '--', '/nonexistent/agent']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(openApiDocument());
    if (fixturePresent) expect(r.stdout).toBe(readFileSync(FIXTURE_OPENAPI, 'utf8'));
  });

  it('AGENTAPI_PORT is honoured, and --port beats it', async () => {
    const envOnly = startAgentApi({ flags: ['--port', '0'], env: { AGENTAPI_PORT: '1' } });
    // --port 0 (a free port) wins over the env's privileged port 1.
    expect(await envOnly.port()).toBeGreaterThan(1024);
    await envOnly.stop();
  });

  it('an agent that exits with an error makes the server exit 1 with its final screen', async () => {
    const agent = startAgentApi({ agent: ['sh', '-c', 'echo something broke; exit 3'] });
    const exit = await agent.exited;
    expect(exit.code).toBe(1);
    expect(agent.stderr).toBe('Error: agent exited with error: ========\nsomething broke\n========\n: non-zero exit code\n');
  });

  it('an agent that cannot be started fails with exit 1', async () => {
    const agent = startAgentApi({ agent: ['/nonexistent/agent-binary'] });
    const exit = await agent.exited;
    expect(exit.code).toBe(1);
    expect(agent.stderr).toBe('Error: failed to setup process: fork/exec /nonexistent/agent-binary: no such file or directory\n');
  });

  it('SIGTERM shuts the server and the agent down with exit 0', async () => {
    const agent = startAgentApi();
    await agent.waitForStatus('stable');
    const exit = await agent.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(agent.logs().map((l) => l.msg)).toContain('Shutdown complete');
  });
});
