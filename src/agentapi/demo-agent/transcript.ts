// The demo agent's screen protocol (spec §10.2) as pure functions: what bytes
// draw the transcript, the prompt, and the spinner. It must never write to a
// stream or own a timer (the display does that).
//
// Lines end in a bare `\n`: the agent runs in a PTY whose onlcr setting turns
// it into CRLF, so every line starts at column 0 on the emulated screen.

export type Speaker = 'user' | 'agent';

export interface TranscriptMessage {
  readonly speaker: Speaker;
  readonly text: string;
}

export type Transcript = readonly TranscriptMessage[];

/** Idle shows the input prompt; thinking shows that a reply is coming. */
export type ScreenMode = 'idle' | 'thinking';

export const CLEAR_SCREEN = '\x1b[2J\x1b[H';
export const IDLE_PROMPT = '> ';
export const THINKING_LINE = 'Thinking... ';
export const SPINNER_FRAMES = ['|', '/', '-', '\\'] as const;
export const SPINNER_INTERVAL_MS = 200;
/** Written when thinking ends, before the redraw. */
export const SPINNER_CLEAR = `\r${' '.repeat(20)}\r`;

/** The full redraw after a state change. */
export function renderScreen(transcript: Transcript, mode: ScreenMode): string {
  let out = CLEAR_SCREEN;
  for (const message of transcript) {
    out += message.speaker === 'user' ? `> ${message.text}\n` : `${message.text}\n`;
  }
  return out + (mode === 'idle' ? IDLE_PROMPT : THINKING_LINE);
}

/** The spinner update for tick `tick` (0-based): frames cycle | / - \. */
export function renderSpinnerFrame(tick: number): string {
  return `\rThinking ${SPINNER_FRAMES[tick % SPINNER_FRAMES.length]}`;
}
