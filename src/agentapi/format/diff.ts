// Screen diff (spec §5.3): the lines of the new screen that the agent wrote since
// the old screen was captured. Must never interpret or reformat text (that is the
// job of format.ts) and must never depend on the terminal or the engine.
import type { AgentType } from './agent-type.js';
import { isBlank, splitLines } from './text.js';

// opencode redraws live counters in its first three header lines, so they are
// never taken as the start of new output.
const OPENCODE_HEADER_LINES = 3;

export function screenDiff(oldScreen: string, newScreen: string, type: AgentType): string {
  const oldLines = new Set(splitLines(oldScreen));
  const newLines = splitLines(newScreen);
  const start = type === 'opencode' && newLines.length >= OPENCODE_HEADER_LINES ? OPENCODE_HEADER_LINES : 0;

  let firstNew = newLines.length;
  for (let i = start; i < newLines.length; i++) {
    if (!oldLines.has(newLines[i]!)) {
      // Upstream applies the index relative to `start` to the full list; kept on
      // purpose so opencode diffs match agentapi byte for byte.
      firstNew = i - start;
      break;
    }
  }

  const section = newLines.slice(firstNew);
  if (section.length === 0) return '';
  const first = section.findIndex((line) => !isBlank(line));
  if (first === -1) return section.join('\n');
  const last = section.findLastIndex((line) => !isBlank(line));
  return section.slice(first, last + 1).join('\n');
}
