// The script runner's public surface for the agent (composition root) and
// the control-plane client: the runner, its options and collaborator
// interfaces, and the error helpers callers branch on. Re-exports only: it
// must never hold behaviour.
export { ScriptRunner } from './runner.js';
export type { ScriptRunnerOptions, RunnerTuning } from './options.js';
export { DEFAULT_TUNING } from './options.js';
export type { Clock, LogSink, TimingReporter } from './collaborators.js';
export { systemClock } from './collaborators.js';
export type { WorkspaceIdentity } from './environment.js';
export type { ExecuteStage } from './stages.js';
export { ScriptMetrics, SCRIPTS_EXECUTED_METRIC, type CounterSample } from './metrics.js';
export { scriptUnitName } from './units.js';
export {
  anyScriptFailure,
  isScriptError,
  ScriptRunnerError,
  type ScriptErrorCode,
} from './errors.js';
