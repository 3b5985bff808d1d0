// Everything the workspace agent says to or hears from its control plane, as
// one interface. The agent never knows whether a real server (HTTP) or the
// standalone log stands behind it, so the server-backed client (a later step)
// plugs in without touching the agent.
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
  /** Fetched once at start (retried by the implementation until it succeeds). */
  fetchManifest(): Promise<Manifest>;
  /** Each transition, in order; resolves once accepted. */
  reportLifecycle(state: LifecycleState, changedAt: Date): Promise<void>;
  /** Script output lines; batching is the implementation's business. */
  readonly logSink: LogSink;
  readonly timingReporter: TimingReporter;
  reportUnits(report: UnitsReport): Promise<void>;
  /** `POST /api/v1/app-status` on the agent socket ends up here. */
  forwardAppStatus(status: AppStatus): Promise<void>;
  /** Calls `listener` once when the control plane orders a shutdown. */
  onShutdown(listener: (command: ShutdownCommand) => void): void;
  /** Flushes queued logs (bounded by `timeoutMs`) and closes the command channel. */
  close(timeoutMs: number): Promise<void>;
}
