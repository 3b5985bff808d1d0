// Everything the workspace agent says to or hears from its control plane, as
// one interface. The agent never knows whether a real server (http.ts) or the
// standalone log (standalone.ts) stands behind it. Types only: it must never
// hold behaviour.
import type { AppHealth } from '../../protocol/app-health.js';
import type { AppStatus } from '../../protocol/app-status.js';
import type { LifecycleState } from '../../protocol/lifecycle.js';
import type { Manifest } from '../../protocol/manifest.js';
import type { UnitsReport } from '../../protocol/units-report.js';
import type { LogSink, TimingReporter } from '../scripts/index.js';

export interface ShutdownCommand {
  buildId?: string;
  gracePeriodMs?: number;
}

export interface ControlPlane {
  /**
   * Fetched once at start, retried by the implementation through transient
   * failures; an invalid manifest or a final refusal rejects (the agent exits 1).
   */
  fetchManifest(): Promise<Manifest>;
  /** Each transition, in order; resolves once accepted. */
  reportLifecycle(state: LifecycleState, changedAt: Date): Promise<void>;
  /** Script output lines; batching is the implementation's business. */
  readonly logSink: LogSink;
  readonly timingReporter: TimingReporter;
  /** Latest snapshot wins; resolves once it (or a newer one) was accepted. */
  reportUnits(report: UnitsReport): Promise<void>;
  /** Health changes by app id (§3.5.1); resolves once accepted. */
  reportAppHealth(healths: Record<string, AppHealth>): Promise<void>;
  /** The task app watcher's reports (§3.5.2): retried until accepted, the latest wins. */
  reportAppStatus(status: AppStatus): Promise<void>;
  /**
   * `POST /api/v1/app-status` on the agent socket ends up here. Rejects when
   * it cannot be delivered soon, so the socket can answer 502.
   */
  forwardAppStatus(status: AppStatus): Promise<void>;
  /** Calls `listener` once when the control plane orders a shutdown. */
  onShutdown(listener: (command: ShutdownCommand) => void): void;
  /** Flushes queued logs (bounded by `timeoutMs`) and closes the command channel. */
  close(timeoutMs: number): Promise<void>;
}
