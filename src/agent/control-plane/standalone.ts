// The control plane of `taskyard agent --manifest FILE`: the manifest comes
// from a file and every report goes to the agent's own log (agent.md §3.1.1).
// It never opens a network connection and never orders a shutdown; signals do.
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { AppHealth } from '../../protocol/app-health.js';
import type { AppStatus } from '../../protocol/app-status.js';
import type { LogEntry, ScriptTiming } from '../../protocol/agent-reports.js';
import type { LifecycleState } from '../../protocol/lifecycle.js';
import { ManifestError, parseManifestText, type Manifest } from '../../protocol/manifest.js';
import type { UnitsReport } from '../../protocol/units-report.js';
import type { LogSink, TimingReporter } from '../scripts/index.js';
import type { ControlPlane, ShutdownCommand } from './types.js';

export class StandaloneControlPlane implements ControlPlane {
  readonly logSink: LogSink;
  readonly timingReporter: TimingReporter;

  constructor(
    private readonly manifestFile: string,
    private readonly logger: Logger,
  ) {
    this.logSink = {
      send: (logSourceId: string, entry: LogEntry) =>
        logger.info({ log_source_id: logSourceId, level_reported: entry.level, output: entry.output }, 'script output'),
    };
    this.timingReporter = {
      report: async (timing: ScriptTiming) => {
        logger.info({ timing }, 'script timing');
      },
    };
  }

  async fetchManifest(): Promise<Manifest> {
    let text: string;
    try {
      text = await readFile(this.manifestFile, 'utf8');
    } catch (err) {
      throw new ManifestError(`read manifest ${this.manifestFile}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return parseManifestText(text);
  }

  async reportLifecycle(state: LifecycleState, changedAt: Date): Promise<void> {
    this.logger.info({ state, changed_at: changedAt.toISOString() }, 'lifecycle state changed');
  }

  async reportUnits(report: UnitsReport): Promise<void> {
    this.logger.info({ units: report.units, dependencies: report.dependencies }, 'units changed');
  }

  async reportAppHealth(healths: Record<string, AppHealth>): Promise<void> {
    this.logger.info({ healths }, 'app health report');
  }

  async reportAppStatus(status: AppStatus): Promise<void> {
    this.logger.info({ app_status: status }, 'app status');
  }

  async forwardAppStatus(status: AppStatus): Promise<void> {
    this.logger.info({ app_status: status }, 'app status');
  }

  onShutdown(_listener: (command: ShutdownCommand) => void): void {
    // Standalone agents stop on SIGTERM/SIGINT only.
  }

  async close(): Promise<void> {}
}
