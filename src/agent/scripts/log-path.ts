// Where a script's output file lives (agent.md §2.4.1): `log_path` or
// `coder-script-<log_source_id>.log`; a leading `~` is the home directory,
// `$VAR`/`${VAR}` come from the agent's environment, and relative paths are
// joined to the agent's log dir. Path arithmetic only: it must never touch
// the filesystem.
import path from 'node:path';
import { expandEnv, type EnvLookup } from './expand-env.js';

export interface LogPathContext {
  /** The agent's `--log-dir`. */
  logDir: string;
  /** The home directory `~` stands for. */
  homeDir: string;
  /** Variables of the agent's own environment. */
  lookup: EnvLookup;
}

export function defaultLogName(logSourceId: string): string {
  return `coder-script-${logSourceId}.log`;
}

export function resolveLogPath(logPath: string, logSourceId: string, ctx: LogPathContext): string {
  let resolved = logPath === '' ? defaultLogName(logSourceId) : logPath;
  // Upstream order: `~` first (so `~` inside a variable's value stays literal), then variables.
  if (resolved.startsWith('~')) resolved = path.join(ctx.homeDir, resolved.slice(1));
  resolved = expandEnv(resolved, ctx.lookup);
  return path.isAbsolute(resolved) ? resolved : path.join(ctx.logDir, resolved);
}
