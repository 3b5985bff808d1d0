// Typed errors of the script runner: a stable `code` and a fixed message
// (agent.md §2.3–§2.8; upstream's `script timed out`, `init: already
// initialized`, …), wrapped with context without losing the code. The agent
// branches on codes (e.g. SCRIPT_TIMED_OUT → lifecycle `start_timeout`).
// Must never log or decide anything: it only names failures.

export type ScriptErrorCode =
  | 'ALREADY_INITIALIZED'
  | 'NOT_INITIALIZED'
  | 'RUNNER_CLOSED'
  | 'DEPENDENCY_CYCLE'
  | 'UNIT_SETUP_FAILED'
  | 'BIN_DIR_FAILED'
  | 'SCRIPT_TIMED_OUT'
  | 'PIPES_LEFT_OPEN'
  | 'SCRIPT_CANCELED'
  | 'EXIT_FAILURE'
  | 'SPAWN_FAILED'
  | 'DEPENDENCY_WAIT_ABANDONED';

export class ScriptRunnerError extends Error {
  readonly code: ScriptErrorCode;
  /**
   * Set by `execute` on the error it rejects with (the first failure): the
   * failures of the other scripts of that execution, in completion order, so
   * the agent can tell "any script timed out" (agent.md §3.3.2).
   */
  otherFailures: readonly ScriptRunnerError[] = [];

  constructor(code: ScriptErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ScriptRunnerError';
    this.code = code;
  }
}

export const alreadyInitialized = (): ScriptRunnerError =>
  new ScriptRunnerError('ALREADY_INITIALIZED', 'init: already initialized');
export const notInitialized = (): ScriptRunnerError => new ScriptRunnerError('NOT_INITIALIZED', 'execute: not initialized');
export const runnerClosed = (): ScriptRunnerError => new ScriptRunnerError('RUNNER_CLOSED', 'execute: runner closed');
export const scriptTimedOut = (): ScriptRunnerError => new ScriptRunnerError('SCRIPT_TIMED_OUT', 'script timed out');
export const pipesLeftOpen = (): ScriptRunnerError =>
  new ScriptRunnerError('PIPES_LEFT_OPEN', 'script exited without closing output pipes');
export const scriptCanceled = (): ScriptRunnerError => new ScriptRunnerError('SCRIPT_CANCELED', 'script canceled');
export const dependencyWaitAbandoned = (): ScriptRunnerError =>
  new ScriptRunnerError('DEPENDENCY_WAIT_ABANDONED', 'abandoned while waiting for dependencies');

/** `script dependency cycle detected: a -> b -> a` (agent.md §2.8.1). */
export const dependencyCycle = (path: readonly string[]): ScriptRunnerError =>
  new ScriptRunnerError('DEPENDENCY_CYCLE', `script dependency cycle detected: ${path.join(' -> ')}`);

/** `<context>: <err.message>`, keeping the code (Go `%w`). */
export function wrapScriptError(context: string, err: ScriptRunnerError): ScriptRunnerError {
  return new ScriptRunnerError(err.code, `${context}: ${err.message}`, { cause: err });
}

/** True when `err` or any error in its `cause` chain is a ScriptRunnerError with `code`. */
export function isScriptError(err: unknown, code: ScriptErrorCode): boolean {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current instanceof Error && !seen.has(current)) {
    if (current instanceof ScriptRunnerError && current.code === code) return true;
    seen.add(current);
    current = current.cause;
  }
  return false;
}

/** True when the execution that rejected with `err` had any failure with `code`. */
export function anyScriptFailure(err: unknown, code: ScriptErrorCode): boolean {
  if (isScriptError(err, code)) return true;
  return err instanceof ScriptRunnerError && err.otherFailures.some((other) => isScriptError(other, code));
}

/** Best-effort text of anything thrown. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
