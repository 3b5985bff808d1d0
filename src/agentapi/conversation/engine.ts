// The conversation engine: turns successive terminal screens into a message
// list and a status, and types user messages into the agent. It is driven by
// terminal output (no polling while idle) and owns its timers; it never touches
// HTTP or files. Snapshot steps run in the order of spec §5.2.4.
import { screenDiff } from '../format/diff.js';
import { formatAgentMessage } from '../format/format.js';
import { isReady } from '../format/readiness.js';
import type { AgentType } from '../format/agent-type.js';
import { trimWs } from '../format/text.js';
import type { Logger } from '../log.js';
import { agentBusy, messageEmpty, messageUntrimmed, sendFailed } from './errors.js';
import { MessageLog } from './message-log.js';
import { ConversationPublisher } from './publisher.js';
import { messageParts, submitMessage, typeMessage } from './send-procedure.js';
import { ScreenStability, SNAPSHOT_INTERVAL_MS } from './stability.js';
import type { AgentTerminal } from './terminal-port.js';
import { formatTime } from './time.js';
import type { InternalStatus, Message, PublicStatus } from './types.js';

export interface EngineOptions {
  agentType: AgentType;
  terminal: AgentTerminal;
  logger: Logger;
  /** WS-trimmed initial prompt; empty for none. */
  initialPrompt?: string;
  /** Runs once, on the first ready snapshot, before the initial prompt is enqueued. */
  onReady?: (engine: ConversationEngine) => void;
  /** Readiness rule; defaults to the agent type's (§6.5). Tests substitute their own. */
  isReady?: (screen: string) => boolean;
}

interface PendingSend {
  text: string;
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface InitialPromptState {
  text: string;
  sent: boolean;
}

export class ConversationEngine {
  readonly agentType: AgentType;
  readonly publisher: ConversationPublisher;
  private readonly terminal: AgentTerminal;
  private readonly logger: Logger;
  private readonly onReady: ((engine: ConversationEngine) => void) | undefined;
  private readonly readyRule: (screen: string) => boolean;

  private readonly log: MessageLog;
  private readonly stability = new ScreenStability();
  private baseline = '';
  private readyLatched = false;
  private readyHandled = false;
  private pending: PendingSend | undefined;
  private sending = false;
  /** While set, snapshots leave the messages alone: the screen shows our own typing. */
  private writing = false;
  /** After a state restore, the last agent message is kept verbatim until the user speaks. */
  private frozen = false;
  private dirty = false;
  private readonly loggedToolCalls = new Map<number, Set<string>>();
  initialPrompt: InitialPromptState;

  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;
  private snapshotRunning = false;
  private snapshotAgain = false;
  private outputSinceSnapshot = false;
  private stopped = false;
  private unsubscribeOutput: (() => void) | undefined;

  constructor(options: EngineOptions) {
    this.agentType = options.agentType;
    this.terminal = options.terminal;
    this.logger = options.logger;
    this.onReady = options.onReady;
    this.readyRule = options.isReady ?? ((screen) => isReady(options.agentType, screen));
    this.initialPrompt = { text: options.initialPrompt ?? '', sent: false };
    this.log = new MessageLog(formatTime(Date.now()));
    this.publisher = new ConversationPublisher(options.agentType);
  }

  /** Subscribes to terminal output and takes the first snapshot. */
  start(): void {
    this.unsubscribeOutput = this.terminal.onOutput(() => {
      this.outputSinceSnapshot = true;
      this.requestSnapshot(SNAPSHOT_INTERVAL_MS);
    });
    this.requestSnapshot(0);
  }

  /** Stops timers and output handling; a send in progress is left to fail on its own. */
  stop(): void {
    this.stopped = true;
    this.unsubscribeOutput?.();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.publisher.closeAll();
  }

  get messages(): readonly Message[] {
    return this.log.all;
  }

  get screen(): string {
    return this.stability.screen;
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  get isReady(): boolean {
    return this.readyLatched;
  }

  markSaved(): void {
    this.dirty = false;
  }

  /** Replaces the history with a restored one (§7.5.3) and freezes the last agent message. */
  restore(messages: readonly Message[]): void {
    this.log.replaceAll(messages);
    this.frozen = true;
    this.dirty = false;
  }

  internalStatus(now = Date.now()): InternalStatus {
    if (this.log.last()?.role === 'user') return 'changing';
    if (this.stability.isInitializing(now)) return 'initializing';
    if (!this.stability.isStable(now)) return 'changing';
    if (!this.readyLatched) return 'changing';
    if (this.pending || this.sending) return 'changing';
    return 'stable';
  }

  publicStatus(now = Date.now()): PublicStatus {
    return this.internalStatus(now) === 'stable' ? 'stable' : 'running';
  }

  /**
   * Sends a user message and resolves once the agent started processing it.
   * `text` must already be trimmed of WS (the HTTP layer trims).
   */
  sendUserMessage(text: string): Promise<void> {
    if (text !== trimWs(text)) return Promise.reject(messageUntrimmed());
    if (text === '') return Promise.reject(messageEmpty());
    if (this.internalStatus() !== 'stable' || this.pending) return Promise.reject(agentBusy());
    return this.enqueue(text);
  }

  /** Writes bytes to the agent verbatim; not recorded in the history. */
  writeRaw(content: string): void {
    this.terminal.write(content);
  }

  private enqueue(text: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending = { text, resolve, reject };
      // Publish the status flip to `running` right away, and let the next
      // snapshot start the send when the screen is stable.
      this.requestSnapshot(0);
    });
  }

