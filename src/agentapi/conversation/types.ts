// The conversation's data model and the events it publishes. Shared by the
// engine (producer) and the HTTP layer (consumer); holds no behaviour.
import type { AgentType } from '../format/agent-type.js';

export type Role = 'agent' | 'user';

export interface Message {
  /** Index in the conversation; messages are only appended or the last replaced. */
  readonly id: number;
  readonly role: Role;
  readonly text: string;
  /** RFC 3339 UTC string; restored messages keep their saved string verbatim. */
  readonly time: string;
}

export type PublicStatus = 'stable' | 'running';
export type InternalStatus = 'stable' | 'changing' | 'initializing';

export type ErrorLevel = 'error' | 'warning';

export interface MessageUpdateData {
  id: number;
  role: Role;
  message: string;
  time: string;
}
export interface StatusChangeData {
  status: PublicStatus;
  agent_type: AgentType;
}
export interface AgentErrorData {
  message: string;
  level: ErrorLevel;
  time: string;
}

/** Events of `GET /events`, in the field order of the wire format. */
export type ConversationEvent =
  | { type: 'message_update'; data: MessageUpdateData }
  | { type: 'status_change'; data: StatusChangeData }
  | { type: 'agent_error'; data: AgentErrorData };

/** Events of `GET /internal/screen`. */
export interface ScreenEvent {
  type: 'screen';
  data: { screen: string };
}
