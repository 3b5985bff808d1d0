// The message-formatting pipeline (spec §6.1): turns a screen diff into the text
// agentapi stores for an agent message. The conversation engine and the
// `agentapi format` command both call formatAgentMessage, so there is exactly one
// code path. Must never diff screens or keep state between calls.
import type { AgentType } from './agent-type.js';
import { removeInputBox } from './input-box.js';
import { removeUserInput } from './remove-user-input.js';
import { trimEmptyLines } from './text.js';
import { stripToolCalls } from './tool-calls.js';

export interface FormattedAgentMessage {
  text: string;
  /** Removed tool-call blocks, in reverse order of appearance (for logging only). */
  toolCalls: string[];
}

/** RemoveUserInput → input-box removal → trimEmptyLines. */
export function formatMessage(type: AgentType, msg: string, user: string): string {
  return trimEmptyLines(removeInputBox(type, removeUserInput(msg, user, type)));
}

/** formatMessage, then tool-call stripping: what the engine stores as the agent's message. */
export function formatAgentMessage(type: AgentType, msg: string, user: string): FormattedAgentMessage {
  const { text, removed } = stripToolCalls(type, formatMessage(type, msg, user));
  return { text, toolCalls: removed };
}