  private requestSnapshot(delayMs: number): void {
    if (this.stopped) return;
    const due = Date.now() + delayMs;
    if (this.timer !== undefined && this.timerDue <= due) return;
    clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDue = Infinity;
      void this.runSnapshot();
    }, delayMs);
  }

  private async runSnapshot(): Promise<void> {
    if (this.snapshotRunning) {
      this.snapshotAgain = true;
      return;
    }
    this.snapshotRunning = true;
    try {
      await this.snapshot();
    } catch (err) {
      this.logger.error({ err }, 'snapshot failed');
    } finally {
      this.snapshotRunning = false;
    }
    if (this.snapshotAgain || this.outputSinceSnapshot) {
      this.snapshotAgain = false;
      this.requestSnapshot(SNAPSHOT_INTERVAL_MS);
    } else if (!this.stability.isStable(Date.now())) {
      // Wake exactly when the stability window elapses; no polling meanwhile.
      this.requestSnapshot(Math.max(0, this.stability.stableAt() - Date.now()));
    }
  }

  private async snapshot(): Promise<void> {
    this.outputSinceSnapshot = false;
    const screen = await this.terminal.readScreen();
    if (this.stopped) return;
    const now = Date.now();
    this.stability.record(screen, now);
    if (!this.writing) this.updateAgentMessage(screen, now);

    if (!this.readyLatched && this.readyRule(screen)) this.readyLatched = true;
    if (this.readyLatched && !this.readyHandled) {
      this.readyHandled = true;
      this.onReady?.(this);
      this.enqueueInitialPrompt();
    }
    if (this.readyLatched && this.pending && !this.sending && this.stability.isStable(now)) {
      void this.runSend(this.pending);
    }
    this.publisher.publish(this.log.all, this.publicStatus(now), screen);
  }

  private enqueueInitialPrompt(): void {
    const { text, sent } = this.initialPrompt;
    if (text === '' || sent) return;
    this.initialPrompt = { text, sent: true };
    this.dirty = true;
    this.enqueue(text).catch((err: unknown) => {
      this.logger.error({ err }, 'failed to send initial prompt');
    });
  }

  /** §5.4: derive the latest agent message from the screen. */
  private updateAgentMessage(screen: string, now: number): void {
    const last = this.log.last();
    let candidate: string;
    if (this.frozen && last?.role === 'agent') {
      candidate = last.text;
    } else {
      const userText = this.log.lastOfRole('user')?.text ?? '';
      const formatted = formatAgentMessage(this.agentType, screenDiff(this.baseline, screen, this.agentType), userText);
      candidate = formatted.text;
      this.logToolCalls(formatted.toolCalls);
    }
    if (candidate === this.log.lastOfRole('agent')?.text) return;
    if (last?.role === 'user' || last === undefined) this.log.append('agent', candidate, formatTime(now));
    else this.log.replaceLast(candidate, formatTime(now));
    this.dirty = true;
  }

  private logToolCalls(toolCalls: readonly string[]): void {
    if (toolCalls.length === 0) return;
    // Keyed by the message the calls would belong to, so each block logs once.
    const key = this.log.last()?.role === 'user' ? this.log.length : this.log.length - 1;
    let seen = this.loggedToolCalls.get(key);
    if (!seen) this.loggedToolCalls.set(key, (seen = new Set()));
    for (const call of toolCalls) {
      if (seen.has(call)) continue;
      seen.add(call);
      this.logger.info({ tool_call: call }, 'removed tool call from agent message');
    }
  }

  private async runSend(pending: PendingSend): Promise<void> {
    this.sending = true;
    const t0 = Date.now();
    try {
      const screenBefore = await this.terminal.readScreen();
      this.updateAgentMessage(screenBefore, Date.now());
      this.writing = true;
      await typeMessage(this.terminal, messageParts(pending.text), screenBefore, this.logger);
      await submitMessage(this.terminal);
      this.baseline = screenBefore;
      this.log.append('user', pending.text, formatTime(t0));
      this.frozen = false;
      pending.resolve();
    } catch (err) {
      pending.reject(sendFailed(err));
    } finally {
      this.writing = false;
      this.sending = false;
      this.pending = undefined;
      this.requestSnapshot(0);
    }
  }
}
