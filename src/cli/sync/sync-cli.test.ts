// `taskyard sync` end to end: the REAL bin against a real UnitManager and
// SocketServer in this process, compared byte-for-byte with the goldens of
// spec agent.md §5.7 (testdata/*.golden), plus socket resolution, argument
// errors and connection failures.
// Must never leave a server, socket file or child process behind.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UnitManager } from '../../agent/units/manager.js';
import { startServer, type RunningServer } from '../../agent/socket/testdata/socket-fixture.js';
import { cleanEnv, golden, runCli } from './testdata/cli-fixture.js';

let s: RunningServer;
beforeEach(async () => {
  s = await startServer();
});
afterEach(async () => {
  await s.stop();
});

const sync = (...args: string[]) => runCli(['sync', '--socket-path', s.path, ...args]);

function dependOn(manager: UnitManager, unit: string, ...deps: string[]): void {
  if (manager.unit(unit).status === '') manager.register(unit);
  for (const dep of deps) manager.addDependency(unit, dep, 'completed');
}

function complete(manager: UnitManager, ...units: string[]): void {
  for (const unit of units) {
    if (manager.unit(unit).status === '') manager.register(unit);
    manager.updateStatus(unit, 'completed');
  }
}

describe('goldens (§5.7)', () => {
  const cases: Array<{ name: string; setup: (m: UnitManager) => void; args: string[]; golden: string }> = [
    {
      name: 'list table',
      setup: (m) => {
        m.register('unit-a');
        m.updateStatus('unit-a', 'started');
        complete(m, 'unit-b');
        dependOn(m, 'unit-c', 'unmet');
      },
      args: ['list'],
      golden: 'list-table.golden',
    },
    { name: 'list, no units', setup: () => undefined, args: ['list'], golden: 'list-empty.golden' },
    { name: 'list JSON, no units', setup: () => undefined, args: ['list', '-o', 'json'], golden: 'list-json-empty.golden' },
    {
      name: 'list JSON',
      setup: (m) => {
        m.register('my-unit');
        m.updateStatus('my-unit', 'started');
      },
      args: ['list', '-o', 'json'],
      golden: 'list-json.golden',
    },
    {
      name: 'status table',
      setup: (m) => {
        dependOn(m, 'test-unit', 'dep-1', 'dep-2');
        complete(m, 'dep-1');
      },
      args: ['status', 'test-unit'],
      golden: 'status-table.golden',
    },
    { name: 'status, no dependencies', setup: (m) => complete(m, 'test-unit'), args: ['status', 'test-unit'], golden: 'status-no-deps.golden' },
    {
      name: 'status JSON',
      setup: (m) => {
        dependOn(m, 'test-unit', 'dep-unit');
        complete(m, 'dep-unit');
      },
      args: ['status', 'test-unit', '--output', 'json'],
      golden: 'status-json.golden',
    },
    { name: 'start, no dependencies', setup: () => undefined, args: ['start', 'test-unit'], golden: 'start-no-deps.golden' },
    {
      name: 'start, dependencies already satisfied',
      setup: (m) => {
        dependOn(m, 'test-unit', 'dep-unit-2', 'dep-unit');
        complete(m, 'dep-unit', 'dep-unit-2');
      },
      args: ['start', 'test-unit'],
      golden: 'start-immediately.golden',
    },
    { name: 'want', setup: () => undefined, args: ['want', 'test-unit', 'dep-unit'], golden: 'want.golden' },
    { name: 'ping', setup: () => undefined, args: ['ping'], golden: 'ping.golden' },
    { name: 'complete', setup: (m) => m.register('test-unit'), args: ['complete', 'test-unit'], golden: 'complete.golden' },
    { name: 'graph after want a b', setup: (m) => dependOn(m, 'a', 'b'), args: ['graph'], golden: 'graph.golden' },
    { name: 'graph --labels', setup: (m) => dependOn(m, 'a', 'b'), args: ['graph', '--labels'], golden: 'graph-labels.golden' },
  ];

  it.each(cases)('$name', async ({ setup, args, golden: file }) => {
    setup(s.manager);
    const result = await sync(...args);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(golden(file));
    expect(result.code).toBe(0);
  });

  it.each([
    { name: 'want cycle', setup: (m: UnitManager) => dependOn(m, 'test-unit', 'dep-unit'), args: ['want', 'dep-unit', 'test-unit'], golden: 'want-cycle.stderr.golden' },
    { name: 'graph never initialised', setup: () => undefined, args: ['graph'], golden: 'graph-uninitialized.stderr.golden' },
  ])('$name → stderr golden, exit 1', async ({ setup, args, golden: file }) => {
    setup(s.manager);
    const result = await sync(...args);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(golden(file));
    expect(result.code).toBe(1);
  });
});

