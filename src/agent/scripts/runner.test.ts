import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { anyScriptFailure, isScriptError, ScriptRunnerError } from './errors.js';
import { pipesLeftOpenWarning } from './process-runner.js';
import { identity, isProcessAlive, killGroup, script, waitFor } from './testdata/harness.js';
import { createRunnerFixture, type RunnerFixture } from './testdata/runner-fixture.js';

let fx: RunnerFixture;
const leftovers: number[] = [];
afterEach(async () => {
  await fx.dispose();
  for (const pid of leftovers.splice(0)) killGroup(pid);
});

const outFile = (name: string): string => path.join(fx.out, name);
const read = (name: string): string => readFileSync(outFile(name), 'utf8');

async function rejection(promise: Promise<unknown>): Promise<ScriptRunnerError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ScriptRunnerError)) throw new Error(`expected a ScriptRunnerError, got ${String(err)}`);
  return err;
}

describe('ScriptRunner: units (§2.7)', () => {
  it('registers exactly the three named scripts, pending, with one warning for the nameless one', async () => {
    fx = createRunnerFixture();
    const nameless = script({ script: 'true', display_name: '', resource_address: '' });
    await fx.runner.init([
      script({ script: 'true', display_name: 'Install Tools', resource_address: 'coder_script.install_tools' }),
      script({ script: 'true', display_name: 'Configure Environment', resource_address: 'module.dev.coder_script.configure' }),
      nameless,
      script({ script: 'true', display_name: 'Fallback Only', resource_address: '' }),
    ]);
    expect(fx.manager.listUnits()).toEqual([
      { id: 'Fallback Only', status: 'pending', ready: true },
      { id: 'coder_script.install_tools', status: 'pending', ready: true },
      { id: 'module.dev.coder_script.configure', status: 'pending', ready: true },
    ]);
    const warnings = fx.records.filter((r) => r.level === 'warn');
    expect(warnings).toEqual([
      expect.objectContaining({ msg: 'skipping unit registration for script with no usable name', script_id: nameless.id }),
    ]);
  });

  it('registers before the bin dir exists and before anything runs', async () => {
    fx = createRunnerFixture();
    const binDir = fx.runner.binDir;
    let binDirAtRegistration: boolean | undefined;
    const unsubscribe = fx.manager.subscribe(() => (binDirAtRegistration ??= existsSync(binDir)));
    await fx.runner.init([script({ script: 'true', display_name: 'a', run_on_start: true })]);
    unsubscribe();
    expect(binDirAtRegistration).toBe(false);
    expect(statSync(binDir).mode & 0o777).toBe(0o700);
  });

  it('walks pending → started → completed around a run', async () => {
    fx = createRunnerFixture();
    const s = script({ script: 'echo lifecycle', resource_address: 'coder_script.my_script', display_name: 'My Script', run_on_start: true });
    await fx.runner.init([s]);
    expect(fx.manager.unit('coder_script.my_script').status).toBe('pending');
    await fx.runner.execute('START');
    expect(fx.manager.unit('coder_script.my_script').status).toBe('completed');
    expect(fx.transitions).toEqual([
      ['coder_script.my_script', 'pending'],
      ['coder_script.my_script', 'started'],
      ['coder_script.my_script', 'completed'],
    ]);
    expect(fx.sink.outputs(s.log_source_id)).toEqual(['lifecycle']);
    await fx.runner.close();
    expect(fx.reporter.timings).toEqual([
      { script_id: s.id, start: expect.any(String), end: expect.any(String), exit_code: 0, stage: 'START', status: 'ok' },
    ]);
  });

  it('completes the unit of a failing script and reports exit_failure', async () => {
    fx = createRunnerFixture();
    const s = script({ script: 'exit 3', display_name: 'failing', run_on_start: true });
    await fx.runner.init([s]);
    const err = await rejection(fx.runner.execute('START'));
    expect(err.code).toBe('EXIT_FAILURE');
    expect(err.message).toBe(`run agent script "${s.log_source_id}": exit status 3`);
    expect(fx.manager.unit('failing').status).toBe('completed');
    await fx.runner.close();
    expect(fx.reporter.timings).toEqual([expect.objectContaining({ exit_code: 3, status: 'exit_failure', stage: 'START' })]);
    expect(fx.runner.metrics.samples().map((m) => m.value)).toEqual([0, 1]);
  });

  it('still runs a script whose unit was started from outside, warns, and completes it', async () => {
    fx = createRunnerFixture();
    await fx.runner.init([script({ script: 'touch "$OUT/ran"', display_name: 'pre', run_on_start: true })]);
    fx.manager.updateStatus('pre', 'started'); // what `taskyard sync start pre` does
    await fx.runner.execute('START');
    expect(existsSync(outFile('ran'))).toBe(true);
    expect(fx.manager.unit('pre').status).toBe('completed');
    expect(fx.records).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: 'failed to update unit status',
        unit_name: 'pre',
        status: 'started',
        error: expect.stringContaining('same status already set'),
      }),
    );
  });

  it('shares one unit between two scripts with the same display name; both run', async () => {
    fx = createRunnerFixture();
    const second = script({ script: 'touch "$OUT/two"', display_name: 'same', run_on_start: true });
    await fx.runner.init([script({ script: 'touch "$OUT/one"', display_name: 'same', run_on_start: true }), second]);
    expect(fx.manager.listUnits()).toEqual([{ id: 'same', status: 'pending', ready: true }]);
    expect(fx.records.filter((r) => r.msg === 'duplicate unit name during script registration')).toEqual([
      expect.objectContaining({ level: 'warn', unit_name: 'same', script_id: second.id }),
    ]);
    await fx.runner.execute('START');
    expect(existsSync(outFile('one')) && existsSync(outFile('two'))).toBe(true);
    expect(fx.manager.unit('same').status).toBe('completed');
  });

  it('makes no unit calls without a manager', async () => {
    fx = createRunnerFixture({ withManager: false });
    await fx.runner.init([script({ script: 'true', display_name: 'x', run_on_start: true })]);
    await fx.runner.execute('START');
    expect(fx.manager.listUnits()).toEqual([]);
  });

  it('completes the unit when the run cannot even start', async () => {
    fx = createRunnerFixture();
    const s = script({ script: 'true', display_name: 'nolog', run_on_start: true, log_path: '/nonexistent-dir/x.log' });
    await fx.runner.init([s]);
    const err = await rejection(fx.runner.execute('START'));
    expect(err.code).toBe('SPAWN_FAILED');
    expect(fx.transitions.map(([, status]) => status)).toEqual(['pending', 'started', 'completed']);
    await fx.runner.close();
    expect(fx.reporter.timings).toEqual([expect.objectContaining({ exit_code: 255, status: 'exit_failure' })]);
  });
});

