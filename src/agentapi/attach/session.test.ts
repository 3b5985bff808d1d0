import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScreenSubscription } from './client.js';
import { AttachError, screenStreamLost } from './errors.js';
import type { LocalTerminal } from './local-terminal.js';
import { ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, renderScreen, type TerminalSize } from './screen-renderer.js';
import { runAttachSession, type SignalSource } from './session.js';

/** Records what the session does to the terminal, in order. */
class FakeTerminal implements LocalTerminal {
  readonly log: string[] = [];
  currentSize: TerminalSize = { cols: 20, rows: 5 };
  rawMode = false;
  private onChunk: ((chunk: string) => void) | undefined;
  private resizeListeners = new Set<() => void>();

  startInput(onChunk: (chunk: string) => void): void {
    this.rawMode = true;
    this.onChunk = onChunk;
    this.log.push('startInput');
  }
  stopInput(): void {
    this.rawMode = false;
    this.onChunk = undefined;
    this.log.push('stopInput');
  }
  write(bytes: string): void {
    this.log.push(bytes === ENTER_ALT_SCREEN ? 'enter' : bytes === LEAVE_ALT_SCREEN ? 'leave' : `draw:${bytes}`);
  }
  size(): TerminalSize {
    return this.currentSize;
  }
  onResize(listener: () => void): () => void {
    this.resizeListeners.add(listener);
    return () => this.resizeListeners.delete(listener);
  }
  type(chunk: string): void {
    this.onChunk?.(chunk);
  }
  resize(size: TerminalSize): void {
    this.currentSize = size;
    for (const l of this.resizeListeners) l();
  }
  get listenerCount(): number {
    return this.resizeListeners.size;
  }
}

/** A screen subscription the test feeds by hand. */
class FakeScreens implements ScreenSubscription {
  closed = false;
  private readonly queue: string[] = [];
  private ending: { error?: unknown } | undefined;
  private wake: (() => void) | undefined;

  readonly updates: AsyncIterable<string> = {
    [Symbol.asyncIterator]: () => ({
      next: async (): Promise<IteratorResult<string>> => {
        for (;;) {
          const screen = this.queue.shift();
          if (screen !== undefined) return { done: false, value: screen };
          if (this.ending) {
            if (this.ending.error !== undefined) throw this.ending.error;
            return { done: true, value: undefined };
          }
          await new Promise<void>((resolve) => (this.wake = resolve));
        }
      },
    }),
  };

  push(screen: string): void {
    this.queue.push(screen);
    this.wake?.();
  }
  end(error?: unknown): void {
    this.ending = { error };
    this.wake?.();
  }
  close(): void {
    this.closed = true;
    this.end(new Error('closed'));
  }
}

class FakeSignals extends EventEmitter implements SignalSource {}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setup() {
  const terminal = new FakeTerminal();
  const screens = new FakeScreens();
  const signals = new FakeSignals();
  const sent: string[] = [];
  const session = runAttachSession({
    terminal,
    screens,
    signals,
    sendRawInput: async (content) => void sent.push(content),
    drainTimeoutMs: 100,
  });
  return { terminal, screens, signals, sent, session };
}

async function rejection(promise: Promise<void>): Promise<AttachError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AttachError) return err;
    throw err;
  }
  throw new Error('expected the session to fail');
}

