// Typed errors of the unit manager (spec agent.md §1.2): a stable `code`, a
// fixed base message, and context prepended when wrapped — the way Go's
// `xerrors.Errorf("…: %w")` and `errors.Join` compose them upstream, so the
// CLI can print the text verbatim. Must never log, print or decide HTTP
// statuses: callers test codes with isUnitError() and map them themselves.
import type { UnitErrorCode } from './types.js';

export const UNIT_ERROR_MESSAGES: Readonly<Record<UnitErrorCode, string>> = {
  UNIT_ID_REQUIRED: 'unit name is required',
  UNIT_NOT_FOUND: 'unit not found',
  UNIT_ALREADY_REGISTERED: 'unit already registered',
  SAME_STATUS_ALREADY_SET: 'same status already set',
  CYCLE_DETECTED: 'cycle detected',
  FAILED_TO_ADD_DEPENDENCY: 'failed to add dependency',
  GRAPH_NOT_INITIALIZED: 'graph is not initialized',
};

export class UnitError extends Error {
  /** The most specific code (the root cause): what callers usually branch on. */
  readonly code: UnitErrorCode;
  /**
   * Every code this error stands for, outermost first — what Go's
   * `errors.Is` would match along the wrap/join chain.
   */
  readonly codes: readonly UnitErrorCode[];

  constructor(code: UnitErrorCode, options: { message?: string; codes?: readonly UnitErrorCode[]; cause?: unknown } = {}) {
    super(options.message ?? UNIT_ERROR_MESSAGES[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UnitError';
    this.code = code;
    this.codes = options.codes ?? [code];
  }
}

/** The bare error for `code`, e.g. `unit name is required`. */
export function unitError(code: UnitErrorCode): UnitError {
  return new UnitError(code);
}

/** `<context>: <err.message>`, keeping every code of `err` (Go `%w`). */
export function wrapUnitError(context: string, err: UnitError): UnitError {
  return new UnitError(err.code, { message: `${context}: ${err.message}`, codes: err.codes, cause: err });
}

/** Shorthand for wrapUnitError(context, unitError(code)). */
export function unitErrorWithContext(code: UnitErrorCode, context: string): UnitError {
  return wrapUnitError(context, unitError(code));
}

/**
 * The rejected-edge error: `adding edge for unit "<u>": failed to add dependency`
 * + `\n` + `adding edge (<u> -> <d>): cycle detected`. `graphError` is the
 * graph's own CYCLE_DETECTED error; the result matches both codes.
 */
export function failedToAddDependency(unit: string, graphError: UnitError): UnitError {
  const joinedMessage = `${UNIT_ERROR_MESSAGES.FAILED_TO_ADD_DEPENDENCY}\n${graphError.message}`;
  return new UnitError(graphError.code, {
    message: `adding edge for unit ${quote(unit)}: ${joinedMessage}`,
    codes: ['FAILED_TO_ADD_DEPENDENCY', ...graphError.codes],
    cause: graphError,
  });
}

/**
 * True when `err`, or any error in its `cause` chain, carries `code` — the
 * equivalent of Go's `errors.Is(err, ErrX)`.
 */
export function isUnitError(err: unknown, code: UnitErrorCode): boolean {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current instanceof Error && !seen.has(current)) {
    if (current instanceof UnitError && current.codes.includes(code)) return true;
    seen.add(current);
    current = current.cause;
  }
  return false;
}

/** Go's `%q` for the names we print: JSON string quoting. */
export function quote(name: string): string {
  return JSON.stringify(name);
}
