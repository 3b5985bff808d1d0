// Workspace agent figures (issue 4): `taskyard sync list` cold round trip, a
// manager with 10,000 units / 50,000 edges, and script spawn overhead. Each
// is reported next to a baseline measured in the same run.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { ScriptRunner } from '../src/agent/scripts/index.js';
import { SocketServer } from '../src/agent/socket/server.js';
import { UnitManager } from '../src/agent/units/manager.js';
import { TASKYARD_BIN } from '../test/helpers/taskyard-process.js';
import { percentile, type Benchmark } from './harness.js';

const RUNS = 15;

/** Wall time of a child process from spawn to exit, in ms. */
function timeProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${cmd} exited ${code}`))));
  });
}

async function median(times: () => Promise<number>, runs = RUNS): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await times());
  return percentile(samples.sort((a, b) => a - b), 50);
}

async function withSocket<T>(manager: UnitManager, body: (socket: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-sock-'));
  const socket = path.join(dir, 'agent.sock');
  const server = new SocketServer(manager, { path: socket });
  await server.start();
  try {
    return await body(socket);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const syncListCold: Benchmark = {
  name: 'taskyard sync list cold round trip',
  async run() {
    const manager = new UnitManager();
    for (const name of ['coder_script.install', 'coder_script.configure', 'Fallback Only']) manager.register(name);
    const value = await withSocket(manager, (socket) =>
      median(() => timeProcess(process.execPath, [TASKYARD_BIN, 'sync', '--socket-path', socket, 'list'])),
    );
    const baseline = await median(() => timeProcess(process.execPath, ['-e', '0']));
    return [
      {
        name: `taskyard sync list, process start → output (median of ${RUNS})`,
        value,
        unit: 'ms',
        target: '< 150 ms',
        meetsTarget: value < 150,
        baseline: { name: 'node -e 0', value: baseline },
      },
    ];
  },
};

const bigGraph: Benchmark = {
  name: 'unit manager with 10,000 units and 50,000 edges',
  async run() {
    const UNITS = 10_000;
    const EDGES = 50_000;
    // Edges always point from a higher to a lower index: a DAG, so every add succeeds.
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const edges: [number, number][] = [];
    for (let i = 0; i < EDGES; i++) {
      const from = 1 + Math.floor(random() * (UNITS - 1));
      edges.push([from, Math.floor(random() * from)]);
    }
    const t0 = performance.now();
    const manager = new UnitManager();
    for (let i = 0; i < UNITS; i++) manager.register(`unit-${i}`);
    for (const [from, to] of edges) manager.addDependency(`unit-${from}`, `unit-${to}`, 'completed');
    const build = performance.now() - t0;

    // Baseline: the same inserts into plain Maps, no cycle checks or readiness.
    const t1 = performance.now();
    const plain = new Map<string, Map<string, string>>();
    for (let i = 0; i < UNITS; i++) plain.set(`unit-${i}`, new Map());
    for (const [from, to] of edges) plain.get(`unit-${from}`)!.set(`unit-${to}`, 'completed');
    const plainBuild = performance.now() - t1;

    const [list, ping] = await withSocket(manager, async (socket) => [
      await median(() => timeProcess(process.execPath, [TASKYARD_BIN, 'sync', '--socket-path', socket, 'list']), 5),
      await median(() => timeProcess(process.execPath, [TASKYARD_BIN, 'sync', '--socket-path', socket, 'ping']), 5),
    ]);
    return [
      { name: 'build 10,000 units + 50,000 edges', value: build, unit: 'ms', baseline: { name: 'same inserts into plain Maps', value: plainBuild } },
      {
        name: 'taskyard sync list with 10,000 units',
        value: list,
        unit: 'ms',
        target: '< 300 ms',
        meetsTarget: list < 300,
        baseline: { name: 'taskyard sync ping, same agent', value: ping },
      },
    ];
  },
};

const spawnOverhead: Benchmark = {
  name: 'script spawn overhead',
  async run() {
    const COUNT = 100;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-spawn-'));
    const ids = (i: number, kind: number) => `00000000-0000-4000-8${kind}00-${i.toString(16).padStart(12, '0')}`;
    const runner = new ScriptRunner({
      logDir: dir,
      dataDirBase: dir,
      logger: pino({ level: 'silent' }),
      logSink: { send: () => undefined },
      timingReporter: { report: async () => undefined },
      unitManager: new UnitManager(),
      agentEnv: process.env,
      workspace: { workspaceId: ids(0, 9), workspaceName: 'bench', ownerName: 'bench', agentName: 'main', socketPath: path.join(dir, 's.sock') },
    });
    await runner.init(
      Array.from({ length: COUNT }, (_, i) => ({
        id: ids(i, 1),
        log_source_id: ids(i, 2),
        log_path: '',
        script: 'true',
        cron: '',
        run_on_start: true,
        run_on_stop: false,
        start_blocks_login: false,
        timeout_ms: 0,
        display_name: `script ${i}`,
        resource_address: '',
        depends_on: [],
      })),
    );
    const t0 = performance.now();
    await runner.execute('START');
    const value = performance.now() - t0;
    await runner.close();

    const t1 = performance.now();
    await Promise.all(Array.from({ length: COUNT }, () => timeProcess('/bin/bash', ['-c', 'true'])));
    const baseline = performance.now() - t1;
    rmSync(dir, { recursive: true, force: true });
    return [
      {
        name: '100 trivial start scripts, wall time',
        value,
        unit: 'ms',
        baseline: { name: '100 bare bash -c true spawns, concurrent', value: baseline },
      },
    ];
  },
};

export const agentBenchmarks: Benchmark[] = [syncListCold, bigGraph, spawnOverhead];
