// Turns the latest remote screen into the bytes that draw it on the local
// terminal: clear, home, then each row cut to the local size. Pure: it must
// never write to a terminal itself, and never pass a control character from
// the server through (a remote screen must not be able to drive the local
// terminal with escape sequences).
import { cellWidth, isControl } from './cell-width.js';

export interface TerminalSize {
  cols: number;
  rows: number;
}

/** Used when the output has no size (not a TTY); the VT100 default. */
export const FALLBACK_SIZE: TerminalSize = { cols: 80, rows: 24 };

/** Alternate screen on, cursor hidden (the remote cursor position is unknown). */
export const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[?25l';
/** Cursor shown, alternate screen off: the user's shell screen comes back as it was. */
export const LEAVE_ALT_SCREEN = '\x1b[?25h\x1b[?1049l';

const CLEAR_AND_HOME = '\x1b[2J\x1b[H';

/** Cuts `line` to at most `cols` cells, dropping control characters and a wide character that would straddle the edge. */
export function clipToCells(line: string, cols: number): string {
  let out = '';
  let used = 0;
  for (const ch of line) {
    const cp = ch.codePointAt(0)!;
    const width = cellWidth(cp);
    if (width === 0) {
      // Combining marks stay with the character before them; controls go.
      if (!isControl(cp) && out !== '') out += ch;
      continue;
    }
    if (used + width > cols) break;
    out += ch;
    used += width;
  }
  return out;
}

/**
 * Which rows of the remote screen are shown: all of them when they fit,
 * otherwise the last `rows` ones. The server trims trailing blank lines, so
 * the bottom is where the agent's newest output and its prompt are; upstream's
 * renderer (bubbletea) drops lines from the top the same way.
 */
export function visibleRows(screen: string, rows: number): string[] {
  const lines = screen.split('\n');
  return rows <= 0 ? [] : lines.slice(Math.max(0, lines.length - rows));
}

/** The bytes that replace whatever is on the (alternate) screen with `screen`. */
export function renderScreen(screen: string, size: TerminalSize): string {
  let out = CLEAR_AND_HOME;
  visibleRows(screen, size.rows).forEach((line, index) => {
    const text = clipToCells(line, size.cols);
    // Absolute positioning per row: in raw mode `\n` does not return the carriage.
    if (text !== '') out += `\x1b[${index + 1};1H${text}`;
  });
  return out;
}
