// How the demo agent is told to stop (spec §10.6): SIGINT prints `Exiting...`
// and exits 0; SIGTERM and SIGHUP exit 0 silently. Losing the terminal (a
// write error such as EIO once the PTY master is closed) is a hangup too.
// It must never decide anything else about the process; it only calls exit.
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

export interface SignalSource {
  on(signal: StopSignal, listener: () => void): unknown;
  off(signal: StopSignal, listener: () => void): unknown;
}

export interface StopOutput {
  write(chunk: string): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  off(event: 'error', listener: (err: Error) => void): unknown;
}

export const EXITING_LINE = 'Exiting...\n';

/** Installs the handlers; returns a function that removes them all. */
export function installStopHandlers(
  signals: SignalSource,
  output: StopOutput,
  exit: (code: number) => void,
): () => void {
  const onInterrupt = (): void => {
    output.write(EXITING_LINE);
    exit(0);
  };
  const onQuietStop = (): void => exit(0);
  const onOutputLost = (): void => exit(0);

  signals.on('SIGINT', onInterrupt);
  signals.on('SIGTERM', onQuietStop);
  signals.on('SIGHUP', onQuietStop);
  output.on('error', onOutputLost);
  return () => {
    signals.off('SIGINT', onInterrupt);
    signals.off('SIGTERM', onQuietStop);
    signals.off('SIGHUP', onQuietStop);
    output.off('error', onOutputLost);
  };
}
