// Tool-call stripping (spec §6.6): removes the `coder_report_task` tool-call blocks
// that claude and codex print, returning them separately so the engine can log
// them. Must never alter text outside those blocks (beyond the leading/trailing
// newline trim the spec prescribes) and must never log anything itself.
import type { AgentType } from './agent-type.js';
import { isBlank, splitLines, trimU } from './text.js';

export interface ToolCallStripResult {
  text: string;
  /** Well-formed blocks, each joined by `\n`, in REVERSE order of appearance. */
  removed: string[];
}

interface Block {
  start: number;
  /** Exclusive. */
  end: number;
  /** Partially rendered blocks are removed but not reported. */
  malformed: boolean;
}

const CLAUDE_TOOL_CALL = 'coder - coder_report_task (MCP)';
const CLAUDE_TOOL_RESULT = '"message": "Thanks for reporting!"';
const CODEX_CALLED = '•Called';
const CODEX_TOOL_CALL = 'Coder.coder_report_task';
const CODEX_TOOL_RESULT = '{"message": "Thanks for reporting!"}';

/** Removes blocks from last to first; returns the remaining lines and the reported blocks. */
function cutBlocks(lines: readonly string[], blocks: readonly Block[]): { kept: string[]; removed: string[] } {
  const kept = [...lines];
  const removed: string[] = [];
  for (const block of [...blocks].reverse()) {
    const cut = kept.splice(block.start, block.end - block.start);
    if (!block.malformed) removed.push(cut.join('\n'));
  }
  return { kept, removed };
}

function stripLeadingNewlines(s: string): string {
  let i = 0;
  while (s[i] === '\n') i++;
  return s.slice(i);
}

function stripTrailingNewlines(s: string): string {
  let end = s.length;
  while (end > 0 && s[end - 1] === '\n') end--;
  return s.slice(0, end);
}

function stripClaudeToolCalls(msg: string): ToolCallStripResult {
  // The leading empty line lets a block that starts the message have a "previous" line.
  const lines = ['', ...splitLines(msg)];
  const blocks: Block[] = [];
  let open = -1;
  let afterBlank = -1;

  for (let i = 1; i < lines.length - 1; i++) {
    const prev = trimU(lines[i - 1]!);
    const cur = trimU(lines[i]!);
    const next = trimU(lines[i + 1]!);
    if (cur.includes(CLAUDE_TOOL_CALL)) {
      open = i;
      afterBlank = -1;
    } else if (open !== -1) {
      if (cur === CLAUDE_TOOL_RESULT && next === '}' && prev.endsWith('{')) {
        blocks.push({ start: open, end: Math.min(lines.length, i + 2), malformed: false });
        open = -1;
        afterBlank = -1;
      } else if (cur === '') {
        afterBlank = i + 1;
      }
    }
  }
  if (open !== -1) {
    blocks.push({ start: open, end: afterBlank !== -1 ? afterBlank : lines.length, malformed: true });
  }

  if (blocks.length === 0) return { text: stripLeadingNewlines(msg), removed: [] };
  const { kept, removed } = cutBlocks(lines, blocks);
  return { text: stripLeadingNewlines(kept.join('\n')), removed };
}

function stripCodexToolCalls(msg: string): ToolCallStripResult {
  const lines = splitLines(msg);
  const blocks: Block[] = [];
  let open = -1;

  for (let idx = 0; idx < lines.length; idx++) {
    const cur = trimU(lines[idx]!);
    const next = lines[idx + 1];
    if (next !== undefined && cur.replaceAll(' ', '') === CODEX_CALLED && trimU(next).includes(CODEX_TOOL_CALL)) {
      open = idx;
    }
    if (open !== -1 && cur === CODEX_TOOL_RESULT) {
      let end = idx + 1;
      while (end < lines.length && isBlank(lines[end]!)) end++;
      blocks.push({ start: open, end, malformed: false });
      open = -1;
    }
  }

  if (blocks.length === 0) return { text: stripTrailingNewlines(msg), removed: [] };
  const { kept, removed } = cutBlocks(lines, blocks);
  return { text: stripTrailingNewlines(kept.join('\n')), removed };
}

export function stripToolCalls(type: AgentType, msg: string): ToolCallStripResult {
  switch (type) {
    case 'claude':
      return stripClaudeToolCalls(msg);
    case 'codex':
      return stripCodexToolCalls(msg);
    default:
      return { text: msg, removed: [] };
  }
}
