// Unit tests of the agentapi module's lib.sh (module.md §5.1), each case a
// bash run that sources the real file: version parsing and comparison
// tables, PID-file verification, state file fingerprints. They must never
// leave a process behind (every started process is killed by the sandbox).
import { renameSync, writeFileSync, mkdirSync, symlinkSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAlive, Sandbox, SCRIPTS_DIR, waitFor, type RunResult } from '../registry/coder/modules/agentapi/testdata/harness.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(async () => {
  await sandbox.cleanup();
});

const LIB = path.join(SCRIPTS_DIR, 'lib.sh');
const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Runs `body` in bash after sourcing lib.sh (set -euo pipefail comes with it). */
function withLib(body: string, env?: NodeJS.ProcessEnv): Promise<RunResult> {
  return sandbox.run(`source ${shellQuote(LIB)}\n${body}\n`, env ?? sandbox.env());
}

describe('agentapi_version', () => {
  it.each([
    ['agentapi version 0.12.1\n', 0, '0.12.1'],
    ['agentapi version v0.12.0\n', 0, '0.12.0'],
    ['0.3.3', 0, '0.3.3'],
    ['agentapi version 1.2.3\nsomething 9.9.9\n', 0, '1.2.3'],
    ['agentapi version   0.12.1   \n', 0, '0.12.1'],
    ['agentapi version latest\n', 0, ''],
    ['agentapi version 0.12.0-rc1\n', 0, ''],
    ['agentapi version 0.12\n', 0, ''],
    ['', 0, ''],
    ['\nagentapi version 0.12.1\n', 0, ''],
    ['agentapi version 0.12.1\n', 1, ''],
  ])('%j (exit %i) → %j', async (output, code, expected) => {
    sandbox.writeAgentapi({ output, code });
    const r = await withLib('v="$(agentapi_version)"; echo "[$v] rc=$?"');
    expect(r.stdout).toBe(`[${expected}] rc=0\n`);
  });

  it('prints nothing and exits 0 without an agentapi binary', async () => {
    const r = await withLib('v="$(agentapi_version)"; echo "[$v] rc=$?"', sandbox.env({ PATH: '/usr/bin:/bin' }));
    expect(r.stdout).toBe('[] rc=0\n');
  });

  it('gives up on a hanging binary after 5 s', async () => {
    writeFileSync(path.join(sandbox.bin, 'agentapi'), '#!/bin/sh\nexec sleep 30\n');
    const started = Date.now();
    const r = await withLib('v="$(agentapi_version)"; echo "[$v] rc=$?"');
    expect(r.stdout).toBe('[] rc=0\n');
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
    expect(Date.now() - started).toBeLessThan(8_000);
  });
});

describe('version_at_least', () => {
  it.each([
    ['0.12.0', '0.12.0', 0],
    ['0.12.0', '0.12.1', 0],
    ['0.12.0', '0.13.0', 0],
    ['0.12.0', '1.0.0', 0],
    ['0.12.0', '0.100.0', 0],
    ['v0.12.0', 'v0.12.0', 0],
    ['0.12.0', 'v0.12.3', 0],
    ['0.12.0', '00.012.000', 0],
    ['1.0.0', '99999999999999999999.0.0', 0],
    ['0.12.0', '0.11.9', 1],
    ['0.12.0', '0.2.0', 1],
    ['0.12.0', '0.0.1', 1],
    ['99999999999999999999.0.0', '99999999999999999998.9.9', 1],
    ['0.12.0', '', 2],
    ['0.12.0', 'latest', 2],
    ['0.12.0', '0.12', 2],
    ['0.12.0', '0.12.0-rc1', 2],
    ['0.12.0', 'vv0.12.0', 2],
    ['0.12.0', ' 0.12.0', 2],
    ['bad', '1.0.0', 2],
    ['', '', 2],
  ])('min %j, actual %j → %i', async (min, actual, expected) => {
    const r = await withLib(`rc=0; version_at_least ${shellQuote(min)} ${shellQuote(actual)} || rc=$?; echo "rc=$rc"`);
    expect(r.stdout).toBe(`rc=${expected}\n`);
  });

  it('returns 2 when ACTUAL is missing', async () => {
    const r = await withLib('rc=0; version_at_least 0.12.0 || rc=$?; echo "rc=$rc"');
    expect(r.stdout).toBe('rc=2\n');
  });
});

