// The user's terminal as attach uses it: stdin in raw mode as a stream of
// UTF-8 chunks, stdout for drawing, its size and resize (SIGWINCH) events.
// The only attach module that touches process streams; it must never decide
// when to attach or detach, and must never leave raw mode on after stopInput.
import { FALLBACK_SIZE, type TerminalSize } from './screen-renderer.js';

export interface LocalTerminal {
  /** Raw mode on, then every chunk read is passed to `onChunk`. */
  startInput(onChunk: (chunk: string) => void): void;
  /** Stops reading and leaves raw mode; safe to call more than once. */
  stopInput(): void;
  write(bytes: string): void;
  size(): TerminalSize;
  /** Calls `listener` after each resize; returns the function that removes it. */
  onResize(listener: () => void): () => void;
}

/** `process.stdin` / `process.stdout`; stdin must be a TTY (the caller checks). */
export function processTerminal(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): LocalTerminal {
  let onData: ((chunk: string) => void) | undefined;
  return {
    startInput(onChunk) {
      stdin.setRawMode(true);
      // A string decoder: a UTF-8 character split across reads arrives whole.
      stdin.setEncoding('utf8');
      onData = (chunk) => onChunk(chunk);
      stdin.on('data', onData);
      stdin.resume();
    },
    stopInput() {
      if (onData === undefined) return;
      stdin.off('data', onData);
      onData = undefined;
      stdin.setRawMode(false);
      // Paused, stdin no longer keeps the event loop alive.
      stdin.pause();
    },
    write(bytes) {
      stdout.write(bytes);
    },
    size() {
      const { columns, rows } = stdout;
      return columns > 0 && rows > 0 ? { cols: columns, rows } : FALLBACK_SIZE;
    },
    onResize(listener) {
      stdout.on('resize', listener);
      return () => stdout.off('resize', listener);
    },
  };
}
