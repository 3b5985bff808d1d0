// Adapts the conversation engine to the HTTP layer's AgentBackend: serialises
// POST /message FIFO (raw writes wait for an in-flight user send) while reads
// go straight to the engine and never wait behind a send.
import type { ConversationEngine } from '../conversation/engine.js';
import { trimWs } from '../format/text.js';
import type { AgentBackend, MessageType } from '../http/backend.js';

export class EngineBackend implements AgentBackend {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly engine: ConversationEngine) {}

  get agentType() {
    return this.engine.agentType;
  }

  get events() {
    return this.engine.publisher.events;
  }

  get screens() {
    return this.engine.publisher.screens;
  }

  status() {
    return this.engine.publicStatus();
  }

  messages() {
    return this.engine.messages;
  }

  sendMessage(type: MessageType, content: string): Promise<void> {
    const run = async (): Promise<void> => {
      if (type === 'raw') this.engine.writeRaw(content);
      else await this.engine.sendUserMessage(trimWs(content));
    };
    const result = this.tail.then(run);
    // The queue continues whatever the outcome of this request.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
