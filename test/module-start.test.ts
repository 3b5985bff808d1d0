// The agentapi module's start path executed for real (module.md §6.3.3,
// §6.4 criterion 1): the wrapper rendered by agentapiModule, bash, a temp
// HOME, an ephemeral port and the package's real `agentapi` bin first on
// PATH (install_agentapi=false). Assertions read AgentAPI's own startup log
// line. Every AgentAPI started here is killed through its PID file after
// each test; none may outlive the suite.
import { existsSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cmdline, freePort, Sandbox } from '../registry/coder/modules/agentapi/testdata/harness.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => {
  await sandbox.cleanup();
});

const moduleDir = () => path.join(sandbox.home, '.agentapi-module');
const pidFile = () => path.join(sandbox.home, '.agentapi', 'agentapi.pid');
const stateFile = () => path.join(sandbox.home, '.agentapi', 'state.json');

/** AgentAPI's startup log line (agentapi.md §2.2.15) from agentapi-start.log. */
function startupLog(): Record<string, unknown> {
  const lines = readFileSync(path.join(moduleDir(), 'agentapi-start.log'), 'utf8').split('\n');
  const line = lines.find((l) => l.includes('"msg":"Starting agentapi server"'));
  if (!line) throw new Error(`no startup line in:\n${lines.join('\n')}`);
  return JSON.parse(line) as Record<string, unknown>;
}

describe('start wrapper', () => {
  it('starts AgentAPI with the state file, load, save and PID file when persistence is on', async () => {
    const port = await freePort();
    const r = await sandbox.run(sandbox.wrappers(port).start);
    expect(r.code, r.output).toBe(0);
    expect(r.stdout).toContain(`State persistence enabled (state file: ${stateFile()})\n`);
    expect(r.stdout).toContain(`agentapi server started on port ${port}.\n`);
    expect(r.stdout).toContain(`Warning: the folder '${sandbox.home}/work' does not exist, creating it.\n`);

    const status = await fetch(`http://127.0.0.1:${port}/status`);
    expect(status.status).toBe(200);
    const pidText = readFileSync(pidFile(), 'utf8');
    expect(pidText).toMatch(/^[1-9]\d*\n$/);
    const pid = Number(pidText.trim());
    expect(cmdline(pid)).toContain('agentapi.js server');
    expect(readlinkSync(`/proc/${pid}/cwd`)).toBe(path.join(sandbox.home, 'work'));

    expect(startupLog()).toMatchObject({
      port,
      state_file: stateFile(),
      load_state: true,
      save_state: true,
      pid_file: pidFile(),
      allowed_hosts: '*',
    });
    const startScript = path.join(moduleDir(), 'scripts', 'agentapi-start.sh');
    expect(statSync(startScript).mode & 0o777).toBe(0o700);
  });

  it('starts AgentAPI with only the PID file when persistence is off; install steps run in order', async () => {
    const port = await freePort();
    const marker = path.join(sandbox.root, 'steps.txt');
    const step = (name: string) => `#!/bin/bash\necho "${name} says hi"\necho ${name} >> '${marker}'\n`;
    const { start } = sandbox.wrappers(port, {
      enable_state_persistence: false,
      pre_install_script: step('pre'),
      install_script: step('install'),
      post_install_script: step('post'),
    });
    const r = await sandbox.run(start);
    expect(r.code, r.output).toBe(0);
    expect(r.stdout).not.toContain('State persistence enabled');
    expect(readFileSync(marker, 'utf8')).toBe('pre\ninstall\npost\n');
    for (const name of ['pre_install', 'install', 'post_install']) {
      expect(readFileSync(path.join(moduleDir(), `${name}.log`), 'utf8')).toBe(`${name.replace('_install', '')} says hi\n`);
    }
    expect(startupLog()).toMatchObject({ state_file: '', load_state: false, save_state: false, pid_file: pidFile() });
    expect(existsSync(pidFile())).toBe(true);
    expect(existsSync(stateFile())).toBe(false);
  });

  it.each([
    [{ output: 'agentapi version 0.11.8\n' }, 'Warning: state persistence requires agentapi >= v0.12.0 (current: 0.11.8), skipping.'],
    [{ output: '' }, 'Warning: unable to determine agentapi version, state persistence disabled.'],
    [{ output: 'agentapi version 0.12.1\n', code: 2 }, 'Warning: unable to determine agentapi version, state persistence disabled.'],
  ])('disables persistence for --version %j', async (version, warning) => {
    sandbox.writeAgentapi(version);
    const port = await freePort();
    const r = await sandbox.run(sandbox.wrappers(port).start);
    expect(r.code, r.output).toBe(0);
    expect(r.stdout).toContain(`${warning}\n`);
    expect(startupLog()).toMatchObject({ state_file: '', load_state: false, save_state: false, pid_file: pidFile() });
  });

  it('fails with the install step exit code and never starts AgentAPI', async () => {
    const port = await freePort();
    const { start } = sandbox.wrappers(port, {
      pre_install_script: '#!/bin/bash\necho pre ok\n',
      install_script: '#!/bin/bash\necho installing\nexit 3\n',
      post_install_script: '#!/bin/bash\necho post must not run\n',
    });
    const r = await sandbox.run(start);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Error: install script failed with exit code 3\n');
    expect(r.stdout).toContain('Running pre_install script...\npre ok\nRunning install script...\ninstalling\n');
    expect(r.output).not.toContain('post must not run');
    expect(existsSync(pidFile())).toBe(false);
  });

  it('fails when agentapi is not on PATH', async () => {
    const port = await freePort();
    const r = await sandbox.run(sandbox.wrappers(port).start, sandbox.env({ PATH: '/usr/bin:/bin' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: agentapi is not installed or not on PATH.\n');
  });

  it('warns about a missing jq when snapshots are on for a task', async () => {
    const port = await freePort();
    const { start } = sandbox.wrappers(port, { start_script: '#!/bin/bash\nexit 0\n' });
    const r = await sandbox.run(start, sandbox.env({ PATH: sandbox.pathWithout(['jq']), AGENTAPI_WAIT_MAX_ATTEMPTS: '1' }));
    expect(r.stdout).toContain('Warning: jq is not installed; task log snapshots will be skipped on shutdown.\n');
  });

  it('fails when AgentAPI never answers /status within the attempts', async () => {
    const port = await freePort();
    const { start } = sandbox.wrappers(port, { start_script: '#!/bin/bash\nexit 0\n' });
    const r = await sandbox.run(start, sandbox.env({ AGENTAPI_WAIT_MAX_ATTEMPTS: '3' }));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      [1, 2, 3].map((i) => `agentapi server not responding (${i}/3)\n`).join(''),
    );
    expect(r.stderr).toContain(`Error: agentapi server did not start on port ${port} after 3 attempts.\n`);
  });
});
