// Typed errors of `agentapi attach`, each with a stable `code` and fixed text
// (the CLI prints `Error: <message>`). Context is prepended, the cause's text
// appended, and the cause kept as `cause`. Must never print, exit or touch the
// terminal: callers decide what an error means.

export type AttachErrorCode =
  | 'acp_unsupported'
  | 'not_a_terminal'
  | 'screen_connect_failed'
  | 'screen_stream_ended'
  | 'screen_stream_lost'
  | 'screen_event_invalid'
  | 'input_failed'
  | 'interrupted';

export class AttachError extends Error {
  constructor(
    readonly code: AttachErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AttachError';
  }
}

/** A failed or unusable `GET /status`: only ever a warning (§2.3.2). */
export class StatusCheckError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`failed to check server status: ${message}`, options);
    this.name = 'StatusCheckError';
  }
}

/**
 * An error's message followed by its causes' (`fetch failed: connect
 * ECONNREFUSED 127.0.0.1:1`): fetch hides the useful part in `cause`.
 */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const text = current instanceof Error ? current.message : String(current);
    if (text !== '' && !parts.includes(text)) parts.push(text);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ');
}

export const acpUnsupported = (): AttachError =>
  new AttachError('acp_unsupported', 'attach is not yet supported in ACP mode');

export const notATerminal = (): AttachError =>
  new AttachError('not_a_terminal', 'attach requires an interactive terminal');

export const screenConnectFailed = (url: string, cause: unknown): AttachError =>
  new AttachError('screen_connect_failed', `failed to connect to ${url}: ${describeError(cause)}`, { cause });

export const screenStreamEnded = (): AttachError =>
  new AttachError('screen_stream_ended', 'the agentapi server ended the screen stream');

export const screenStreamLost = (cause: unknown): AttachError =>
  new AttachError('screen_stream_lost', `lost the connection to the agentapi server: ${describeError(cause)}`, { cause });

export const screenEventInvalid = (cause: unknown): AttachError =>
  new AttachError('screen_event_invalid', `failed to read screen: ${describeError(cause)}`, { cause });

export const inputFailed = (cause: unknown): AttachError =>
  new AttachError('input_failed', `failed to write raw input: ${describeError(cause)}`, { cause });

export const interrupted = (signal: string): AttachError =>
  new AttachError('interrupted', `interrupted by ${signal}`);
