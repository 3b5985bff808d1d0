// Readiness (spec §6.5): whether a screen shows the agent's input box, i.e. the
// agent can take a message. Must never latch or remember anything (the engine
// owns the latch) and must never use a box rule other than the formatter's.
import type { AgentType } from './agent-type.js';
import { removeInputBox } from './input-box.js';
import { trimEmptyLines } from './text.js';

export function isReady(type: AgentType, screen: string): boolean {
  const trimmed = trimEmptyLines(screen);
  return removeInputBox(type, trimmed) !== trimmed;
}
