// The steps of `agentapi attach` in their order, given its collaborators:
//   1. GET /status — ACP → error; any failure of the check is only a warning;
//   2. stdin must be a TTY — checked without touching the terminal;
//   3. open the screen stream — a server that is not there fails here, while
//      the terminal is still untouched, so the error reads on the normal screen;
//   4. the session (alternate screen, raw input) until detach or failure.
// The status check comes before the TTY check as the spec orders it (and as
// upstream does): "ACP" is the more useful answer, and the check changes
// nothing locally. It must never touch the terminal before step 4, and never
// print anything but the warning of step 1.
import type { AttachClient } from './client.js';
import { acpUnsupported, notATerminal, StatusCheckError } from './errors.js';
import type { LocalTerminal } from './local-terminal.js';
import { runAttachSession, type SignalSource } from './session.js';

export interface AttachDeps {
  client: AttachClient;
  /** Whether stdin is a terminal; read before the terminal is created. */
  stdinIsTerminal: boolean;
  /** Created only once every check has passed. */
  openTerminal(): LocalTerminal;
  signals: SignalSource;
  /** One warning line, without the `Warning: ` prefix. */
  warn(message: string): void;
}

/** Resolves when the user detached; rejects with an AttachError otherwise. */
export async function runAttach(deps: AttachDeps): Promise<void> {
  try {
    const status = await deps.client.fetchStatus();
    if (status.transport === 'acp') throw acpUnsupported();
  } catch (err) {
    if (!(err instanceof StatusCheckError)) throw err;
    deps.warn(err.message);
  }
  if (!deps.stdinIsTerminal) throw notATerminal();
  const screens = await deps.client.subscribeScreen();
  let terminal: LocalTerminal;
  try {
    terminal = deps.openTerminal();
  } catch (err) {
    screens.close();
    throw err;
  }
  await runAttachSession({
    terminal,
    screens,
    sendRawInput: (content) => deps.client.sendRawInput(content),
    signals: deps.signals,
  });
}
