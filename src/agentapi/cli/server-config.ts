// Turns parsed ServerArgs into the validated ServerConfig of `agentapi server`,
// applying §2.2.4–2.2.10 in the §2.2.8 order (first failure wins): agent type
// → terminal size → stdin initial prompt → state flags → ACP → allowed hosts
// → allowed origins. The steps after that (PID file, --print-openapi, spawn,
// listen) belong to the caller. Must never spawn, listen, write files or read
// process.stdin directly: stdin comes in as a StdinSource.
import { InvalidAgentTypeError, resolveAgentType, type AgentType } from '../format/agent-type.js';
import { trimWs } from '../format/text.js';
import { AllowedListError, ServerConfigError } from './errors.js';
import { parseAllowedHosts, type AllowedList } from './allowed-hosts.js';
import { parseAllowedOrigins } from './allowed-origins.js';
import type { ServerArgs } from './server-options.js';

export interface StdinSource {
  isTTY: boolean;
  /** Reads stdin to EOF. Only called when it is not a TTY and no prompt was given. */
  readAll(): Promise<string>;
}

export interface ServerConfig {
  agentType: AgentType;
  /** Program and its arguments; never empty when built from parseServerArgs. */
  agentCommand: string[];
  port: number;
  /** Listen address; '' = all interfaces (§2.2.13). */
  host: string;
  chatBasePath: string;
  termWidth: number;
  termHeight: number;
  /** Lower-cased hostnames without port or IPv6 brackets, or '*'. */
  allowedHosts: AllowedList;
  /** Lower-cased `scheme://host[:port]` (may contain a `*` wildcard), or '*'. */
  allowedOrigins: AllowedList;
  /** WS-trimmed (§5.8.1); '' = no initial prompt. */
  initialPrompt: string;
  stateFile: string;
  loadState: boolean;
  saveState: boolean;
  pidFile: string;
  printOpenApi: boolean;
  exit: boolean;
}

const MIN_TERM_SIZE = 10;

export async function resolveServerConfig(args: ServerArgs, stdin: StdinSource): Promise<ServerConfig> {
  const agentType = resolveType(args);
  if (args.termWidth < MIN_TERM_SIZE) {
    throw new ServerConfigError('term_width_too_small', `term width must be at least ${MIN_TERM_SIZE}`);
  }
  if (args.termHeight < MIN_TERM_SIZE) {
    throw new ServerConfigError('term_height_too_small', `term height must be at least ${MIN_TERM_SIZE}`);
  }
  const initialPrompt = trimWs(await initialPromptText(args.initialPrompt, stdin));
  const { loadState, saveState } = resolveStateFlags(args);
  if (args.experimentalAcp) {
    throw new ServerConfigError('acp_unsupported', 'ACP transport (--experimental-acp) is not supported by this build');
  }
  const allowedHosts = wrapListError('invalid_allowed_hosts', 'allowed hosts', () => parseAllowedHosts(args.allowedHosts));
  const allowedOrigins = wrapListError('invalid_allowed_origins', 'allowed origins', () =>
    parseAllowedOrigins(args.allowedOrigins),
  );
  return {
    agentType,
    agentCommand: [...args.agentCommand],
    port: args.port,
    host: args.host,
    chatBasePath: args.chatBasePath,
    termWidth: args.termWidth,
    termHeight: args.termHeight,
    allowedHosts,
    allowedOrigins,
    initialPrompt,
    stateFile: args.stateFile,
    loadState,
    saveState,
    pidFile: args.pidFile,
    printOpenApi: args.printOpenApi,
    exit: args.exit,
  };
}

/** §2.2.4: explicit `--type`, else the exact program name, else custom. */
function resolveType(args: ServerArgs): AgentType {
  try {
    return resolveAgentType(args.type, args.agentCommand[0]);
  } catch (err) {
    if (err instanceof InvalidAgentTypeError) {
      throw new ServerConfigError('invalid_agent_type', `failed to parse agent type: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

/**
 * §2.2.6: stdin is read only when the prompt option is empty as given (a
 * prompt of only spaces counts as given, as upstream) and stdin is not a TTY.
 */
async function initialPromptText(fromOption: string, stdin: StdinSource): Promise<string> {
  if (fromOption !== '' || stdin.isTTY) return fromOption;
  let text: string;
  try {
    text = await stdin.readAll();
  } catch (err) {
    const cause = err instanceof Error ? err.message : String(err);
    throw new ServerConfigError('stdin_read_failed', `failed to read stdin: ${cause}`, { cause: err });
  }
  return text;
}

/** §2.2.5: with a state file both default to on; without one, only an explicit true is an error. */
function resolveStateFlags(args: ServerArgs): { loadState: boolean; saveState: boolean } {
  if (args.stateFile !== '') {
    return { loadState: args.loadState ?? true, saveState: args.saveState ?? true };
  }
  if (args.loadState === true) {
    throw new ServerConfigError('load_state_requires_state_file', '--load-state requires --state-file to be set');
  }
  if (args.saveState === true) {
    throw new ServerConfigError('save_state_requires_state_file', '--save-state requires --state-file to be set');
  }
  return { loadState: false, saveState: false };
}

function wrapListError(
  code: 'invalid_allowed_hosts' | 'invalid_allowed_origins',
  what: string,
  parse: () => AllowedList,
): AllowedList {
  try {
    return parse();
  } catch (err) {
    if (err instanceof AllowedListError) {
      throw new ServerConfigError(code, `failed to create server: failed to parse ${what}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}
