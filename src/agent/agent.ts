// `taskyard agent`, the composition root of the workspace agent (agent.md §0,
// §3.3, §3.4). It creates exactly ONE unit manager and hands that same
// instance to the script runner and the socket server, so scripts and
// `taskyard sync` see and affect the same units. It wires and sequences; the
// behaviour lives in units/, scripts/, socket/ and apps/.
import type { Logger } from 'pino';
import type { LifecycleState } from '../protocol/lifecycle.js';
import type { Manifest } from '../protocol/manifest.js';
import type { AgentConfig } from './agent-config.js';
import { AppMonitor } from './apps/app-monitor.js';
import type { ControlPlane } from './control-plane/types.js';
import { anyScriptFailure, ScriptRunner, type RunnerTuning } from './scripts/index.js';
import { SocketServer } from './socket/server.js';
import { UnitManager } from './units/manager.js';
import { UnitsReporter } from './units-reporter.js';

export interface WorkspaceAgentOptions {
  config: AgentConfig;
  controlPlane: ControlPlane;
  logger: Logger;
  /** The agent's own environment, passed on to scripts. */
  env: Readonly<Record<string, string | undefined>>;
  /** Script runner delays (tests shorten them); the spec's by default. */
  tuning?: Partial<RunnerTuning>;
}

/** Log flush budget at the end of the stop sequence (§3.4 step 7). */
const LOG_FLUSH_LIMIT_MS = 5_000;
/** A sign of life in the agent log, so a silent agent is told apart from a dead one. */
export const HEARTBEAT_INTERVAL_MS = 30_000;

