// The workspace agent's script runner (agent.md §2.3, §2.6–§2.8): init once
// (units, dependencies, bin dir, cron), execute a stage's scripts
// concurrently, start cron, close. It composes the per-concern modules of
// this folder and owns every run it starts; it must never create its own
// unit manager, read globals, or let a unit-manager or reporting failure fail
// or delay a script.
//
// Shutdown order (agent.md §3.4), as performed here:
//   execute('STOP'): stop the cron scheduler → cancel running start/cron runs
//     and dependency waits (SIGHUP, SIGKILL after the grace) → run stop scripts;
//   close(): stop cron → cancel cron runs and dependency waits → await every
//     running script → await pending timing reports.
import os from 'node:os';
import type { Logger } from 'pino';
import type { ScriptRecord } from '../../protocol/manifest.js';
import type { UnitManagerApi } from '../units/types.js';
import { systemClock, type Clock, type LogSink } from './collaborators.js';
import { CronScheduler, parseCronExpression } from './cron.js';
import { declareDependencies, dependenciesOf, findDependencyCycle } from './dependency-graph.js';
import { notRegisteredLine, waitForDependencies } from './dependency-wait.js';
import { ScriptDirs } from './dirs.js';
import { buildScriptEnvironment } from './environment.js';
import {
  alreadyInitialized,
  dependencyCycle,
  dependencyWaitAbandoned,
  errorText,
  notInitialized,
  runnerClosed,
  ScriptRunnerError,
  wrapScriptError,
} from './errors.js';
import { lookupIn } from './expand-env.js';
import { formatGoDuration } from './go-duration.js';
import { resolveLogPath } from './log-path.js';
import { ScriptMetrics } from './metrics.js';
import { DEFAULT_TUNING, type RunnerTuning, type ScriptRunnerOptions } from './options.js';
import { runScriptProcess, type ProcessRunResult, UNKNOWN_EXIT_CODE } from './process-runner.js';
import { openLogFile, ScriptOutput, sendStreamLine } from './script-output.js';
import { isSelected, timingStageOf, type ExecuteStage } from './stages.js';
import { timingStatus, TimingDelivery } from './timings.js';
import { ScriptUnits, scriptUnitName } from './units.js';
import { resolveWorkingDirectory } from './working-dir.js';

type RunKind = 'start' | 'stop' | 'cron';

/** One run the runner owns, from its dependency wait to its unit's `completed`. */
interface ActiveRun {
  kind: RunKind;
  controller: AbortController;
  /** True until the script is about to spawn (still abandonable without a trace). */
  waiting: boolean;
  settled: Promise<void>;
}

