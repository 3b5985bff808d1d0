// Typed errors of `agentapi server` argument parsing and validation. Each has a
// stable `code` and the exact upstream message text, which the CLI prints
// verbatim after `Error: ` / on stderr. Must never print, exit or log: callers
// decide what to do with an error.

/** Problems found while scanning argv and env (before any semantic check). */
export type ServerArgsErrorCode =
  | 'unknown_flag'
  | 'bad_flag_syntax'
  | 'missing_argument'
  | 'invalid_argument'
  | 'invalid_env'
  | 'requires_args';

export class ServerArgsError extends Error {
  constructor(
    readonly code: ServerArgsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServerArgsError';
  }
}

/** Problems of an allowed-hosts / allowed-origins list, without the context prefix. */
export type AllowedListErrorCode =
  | 'empty_list'
  | 'contains_whitespace'
  | 'contains_comma'
  | 'includes_scheme'
  | 'invalid_host'
  | 'includes_port'
  | 'invalid_origin';

export class AllowedListError extends Error {
  constructor(
    readonly code: AllowedListErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AllowedListError';
  }
}

/** One code per step of the §2.2.8 validation order this module performs. */
export type ServerConfigErrorCode =
  | 'invalid_agent_type'
  | 'term_width_too_small'
  | 'term_height_too_small'
  | 'stdin_read_failed'
  | 'load_state_requires_state_file'
  | 'save_state_requires_state_file'
  | 'acp_unsupported'
  | 'invalid_allowed_hosts'
  | 'invalid_allowed_origins';

/**
 * A validation failure of `agentapi server`. When it wraps a lower-level typed
 * error (agent type, allowed list) that error is `cause`, so its own code stays
 * reachable: `err.code === 'invalid_allowed_hosts' && err.cause.code === 'includes_port'`.
 */
export class ServerConfigError extends Error {
  constructor(
    readonly code: ServerConfigErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ServerConfigError';
  }
}

const GO_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['\x07', '\\a'],
  ['\b', '\\b'],
  ['\f', '\\f'],
  ['\n', '\\n'],
  ['\r', '\\r'],
  ['\t', '\\t'],
  ['\v', '\\v'],
  ['\\', '\\\\'],
  ['"', '\\"'],
]);

/**
 * Quotes a value the way Go's `%q` / strconv.Quote does for the characters
 * that matter here, because upstream error texts embed values quoted that way
 * (`invalid argument "x" for "-p, --port" flag`, `invalid port ":x" after host`).
 */
export function goQuote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const escaped = GO_ESCAPES.get(ch);
    if (escaped !== undefined) {
      out += escaped;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0x80 && cp < 0xa0) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
