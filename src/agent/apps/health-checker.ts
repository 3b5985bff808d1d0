// App health checks (agent.md §3.5.1): every manifest app with a healthcheck
// is probed with GET every `interval_s`; an answer below 500 is a success.
// `initializing` until the first success, `healthy` after a success,
// `unhealthy` after `threshold` consecutive failures; apps without a
// healthcheck are `disabled`. Changes go to `report` as `{<app id>: state}`
// and to subscribers (the task app watcher waits for `healthy`). It owns one
// timer and at most one probe per app and must be stopped; it never talks to
// the control plane except through `report`.
import type { Logger } from 'pino';
import type { AppHealth } from '../../protocol/app-health.js';
import type { ManifestApp } from '../../protocol/manifest.js';
import { errorText } from '../control-plane/errors.js';

/** One probe: resolves with the HTTP status, rejects when there was no answer. */
export type HealthProbe = (url: string, signal: AbortSignal) => Promise<number>;

export const httpProbe: HealthProbe = async (url, signal) => {
  const res = await fetch(url, { signal, redirect: 'manual' });
  await res.body?.cancel().catch(() => undefined);
  return res.status;
};

export interface AppHealthCheckerOptions {
  apps: readonly ManifestApp[];
  report: (healths: Record<string, AppHealth>) => Promise<void>;
  logger: Logger;
  probe?: HealthProbe;
}

interface CheckedApp {
  app: ManifestApp;
  health: AppHealth;
  failures: number;
  timer: NodeJS.Timeout | undefined;
}

export class AppHealthChecker {
  private readonly apps = new Map<string, CheckedApp>();
  private readonly listeners = new Set<(appId: string, health: AppHealth) => void>();
  private readonly abort = new AbortController();
  private readonly probe: HealthProbe;

  constructor(private readonly options: AppHealthCheckerOptions) {
    this.probe = options.probe ?? httpProbe;
    for (const app of options.apps) {
      this.apps.set(app.id, { app, health: app.healthcheck ? 'initializing' : 'disabled', failures: 0, timer: undefined });
    }
  }

  /** Reports every app's initial state, then probes: the first probe right away, then every interval. */
  start(): void {
    if (this.apps.size === 0) return;
    this.send(Object.fromEntries([...this.apps].map(([id, a]) => [id, a.health])));
    for (const checked of this.apps.values()) if (checked.app.healthcheck) void this.check(checked);
  }

  health(appId: string): AppHealth | undefined {
    return this.apps.get(appId)?.health;
  }

  /** Called on every change of any app's health; returns the unsubscribe function. */
  subscribe(listener: (appId: string, health: AppHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    this.abort.abort();
    for (const checked of this.apps.values()) clearTimeout(checked.timer);
    this.listeners.clear();
  }

  private async check(checked: CheckedApp): Promise<void> {
    const healthcheck = checked.app.healthcheck!;
    const intervalMs = healthcheck.interval_s * 1000;
    const started = Date.now();
    let ok: boolean;
    try {
      // A probe may take at most one interval, so probes never pile up.
      const status = await this.probe(healthcheck.url, AbortSignal.any([this.abort.signal, AbortSignal.timeout(intervalMs)]));
      ok = status < 500;
    } catch (err) {
      if (this.abort.signal.aborted) return;
      this.options.logger.debug({ app: checked.app.slug, error: errorText(err) }, 'app health check failed');
      ok = false;
    }
    if (this.abort.signal.aborted) return;
    this.record(checked, ok);
    // Keep the cadence: the next probe starts one interval after this one started.
    checked.timer = setTimeout(() => void this.check(checked), Math.max(0, started + intervalMs - Date.now()));
  }

  private record(checked: CheckedApp, ok: boolean): void {
    checked.failures = ok ? 0 : checked.failures + 1;
    let next = checked.health;
    if (ok) next = 'healthy';
    else if (checked.failures >= checked.app.healthcheck!.threshold) next = 'unhealthy';
    if (next === checked.health) return;
    checked.health = next;
    this.options.logger.info({ app: checked.app.slug, health: next }, 'app health changed');
    this.send({ [checked.app.id]: next });
    for (const listener of this.listeners) listener(checked.app.id, next);
  }

  private send(healths: Record<string, AppHealth>): void {
    this.options.report(healths).catch((err: unknown) =>
      this.options.logger.warn({ healths, error: errorText(err) }, 'failed to report app health'),
    );
  }
}
