// Script and echo modes (§10.4, §10.5) against a fake line source and screen.
import { describe, expect, it } from 'vitest';
import { runConversation, UnexpectedMessageError, type ConversationConfig, type ConversationScreen } from './conversation.js';
import type { LineSource } from './line-reader.js';
import type { Script } from './script.js';
import { renderScreen, type Transcript } from './transcript.js';

/** Records every redraw as the screen text it would produce. */
class FakeScreen implements ConversationScreen {
  readonly events: string[] = [];

  showIdle(transcript: Transcript): void {
    this.events.push(renderScreen(transcript, 'idle').slice('\x1b[2J\x1b[H'.length));
  }

  async think(_transcript: Transcript, durationMs: number): Promise<void> {
    if (durationMs > 0) this.events.push(`think ${durationMs}`);
  }
}

function linesOf(...lines: string[]): LineSource {
  const queue = [...lines];
  return { next: async () => queue.shift() ?? null };
}

const echoOnly: ConversationConfig = { script: [], echo: true, echoThinkMs: 0, greeting: 'Hi there' };
const twoStep: Script = [
  { expectMessage: '', thinkDurationMS: 1000, responseMessage: 'Ready.' },
  { expectMessage: '  What now?  ', thinkDurationMS: 500, responseMessage: 'Gosh' },
  { expectMessage: ' ', thinkDurationMS: 2000, responseMessage: '42' },
];

describe('runConversation', () => {
  it('echo mode: greeting, then each cleaned line is echoed; empty lines are ignored', async () => {
    const screen = new FakeScreen();
    await runConversation(echoOnly, linesOf('x\b\x1b[200~hello\x1b[201~', '   ', 'x\b'), screen);
    expect(screen.events).toEqual(['> ', 'Hi there\n> ', 'Hi there\n> hello\n> ', 'Hi there\n> hello\nEcho: hello\n> ']);
  });

  it('echo mode thinks for echoThinkMs before each reply', async () => {
    const screen = new FakeScreen();
    await runConversation({ ...echoOnly, greeting: null, echoThinkMs: 300 }, linesOf('a'), screen);
    expect(screen.events).toEqual(['> ', '> a\n> ', 'think 300', '> a\nEcho: a\n> ']);
  });

  it('script mode: spontaneous entries, trimmed expectations, thinking, then idle', async () => {
    const screen = new FakeScreen();
    const config = { script: twoStep, echo: false, echoThinkMs: 0, greeting: null };
    await runConversation(config, linesOf('What now?', 'ignored after the script'), screen);
    expect(screen.events).toEqual([
      '> ',
      'think 1000',
      'Ready.\n> ',
      'Ready.\n> What now?\n> ',
      'think 500',
      'Ready.\n> What now?\nGosh\n> ',
      'think 2000',
      'Ready.\n> What now?\nGosh\n42\n> ',
    ]);
  });

  it('script mode with echo continues in echo mode after the last entry', async () => {
    const screen = new FakeScreen();
    const script: Script = [{ expectMessage: '', responseMessage: 'Ready.' }];
    await runConversation({ script, echo: true, echoThinkMs: 0, greeting: null }, linesOf('hi'), screen);
    expect(screen.events.at(-1)).toBe('Ready.\n> hi\nEcho: hi\n> ');
  });

  it('a line that differs from the expectation is an UnexpectedMessageError', async () => {
    const screen = new FakeScreen();
    const config = { script: twoStep, echo: false, echoThinkMs: 0, greeting: null };
    const err = await runConversation(config, linesOf('x\b\x1b[200~What?\x1b[201~'), screen).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnexpectedMessageError);
    expect((err as UnexpectedMessageError).code).toBe('unexpected_message');
    expect((err as UnexpectedMessageError).printedLine).toBe("Error: Expected message 'What now?' but received 'What?'");
  });

  it('ends when the input ends while a line is expected', async () => {
    const screen = new FakeScreen();
    const config = { script: twoStep, echo: false, echoThinkMs: 0, greeting: null };
    await runConversation(config, linesOf(), screen);
    expect(screen.events.at(-1)).toBe('Ready.\n> ');
  });
});