describe('ScriptRunner: running a script (§2.4)', () => {
  it('times out: script timed out, exit 255, timed_out, whole process group gone', async () => {
    fx = createRunnerFixture();
    const s = script({
      script: 'sleep infinity & echo $! > "$OUT/bg.pid"; echo $$ > "$OUT/main.pid"; sleep infinity',
      display_name: 'slow',
      run_on_start: true,
      timeout_ms: 100,
    });
    await fx.runner.init([s]);
    const err = await rejection(fx.runner.execute('START'));
    expect(err.message).toBe(`run agent script "${s.log_source_id}": script timed out`);
    expect(isScriptError(err, 'SCRIPT_TIMED_OUT')).toBe(true);
    for (const pidFile of ['main.pid', 'bg.pid']) expect(isProcessAlive(Number(read(pidFile)))).toBe(false);
    expect(fx.manager.unit('slow').status).toBe('completed');
    await fx.runner.close();
    expect(fx.reporter.timings).toEqual([expect.objectContaining({ exit_code: 255, status: 'timed_out', stage: 'START' })]);
  });

  it('reports pipes left open with the WARNING line in the log stream', async () => {
    fx = createRunnerFixture({ tuning: { pipesGraceMs: 300 } });
    const s = script({ script: 'echo $$ > "$OUT/main.pid"; sleep 30 &', display_name: 'bg', run_on_start: true });
    await fx.runner.init([s]);
    const err = await rejection(fx.runner.execute('START'));
    leftovers.push(Number(read('main.pid')));
    expect(err.code).toBe('PIPES_LEFT_OPEN');
    expect(fx.sink.sent.filter((l) => l.logSourceId === s.log_source_id)).toEqual([
      expect.objectContaining({ level: 'error', output: pipesLeftOpenWarning(300) }),
    ]);
    expect(fx.sink.outputs(s.log_source_id)[0]).toBe(
      'WARNING: script exited successfully, but output pipes were not closed after 300ms. Background processes must redirect their output (for example: cmd > /dev/null 2>&1 &).',
    );
    await fx.runner.close();
    expect(fx.reporter.timings).toEqual([expect.objectContaining({ exit_code: 255, status: 'pipes_left_open' })]);
  });

  it('gives scripts the reserved variables, data and bin dirs, PATH and manifest env', async () => {
    fx = createRunnerFixture({ manifestEnv: { FROM_MANIFEST: 'home=$HOME', CODER_WORKSPACE_NAME: 'hijack' } });
    const s = script({ script: 'env > "$OUT/env"; pwd > "$OUT/pwd"', display_name: 'env', run_on_start: true });
    await fx.runner.init([s]);
    await fx.runner.execute('START');
    const env = Object.fromEntries(
      read('env')
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    const dataDir = path.join(fx.dataDirBase, 'coder-script-data', s.log_source_id);
    const binDir = path.join(fx.dataDirBase, 'coder-script-data', 'bin');
    expect(env).toMatchObject({
      CODER: 'true',
      CODER_AGENT_URL: identity.agentUrl,
      CODER_AGENT_TOKEN: identity.agentToken,
      CODER_WORKSPACE_ID: identity.workspaceId,
      CODER_WORKSPACE_NAME: identity.workspaceName,
      CODER_WORKSPACE_OWNER_NAME: identity.ownerName,
      CODER_WORKSPACE_AGENT_NAME: identity.agentName,
      CODER_AGENT_SOCKET_PATH: identity.socketPath,
      CODER_SCRIPT_DATA_DIR: dataDir,
      CODER_SCRIPT_BIN_DIR: binDir,
      FROM_MANIFEST: `home=${fx.home}`,
    });
    expect(env.PATH?.startsWith(`${binDir}:`)).toBe(true);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(read('pwd').trim()).toBe(fx.home); // no manifest directory → $HOME
  });

  it('runs in the manifest directory when it exists', async () => {
    fx = createRunnerFixture({ directory: '$OUT' });
    await fx.runner.init([script({ script: 'pwd > "$OUT/pwd"', display_name: 'cwd', run_on_start: true })]);
    await fx.runner.execute('START');
    expect(read('pwd').trim()).toBe(fx.out);
  });

  it('writes the default log file, truncated per run, mode 0600', async () => {
    fx = createRunnerFixture();
    const s = script({ script: 'echo out; echo err >&2', display_name: 'log', run_on_start: true, run_on_stop: true });
    await fx.runner.init([s]);
    await fx.runner.execute('START');
    await fx.runner.execute('STOP');
    const file = path.join(fx.logDir, `coder-script-${s.log_source_id}.log`);
    expect(readFileSync(file, 'utf8')).toBe('out\nerr\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(fx.sink.sent.filter((l) => l.logSourceId === s.log_source_id).map((l) => [l.level, l.output])).toEqual([
      ['info', 'out'],
      ['error', 'err'],
      ['info', 'out'],
      ['error', 'err'],
    ]);
  });

  it('resolves a relative log_path against the log dir and ~ against HOME', async () => {
    fx = createRunnerFixture();
    await fx.runner.init([
      script({ script: 'echo a', display_name: 'rel', run_on_start: true, log_path: 'custom/../rel.log' }),
      script({ script: 'echo b', display_name: 'home', run_on_start: true, log_path: '~/home.log' }),
    ]);
    await fx.runner.execute('START');
    expect(readFileSync(path.join(fx.logDir, 'rel.log'), 'utf8')).toBe('a\n');
    expect(readFileSync(path.join(fx.home, 'home.log'), 'utf8')).toBe('b\n');
  });
});

