// The state file: its JSON shape (byte-compatible with upstream agentapi's
// saved state, §7.1), encoding and decoding. It never touches the engine and
// never decides when to save; persistence.ts does.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Message } from '../conversation/types.js';
import { stringifyGoJson } from '../go-json.js';

export const STATE_FILE_VERSION = 1;

const savedMessageSchema = z.object({
  id: z.number().int(),
  message: z.string(),
  role: z.enum(['agent', 'user']),
  time: z.string(),
});

/** What a state file may contain; a missing or null message list means "none". */
const stateFileSchema = z.object({
  version: z.number().int().default(0),
  messages: z.array(savedMessageSchema).nullish(),
  initial_prompt: z.string().default(''),
  initial_prompt_sent: z.boolean().default(false),
});

export interface SavedState {
  messages: Message[];
  initialPrompt: string;
  initialPromptSent: boolean;
}

export type StateLoadErrorCode = 'open_failed' | 'invalid_json' | 'unsupported_version';

export class StateLoadError extends Error {
  constructor(
    readonly code: StateLoadErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StateLoadError';
  }
}

/** Encodes state exactly as upstream writes it: one line, fixed key order, Go escaping. */
export function encodeState(state: SavedState): string {
  return `${stringifyGoJson({
    version: STATE_FILE_VERSION,
    messages: state.messages.map((m) => ({ id: m.id, message: m.text, role: m.role, time: m.time })),
    initial_prompt: state.initialPrompt,
    initial_prompt_sent: state.initialPromptSent,
  })}\n`;
}

/** Decodes state file text; throws StateLoadError with the spec's causes. */
export function decodeState(text: string): SavedState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new StateLoadError('invalid_json', `failed to unmarshal state (corrupted or invalid JSON): ${causeOf(err)}`);
  }
  const parsed = stateFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new StateLoadError(
      'invalid_json',
      `failed to unmarshal state (corrupted or invalid JSON): ${where}${issue?.message ?? 'invalid state'}`,
    );
  }
  const state = parsed.data;
  if (state.version !== STATE_FILE_VERSION) {
    throw new StateLoadError(
      'unsupported_version',
      `unsupported state file version ${state.version} (expected ${STATE_FILE_VERSION})`,
    );
  }
  return {
    messages: (state.messages ?? []).map((m) => ({ id: m.id, role: m.role, text: m.message, time: m.time })),
    initialPrompt: state.initial_prompt,
    initialPromptSent: state.initial_prompt_sent,
  };
}

/** Reads and decodes a state file; `undefined` when it does not exist. */
export function readStateFile(file: string): SavedState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateLoadError('open_failed', `failed to open state file: ${causeOf(err)}`);
  }
  return decodeState(text);
}

function causeOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