describe('read_agentapi_pid', () => {
  const read = (file: string) => withLib(`pid="$(read_agentapi_pid ${shellQuote(file)})" && echo "pid=[$pid]" || echo "rejected=$?"`);
  const pidFile = () => path.join(sandbox.root, 'agentapi.pid');

  /** A long-running process started as `argv`; resolves with its PID once its cmdline shows up. */
  async function processWithArgv(command: string, args: string[]): Promise<number> {
    const child = sandbox.spawnTracked(command, args);
    const pid = child.pid!;
    await waitFor(() => isAlive(pid), 'the process to start');
    return pid;
  }

  it('rejects a missing file', async () => {
    const r = await read(pidFile());
    expect(r.stdout).toBe('rejected=1\n');
    expect(r.stderr).toBe(`No PID file at ${pidFile()}\n`);
  });

  it.each(['', 'abc', '0', '-5', '12 34', '1.5', '007', '12345678901'])('rejects the content %j', async (content) => {
    writeFileSync(pidFile(), `${content}\n`);
    const r = await read(pidFile());
    expect(r.stdout).toBe('rejected=1\n');
    expect(r.stderr).toBe(`Invalid PID file content in ${pidFile()}, ignoring\n`);
  });

  it('rejects the PID of a process that exited', async () => {
    const child = sandbox.spawnTracked('true', []);
    await new Promise((resolve) => child.on('exit', resolve));
    writeFileSync(pidFile(), `${child.pid}\n`);
    const r = await read(pidFile());
    expect(r.stdout).toBe('rejected=1\n');
    expect(r.stderr).toBe(`AgentAPI (pid ${child.pid}) is not running\n`);
  });

  it('rejects a live process that is not agentapi (a reused PID)', async () => {
    const pid = await processWithArgv('sleep', ['1000']);
    writeFileSync(pidFile(), `${pid}\n`);
    const r = await read(pidFile());
    expect(r.stdout).toBe('rejected=1\n');
    expect(r.stderr).toBe(`Process ${pid} is not agentapi, not signalling it\n`);
    expect(isAlive(pid)).toBe(true);
  });

  it('rejects `agentapi` beyond the first three cmdline entries', async () => {
    const pid = await processWithArgv('bash', ['-c', 'sleep 1000; :', 'a', 'b', 'agentapi']);
    writeFileSync(pidFile(), `${pid}\n`);
    expect((await read(pidFile())).stderr).toBe(`Process ${pid} is not agentapi, not signalling it\n`);
  });

  it('accepts argv[0] named agentapi, with the content trimmed', async () => {
    const dir = path.join(sandbox.root, 'named');
    mkdirSync(dir);
    symlinkSync('/bin/sleep', path.join(dir, 'agentapi'));
    const pid = await processWithArgv(path.join(dir, 'agentapi'), ['1000']);
    writeFileSync(pidFile(), `  ${pid} \n\n`);
    const r = await read(pidFile());
    expect(r.stdout).toBe(`pid=[${pid}]\n`);
    expect(r.stderr).toBe('');
  });

  it('accepts a script whose basename starts with `agentapi.` (node agentapi.js …)', async () => {
    const script = path.join(sandbox.root, 'agentapi.js');
    writeFileSync(script, 'setInterval(() => {}, 1000);\n');
    chmodSync(script, 0o644);
    const pid = await processWithArgv(process.execPath, [script, 'server']);
    writeFileSync(pidFile(), `${pid}\n`);
    expect((await read(pidFile())).stdout).toBe(`pid=[${pid}]\n`);
  });

  it('rejects a basename that merely starts with agentapi (agentapi-start.sh)', async () => {
    const script = path.join(sandbox.root, 'agentapi-start.sh');
    writeFileSync(script, 'sleep 1000; :\n');
    const pid = await processWithArgv('bash', [script]);
    writeFileSync(pidFile(), `${pid}\n`);
    expect((await read(pidFile())).stderr).toBe(`Process ${pid} is not agentapi, not signalling it\n`);
  });
});

describe('file_fingerprint', () => {
  it('prints `missing` for a missing file', async () => {
    const r = await withLib(`file_fingerprint ${shellQuote(path.join(sandbox.root, 'nope'))}`);
    expect(r.stdout).toBe('missing\n');
  });

  it('prints inode, nanosecond mtime and size, and changes on an atomic rename', async () => {
    const file = path.join(sandbox.root, 'state.json');
    writeFileSync(file, '{"a":1}');
    const before = (await withLib(`file_fingerprint ${shellQuote(file)}`)).stdout;
    expect(before).toMatch(/^\d+ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} [+-]\d{4} 7\n$/);
    writeFileSync(`${file}.tmp`, '{"a":1}');
    renameSync(`${file}.tmp`, file);
    const after = (await withLib(`file_fingerprint ${shellQuote(file)}`)).stdout;
    expect(after).not.toBe(before);
  });
});

describe('seconds_to_ms', () => {
  it.each([
    ['10', '10000'],
    ['0.5', '500'],
    ['1.25', '1250'],
    ['0', '0'],
    ['2.0001', '2000'],
  ])('%s s → %s ms', async (input, ms) => {
    expect((await withLib(`seconds_to_ms ${input}`)).stdout).toBe(`${ms}\n`);
  });

  it.each(['', 'abc', '-1', '1e3', '.5'])('rejects %j', async (input) => {
    const r = await withLib(`seconds_to_ms ${shellQuote(input)} || echo "rc=$?"`);
    expect(r.stdout).toBe('rc=1\n');
  });
});
