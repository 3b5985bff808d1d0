// Which agent socket `taskyard sync` talks to (spec agent.md §5.1.1): the
// `--socket-path` flag, else $CODER_AGENT_SOCKET_PATH, else the default.
// Pure: it must never touch the file system or connect.
import { DEFAULT_SOCKET_PATH } from '../../agent/socket/protocol.js';

export function resolveSocketPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined && flag !== '') return flag;
  const fromEnv = env['CODER_AGENT_SOCKET_PATH'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return DEFAULT_SOCKET_PATH;
}
