// The agent types agentapi knows, and how a `--type` value or a program name
// maps onto one. Must never depend on the terminal or the HTTP layer.

export const AGENT_TYPES = [
  'claude',
  'goose',
  'aider',
  'codex',
  'gemini',
  'copilot',
  'amp',
  'cursor',
  'auggie',
  'amazonq',
  'opencode',
  'custom',
] as const;

export type AgentType = (typeof AGENT_TYPES)[number];

const ALIASES: ReadonlyMap<string, AgentType> = new Map<string, AgentType>([
  ...AGENT_TYPES.map((t) => [t, t] as [string, AgentType]),
  ['cursor-agent', 'cursor'],
  ['q', 'amazonq'],
]);

export class InvalidAgentTypeError extends Error {
  readonly code = 'invalid_agent_type';
  constructor(readonly value: string) {
    super(`invalid agent type: ${value}`);
    this.name = 'InvalidAgentTypeError';
  }
}

/** Looks up an explicit `--type` value; throws InvalidAgentTypeError on a miss. */
export function parseAgentType(value: string): AgentType {
  const found = ALIASES.get(value);
  if (found === undefined) throw new InvalidAgentTypeError(value);
  return found;
}

/**
 * Picks the agent type for a server: the explicit `--type` when given, else the
 * exact program name (so `/usr/bin/claude` is deliberately `custom`, as upstream).
 */
export function resolveAgentType(explicitType: string, program: string | undefined): AgentType {
  if (explicitType !== '') return parseAgentType(explicitType);
  return (program !== undefined ? ALIASES.get(program) : undefined) ?? 'custom';
}
