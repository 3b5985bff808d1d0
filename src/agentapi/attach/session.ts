// One attached session (spec §2.3.3–2.3.4): owns the local terminal from the
// moment it enters the alternate screen until it is restored, draws every
// screen update, forwards keyboard input, and ends on Ctrl+C (resolves), on
// the end or loss of the screen stream, a failed input post or a signal
// (rejects with an AttachError). It must never end with the terminal still in
// raw mode or in the alternate screen, and never print an error itself: the
// caller prints it after the terminal is back to normal.
import type { ScreenSubscription } from './client.js';
import { AttachError, inputFailed, interrupted, screenStreamEnded, screenStreamLost } from './errors.js';
import { RawInputForwarder } from './input-forwarder.js';
import type { LocalTerminal } from './local-terminal.js';
import { ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, renderScreen } from './screen-renderer.js';

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface SignalSource {
  on(signal: StopSignal, listener: () => void): unknown;
  off(signal: StopSignal, listener: () => void): unknown;
}

export interface AttachSessionDeps {
  terminal: LocalTerminal;
  /** Already open (connection errors are reported before the terminal is touched). */
  screens: ScreenSubscription;
  sendRawInput(content: string): Promise<void>;
  /**
   * In raw mode Ctrl+C is a byte, not SIGINT; these come from outside
   * (kill, a closed terminal window) and still restore the terminal.
   */
  signals: SignalSource;
  /** After Ctrl+C, how long input typed before it may take to reach the server. */
  drainTimeoutMs?: number;
}

type Outcome = { kind: 'detached' } | { kind: 'failed'; error: AttachError };

export async function runAttachSession(deps: AttachSessionDeps): Promise<void> {
  const { terminal, screens } = deps;
  let settle: (outcome: Outcome) => void = () => {};
  const outcome = new Promise<Outcome>((resolve) => (settle = resolve));
  let finished = false;
  const finish = (result: Outcome): void => {
    if (finished) return;
    finished = true;
    settle(result);
  };

  let latest: string | undefined;
  const draw = (): void => {
    if (!finished && latest !== undefined) terminal.write(renderScreen(latest, terminal.size()));
  };
  const forwarder = new RawInputForwarder(deps.sendRawInput, (err) => finish({ kind: 'failed', error: inputFailed(err) }));
  const signalListeners = STOP_SIGNALS.map((signal) => {
    const listener = (): void => finish({ kind: 'failed', error: interrupted(signal) });
    deps.signals.on(signal, listener);
    return [signal, listener] as const;
  });
  let stopResize: () => void = () => {};

  try {
    terminal.write(ENTER_ALT_SCREEN);
    stopResize = terminal.onResize(draw);
    terminal.startInput((chunk) => {
      if (forwarder.accept(chunk) === 'detach') finish({ kind: 'detached' });
    });
    void (async () => {
      try {
        for await (const screen of screens.updates) {
          if (finished) return;
          latest = screen;
          draw();
        }
        finish({ kind: 'failed', error: screenStreamEnded() });
      } catch (err) {
        finish({ kind: 'failed', error: err instanceof AttachError ? err : screenStreamLost(err) });
      }
    })();
    const result = await outcome;
    if (result.kind === 'failed') throw result.error;
  } finally {
    finished = true;
    // Restore order: stop reading keys and leave raw mode; stop redrawing;
    // leave the alternate screen (the user's shell screen returns as it was);
    // then drop the listeners and the screen connection.
    terminal.stopInput();
    stopResize();
    terminal.write(LEAVE_ALT_SCREEN);
    for (const [signal, listener] of signalListeners) deps.signals.off(signal, listener);
    screens.close();
  }
  // Detached by the user: let keys typed before Ctrl+C reach the agent, bounded.
  await settleWithin(forwarder.drained(), deps.drainTimeoutMs ?? 2_000);
}

async function settleWithin(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
}
