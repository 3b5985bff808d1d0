// Joins the PTY process and the emulator into the AgentTerminal the engine
// uses. Owns neither lifetime decision: the server decides when to stop them.
import type { AgentTerminal } from '../conversation/terminal-port.js';
import type { AgentProcess } from './pty-process.js';
import type { TerminalScreen } from './screen.js';

export class PtyAgentTerminal implements AgentTerminal {
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly process: AgentProcess,
    readonly screen: TerminalScreen,
  ) {
    process.onData((data) => {
      screen.feed(data);
      for (const l of this.listeners) l();
    });
  }

  readScreen(): Promise<string> {
    return this.screen.read();
  }

  write(data: string): void {
    this.process.write(data);
  }

  onOutput(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
