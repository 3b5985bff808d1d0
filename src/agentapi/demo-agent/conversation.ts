// The demo agent's behaviour (spec §10.4, §10.5): plays a script, then
// optionally echoes, keeping the transcript and telling the display when to
// redraw. It must never touch process, stdin/stdout or timers directly: lines
// come from a LineSource and all output goes through the Display.
import { trimU } from '../format/text.js';
import { cleanInput } from './clean-input.js';
import type { LineSource } from './line-reader.js';
import type { Script } from './script.js';
import type { Transcript, TranscriptMessage } from './transcript.js';

export const DEFAULT_GREETING = "Hello! I'm the taskyard demo agent. Send me a message and I'll echo it back.";

export interface ConversationConfig {
  /** Played first, in order; `[]` goes straight to echo mode. */
  readonly script: Script;
  /** Echo after the script; always true without a script. */
  readonly echo: boolean;
  /** Thinking time of each echo reply. */
  readonly echoThinkMs: number;
  /** First agent message of echo mode; `null` shows none. */
  readonly greeting: string | null;
}

/** The part of the Display the conversation needs. */
export interface ConversationScreen {
  showIdle(transcript: Transcript): void;
  think(transcript: Transcript, durationMs: number): Promise<void>;
}

/** The input line differs from what the script expects. */
export class UnexpectedMessageError extends Error {
  override readonly name = 'UnexpectedMessageError';
  readonly code = 'unexpected_message';

  constructor(
    readonly expected: string,
    readonly received: string,
  ) {
    super(`Expected message '${expected}' but received '${received}'`);
  }

  /** The exact line the agent prints before exiting 1. */
  get printedLine(): string {
    return `Error: ${this.message}`;
  }
}

/**
 * Runs until the input ends. Throws UnexpectedMessageError on a script
 * mismatch.
 */
export async function runConversation(
  config: ConversationConfig,
  lines: LineSource,
  screen: ConversationScreen,
): Promise<void> {
  const transcript: TranscriptMessage[] = [];
  const say = (speaker: TranscriptMessage['speaker'], text: string): void => {
    transcript.push({ speaker, text });
    screen.showIdle(transcript);
  };
  const nextInput = async (): Promise<string | null> => {
    for (;;) {
      const raw = await lines.next();
      if (raw === null) return null;
      const input = cleanInput(raw);
      if (input !== '') return input;
    }
  };

  screen.showIdle(transcript);

  for (const entry of config.script) {
    const expected = trimU(entry.expectMessage);
    if (expected !== '') {
      const input = await nextInput();
      if (input === null) return;
      if (input !== expected) throw new UnexpectedMessageError(expected, input);
      say('user', input);
    }
    await screen.think(transcript, entry.thinkDurationMS ?? 0);
    say('agent', entry.responseMessage);
  }

  if (config.script.length > 0 && !config.echo) {
    // Idle: keep draining input (the terminal still echoes it) until it ends.
    while ((await lines.next()) !== null) {
      // ignored on purpose
    }
    return;
  }

  if (config.greeting !== null) say('agent', config.greeting);
  for (;;) {
    const input = await nextInput();
    if (input === null) return;
    say('user', input);
    await screen.think(transcript, config.echoThinkMs);
    say('agent', `Echo: ${input}`);
  }
}
