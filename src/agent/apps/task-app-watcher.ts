// The task app watcher (agent.md §3.5.2): once the task app is healthy it
// subscribes to the app's AgentAPI `GET /events` and turns `status_change`
// into app-status reports — `running` → `working` ("Agent is working",
// repeated every 30 s as an activity heartbeat while it lasts), `stable` →
// `idle` ("Agent is idle"). The stream is reopened with backoff (1 s doubling
// to 30 s) whenever it fails or ends. It owns its stream, heartbeat timer and
// health subscription and must be stopped; it never talks to the control
// plane except through `report`.
import type { Logger } from 'pino';
import type { AppHealth } from '../../protocol/app-health.js';
import type { AppStatus, AppStatusState } from '../../protocol/app-status.js';
import { STATUS_CHANGE_EVENT, statusChangeEventSchema } from '../../protocol/agentapi-events.js';
import type { ManifestApp } from '../../protocol/manifest.js';
import { Backoff, DEFAULT_BACKOFF, sleep, type BackoffTiming } from '../control-plane/backoff.js';
import { errorText } from '../control-plane/errors.js';
import { readSseEvents, type SseEvent } from '../control-plane/sse-stream.js';

export interface TaskAppWatcherTiming {
  /** `working` is re-reported this often while AgentAPI is `running` (30 s). */
  heartbeatMs: number;
  backoff: BackoffTiming;
}

export const DEFAULT_WATCHER_TIMING: TaskAppWatcherTiming = { heartbeatMs: 30_000, backoff: DEFAULT_BACKOFF };

/** What the watcher needs from the health checker. */
export interface HealthSource {
  health(appId: string): AppHealth | undefined;
  subscribe(listener: (appId: string, health: AppHealth) => void): () => void;
}

export interface TaskAppWatcherOptions {
  app: ManifestApp;
  health: HealthSource;
  report: (status: AppStatus) => Promise<void>;
  logger: Logger;
  timing?: Partial<TaskAppWatcherTiming>;
}

const MESSAGES: Partial<Record<AppStatusState, string>> = { working: 'Agent is working', idle: 'Agent is idle' };

export class TaskAppWatcher {
  private readonly timing: TaskAppWatcherTiming;
  private readonly stopper = new AbortController();
  private readonly eventsUrl: string;
  private unsubscribeHealth: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private lastReported: AppStatusState | undefined;

  constructor(private readonly options: TaskAppWatcherOptions) {
    this.timing = { ...DEFAULT_WATCHER_TIMING, ...options.timing };
    const base = options.app.url.endsWith('/') ? options.app.url : `${options.app.url}/`;
    this.eventsUrl = new URL('events', base).toString();
  }

  /**
   * Subscribes once the app is healthy. An app without a healthcheck
   * (`disabled`) never becomes healthy, so it is subscribed to right away.
   */
  start(): void {
    const { app, health } = this.options;
    const now = health.health(app.id);
    if (now === 'healthy' || now === 'disabled') {
      this.subscribe();
      return;
    }
    this.unsubscribeHealth = health.subscribe((appId, state) => {
      if (appId !== app.id || state !== 'healthy') return;
      this.unsubscribeHealth?.();
      this.unsubscribeHealth = undefined;
      this.subscribe();
    });
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    this.unsubscribeHealth?.();
    this.stopHeartbeat();
    await this.running;
  }

  private subscribe(): void {
    if (this.stopper.signal.aborted) return;
    this.running ??= this.loop();
  }

  private async loop(): Promise<void> {
    const { logger, app } = this.options;
    const signal = this.stopper.signal;
    const backoff = new Backoff(this.timing.backoff);
    while (!signal.aborted) {
      try {
        const res = await fetch(this.eventsUrl, { headers: { accept: 'text/event-stream' }, signal });
        if (res.status === 200 && res.body) {
          backoff.reset();
          logger.info({ app: app.slug, url: this.eventsUrl }, 'watching task app status');
          // AgentAPI sends no pings, so there is no idle watchdog here.
          await readSseEvents(res.body, (event) => this.onEvent(event), { signal });
          if (!signal.aborted) logger.warn({ app: app.slug }, 'task app event stream ended; reconnecting');
        } else {
          await res.body?.cancel().catch(() => undefined);
          logger.warn({ app: app.slug, status: res.status }, 'task app refused the event stream; retrying');
        }
      } catch (err) {
        if (signal.aborted) break;
        logger.warn({ app: app.slug, error: errorText(err) }, 'task app event stream failed; reconnecting');
      }
      // Without a stream the agent does not know the status: no heartbeat until the replay after reconnecting.
      this.stopHeartbeat();
      if (signal.aborted) break;
      await sleep(backoff.next(), signal);
    }
  }

  private onEvent(event: SseEvent): void {
    if (event.event !== STATUS_CHANGE_EVENT) return;
    let status: string;
    try {
      status = statusChangeEventSchema.parse(JSON.parse(event.data)).status;
    } catch (err) {
      this.options.logger.warn({ data: event.data, error: errorText(err) }, 'ignoring malformed status_change event');
      return;
    }
    if (status === 'running') this.onRunning();
    else if (status === 'stable') this.onStable();
  }

  private onRunning(): void {
    this.heartbeat ??= setInterval(() => this.send('working'), this.timing.heartbeatMs);
    if (this.lastReported !== 'working') this.send('working');
  }

  private onStable(): void {
    this.stopHeartbeat();
    if (this.lastReported !== 'idle') this.send('idle');
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private send(state: AppStatusState): void {
    this.lastReported = state;
    const status: AppStatus = { app_slug: this.options.app.slug, state, message: MESSAGES[state] ?? '' };
    this.options.report(status).catch((err: unknown) =>
      this.options.logger.warn({ app_status: status, error: errorText(err) }, 'failed to report task app status'),
    );
  }
}
