// The running agent behind one `agentapi server`: its PTY process, the
// emulator, the conversation engine and the HTTP backend, created together
// and stopped together. It must never parse flags or install signal handlers.
import type { ConversationEngine } from '../conversation/engine.js';
import { ConversationEngine as Engine } from '../conversation/engine.js';
import type { AgentType } from '../format/agent-type.js';
import { trimU } from '../format/text.js';
import type { Logger } from '../log.js';
import { PtyAgentTerminal } from '../terminal/agent-terminal.js';
import { AgentProcess, type AgentExit } from '../terminal/pty-process.js';
import { TerminalScreen } from '../terminal/screen.js';
import { EngineBackend } from './engine-backend.js';

export interface AgentSessionOptions {
  agentType: AgentType;
  command: readonly string[];
  termWidth: number;
  termHeight: number;
  initialPrompt: string;
  logger: Logger;
  /** Runs on the first ready snapshot, before the initial prompt is enqueued (state restore). */
  onReady?: (engine: ConversationEngine) => void;
}

/** How long the agent gets after SIGINT before it is killed (§9.2). */
export const AGENT_STOP_GRACE_MS = 5_000;

export class AgentSession {
  readonly engine: ConversationEngine;
  readonly backend: EngineBackend;

  private constructor(
    readonly process: AgentProcess,
    private readonly screen: TerminalScreen,
    engine: ConversationEngine,
  ) {
    this.engine = engine;
    this.backend = new EngineBackend(engine);
  }

  /** Spawns the agent and starts the engine. Throws SpawnError when the program cannot start. */
  static start(options: AgentSessionOptions): AgentSession {
    const process = AgentProcess.spawn({
      command: options.command,
      cols: options.termWidth,
      rows: options.termHeight,
    });
    // Amp's TUI waits for a first keystroke before drawing; a space and a
    // backspace wake it without leaving anything in its input.
    if (options.agentType === 'amp') process.write(' \b');
    const screen = new TerminalScreen(options.termWidth, options.termHeight);
    const terminal = new PtyAgentTerminal(process, screen);
    const engine = new Engine({
      agentType: options.agentType,
      terminal,
      logger: options.logger,
      initialPrompt: options.initialPrompt,
      onReady: options.onReady,
    });
    engine.start();
    return new AgentSession(process, screen, engine);
  }

  get exited(): Promise<AgentExit> {
    return this.process.exited;
  }

  /** The last screen, trimmed, as reported when the agent fails. */
  async finalScreen(): Promise<string> {
    return trimU(await this.screen.read());
  }

  /** Stops the engine, then the agent (SIGINT, 5 s, SIGKILL), then releases the PTY. */
  async stop(): Promise<AgentExit> {
    this.engine.stop();
    const exit = await this.process.stop(AGENT_STOP_GRACE_MS);
    this.process.close();
    this.screen.dispose();
    return exit;
  }
}
