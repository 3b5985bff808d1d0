// RemoveUserInput (spec §6.2): cuts the echo of the user's last message off the
// top of an agent message. Must never touch anything below the echo and must
// never compare UTF-16 units: "runes" are Unicode code points.
import type { AgentType } from './agent-type.js';
import { isWs, splitLines } from './text.js';

/** How many runes of the user's first line are searched for in the message. */
const PREFIX_RUNES = 6;
/** The echo is searched in message lines 0..WINDOW_LAST_LINE ... */
const WINDOW_LAST_LINE = 5;
/** ... or in this many leading runes, whichever window is larger. */
const WINDOW_MIN_RUNES = 25;
/** How far ahead the echo/input matching may skip (agents drop or add characters). */
const LOOKAHEAD = 5;

interface RuneMap {
  lines: string[];
  /** Non-WS code points in reading order. */
  runes: string[];
  /** Line index of each rune. */
  lineOf: number[];
}

function mapRunes(text: string): RuneMap {
  const lines = splitLines(text);
  const runes: string[] = [];
  const lineOf: number[] = [];
  lines.forEach((line, lineIdx) => {
    for (const ch of line) {
      if (isWs(ch)) continue;
      runes.push(ch);
      lineOf.push(lineIdx);
    }
  });
  return { lines, runes, lineOf };
}

function indexOfRunes(haystack: readonly string[], needle: readonly string[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

function findEchoStart(msg: RuneMap, user: RuneMap): number {
  let prefixLen = 0;
  while (prefixLen < user.runes.length && prefixLen < PREFIX_RUNES && user.lineOf[prefixLen] === 0) prefixLen++;
  if (prefixLen === 0) return -1;

  let windowLen = 0;
  while (windowLen < msg.runes.length && msg.lineOf[windowLen]! <= WINDOW_LAST_LINE) windowLen++;
  windowLen = Math.min(Math.max(windowLen, WINDOW_MIN_RUNES), msg.runes.length);

  return indexOfRunes(msg.runes.slice(0, windowLen), user.runes.slice(0, prefixLen));
}

/** Walks the echo forward, tolerating small gaps, and returns the msg index of its last rune. */
function findEchoEnd(echoStart: number, msg: readonly string[], user: readonly string[]): number {
  let m = echoStart;
  let u = 0;
  for (;;) {
    const next = nextMatch(m, u, msg, user);
    if (next === undefined) return m;
    [m, u] = next;
  }
}

function nextMatch(m: number, u: number, msg: readonly string[], user: readonly string[]): [number, number] | undefined {
  for (let i = 0; i < LOOKAHEAD; i++) {
    for (let j = 0; j < LOOKAHEAD; j++) {
      const ui = u + i + 1;
      const mj = m + j + 1;
      if (ui >= user.length || mj >= msg.length) return undefined;
      if (user[ui] === msg[mj]) return [mj, ui];
    }
  }
  return undefined;
}

function lineContainsAll(lines: readonly string[], idx: number, markers: readonly string[]): boolean {
  const line = lines[idx];
  return line !== undefined && markers.every((m) => line.includes(m));
}

/** Some agents draw the echo inside a box; its closing line belongs to the echo too. */
function extendPastEchoBox(type: AgentType, lines: readonly string[], lastEchoLine: number): number {
  switch (type) {
    case 'gemini':
    case 'copilot':
      return lineContainsAll(lines, lastEchoLine + 1, ['╯', '╰']) ? lastEchoLine + 1 : lastEchoLine;
    case 'cursor':
      return lineContainsAll(lines, lastEchoLine + 1, ['┘', '└']) ? lastEchoLine + 1 : lastEchoLine;
    case 'opencode':
      return lastEchoLine + 2 < lines.length ? lastEchoLine + 2 : lastEchoLine;
    default:
      return lastEchoLine;
  }
}

export function removeUserInput(msg: string, user: string, type: AgentType): string {
  if (user === '') return msg;
  const msgMap = mapRunes(msg);
  const userMap = mapRunes(user);

  const echoStart = findEchoStart(msgMap, userMap);
  if (echoStart === -1) return msg;
  const echoEnd = findEchoEnd(echoStart, msgMap.runes, userMap.runes);

  const lastEchoLine = extendPastEchoBox(type, msgMap.lines, msgMap.lineOf[echoEnd]!);
  return msgMap.lines.slice(lastEchoLine + 1).join('\n');
}
