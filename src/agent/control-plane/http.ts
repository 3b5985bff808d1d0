// The control plane of `taskyard agent --url … --token …`: the agent API of
// server.md §5 over HTTP (agent.md §3.2). It composes the pieces of this
// folder — transport (one exchange), retrier (§3.2.1 backoff and the 401
// clock), log batcher (§3.2.5), latest-value senders (units, app health, app
// status) and the command channel (§3.2.3) — and remembers what it last
// reported, so every (re)connect of the command channel can re-post it. It
// must never decide what the agent does: it reports, and it relays the
// server's `shutdown` and a rejected token to the listeners it was given.
import type { Logger } from 'pino';
import type { ScriptTiming } from '../../protocol/agent-reports.js';
import type { AppHealth } from '../../protocol/app-health.js';
import type { AppStatus } from '../../protocol/app-status.js';
import type { LifecycleReport, LifecycleState } from '../../protocol/lifecycle.js';
import { parseManifestText, type Manifest } from '../../protocol/manifest.js';
import type { UnitsReport } from '../../protocol/units-report.js';
import type { TimingReporter } from '../scripts/index.js';
import { DEFAULT_BACKOFF, sleep, type BackoffTiming } from './backoff.js';
import { CommandChannel, EVENTS_PATH } from './command-channel.js';
import { errorText, isControlPlaneError, type ControlPlaneError } from './errors.js';
import { LatestValueSender } from './latest-value-sender.js';
import { LogBatcher, type LogBatchLimits } from './log-batcher.js';
import { Retrier, type RunOptions } from './retry.js';
import { AgentApiTransport } from './transport.js';
import type { ControlPlane, ShutdownCommand } from './types.js';

export interface HttpControlPlaneTiming {
  /** Retries and command-channel reconnects: 1 s doubling to 30 s. */
  backoff: BackoffTiming;
  /** 401s persisting this long reject the token for good (5 min). */
  tokenRejectedAfterMs: number;
  /** Longest wait for one answer. */
  requestTimeoutMs: number;
  /** Reopen the command channel after this long without even a ping (the server pings every 15 s). */
  eventsIdleTimeoutMs: number;
  /** How long a socket app-status forward may retry before the socket answers 502. */
  forwardBudgetMs: number;
}

export const DEFAULT_HTTP_TIMING: HttpControlPlaneTiming = {
  backoff: DEFAULT_BACKOFF,
  tokenRejectedAfterMs: 5 * 60_000,
  requestTimeoutMs: 30_000,
  eventsIdleTimeoutMs: 45_000,
  forwardBudgetMs: 5_000,
};

export interface HttpControlPlaneOptions {
  url: string;
  token: string;
  logger: Logger;
  /**
   * Called once when the token is rejected for good (TOKEN_REJECTED). From
   * then on every request fails; the agent must stop and exit 1 with
   * `error: agent token rejected`.
   */
  onFatal?: (error: ControlPlaneError) => void;
  timing?: Partial<HttpControlPlaneTiming>;
  logLimits?: Partial<LogBatchLimits>;
  /** Milliseconds clock for the 401 window (tests inject one). */
  now?: () => number;
}

