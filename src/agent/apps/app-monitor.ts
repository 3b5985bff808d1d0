// What the agent runs for the manifest's apps once start scripts are done
// (agent.md §3.3.2, §3.5.1–§3.5.2): the health checker for all apps and, when
// the manifest names a task app, the watcher of its AgentAPI status, fed by
// the same checker. It only wires the two together; it must never probe,
// stream or report by itself.
import type { Logger } from 'pino';
import type { AppHealth } from '../../protocol/app-health.js';
import type { AppStatus } from '../../protocol/app-status.js';
import type { Manifest } from '../../protocol/manifest.js';
import { AppHealthChecker, type HealthProbe } from './health-checker.js';
import { TaskAppWatcher, type TaskAppWatcherTiming } from './task-app-watcher.js';

export interface AppMonitorOptions {
  manifest: Manifest;
  reportHealth: (healths: Record<string, AppHealth>) => Promise<void>;
  reportStatus: (status: AppStatus) => Promise<void>;
  logger: Logger;
  probe?: HealthProbe;
  watcherTiming?: Partial<TaskAppWatcherTiming>;
}

export class AppMonitor {
  private readonly checker: AppHealthChecker;
  private readonly watcher: TaskAppWatcher | undefined;

  constructor(options: AppMonitorOptions) {
    const { manifest, logger } = options;
    this.checker = new AppHealthChecker({ apps: manifest.apps, report: options.reportHealth, logger, probe: options.probe });
    const slug = manifest.task?.app_slug;
    if (slug === undefined) return;
    const app = manifest.apps.find((a) => a.slug === slug);
    if (app === undefined || !URL.canParse(app.url)) {
      logger.warn({ app_slug: slug, url: app?.url }, 'task app not found in the manifest or has no usable URL; not watching its status');
      return;
    }
    this.watcher = new TaskAppWatcher({ app, health: this.checker, report: options.reportStatus, logger, timing: options.watcherTiming });
  }

  start(): void {
    // The watcher subscribes before the first probe result can arrive.
    this.watcher?.start();
    this.checker.start();
  }

  async stop(): Promise<void> {
    this.checker.stop();
    await this.watcher?.stop();
  }
}
