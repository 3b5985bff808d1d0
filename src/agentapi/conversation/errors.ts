// Errors the conversation engine returns to callers. Their messages are part of
// the wire contract (they reach clients inside problem+json), so they are fixed.

export type ConversationErrorCode = 'message_empty' | 'message_untrimmed' | 'agent_busy' | 'send_failed';

export class ConversationError extends Error {
  constructor(
    readonly code: ConversationErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConversationError';
  }
}

export const messageEmpty = () => new ConversationError('message_empty', 'message must not be empty');
export const messageUntrimmed = () =>
  new ConversationError('message_untrimmed', 'message must be trimmed of leading and trailing whitespace');
export const agentBusy = () =>
  new ConversationError('agent_busy', 'message can only be sent when the agent is waiting for user input');
export const sendFailed = (cause: unknown) =>
  new ConversationError('send_failed', `failed to send message: ${cause instanceof Error ? cause.message : String(cause)}`, {
    cause,
  });
