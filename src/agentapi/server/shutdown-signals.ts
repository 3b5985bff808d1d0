// Signal handling of `agentapi server`. The first SIGINT, SIGTERM or SIGHUP
// requests shutdown and removes the handlers, so a second one gets the default
// action (a stuck shutdown can still be killed). SIGUSR1 requests a save and is
// always handled: Node's default for SIGUSR1 starts the inspector, which a
// shutdown script signalling us must never trigger.

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

export class ShutdownSignals {
  readonly shutdownRequested: Promise<ShutdownSignal>;
  private saveListener: () => void = () => undefined;
  private readonly onShutdown = new Map<ShutdownSignal, () => void>();
  private readonly onUsr1 = () => this.saveListener();

  constructor() {
    let resolve!: (signal: ShutdownSignal) => void;
    this.shutdownRequested = new Promise((r) => (resolve = r));
    for (const signal of SHUTDOWN_SIGNALS) {
      const handler = () => {
        this.removeShutdownHandlers();
        resolve(signal);
      };
      this.onShutdown.set(signal, handler);
      process.on(signal, handler);
    }
    process.on('SIGUSR1', this.onUsr1);
  }

  onSaveRequest(listener: () => void): void {
    this.saveListener = listener;
  }

  private removeShutdownHandlers(): void {
    for (const [signal, handler] of this.onShutdown) process.off(signal, handler);
    this.onShutdown.clear();
  }

  dispose(): void {
    this.removeShutdownHandlers();
    process.off('SIGUSR1', this.onUsr1);
  }
}