export class WorkspaceAgent {
  /** The one unit manager of this agent (seed 002). */
  readonly units = new UnitManager();
  private runner: ScriptRunner | undefined;
  private socket: SocketServer | undefined;
  private reporter: UnitsReporter | undefined;
  private apps: AppMonitor | undefined;
  private initialized = false;
  private stopping = false;
  private requestStop!: (reason: string) => void;
  private readonly stopRequested = new Promise<string>((resolve) => (this.requestStop = resolve));
  private lifecycle: Promise<void> = Promise.resolve();
  private state: LifecycleState = 'created';
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly options: WorkspaceAgentOptions) {
    options.controlPlane.onShutdown(() => this.shutdown('control plane'));
  }

  /** Starts the stop sequence (SIGTERM, SIGINT or the control plane's `shutdown`). Repeats are ignored. */
  shutdown(reason: string): void {
    if (this.stopping) {
      this.options.logger.info({ reason }, 'shutdown already in progress; ignoring');
      return;
    }
    this.stopping = true;
    this.requestStop(reason);
  }

  /** Runs the agent until it has shut down; resolves with the process exit code. */
  async run(): Promise<number> {
    const { controlPlane, logger } = this.options;
    this.report('created');
    let manifest: Manifest;
    try {
      // A stop order while the manifest is still being fetched (control plane
      // unreachable) ends the agent: nothing has started, so nothing needs stopping.
      const fetched = await Promise.race([
        controlPlane.fetchManifest(),
        this.stopRequested.then((reason) => ({ stoppedBeforeStart: reason })),
      ]);
      if ('stoppedBeforeStart' in fetched) {
        logger.info({ reason: fetched.stoppedBeforeStart }, 'stopped before the manifest arrived');
        // Nothing was delivered so far; do not hold the stop up for long.
        await controlPlane.close(1_000).catch(() => undefined);
        return 0;
      }
      manifest = fetched;
    } catch (err) {
      logger.error({ err: String(err) }, 'failed to get manifest');
      process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
      await this.lifecycle;
      return 1;
    }
    await this.startSocketServer();
    this.reporter = new UnitsReporter(this.units, (r) => controlPlane.reportUnits(r), logger);
    this.runner = this.createRunner(manifest);

    this.heartbeat = setInterval(() => {
      const units = this.units.listUnits();
      logger.info(
        { state: this.state, units: units.length, completed: units.filter((u) => u.status === 'completed').length },
        'agent heartbeat',
      );
    }, HEARTBEAT_INTERVAL_MS);

    // Start scripts run while we wait for a stop order; a stop cancels them.
    const starting = this.startScripts(manifest);
    const reason = await this.stopRequested;
    logger.info({ reason }, 'shutting down');
    await this.stopSequence();
    clearInterval(this.heartbeat);
    await starting.catch(() => undefined);
    return 0;
  }

  private report(state: LifecycleState): void {
    this.state = state;
    const changedAt = new Date();
    // Reports go out strictly in order, each retried by the control plane client.
    this.lifecycle = this.lifecycle.then(() =>
      this.options.controlPlane.reportLifecycle(state, changedAt).catch((err: unknown) => {
        this.options.logger.warn({ state, err: String(err) }, 'failed to report lifecycle state');
      }),
    );
  }

  private async startSocketServer(): Promise<void> {
    const { config, controlPlane, logger } = this.options;
    if (!config.socketServerEnabled) return;
    const socket = new SocketServer(this.units, {
      path: config.socketPath,
      logger,
      forwardAppStatus: (status) => controlPlane.forwardAppStatus(status),
    });
    try {
      await socket.start();
      this.socket = socket;
    } catch (err) {
      // The agent is still useful without `taskyard sync`; scripts just cannot coordinate.
      logger.error({ err: String(err), path: config.socketPath }, 'failed to start agent socket server');
    }
  }

  private createRunner(manifest: Manifest): ScriptRunner {
    const { config, controlPlane, logger, env, tuning } = this.options;
    return new ScriptRunner({
      logDir: config.logDir,
      dataDirBase: config.scriptDataDir,
      logger,
      logSink: controlPlane.logSink,
      timingReporter: controlPlane.timingReporter,
      unitManager: this.units,
      agentEnv: env,
      manifestEnv: manifest.environment_variables,
      directory: manifest.directory,
      workspace: {
        agentUrl: config.url,
        agentToken: config.token,
        workspaceId: manifest.workspace_id,
        workspaceName: manifest.workspace_name,
        ownerName: manifest.owner_name,
        agentName: manifest.agent_name,
        socketPath: config.socketPath,
      },
      tuning,
    });
  }

  /** §3.3.2 from `starting` on. */
  private async startScripts(manifest: Manifest): Promise<void> {
    const runner = this.runner!;
    this.report('starting');
    try {
      await runner.init(manifest.scripts);
      this.initialized = true;
    } catch (err) {
      this.options.logger.error({ err: String(err) }, 'failed to initialize scripts');
      if (!this.stopping) this.report('start_error');
      return;
    }
    let state: LifecycleState = 'ready';
    try {
      await runner.execute('START');
    } catch (err) {
      state = anyScriptFailure(err, 'SCRIPT_TIMED_OUT') ? 'start_timeout' : 'start_error';
      this.options.logger.warn({ err: String(err) }, 'start scripts failed');
    }
    // A stop that arrived meanwhile owns the lifecycle from here on.
    if (this.stopping) return;
    this.report(state);
    runner.startCron();
    this.startApps(manifest);
  }

  /** App health checks and the task app watcher (§3.5.1–§3.5.2), last step of §3.3.2. */
  private startApps(manifest: Manifest): void {
    const { controlPlane, logger } = this.options;
    this.apps = new AppMonitor({
      manifest,
      reportHealth: (healths) => controlPlane.reportAppHealth(healths),
      reportStatus: (status) => controlPlane.reportAppStatus(status),
      logger,
    });
    this.apps.start();
  }

  /** §3.4, in the normative order. */
  private async stopSequence(): Promise<void> {
    const { controlPlane, logger } = this.options;
    const runner = this.runner!;
    this.report('shutting_down');
    // Stop scripts shut the task app down: probing it meanwhile would report it unhealthy.
    await this.apps?.stop();
    let final: LifecycleState = 'off';
    if (this.initialized) {
      try {
        // Cancels start/cron runs and dependency waits, stops cron, then runs stop scripts.
        await runner.execute('STOP');
      } catch (err) {
        final = anyScriptFailure(err, 'SCRIPT_TIMED_OUT') ? 'shutdown_timeout' : 'shutdown_error';
        logger.warn({ err: String(err) }, 'stop scripts failed');
      }
    }
    this.report(final);
    await runner.close();
    this.reporter?.stop();
    // The final state must have reached the control plane before the socket goes (§3.6: `off`, then no socket).
    await this.lifecycle;
    await this.socket?.close();
    await controlPlane.close(LOG_FLUSH_LIMIT_MS);
  }
}
