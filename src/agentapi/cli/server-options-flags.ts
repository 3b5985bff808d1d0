// The flag table of `agentapi server` (§2.2.2): names, shorthands, env names,
// kinds, defaults and help texts, in one place so the argv scanner, the env
// reader and the usage text cannot disagree. Data only: must never parse or
// validate anything.
import { AGENT_TYPES } from '../format/agent-type.js';

export type FlagKind = 'string' | 'bool' | 'int' | 'uint16' | 'list';

/** The value of every flag after flag > env > default precedence. */
export interface ServerFlagValues {
  type: string;
  port: number;
  printOpenApi: boolean;
  chatBasePath: string;
  termWidth: number;
  termHeight: number;
  allowedHosts: string[];
  allowedOrigins: string[];
  initialPrompt: string;
  stateFile: string;
  /** `undefined` = not explicitly set (neither flag nor env); §2.2.5 decides later. */
  loadState: boolean | undefined;
  /** `undefined` = not explicitly set (neither flag nor env); §2.2.5 decides later. */
  saveState: boolean | undefined;
  pidFile: string;
  experimentalAcp: boolean;
  exit: boolean;
  host: string;
}

export type FlagKey = keyof ServerFlagValues;

export const SERVER_FLAG_DEFAULTS: Readonly<ServerFlagValues> = Object.freeze({
  type: '',
  port: 3284,
  printOpenApi: false,
  chatBasePath: '/chat',
  termWidth: 80,
  termHeight: 1000,
  allowedHosts: ['localhost', '127.0.0.1', '[::1]'],
  allowedOrigins: ['http://localhost:3284', 'http://localhost:3000', 'http://localhost:3001'],
  initialPrompt: '',
  stateFile: '',
  loadState: undefined,
  saveState: undefined,
  pidFile: '',
  experimentalAcp: false,
  exit: false,
  // '' = all interfaces (§2.2.13); the listener decides what that means.
  host: '',
});

export interface FlagSpec {
  readonly key: FlagKey;
  /** Long name without dashes, e.g. `term-width`. */
  readonly name: string;
  readonly short?: string;
  readonly kind: FlagKind;
  readonly usage: string;
  readonly hidden?: boolean;
}

/** Every accepted `--type` spelling except `custom`, sorted, for help texts. */
export const AGENT_TYPE_NAMES: readonly string[] = [...AGENT_TYPES.filter((t) => t !== 'custom'), 'cursor-agent', 'q'].sort();

export const SERVER_FLAGS: readonly FlagSpec[] = [
  { key: 'type', name: 'type', short: 't', kind: 'string', usage: `Override the agent type (one of: ${AGENT_TYPE_NAMES.join(', ')}, custom)` },
  { key: 'port', name: 'port', short: 'p', kind: 'int', usage: 'Port to run the server on' },
  { key: 'printOpenApi', name: 'print-openapi', short: 'P', kind: 'bool', usage: 'Print the OpenAPI schema to stdout and exit' },
  { key: 'chatBasePath', name: 'chat-base-path', short: 'c', kind: 'string', usage: 'Base path for assets and routes used in the static files of the chat interface' },
  { key: 'termWidth', name: 'term-width', short: 'W', kind: 'uint16', usage: 'Width of the emulated terminal' },
  { key: 'termHeight', name: 'term-height', short: 'H', kind: 'uint16', usage: 'Height of the emulated terminal' },
  { key: 'allowedHosts', name: 'allowed-hosts', short: 'a', kind: 'list', usage: "HTTP allowed hosts (hostnames only, no ports). Use '*' for all, comma-separated list via flag, space-separated list via AGENTAPI_ALLOWED_HOSTS env var" },
  { key: 'allowedOrigins', name: 'allowed-origins', short: 'o', kind: 'list', usage: "HTTP allowed origins. Use '*' for all, comma-separated list via flag, space-separated list via AGENTAPI_ALLOWED_ORIGINS env var" },
  { key: 'initialPrompt', name: 'initial-prompt', short: 'I', kind: 'string', usage: "Initial prompt for the agent. Recommended only if the agent doesn't support initial prompt in interaction mode. Will be read from stdin if piped (e.g., echo 'prompt' | agentapi server -- my-agent)" },
  { key: 'stateFile', name: 'state-file', short: 's', kind: 'string', usage: 'Path to the file where the conversation state is loaded from and saved to' },
  { key: 'loadState', name: 'load-state', kind: 'bool', usage: 'Load the conversation state from --state-file on startup (default true when --state-file is set)' },
  { key: 'saveState', name: 'save-state', kind: 'bool', usage: 'Save the conversation state to --state-file on shutdown and SIGUSR1 (default true when --state-file is set)' },
  { key: 'pidFile', name: 'pid-file', kind: 'string', usage: 'Path to a file the server writes its PID to' },
  { key: 'experimentalAcp', name: 'experimental-acp', kind: 'bool', usage: 'Use experimental ACP protocol for agent communication (not supported by this build)' },
  { key: 'exit', name: 'exit', kind: 'bool', usage: 'Exit immediately after parsing arguments', hidden: true },
  { key: 'host', name: 'host', kind: 'string', usage: 'Address to listen on, e.g. 127.0.0.1 (default: all interfaces). There is no authentication: do not expose the server on a shared network' },
];

/** `AGENTAPI_<NAME>`: upper-case, `-` → `_`. */
export function envNameOf(flag: FlagSpec): string {
  return `AGENTAPI_${flag.name.toUpperCase().replaceAll('-', '_')}`;
}

/** How pflag names a flag in `invalid argument` errors: `-p, --port` or `--pid-file`. */
export function displayNameOf(flag: FlagSpec): string {
  return flag.short === undefined ? `--${flag.name}` : `-${flag.short}, --${flag.name}`;
}
