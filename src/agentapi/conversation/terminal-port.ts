// What the conversation engine needs from a terminal: read the rendered
// screen, write bytes, hear about output. The engine never touches a PTY or an
// emulator directly, so it can be driven by a fake terminal in tests.

export interface AgentTerminal {
  /** The current screen, after all output received so far has been parsed. */
  readScreen(): Promise<string>;
  /** Writes bytes to the agent, exactly as given. */
  write(data: string): void;
  /** Calls `listener` whenever the agent produced output; returns an unsubscribe. */
  onOutput(listener: () => void): () => void;
}