export class ScriptRunner {
  readonly metrics: ScriptMetrics;
  private readonly logger: Logger;
  private readonly sink: LogSink;
  private readonly clock: Clock;
  private readonly tuning: RunnerTuning;
  private readonly dirs: ScriptDirs;
  private readonly manager: UnitManagerApi | undefined;
  private readonly units: ScriptUnits;
  private readonly timings: TimingDelivery;
  private readonly cron: CronScheduler;
  private readonly homeDir: string;
  private state: 'new' | 'initializing' | 'ready' | 'failed' = 'new';
  private scripts: readonly ScriptRecord[] = [];
  private readonly runs = new Set<ActiveRun>();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: ScriptRunnerOptions) {
    this.logger = options.logger;
    this.sink = options.logSink;
    this.clock = options.clock ?? systemClock;
    this.tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.dirs = new ScriptDirs(options.dataDirBase);
    this.manager = options.unitManager;
    this.units = new ScriptUnits(options.unitManager, options.logger);
    this.metrics = options.metrics ?? new ScriptMetrics();
    this.timings = new TimingDelivery({
      reporter: options.timingReporter,
      logger: options.logger,
      windowMs: this.tuning.timingReportWindowMs,
      initialBackoffMs: this.tuning.timingRetryInitialMs,
    });
    this.cron = new CronScheduler(options.logger);
    this.homeDir = options.agentEnv.HOME || os.homedir();
  }

  /** `<dataDirBase>/coder-script-data/bin`, first on every script's PATH. */
  get binDir(): string {
    return this.dirs.binDir;
  }

  /**
   * Callable once (a second call, even after a failure, rejects with
   * `init: already initialized`). On failure no script can ever run:
   * `execute` keeps rejecting with `execute: not initialized`.
   */
  async init(scripts: readonly ScriptRecord[]): Promise<void> {
    if (this.state !== 'new') throw alreadyInitialized();
    this.state = 'initializing';
    try {
      this.logger.info({ script_count: scripts.length, log_dir: this.options.logDir }, 'initializing agent scripts');
      // All units first, before anything can run or the bin dir exists (§2.7.2).
      this.units.registerAll(scripts);
      this.setUpDependencies(scripts);
      await this.dirs.createBinDir().catch((err: unknown) => {
        throw new ScriptRunnerError('BIN_DIR_FAILED', `create script bin dir: ${errorText(err)}`, { cause: err });
      });
      this.scheduleCron(scripts);
      this.scripts = [...scripts];
      this.state = 'ready';
    } catch (err) {
      this.state = 'failed';
      throw err;
    }
  }

  /**
   * Runs the stage's scripts concurrently; resolves when all finished, or
   * rejects with the first failure (the others in `otherFailures`). A STOP
   * execution first stops cron and cancels start/cron runs and dependency waits.
   */
  async execute(stage: ExecuteStage): Promise<void> {
    if (this.state !== 'ready') throw notInitialized();
    if (this.closing !== undefined) throw runnerClosed();
    if (stage === 'STOP') this.cancelForStop();
    const kind: RunKind = stage === 'STOP' ? 'stop' : stage === 'CRON' ? 'cron' : 'start';
    const failures: ScriptRunnerError[] = [];
    const runs = this.scripts
      .filter((script) => isSelected(script, stage))
      .map((script) => this.track(kind, script, stage).catch((err: unknown) => void failures.push(asRunnerError(err))));
    await Promise.all(runs);
    const [first, ...others] = failures;
    if (first === undefined) return;
    first.otherFailures = others;
    throw first;
  }

  /** Arms the cron jobs scheduled at init. The agent calls it after the start scripts finished. */
  startCron(): void {
    if (this.state !== 'ready') throw new ScriptRunnerError('NOT_INITIALIZED', 'startCron: not initialized');
    if (this.closing !== undefined) return;
    this.cron.start();
  }

  /** Idempotent; see the shutdown order at the top of this file. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.cron.stop();
    for (const run of this.runs) {
      if (run.kind === 'cron' || run.waiting) run.controller.abort();
    }
    while (this.runs.size > 0) await Promise.all([...this.runs].map((run) => run.settled));
    await this.timings.drain();
  }

  private cancelForStop(): void {
    this.cron.stop();
    for (const run of this.runs) {
      if (run.kind !== 'stop') run.controller.abort();
    }
  }

  private setUpDependencies(scripts: readonly ScriptRecord[]): void {
    const cycle = findDependencyCycle(scripts);
    if (cycle !== undefined) throw dependencyCycle(cycle);
    const declaring = scripts.filter((script) => dependenciesOf(script).length > 0);
    if (declaring.length === 0) return;
    if (this.manager === undefined) {
      this.logger.warn({ script_count: declaring.length }, 'depends_on ignored: the script runner has no unit manager');
      return;
    }
    declareDependencies(this.manager, scripts);
    for (const script of declaring) {
      const fields = { script_id: script.id, unit_name: scriptUnitName(script) };
      if (!script.run_on_start) {
        this.logger.info(fields, 'depends_on is only honoured by start scripts; ignored for stop and cron runs');
      }
      for (const dep of dependenciesOf(script)) {
        if (this.units.isRegistered(dep)) continue;
        this.logger.warn({ ...fields, depends_on: dep }, 'script dependency is not a registered unit');
        // Only start scripts wait, so only they get the line in their log stream.
        if (script.run_on_start) sendStreamLine(this.sink, script.log_source_id, this.clock, notRegisteredLine(dep));
      }
    }
  }

  private scheduleCron(scripts: readonly ScriptRecord[]): void {
    for (const script of scripts) {
      if (script.cron === '') continue;
      const parsed = parseCronExpression(script.cron);
      if (!parsed.ok) {
        this.logger.error(
          { script_id: script.id, cron: script.cron, error: parsed.error },
          'invalid cron expression; script not scheduled',
        );
        continue;
      }
      // Runs may overlap (§2.5): every tick starts its own tracked run.
      this.cron.add(parsed.pattern, () => {
        if (this.closing !== undefined) return;
        this.track('cron', script, 'CRON').catch(() => {
          // Already logged by runScript; a cron failure has nobody to reject to.
        });
      });
    }
  }

  private track(kind: RunKind, script: ScriptRecord, stage: ExecuteStage): Promise<void> {
    let settle = (): void => {};
    const run: ActiveRun = {
      kind,
      controller: new AbortController(),
      waiting: true,
      settled: new Promise<void>((resolve) => (settle = resolve)),
    };
    this.runs.add(run);
    return this.runScript(script, stage, run).finally(() => {
      this.runs.delete(run);
      settle();
    });
  }

  private async runScript(script: ScriptRecord, stage: ExecuteStage, run: ActiveRun): Promise<void> {
    const unitName = scriptUnitName(script);
    const context = `run agent script ${JSON.stringify(script.log_source_id)}`;
    const dependencies = dependenciesOf(script);
    if (stage === 'START' && this.manager !== undefined && dependencies.length > 0) {
      const outcome = await waitForDependencies(
        { manager: this.manager, sink: this.sink, clock: this.clock, heartbeatMs: this.tuning.dependencyHeartbeatMs },
        dependencies,
        script.log_source_id,
        run.controller.signal,
      );
      if (outcome === 'abandoned') {
        // Not run: no timing, no metric, unit left `pending` (§2.8.4).
        this.logger.info({ script_id: script.id, unit_name: unitName }, 'script abandoned while waiting for dependencies');
        throw wrapScriptError(context, dependencyWaitAbandoned());
      }
    }
    run.waiting = false;

    this.units.markStarted(unitName);
    const start = this.clock.now();
    const result = await this.spawnAndWait(script, run.controller.signal);
    const end = this.clock.now();

    this.reportRun(script, stage, result, start, end);
    this.units.markCompleted(unitName);
    if (result.error !== undefined) throw wrapScriptError(context, result.error);
  }

  /** Everything from the data dir to the process's end; any failure before the spawn is a spawn failure. */
  private async spawnAndWait(script: ScriptRecord, signal: AbortSignal): Promise<ProcessRunResult> {
    const lookup = lookupIn(this.options.agentEnv);
    const logPath = resolveLogPath(script.log_path, script.log_source_id, {
      logDir: this.options.logDir,
      homeDir: this.homeDir,
      lookup,
    });
    this.logger.info({ script_id: script.id, log_path: logPath }, 'running agent script');

    let scriptDataDir: string;
    let logFd: number;
    try {
      scriptDataDir = await this.dirs.createScriptDataDir(script.log_source_id);
    } catch (err) {
      return spawnStepFailed(`create script data dir: ${errorText(err)}`, err);
    }
    try {
      logFd = openLogFile(logPath);
    } catch (err) {
      return spawnStepFailed(`open ${logPath} script log file: ${errorText(err)}`, err);
    }
    const output = new ScriptOutput({
      logFd,
      sink: this.sink,
      logSourceId: script.log_source_id,
      clock: this.clock,
      logger: this.logger,
    });
    try {
      return await runScriptProcess({
        script: script.script,
        cwd: resolveWorkingDirectory(this.options.directory ?? '', this.homeDir, lookup),
        env: buildScriptEnvironment(
          { agentEnv: this.options.agentEnv, manifestEnv: this.options.manifestEnv ?? {}, identity: this.options.workspace },
          { scriptDataDir, binDir: this.dirs.binDir },
        ),
        timeoutMs: script.timeout_ms,
        signal,
        killGraceMs: this.tuning.killGraceMs,
        pipesGraceMs: this.tuning.pipesGraceMs,
        output,
        shells: this.options.shells,
      });
    } finally {
      output.end();
    }
  }

  private reportRun(script: ScriptRecord, stage: ExecuteStage, result: ProcessRunResult, start: Date, end: Date): void {
    const fields = {
      script_id: script.id,
      execution_time: formatGoDuration(end.getTime() - start.getTime()),
      exit_code: result.exitCode,
    };
    if (result.error === undefined) {
      this.logger.info(fields, 'agent script completed');
    } else {
      this.logger.warn({ ...fields, error: result.error.message }, 'agent script failed');
      if (result.error.code === 'PIPES_LEFT_OPEN') {
        this.logger.warn(
          { script_id: script.id },
          `script exited successfully, but output pipes were not closed after ${formatGoDuration(this.tuning.pipesGraceMs)}`,
        );
      }
    }
    this.metrics.recordRun(result.error === undefined);
    this.timings.dispatch({
      script_id: script.id,
      start: start.toISOString(),
      end: end.toISOString(),
      exit_code: result.exitCode,
      stage: timingStageOf(stage),
      status: timingStatus(result.exitCode, result.error),
    });
  }
}

function spawnStepFailed(message: string, cause: unknown): ProcessRunResult {
  return { exitCode: UNKNOWN_EXIT_CODE, error: new ScriptRunnerError('SPAWN_FAILED', message, { cause }) };
}

function asRunnerError(err: unknown): ScriptRunnerError {
  if (err instanceof ScriptRunnerError) return err;
  // A bug, not a script outcome; keep it visible with a code the agent treats as a failure.
  return new ScriptRunnerError('EXIT_FAILURE', errorText(err), { cause: err });
}
