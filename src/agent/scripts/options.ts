// What a ScriptRunner is built from (agent.md §2.2.1): directories, the
// collaborators (logger, log sink, timing reporter, optional unit manager,
// clock), the workspace facts scripts see in their environment, and the
// tunable delays whose defaults are the spec's. Declarations and defaults
// only: it must never read process.env or other globals — the agent passes
// its environment in.
import type { Logger } from 'pino';
import type { UnitManagerApi } from '../units/types.js';
import type { Clock, LogSink, TimingReporter } from './collaborators.js';
import type { WorkspaceIdentity } from './environment.js';
import type { ScriptMetrics } from './metrics.js';

/** Delays of the spec, injectable so tests need not wait for real. */
export interface RunnerTuning {
  /** SIGHUP → SIGKILL after a timeout or cancellation (§2.4.5). */
  killGraceMs: number;
  /** How long pipes may stay open after a clean exit (§2.4.6). */
  pipesGraceMs: number;
  /** Interval of the `Waiting for "<dep>"...` lines (§2.8.3). */
  dependencyHeartbeatMs: number;
  /** How long a timing report is retried (§2.4.8). */
  timingReportWindowMs: number;
  /** First retry delay of a timing report, doubled per failure. */
  timingRetryInitialMs: number;
}

export const DEFAULT_TUNING: Readonly<RunnerTuning> = {
  killGraceMs: 10_000,
  pipesGraceMs: 10_000,
  dependencyHeartbeatMs: 30_000,
  timingReportWindowMs: 30_000,
  timingRetryInitialMs: 1_000,
};

export interface ScriptRunnerOptions {
  /** The agent's `--log-dir`: relative log paths are joined to it. */
  logDir: string;
  /** The agent's `--script-data-dir`. */
  dataDirBase: string;
  logger: Logger;
  logSink: LogSink;
  timingReporter: TimingReporter;
  /** The agent's one unit manager; without it the runner makes no unit calls and ignores `depends_on`. */
  unitManager?: UnitManagerApi | undefined;
  clock?: Clock | undefined;
  /** The agent's own environment (the composition root passes process.env). */
  agentEnv: Readonly<Record<string, string | undefined>>;
  /** Manifest `environment_variables`. */
  manifestEnv?: Readonly<Record<string, string>> | undefined;
  /** Manifest `directory`; `""` = run in `$HOME`. */
  directory?: string | undefined;
  workspace: WorkspaceIdentity;
  /** Counter sink for §2.4.9; the runner creates its own when absent. */
  metrics?: ScriptMetrics | undefined;
  /** Shells tried in order (default `/bin/bash`, then `/bin/sh`). */
  shells?: readonly string[] | undefined;
  tuning?: Partial<RunnerTuning> | undefined;
}
