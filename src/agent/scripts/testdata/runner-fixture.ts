// Builds a ScriptRunner the way the agent does — with the REAL unit manager —
// over temp dirs and recording collaborators, and tears everything down.
// Test support only (under testdata/, never shipped); it must never fake our
// own components.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { UnitManager } from '../../units/manager.js';
import type { UnitStatus } from '../../units/types.js';
import type { ScriptRunnerOptions } from '../options.js';
import { ScriptRunner } from '../runner.js';
import { identity, RecordingReporter, RecordingSink, recordingLogger, tempDir } from './harness.js';

export interface RunnerFixture {
  runner: ScriptRunner;
  manager: UnitManager;
  sink: RecordingSink;
  reporter: RecordingReporter;
  records: ReturnType<typeof recordingLogger>['records'];
  root: string;
  logDir: string;
  dataDirBase: string;
  home: string;
  /** Variables every test script can use: `$OUT` is a scratch dir. */
  out: string;
  /** Every (unit, status) the manager reported, in order. */
  transitions: Array<[string, UnitStatus]>;
  dispose: () => Promise<void>;
}

export function createRunnerFixture(overrides: Partial<ScriptRunnerOptions> & { withManager?: boolean } = {}): RunnerFixture {
  const { dir: root, cleanup } = tempDir('script-runner-');
  const logDir = path.join(root, 'logs');
  const dataDirBase = path.join(root, 'data');
  const home = path.join(root, 'home');
  const out = path.join(root, 'out');
  for (const d of [logDir, dataDirBase, home, out]) mkdirSync(d);
  const manager = new UnitManager();
  const transitions: Array<[string, UnitStatus]> = [];
  const seen = new Map<string, UnitStatus>();
  const unsubscribe = manager.subscribe(() => {
    for (const unit of manager.listUnits()) {
      if (seen.get(unit.id) !== unit.status) transitions.push([unit.id, unit.status]);
      seen.set(unit.id, unit.status);
    }
  });
  const sink = new RecordingSink();
  const reporter = new RecordingReporter();
  const { logger, records } = recordingLogger();
  const { withManager = true, ...options } = overrides;
  const runner = new ScriptRunner({
    logDir,
    dataDirBase,
    logger,
    logSink: sink,
    timingReporter: reporter,
    unitManager: withManager ? manager : undefined,
    agentEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, OUT: out },
    workspace: identity,
    ...options,
  });
  return {
    runner,
    manager,
    sink,
    reporter,
    records,
    root,
    logDir,
    dataDirBase,
    home,
    out,
    transitions,
    dispose: async () => {
      await runner.close();
      unsubscribe();
      cleanup();
      // Everything the runner sent must fit the control plane's schemas.
      if (sink.invalid.length > 0) throw new Error(`log lines off-schema: ${JSON.stringify(sink.invalid)}`);
      if (reporter.invalid.length > 0) throw new Error(`timings off-schema: ${JSON.stringify(reporter.invalid)}`);
    },
  };
}