describe('ScriptRunner: lifecycle (§2.3, §2.6)', () => {
  it('rejects a second init and an execute before init', async () => {
    fx = createRunnerFixture();
    await expect(fx.runner.execute('START')).rejects.toThrow(new ScriptRunnerError('NOT_INITIALIZED', 'execute: not initialized'));
    await fx.runner.init([]);
    await expect(fx.runner.init([])).rejects.toThrow('init: already initialized');
  });

  it.each([
    ['START', ['start', 'both'], 'START'],
    ['STOP', ['stop', 'both'], 'STOP'],
    ['ALL', ['start', 'stop', 'both', 'cron'], 'START'],
    ['CRON', ['cron'], 'CRON'],
  ] as const)('execute(%s) runs %j and reports stage %s', async (stage, expected, timingStage) => {
    fx = createRunnerFixture();
    const scripts = [
      script({ script: 'touch "$OUT/start"', display_name: 'start', run_on_start: true }),
      script({ script: 'touch "$OUT/stop"', display_name: 'stop', run_on_stop: true }),
      script({ script: 'touch "$OUT/both"', display_name: 'both', run_on_start: true, run_on_stop: true }),
      script({ script: 'touch "$OUT/cron"', display_name: 'cron', cron: '0 0 0 1 1 *' }),
    ];
    await fx.runner.init(scripts);
    await fx.runner.execute(stage);
    const ran = ['start', 'stop', 'both', 'cron'].filter((name) => existsSync(outFile(name)));
    expect(ran).toEqual(expected);
    await fx.runner.close();
    expect(fx.reporter.timings.map((t) => t.stage)).toEqual(expected.map(() => timingStage));
  });

  it('runs siblings to the end when one fails, rejecting with the first failure and listing the others', async () => {
    fx = createRunnerFixture();
    await fx.runner.init([
      script({ script: 'exit 1', display_name: 'fails-first', run_on_start: true }),
      script({ script: 'sleep infinity', display_name: 'times-out', run_on_start: true, timeout_ms: 300 }),
      script({ script: 'sleep 0.5; touch "$OUT/ok"', display_name: 'ok', run_on_start: true }),
    ]);
    const err = await rejection(fx.runner.execute('START'));
    expect(err.code).toBe('EXIT_FAILURE');
    expect(err.otherFailures.map((e) => e.code)).toEqual(['SCRIPT_TIMED_OUT']);
    expect(anyScriptFailure(err, 'SCRIPT_TIMED_OUT')).toBe(true);
    expect(existsSync(outFile('ok'))).toBe(true);
  });

  it('a STOP execution cancels running start scripts first (SIGHUP), then runs stop scripts', async () => {
    fx = createRunnerFixture();
    const start = script({ script: 'echo $$ > "$OUT/start.pid"; sleep infinity', display_name: 'start', run_on_start: true });
    await fx.runner.init([start, script({ script: 'touch "$OUT/stopped"', display_name: 'stop', run_on_stop: true })]);
    const starting = rejection(fx.runner.execute('START'));
    await waitFor(() => existsSync(outFile('start.pid')));
    await fx.runner.execute('STOP');
    const err = await starting;
    expect(isScriptError(err, 'SCRIPT_CANCELED')).toBe(true);
    expect(existsSync(outFile('stopped'))).toBe(true);
    expect(isProcessAlive(Number(read('start.pid')))).toBe(false);
    expect(fx.manager.unit('start').status).toBe('completed');
    await fx.runner.close();
    expect(fx.reporter.timings.find((t) => t.script_id === start.id)).toMatchObject({ exit_code: 255, status: 'exit_failure' });
  });

  it('close() waits for pending timing reports', async () => {
    fx = createRunnerFixture({ tuning: { timingRetryInitialMs: 50 } });
    fx.reporter.failNext = 2;
    await fx.runner.init([script({ script: 'true', display_name: 'x', run_on_start: true })]);
    await fx.runner.execute('START');
    expect(fx.reporter.timings).toEqual([]);
    await fx.runner.close();
    expect(fx.reporter.timings).toHaveLength(1);
    expect(fx.reporter.calls).toBe(3);
    await expect(fx.runner.execute('START')).rejects.toThrow('execute: runner closed');
  });
});
