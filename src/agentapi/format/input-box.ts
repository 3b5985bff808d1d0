// Input-box removal (spec §6.3–6.4): cuts the agent's prompt box (and whatever the
// TUI draws below it) off the bottom of a message. Must never look at the user's
// input and must never remove anything above the box it found.
import type { AgentType } from './agent-type.js';
import { splitLines, trimU } from './text.js';

const SOLID_BORDER = '─'.repeat(15);
const DASHED_BORDER = '╌'.repeat(15);
/** The prompt marker is searched in at most this many lines from the bottom. */
const PROMPT_SCAN_LINES = 6;
/** A slim box (border, prompt line, border) may start this many lines from the bottom. */
const SLIM_BOX_SCAN_LINES = 9;
const SLIM_BOX_PROMPTS = ['|', '│', '❯'];
const OPENCODE_BOX_BOTTOM = '╹' + '▀'.repeat(17);
/** Lines of the opencode box above its bottom edge (prompt rows and the model line). */
const OPENCODE_BOX_HEIGHT = 4;
const AMP_EMPTY_MESSAGE = 'Welcome to Amp';

/** A horizontal border: 15 consecutive `─` or 15 consecutive `╌`. */
export function hasHorizontalBorder(line: string): boolean {
  return line.includes(SOLID_BORDER) || line.includes(DASHED_BORDER);
}

function findPromptBox(lines: readonly string[]): number {
  for (let i = lines.length - 1; i >= Math.max(lines.length - PROMPT_SCAN_LINES, 0); i--) {
    if (!lines[i]!.includes('>')) continue;
    return i > 0 && hasHorizontalBorder(lines[i - 1]!) ? i - 1 : i;
  }
  return -1;
}

function findSlimBox(lines: readonly string[]): number {
  for (let i = lines.length - 3; i >= Math.max(lines.length - SLIM_BOX_SCAN_LINES, 0); i--) {
    const prompt = lines[i + 1]!;
    if (
      hasHorizontalBorder(lines[i]!) &&
      SLIM_BOX_PROMPTS.some((p) => prompt.includes(p)) &&
      hasHorizontalBorder(lines[i + 2]!)
    ) {
      return i;
    }
  }
  return -1;
}

/** Claude, goose, aider and most others: a `>` prompt, or a slim bordered box. */
export function removeGenericBox(msg: string): string {
  const lines = splitLines(msg);
  let start = findPromptBox(lines);
  if (start === -1) start = findSlimBox(lines);
  return start === -1 ? msg : lines.slice(0, start).join('\n');
}

/** Codex: the `›` composer line and the line below it; the last (footer) line stays. */
export function removeCodexBox(msg: string): string {
  const lines = splitLines(msg);
  const composer = lines.length - 3;
  if (composer < 0 || !lines[composer]!.includes('›')) return msg;
  return [...lines.slice(0, composer), lines[lines.length - 1]!].join('\n');
}

/** Opencode: everything from four lines above the `╹▀▀▀…` bottom edge down. */
export function removeOpencodeBox(msg: string): string {
  const lines = splitLines(msg);
  for (let i = lines.length - 1; i >= OPENCODE_BOX_HEIGHT; i--) {
    if (trimU(lines[i]!).startsWith(OPENCODE_BOX_BOTTOM)) {
      return lines.slice(0, i - OPENCODE_BOX_HEIGHT).join('\n');
    }
  }
  return msg;
}

/** Amp: the rounded `╭…╮ … ╰…╯` box closest to the bottom, and everything below it. */
export function removeAmpBox(msg: string): string {
  const lines = splitLines(msg);
  let bottomSeen = false;
  let start = lines.length;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = trimU(lines[i]!);
    if (!bottomSeen && line.startsWith('╰') && line.endsWith('╯')) bottomSeen = true;
    if (bottomSeen && line.startsWith('╭') && line.endsWith('╮')) {
      start = i;
      break;
    }
  }
  const kept = lines.slice(0, start).join('\n');
  // A screen that is only the box is amp's welcome screen.
  return kept === '' ? AMP_EMPTY_MESSAGE : kept;
}

/** The box-removal rule of each agent type (§6.1 table); also drives readiness. */
export function removeInputBox(type: AgentType, msg: string): string {
  switch (type) {
    case 'codex':
      return removeCodexBox(msg);
    case 'opencode':
      return removeOpencodeBox(msg);
    case 'amp':
      return removeAmpBox(msg);
    default:
      return removeGenericBox(msg);
  }
}