describe('side effects', () => {
  it('want declares one dependency per argument, in order, without registering them', async () => {
    const result = await sync('want', 'u', 'z-dep', 'a-dep');
    expect(result.stdout).toBe('Unit "u" declared dependencies: [z-dep, a-dep]\n');
    expect(s.manager.getAllDependencies('u').map((d) => d.depends_on)).toEqual(['a-dep', 'z-dep']);
    expect(s.manager.unit('z-dep').status).toBe('');
  });

  it('start and complete change the shared manager', async () => {
    await sync('start', 'u');
    expect(s.manager.unit('u').status).toBe('started');
    await sync('complete', 'u');
    expect(s.manager.unit('u').status).toBe('completed');
  });
});

describe('columns', () => {
  it.each([
    [['list', '-c', 'ready,UNIT'], 'UNIT  READY  \nu     false  \n'],
    [['list', '-c', 'status', '-c', 'unit'], 'UNIT  STATUS   \nu     pending  \n'],
    [['status', 'u', '--column', 'satisfied, depends on'], 'Unit: u\nStatus: pending\nReady: false\n\nDependencies:\nDEPENDS ON  SATISFIED  \nd           false      \n'],
  ])('%j', async (args, expected) => {
    dependOn(s.manager, 'u', 'd');
    const result = await sync(...args);
    expect(result.stdout).toBe(expected);
  });

  it.each([
    [['list', '-c', 'name'], 'error: unknown column "name", available columns: unit, status, ready\n'],
    [['status', 'u', '-c', 'ready'], 'error: unknown column "ready", available columns: depends on, required status, current status, satisfied\n'],
  ])('%j → unknown column', async (args, stderr) => {
    s.manager.register('u');
    const result = await sync(...args);
    expect(result).toMatchObject({ code: 1, stdout: '', stderr });
  });
});

describe('arguments', () => {
  it.each([
    [['want'], 'error: at least two arguments are required: <unit> <depends-on> [depends-on...]\n'],
    [['want', 'a'], 'error: at least two arguments are required: <unit> <depends-on> [depends-on...]\n'],
    [['start'], 'error: exactly one unit name is required\n'],
    [['start', 'a', 'b'], 'error: exactly one unit name is required\n'],
    [['complete'], 'error: exactly one unit name is required\n'],
    [['status', 'a', 'b'], 'error: exactly one unit name is required\n'],
  ])('%j', async (args, stderr) => {
    const result = await sync(...args);
    expect(result).toMatchObject({ code: 1, stdout: '', stderr });
    expect(s.manager.listUnits()).toEqual([]);
  });

  it.each([
    [['ping', 'extra'], /^error: too many arguments/],
    [['list', '-o', 'yaml'], /^error: option '-o, --output <format>' argument 'yaml' is invalid/],
    [['start', 'u', '--timeout', '5'], /^error: option '--timeout <duration>' argument '5' is invalid\. time: missing unit in duration "5"\n$/],
    [['bogus'], /^error: unknown command 'bogus'/],
  ])('%j → commander error, exit 1', async (args, stderr) => {
    const result = await sync(...args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(stderr);
  });

  it('empty unit name → the server error', async () => {
    expect(await sync('complete', '')).toMatchObject({ code: 1, stderr: 'error: complete unit failed: unit name is required\n' });
  });
});

describe('socket resolution and connection failures', () => {
  it('uses $CODER_AGENT_SOCKET_PATH without a flag', async () => {
    expect(await runCli(['sync', 'ping'], cleanEnv({ CODER_AGENT_SOCKET_PATH: s.path }))).toMatchObject({ code: 0, stdout: 'Success\n' });
  });

  it('the flag wins over the environment, before or after the sub-command', async () => {
    const env = cleanEnv({ CODER_AGENT_SOCKET_PATH: `${s.dir}/wrong.sock` });
    expect(await runCli(['sync', '--socket-path', s.path, 'ping'], env)).toMatchObject({ code: 0, stdout: 'Success\n' });
    expect(await runCli(['sync', 'ping', '--socket-path', s.path], env)).toMatchObject({ code: 0, stdout: 'Success\n' });
  });

  it.each([['ping'], ['want', 'a', 'b'], ['start', 'a'], ['complete', 'a'], ['status', 'a'], ['list'], ['graph']])(
    'no socket: %s → error: connect to agent socket: …, exit 1',
    async (...args) => {
      const missing = `${s.dir}/missing.sock`;
      const result = await runCli(['sync', '--socket-path', missing, ...args]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`error: connect to agent socket: connect ENOENT ${missing}\n`);
    },
  );
});
