// How a user message is typed into a terminal agent and how we know it was
// taken: write the parts, wait for the echo (phase 1, best effort), then press
// Enter until the screen reacts (phase 2, fatal after 15 s). It never touches
// the message list; the engine records the result.
import type { Logger } from '../log.js';
import type { AgentTerminal } from './terminal-port.js';

const ECHO_FIRST_CHECK_MS = 50;
const ECHO_MAX_INTERVAL_MS = 500;
const ECHO_SETTLE_MS = 1000;
const ECHO_LIMIT_MS = 2000;

const PROCESSING_FIRST_CHECK_MS = 25;
const PROCESSING_MAX_INTERVAL_MS = 500;
const CARRIAGE_RETURN_RESEND_MS = 3000;
const PROCESSING_LIMIT_MS = 15_000;

export const BRACKETED_PASTE_START = '\x1b[200~';
export const BRACKETED_PASTE_END = '\x1b[201~';

/**
 * The bytes typed for a message. `x` + backspace first wakes up TUIs that drop
 * the first byte of a paste; the paste markers keep newlines in the text from
 * submitting early.
 */
export function messageParts(text: string): string[] {
  return ['x\b', BRACKETED_PASTE_START, text, BRACKETED_PASTE_END];
}

export class ProcessingTimeoutError extends Error {
  readonly code = 'processing_timeout';
  constructor() {
    super('failed to wait for processing to start: timeout waiting for condition');
    this.name = 'ProcessingTimeoutError';
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Phase 1: type the message and wait until the echo has settled. Never fails. */
export async function typeMessage(
  terminal: AgentTerminal,
  parts: readonly string[],
  screenBefore: string,
  logger: Logger,
): Promise<void> {
  for (const part of parts) terminal.write(part);
  const start = Date.now();
  let interval = ECHO_FIRST_CHECK_MS;
  for (;;) {
    await sleep(interval);
    interval = Math.min(interval * 2, ECHO_MAX_INTERVAL_MS);
    const echoed = await terminal.readScreen();
    if (echoed !== screenBefore) {
      // The echo started; accept it once it has stopped changing for a second.
      await sleep(ECHO_SETTLE_MS);
      if ((await terminal.readScreen()) === echoed) return;
    }
    if (Date.now() - start >= ECHO_LIMIT_MS) {
      logger.info('echo detection timed out, sending carriage return');
      return;
    }
  }
}

/** Phase 2: press Enter until the screen changes; re-press every 3 s; fail after 15 s. */
export async function submitMessage(terminal: AgentTerminal): Promise<void> {
  const recorded = await terminal.readScreen();
  terminal.write('\r');
  const start = Date.now();
  let lastEnter = start;
  let interval = PROCESSING_FIRST_CHECK_MS;
  for (;;) {
    await sleep(interval);
    interval = Math.min(interval * 2, PROCESSING_MAX_INTERVAL_MS);
    if ((await terminal.readScreen()) !== recorded) return;
    const now = Date.now();
    if (now - start >= PROCESSING_LIMIT_MS) throw new ProcessingTimeoutError();
    if (now - lastEnter >= CARRIAGE_RETURN_RESEND_MS) {
      terminal.write('\r');
      lastEnter = now;
    }
  }
}
