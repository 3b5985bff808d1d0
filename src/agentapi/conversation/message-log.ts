// The conversation's message list. Messages are only appended or the last one
// replaced, so a message's id is its index forever (clients rely on that).
import type { Message, Role } from './types.js';

export class MessageLog {
  private list: Message[];

  constructor(startTime: string) {
    this.list = [{ id: 0, role: 'agent', text: '', time: startTime }];
  }

  get all(): readonly Message[] {
    return this.list;
  }

  get length(): number {
    return this.list.length;
  }

  last(): Message | undefined {
    return this.list[this.list.length - 1];
  }

  lastOfRole(role: Role): Message | undefined {
    for (let i = this.list.length - 1; i >= 0; i--) {
      if (this.list[i]!.role === role) return this.list[i];
    }
    return undefined;
  }

  append(role: Role, text: string, time: string): Message {
    const message: Message = { id: this.list.length, role, text, time };
    this.list = [...this.list, message];
    return message;
  }

  replaceLast(text: string, time: string): Message {
    const last = this.last();
    if (!last) return this.append('agent', text, time);
    const message: Message = { ...last, text, time };
    this.list = [...this.list.slice(0, -1), message];
    return message;
  }

  /** Replaces the whole history (state restore), keeping ids and times as saved. */
  replaceAll(messages: readonly Message[]): void {
    this.list = [...messages];
  }
}
