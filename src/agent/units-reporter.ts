// Sends the unit snapshot to the control plane after manager changes,
// debounced (agent.md §3.5.3), so a burst of script starts is one report. It
// owns its timer and must be stopped by whoever started it.
import type { Logger } from 'pino';
import type { UnitsReport } from '../protocol/units-report.js';
import type { UnitManagerApi } from './units/types.js';

export const UNITS_REPORT_DEBOUNCE_MS = 250;

export function unitsSnapshot(manager: UnitManagerApi): UnitsReport {
  const units = manager.listUnits();
  return {
    units: units.map((u) => ({ unit: u.id, status: u.status, is_ready: u.ready })),
    dependencies: units.flatMap((u) => manager.getAllDependencies(u.id)),
  };
}

export class UnitsReporter {
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly manager: UnitManagerApi,
    private readonly send: (report: UnitsReport) => Promise<void>,
    private readonly logger: Logger,
    private readonly debounceMs = UNITS_REPORT_DEBOUNCE_MS,
  ) {
    this.unsubscribe = manager.subscribe(() => this.schedule());
  }

  /** Sends the current snapshot now (e.g. after a reconnect). */
  reportNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.send(unitsSnapshot(this.manager)).catch((err: unknown) =>
      this.logger.warn({ err: String(err) }, 'failed to report units'),
    );
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => this.reportNow(), this.debounceMs);
  }

  /** Stops listening; a pending report is sent first so the last state is not lost. */
  stop(): void {
    this.unsubscribe();
    if (this.timer !== undefined) this.reportNow();
  }
}