describe('runAttachSession', () => {
  let pending: Promise<unknown>[] = [];
  afterEach(async () => {
    await Promise.allSettled(pending);
    pending = [];
  });

  it('enters the alternate screen, draws each screen, forwards input, and detaches on Ctrl+C', async () => {
    const { terminal, screens, signals, sent, session } = setup();
    screens.push('hello');
    await tick();
    terminal.type('hi');
    terminal.type('\r');
    terminal.type('\x03');
    await session;
    expect(sent).toEqual(['hi', '\r']);
    expect(terminal.log).toEqual([
      'enter',
      'startInput',
      `draw:${renderScreen('hello', { cols: 20, rows: 5 })}`,
      'stopInput',
      'leave',
    ]);
    expect(terminal.rawMode).toBe(false);
    expect(terminal.listenerCount).toBe(0);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
    expect(screens.closed).toBe(true);
  });

  it('redraws the latest screen at the new size on resize', async () => {
    const { terminal, screens, session } = setup();
    screens.push('old');
    screens.push('0123456789');
    await tick();
    terminal.resize({ cols: 4, rows: 2 });
    terminal.type('\x03');
    await session;
    expect(terminal.log.filter((l) => l.startsWith('draw:'))).toEqual([
      `draw:${renderScreen('old', { cols: 20, rows: 5 })}`,
      `draw:${renderScreen('0123456789', { cols: 20, rows: 5 })}`,
      `draw:${renderScreen('0123456789', { cols: 4, rows: 2 })}`,
    ]);
  });

  it.each([
    ['the server ends the stream', (s: FakeScreens) => s.end(), 'screen_stream_ended', 'the agentapi server ended the screen stream'],
    [
      'the connection is lost',
      (s: FakeScreens) => s.end(screenStreamLost(new Error('other side closed'))),
      'screen_stream_lost',
      'lost the connection to the agentapi server: other side closed',
    ],
    [
      'the stream fails with a plain error',
      (s: FakeScreens) => s.end(new Error('socket hang up')),
      'screen_stream_lost',
      'lost the connection to the agentapi server: socket hang up',
    ],
  ])('when %s it restores the terminal, then fails', async (_name, stop, code, message) => {
    const { terminal, screens, session } = setup();
    pending.push(session.catch(() => {}));
    screens.push('x');
    await tick();
    stop(screens);
    const error = await rejection(session);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(terminal.log.slice(-2)).toEqual(['stopInput', 'leave']);
    expect(terminal.rawMode).toBe(false);
  });

  it('a failed input post restores the terminal and fails', async () => {
    const terminal = new FakeTerminal();
    const screens = new FakeScreens();
    const session = runAttachSession({
      terminal,
      screens,
      signals: new FakeSignals(),
      sendRawInput: () => Promise.reject(new Error('unexpected 500 response from server')),
    });
    pending.push(session.catch(() => {}));
    terminal.type('x');
    const error = await rejection(session);
    expect(error.code).toBe('input_failed');
    expect(error.message).toBe('failed to write raw input: unexpected 500 response from server');
    expect(terminal.log.slice(-2)).toEqual(['stopInput', 'leave']);
    expect(screens.closed).toBe(true);
  });

  it.each(['SIGTERM', 'SIGHUP', 'SIGINT'] as const)('%s restores the terminal and fails', async (signal) => {
    const { terminal, signals, session } = setup();
    pending.push(session.catch(() => {}));
    signals.emit(signal);
    const error = await rejection(session);
    expect(error.code).toBe('interrupted');
    expect(error.message).toBe(`interrupted by ${signal}`);
    expect(terminal.log.slice(-2)).toEqual(['stopInput', 'leave']);
    expect(signals.listenerCount(signal)).toBe(0);
  });

  it('never draws after the terminal was restored', async () => {
    const { terminal, screens, session } = setup();
    terminal.type('\x03');
    screens.push('late');
    await session;
    await tick();
    expect(terminal.log.at(-1)).toBe('leave');
    expect(terminal.log.some((l) => l.includes('late'))).toBe(false);
  });

  it('after Ctrl+C waits (bounded) for input typed before it to be sent', async () => {
    const terminal = new FakeTerminal();
    let finishSend: () => void = () => {};
    const sent: string[] = [];
    const session = runAttachSession({
      terminal,
      screens: new FakeScreens(),
      signals: new FakeSignals(),
      sendRawInput: (content) =>
        new Promise<void>((resolve) => {
          finishSend = () => {
            sent.push(content);
            resolve();
          };
        }),
      drainTimeoutMs: 5_000,
    });
    terminal.type('last words\x03');
    let done = false;
    void session.then(() => (done = true));
    await tick();
    expect(done).toBe(false);
    finishSend();
    await session;
    expect(sent).toEqual(['last words']);
  });
});
