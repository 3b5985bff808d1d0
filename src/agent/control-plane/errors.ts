// Typed errors of the control-plane client: a stable `code` and a fixed
// message (`agent token rejected` is what `taskyard agent` prints before it
// exits 1, agent.md §3.2.1). Callers branch on codes, never on text. Must
// never log or decide anything: it only names failures.

export type ControlPlaneErrorCode =
  /** 401 persisted past the limit (5 min): the agent must exit 1. */
  | 'TOKEN_REJECTED'
  /** A 4xx other than 401 (e.g. 400 invalid body, 413 logs limit): retrying cannot help. */
  | 'REQUEST_REJECTED'
  /** A 2xx whose body is not what the schema says (not JSON, missing fields). */
  | 'BAD_RESPONSE'
  /** A bounded delivery (app-status forwarding) ran out of time. */
  | 'NOT_DELIVERED'
  /** The client was closed while the request was pending. */
  | 'CLOSED';

export class ControlPlaneError extends Error {
  readonly code: ControlPlaneErrorCode;
  /** The HTTP status for REQUEST_REJECTED. */
  readonly status: number | undefined;

  constructor(code: ControlPlaneErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ControlPlaneError';
    this.code = code;
    this.status = options.status;
  }
}

export const TOKEN_REJECTED_MESSAGE = 'agent token rejected';

export const tokenRejected = (): ControlPlaneError => new ControlPlaneError('TOKEN_REJECTED', TOKEN_REJECTED_MESSAGE);
export const clientClosed = (): ControlPlaneError => new ControlPlaneError('CLOSED', 'control plane client closed');

export function isControlPlaneError(err: unknown, code?: ControlPlaneErrorCode): err is ControlPlaneError {
  return err instanceof ControlPlaneError && (code === undefined || err.code === code);
}

/** A short text for logs: the message of an Error, else its string form. */
export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}
