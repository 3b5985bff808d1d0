// Turns the engine's state into SSE events: replay for new subscribers, then
// deltas. It compares against what it last published, so the engine can call
// publish() after every snapshot without flooding clients.
import type { AgentType } from '../format/agent-type.js';
import { trimRightU } from '../format/text.js';
import { EventHub } from './event-hub.js';
import { formatTime } from './time.js';
import type { AgentErrorData, ConversationEvent, ErrorLevel, Message, PublicStatus, ScreenEvent } from './types.js';

const MAX_STORED_ERRORS = 100;

export class ConversationPublisher {
  private publishedMessages: readonly Message[] = [];
  // Upstream's emitter starts at `running`, so the first stable is a change.
  private publishedStatus: PublicStatus = 'running';
  private publishedScreen = '';
  private readonly errors: AgentErrorData[] = [];

  readonly events = new EventHub<ConversationEvent>(() => this.replayConversation());
  readonly screens = new EventHub<ScreenEvent>(() => [{ type: 'screen', data: { screen: this.publishedScreen } }]);

  constructor(private readonly agentType: AgentType) {}

  publish(messages: readonly Message[], status: PublicStatus, screen: string): void {
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      const before = this.publishedMessages[i];
      if (before && before.id === m.id && before.role === m.role && before.text === m.text && before.time === m.time) {
        continue;
      }
      this.events.publish(messageUpdate(m));
    }
    this.publishedMessages = messages;

    if (status !== this.publishedStatus) {
      this.publishedStatus = status;
      this.events.publish({ type: 'status_change', data: { status, agent_type: this.agentType } });
    }

    const trimmed = trimRightU(screen);
    if (trimmed !== this.publishedScreen) {
      this.publishedScreen = trimmed;
      this.screens.publish({ type: 'screen', data: { screen: trimmed } });
    }
  }

  /** Raises an `agent_error`; the latest 100 are replayed to new subscribers. */
  raiseError(message: string, level: ErrorLevel, at = Date.now()): void {
    const data: AgentErrorData = { message, level, time: formatTime(at) };
    this.errors.push(data);
    if (this.errors.length > MAX_STORED_ERRORS) this.errors.shift();
    this.events.publish({ type: 'agent_error', data });
  }

  closeAll(): void {
    this.events.closeAll();
    this.screens.closeAll();
  }

  private replayConversation(): ConversationEvent[] {
    return [
      ...this.publishedMessages.map(messageUpdate),
      { type: 'status_change', data: { status: this.publishedStatus, agent_type: this.agentType } },
      ...this.errors.map((data): ConversationEvent => ({ type: 'agent_error', data })),
    ];
  }
}

function messageUpdate(m: Message): ConversationEvent {
  return { type: 'message_update', data: { id: m.id, role: m.role, message: m.text, time: m.time } };
}