export class HttpControlPlane implements ControlPlane {
  readonly logSink: LogBatcher;
  readonly timingReporter: TimingReporter;
  private readonly logger: Logger;
  private readonly timing: HttpControlPlaneTiming;
  private readonly transport: AgentApiTransport;
  private readonly retrier: Retrier;
  private readonly channel: CommandChannel;
  private readonly shutdownListeners: ((command: ShutdownCommand) => void)[] = [];
  private readonly units: LatestValueSender<UnitsReport>;
  private readonly health: LatestValueSender<Record<string, AppHealth>>;
  private readonly appStatus: LatestValueSender<AppStatus>;
  /** Lifecycle reports go out strictly one after another (§3.2.4). */
  private lifecycleQueue: Promise<void> = Promise.resolve();
  private lifecyclePending = 0;
  /** What a reconnect re-posts. */
  private lastLifecycle: LifecycleReport | undefined;
  private readonly knownHealth: Record<string, AppHealth> = {};
  private lastUnits: UnitsReport | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: HttpControlPlaneOptions) {
    this.logger = options.logger;
    this.timing = { ...DEFAULT_HTTP_TIMING, ...options.timing };
    this.transport = new AgentApiTransport({ url: options.url, token: options.token, requestTimeoutMs: this.timing.requestTimeoutMs });
    this.retrier = new Retrier({
      timing: { backoff: this.timing.backoff, tokenRejectedAfterMs: this.timing.tokenRejectedAfterMs },
      logger: this.logger,
      now: options.now,
      onFatal: (error) => {
        this.logger.error({ error: error.message }, 'the control plane kept rejecting the agent token');
        options.onFatal?.(error);
      },
    });
    this.logSink = new LogBatcher({
      post: (batch, signal) => this.post('logs', batch, { signal }),
      logger: this.logger,
      limits: options.logLimits,
    });
    this.timingReporter = { report: (timing, signal) => this.reportTiming(timing, signal) };
    this.units = new LatestValueSender((report) => this.post('units', report));
    this.health = new LatestValueSender(
      (healths) => this.post('app-health', { healths }),
      (older, newer) => ({ ...older, ...newer }),
    );
    this.appStatus = new LatestValueSender((status) => this.post('app-status', status));
    this.channel = new CommandChannel({
      open: (signal) => this.transport.open(EVENTS_PATH, signal),
      noteStatus: (status) => this.retrier.noteStatus(status),
      stopSignal: this.retrier.signal,
      onConnect: (reconnect) => {
        if (reconnect) this.repostState();
      },
      onShutdown: (event) => {
        this.logger.info({ build_id: event.build_id, grace_period_ms: event.grace_period_ms }, 'control plane ordered a shutdown');
        for (const listener of this.shutdownListeners) listener({ buildId: event.build_id, gracePeriodMs: event.grace_period_ms });
      },
      logger: this.logger,
      backoff: this.timing.backoff,
      idleTimeoutMs: this.timing.eventsIdleTimeoutMs,
    });
  }

  /**
   * §3.2.2: retried until the server answers; a 4xx other than 401 or a
   * manifest failing validation is final (the error names the field). Opens
   * the command channel once the manifest is in.
   */
  async fetchManifest(): Promise<Manifest> {
    const exchange = await this.retrier.run('GET manifest', (signal) => this.transport.send('GET', 'manifest', undefined, signal));
    const manifest = parseManifestText(exchange.text);
    this.channel.start();
    return manifest;
  }

  reportLifecycle(state: LifecycleState, changedAt: Date): Promise<void> {
    this.lastLifecycle = { state, changed_at: changedAt.toISOString() };
    return this.enqueueLifecycle(this.lastLifecycle);
  }

  reportUnits(report: UnitsReport): Promise<void> {
    this.lastUnits = report;
    return this.units.send(report);
  }

  reportAppHealth(healths: Record<string, AppHealth>): Promise<void> {
    Object.assign(this.knownHealth, healths);
    return this.health.send({ ...healths });
  }

  reportAppStatus(status: AppStatus): Promise<void> {
    return this.appStatus.send(status);
  }

  async forwardAppStatus(status: AppStatus): Promise<void> {
    await this.post('app-status', status, { budgetMs: this.timing.forwardBudgetMs });
  }

  onShutdown(listener: (command: ShutdownCommand) => void): void {
    this.shutdownListeners.push(listener);
  }

  /**
   * Flushes queued logs and pending reports within `timeoutMs`, then closes
   * the command channel and abandons whatever is still retrying.
   */
  close(timeoutMs: number): Promise<void> {
    this.closing ??= (async () => {
      const budget = new AbortController();
      const pendingReports = Promise.all([this.lifecycleQueue, this.units.idle(), this.health.idle(), this.appStatus.idle()]);
      await Promise.all([
        this.logSink.close(timeoutMs),
        Promise.race([pendingReports, sleep(timeoutMs, budget.signal)]),
      ]);
      budget.abort();
      this.retrier.close();
      await this.channel.close();
    })();
    return this.closing;
  }

  private async post(path: string, body: unknown, options: RunOptions = {}): Promise<void> {
    await this.retrier.run(`POST ${path}`, (signal) => this.transport.send('POST', path, body, signal), options);
  }

  private enqueueLifecycle(report: LifecycleReport): Promise<void> {
    this.lifecyclePending++;
    const delivery = this.lifecycleQueue
      .then(() => this.post('lifecycle', report))
      .finally(() => this.lifecyclePending--);
    this.lifecycleQueue = delivery.catch(() => undefined);
    return delivery;
  }

  /**
   * A rejection asks the runner to try again (its 30 s window); a final
   * answer (e.g. 400 unknown script) or a dead client cannot get better, so
   * it is logged and the timing dropped.
   */
  private async reportTiming(timing: ScriptTiming, signal: AbortSignal): Promise<void> {
    try {
      await this.post('script-timings', timing, { signal });
    } catch (err) {
      if (!isControlPlaneError(err)) throw err;
      this.logger.warn({ script_id: timing.script_id, error: err.message }, 'script timing not accepted');
    }
  }

  /**
   * §3.2.3: after a reconnect the server gets the current state again. The
   * first connect re-posts nothing: nothing can have been lost yet, and every
   * report is still on its way by itself (so lifecycle reads `created,
   * starting, ready` without repeats).
   */
  private repostState(): void {
    const failed = (what: string) => (err: unknown) => this.logger.debug({ error: errorText(err) }, `re-posting ${what} failed`);
    // A report still queued or retrying carries the newest state anyway.
    if (this.lastLifecycle && this.lifecyclePending === 0) this.enqueueLifecycle(this.lastLifecycle).catch(failed('lifecycle'));
    if (Object.keys(this.knownHealth).length > 0) this.health.send({ ...this.knownHealth }).catch(failed('app health'));
    if (this.lastUnits) this.units.send(this.lastUnits).catch(failed('units'));
  }
}
