// How `taskyard sync` words failures (spec agent.md §5.1.2): server errors get
// the command's context (`start unit failed: <server error>`), while a socket
// nobody answers on always reads `connect to agent socket: <cause>`. It must
// never print or exit: the bin's main() prints `error: <message>`, exit 1.
import { AgentSocketError } from '../../agent/socket/client.js';

export function contextualError(context: string, err: unknown): Error {
  if (err instanceof AgentSocketError && err.kind === 'connect') return err;
  return new Error(`${context}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

export async function withContext<T>(context: string, promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    throw contextualError(context, err);
  }
}
