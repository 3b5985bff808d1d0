// `taskyard agent` as a process: bad manifests, contested sockets, and
// dependencies satisfied from outside through `taskyard sync`.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runTaskyard, startTaskyard, stopAllTaskyard, TASKYARD_CMD, writeManifest } from './helpers/taskyard-process.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'agent-proc-'));
});
afterEach(async () => {
  await stopAllTaskyard();
  rmSync(dir, { recursive: true, force: true });
});

const agentArgs = (manifest: string, socket: string) => [
  'agent',
  '--manifest',
  manifest,
  '--socket-path',
  socket,
  '--log-dir',
  dir,
  '--script-data-dir',
  dir,
];

describe('taskyard agent: bad input', () => {
  it.each([
    ['not JSON', '{', /^error: invalid manifest: not valid JSON: /],
    ['a bad field', JSON.stringify({ agent_id: 'x' }), /^error: invalid manifest: agent_id: /],
    [
      'a bad script field',
      JSON.stringify({
        agent_id: '00000000-0000-4000-8000-000000000001',
        workspace_id: '00000000-0000-4000-8000-000000000002',
        workspace_name: 'w',
        owner_name: 'o',
        scripts: [{ id: '00000000-0000-4000-8000-000000000003', log_source_id: '00000000-0000-4000-8000-000000000004', script: 'true', timeout_ms: 'soon' }],
      }),
      /^error: invalid manifest: scripts\[0\]\.timeout_ms: /,
    ],
  ])('a manifest with %s fails with exit 1 naming the problem', async (_name, text, message) => {
    const manifest = path.join(dir, 'm.json');
    writeFileSync(manifest, text);
    const r = await runTaskyard(agentArgs(manifest, path.join(dir, 's.sock')));
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').find((l) => l.startsWith('error: '))).toMatch(message);
  });

  it('a missing manifest file fails with exit 1', async () => {
    const r = await runTaskyard(agentArgs(path.join(dir, 'nope.json'), path.join(dir, 's.sock')));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: read manifest ');
  });

  it('without --manifest, --url and --token are required', async () => {
    const env = { CODER_AGENT_URL: '', CODER_AGENT_TOKEN: '', TASKYARD_AGENT_MANIFEST: '' };
    expect(await runTaskyard(['agent'], env)).toMatchObject({ code: 1, stderr: 'error: --url (CODER_AGENT_URL) is required\n' });
    expect(await runTaskyard(['agent', '--url', 'http://127.0.0.1:9'], env)).toMatchObject({
      code: 1,
      stderr: 'error: --token (CODER_AGENT_TOKEN) is required\n',
    });
  });

  it('SIGTERM while the control plane is unreachable ends the agent promptly with exit 0', async () => {
    // Port 9 (discard) is closed on loopback: every manifest request fails and is retried.
    const agent = startTaskyard(['agent', '--url', 'http://127.0.0.1:9', '--token', 't', '--socket-path', path.join(dir, 's.sock')]);
    await new Promise((r) => setTimeout(r, 1_500));
    const t0 = Date.now();
    expect(await agent.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('a second agent on the same socket runs without a socket and says why; the first keeps serving', async () => {
    const socket = path.join(dir, 'shared.sock');
    const manifest = path.join(dir, 'm.json');
    writeManifest(manifest, [{ display_name: 'one', run_on_start: true, script: 'true' }]);
    const first = startTaskyard(agentArgs(manifest, socket));
    await first.waitForSocket(socket);
    const second = startTaskyard(agentArgs(manifest, socket));
    await second.waitFor(
      () => second.logs().some((l) => l.msg === 'failed to start agent socket server' && String(l.err).includes(`socket path ${socket} is not available`)),
      'socket refusal',
    );
    expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    // The first agent's socket survived the second agent's shutdown.
    expect((await runTaskyard(['sync', '--socket-path', socket, 'ping'])).stdout).toBe('Success\n');
    await first.stop('SIGTERM');
  });

  it('a socket path that is too long is reported and the scripts still run', async () => {
    const socket = path.join(dir, 'x'.repeat(120), 'agent.sock');
    const manifest = path.join(dir, 'm.json');
    const marker = path.join(dir, 'ran');
    writeManifest(manifest, [{ display_name: 'one', run_on_start: true, script: `touch '${marker}'` }]);
    const agent = startTaskyard(agentArgs(manifest, socket));
    await agent.waitFor(() => existsSync(marker), 'the start script');
    expect(agent.logs().find((l) => l.msg === 'failed to start agent socket server')?.err).toMatch(/too long/);
    await agent.stop('SIGTERM');
  });

  it('creates a missing socket directory with mode 0700', async () => {
    const socket = path.join(dir, 'run', 'nested', 'agent.sock');
    const manifest = path.join(dir, 'm.json');
    writeManifest(manifest, []);
    const agent = startTaskyard(agentArgs(manifest, socket));
    await agent.waitForSocket(socket);
    expect(statSync(path.dirname(socket)).mode & 0o777).toBe(0o700);
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    expect((await runTaskyard(['sync', '--socket-path', socket, 'ping'])).stdout).toBe('Success\n');
    await agent.stop('SIGTERM');
    expect(existsSync(socket)).toBe(false);
  });
});

describe('depends_on through the agent', () => {
  it('a script waiting on an unregistered unit runs once another process starts and completes it', async () => {
    const socket = path.join(dir, 'agent.sock');
    const manifest = path.join(dir, 'm.json');
    const marker = path.join(dir, 'b-ran');
    writeManifest(manifest, [
      { display_name: 'B', run_on_start: true, depends_on: ['X'], script: `date +%s%N > '${marker}'` },
    ]);
    const agent = startTaskyard(agentArgs(manifest, socket));
    await agent.waitForSocket(socket);
    await agent.waitFor(() => agent.logs().some((l) => String(l.msg).includes('not registered') || String(l.output ?? '').includes('not registered')), 'the not-registered warning');
    await new Promise((r) => setTimeout(r, 500));
    expect(existsSync(marker)).toBe(false);

    const sync = (...args: string[]) => runTaskyard(['sync', '--socket-path', socket, ...args]);
    expect((await sync('start', 'X')).stdout).toBe('Unit "X" started with no dependencies\n');
    expect(existsSync(marker)).toBe(false);
    expect((await sync('complete', 'X')).stdout).toBe('Success\n');
    await agent.waitFor(() => existsSync(marker), 'B after X completed', 5_000);
    await agent.waitFor(() => agent.lifecycleStates().includes('ready'), 'ready');
    expect(readFileSync(marker, 'utf8').trim()).toMatch(/^\d+$/);
    await agent.stop('SIGTERM');
  });

  it('a stop script can coordinate through taskyard sync while the agent stops', async () => {
    const socket = path.join(dir, 'agent.sock');
    const manifest = path.join(dir, 'm.json');
    const out = path.join(dir, 'stop-list.txt');
    writeManifest(manifest, [
      { resource_address: 'coder_script.stop', run_on_stop: true, script: `${TASKYARD_CMD} sync list > '${out}'` },
    ]);
    const agent = startTaskyard(agentArgs(manifest, socket));
    await agent.waitFor(() => agent.lifecycleStates().includes('ready'), 'ready');
    expect(await agent.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(readFileSync(out, 'utf8')).toBe('UNIT               STATUS   READY  \ncoder_script.stop  started  true   \n');
    expect(agent.lifecycleStates().slice(-2)).toEqual(['shutting_down', 'off']);
  });
});
