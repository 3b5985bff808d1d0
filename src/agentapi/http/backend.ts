// What the HTTP layer needs from the conversation engine. The HTTP layer sees
// only this interface, so routes can be tested against any implementation and
// never reach into terminal or engine internals.
import type { AgentType } from '../format/agent-type.js';
import type { EventHub } from '../conversation/event-hub.js';
import type { ConversationEvent, Message, PublicStatus, ScreenEvent } from '../conversation/types.js';

export type MessageType = 'user' | 'raw';

export interface AgentBackend {
  readonly agentType: AgentType;
  /** Never waits on an in-flight send. */
  status(): PublicStatus;
  /** Never waits on an in-flight send. */
  messages(): readonly Message[];
  /**
   * Sends a message. Requests are served FIFO. Rejects with an Error whose
   * message is the cause; the HTTP layer adds the `failed to send message: ` prefix.
   */
  sendMessage(type: MessageType, content: string): Promise<void>;
  /** `GET /events`: replay (messages, status, stored errors) then deltas. */
  readonly events: EventHub<ConversationEvent>;
  /** `GET /internal/screen`: current screen then one event per change. */
  readonly screens: EventHub<ScreenEvent>;
}
