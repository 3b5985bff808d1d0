// Input cleaning of the demo agent (spec §10.3): turns one raw line read from
// the PTY into the text the user meant. agentapi wraps every message in
// `x` + `\b` and bracketed-paste markers, and terminals add colour codes.
// This module is a pure function; it must never read stdin, keep state or
// split lines (the line reader does that).
import { trimU } from '../format/text.js';

// The usual "ansi-regex" pattern (what Go's stripansi uses upstream): CSI and
// OSC sequences, introduced by ESC or by the 8-bit CSI U+009B.
const ANSI_ESCAPE =
  /[\u001b\u009b][[\]()#;?]*(?:(?:(?:[a-zA-Z\d]*(?:;[a-zA-Z\d]*)*)?\u0007)|(?:(?:\d{1,4}(?:;\d{0,4})*)?[\dA-PRZcf-ntqry=><~]))/g;
const BRACKETED_PASTE_MARKER = /\x1b\[\d+~/g;
// "Any character" is every code point but `\n`, as in Go's regexp `.`; JS's
// `.` would also refuse `\r`, U+2028 and U+2029.
const CHARACTER_THEN_BACKSPACE = /[^\n]\x08/gu;
const LEFTOVER_CONTROLS = /[\x08\x7f\x1b]/g;

/** Cleans one input line; returns `""` for a line that carries no text. */
export function cleanInput(line: string): string {
  return trimU(
    line
      .replace(ANSI_ESCAPE, '')
      .replace(BRACKETED_PASTE_MARKER, '')
      .replace(CHARACTER_THEN_BACKSPACE, '')
      .replace(LEFTOVER_CONTROLS, ''),
  );
}
