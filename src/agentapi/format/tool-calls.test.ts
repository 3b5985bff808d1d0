// Tests for stripToolCalls: well-formed, malformed and absent blocks per agent type (§6.6).
import { describe, expect, it } from 'vitest';
import { AGENT_TYPES } from './agent-type.js';
import { stripToolCalls } from './tool-calls.js';

const claudeCall = (summary: string): string =>
  [
    `● coder - coder_report_task (MCP)(summary: "${summary}", state: "working")`,
    '  ⎿  {',
    '       "message": "Thanks for reporting!"',
    '     }',
  ].join('\n');
const CLAUDE_OPEN = '● coder - coder_report_task (MCP)(summary: "x")';

interface Case {
  name: string;
  msg: string;
  text: string;
  removed: string[];
}

describe('stripToolCalls: claude (§6.6)', () => {
  it.each<Case>([
    {
      name: 'removes a well-formed block and reports it',
      msg: `before\n\n${claudeCall('a')}\n\nafter`,
      text: 'before\n\n\nafter',
      removed: [claudeCall('a')],
    },
    {
      name: 'reports several blocks in reverse order',
      msg: `one\n${claudeCall('a')}\ntwo\n${claudeCall('b')}\nthree`,
      text: 'one\ntwo\nthree',
      removed: [claudeCall('b'), claudeCall('a')],
    },
    {
      name: 'a block at the very start (the virtual first line)',
      msg: `${claudeCall('a')}\n\nafter`,
      text: 'after',
      removed: [claudeCall('a')],
    },
    {
      name: 'a block closing on the last line',
      msg: `before\n${claudeCall('a')}`,
      text: 'before',
      removed: [claudeCall('a')],
    },
    {
      name: 'malformed block is cut up to and including its last blank line, silently',
      msg: `before\n${CLAUDE_OPEN}\n  ⎿  Running…\n\n  still part\n\nafter`,
      text: 'before\nafter',
      removed: [],
    },
    {
      name: 'malformed block without a blank line runs to the end',
      msg: `before\n${CLAUDE_OPEN}\n  ⎿  Running…`,
      text: 'before',
      removed: [],
    },
    {
      name: 'the result line needs a `{` line above',
      msg: `before\n${CLAUDE_OPEN}\n  ⎿\n       "message": "Thanks for reporting!"\n     }`,
      text: 'before',
      removed: [],
    },
    {
      name: 'the result line needs a `}` line below',
      msg: `before\n${CLAUDE_OPEN}\n  ⎿  {\n       "message": "Thanks for reporting!"\n     },`,
      text: 'before',
      removed: [],
    },
    {
      name: 'a new open resets the last blank line',
      msg: `${CLAUDE_OPEN} A\n\n${CLAUDE_OPEN} B\n  ⎿  partial`,
      text: `${CLAUDE_OPEN} A\n`,
      removed: [],
    },
    {
      name: 'well-formed then malformed',
      msg: `one\n${claudeCall('a')}\ntwo\n${CLAUDE_OPEN}\n  ⎿  Running…`,
      text: 'one\ntwo',
      removed: [claudeCall('a')],
    },
    { name: 'no block: leading newlines removed only', msg: '\n\nhello  \n\n', text: 'hello  \n\n', removed: [] },
    { name: 'other MCP tools stay', msg: '● github - create_issue (MCP)\n  ⎿  {}', text: '● github - create_issue (MCP)\n  ⎿  {}', removed: [] },
  ])('$name', ({ msg, text, removed }) => {
    expect(stripToolCalls('claude', msg)).toEqual({ text, removed });
  });
});

const codexCall = (summary: string): string =>
  [
    '• Called',
    `  └ Coder.coder_report_task({"summary":"${summary}","state":"working"})`,
    '    {"message": "Thanks for reporting!"}',
  ].join('\n');

describe('stripToolCalls: codex (§6.6)', () => {
  it.each<Case>([
    {
      name: 'removes a block with its trailing blank lines and reports them',
      msg: `before\n${codexCall('a')}\n\n  \nafter\n`,
      text: 'before\nafter',
      removed: [`${codexCall('a')}\n\n  `],
    },
    {
      name: 'reports several blocks in reverse order',
      msg: `${codexCall('a')}\nmid\n${codexCall('b')}\nend`,
      text: 'mid\nend',
      removed: [codexCall('b'), codexCall('a')],
    },
    {
      name: '"•   Called" with spaces still opens a block',
      msg: `•   Called\n  └ Coder.coder_report_task({})\n    {"message": "Thanks for reporting!"}\nafter`,
      text: 'after',
      removed: ['•   Called\n  └ Coder.coder_report_task({})\n    {"message": "Thanks for reporting!"}'],
    },
    {
      name: 'a Called line for another tool does not open a block',
      msg: '• Called\n  └ Other.tool({})\n    {"message": "Thanks for reporting!"}\n',
      text: '• Called\n  └ Other.tool({})\n    {"message": "Thanks for reporting!"}',
      removed: [],
    },
    {
      name: 'an unclosed block is kept',
      msg: '• Called\n  └ Coder.coder_report_task({})\n    (running)',
      text: '• Called\n  └ Coder.coder_report_task({})\n    (running)',
      removed: [],
    },
    { name: 'no block: trailing newlines removed only', msg: '\n\nhello  \n\n', text: '\n\nhello  ', removed: [] },
  ])('$name', ({ msg, text, removed }) => {
    expect(stripToolCalls('codex', msg)).toEqual({ text, removed });
  });
});

describe('stripToolCalls: other agent types leave text unchanged', () => {
  const msg = `\n${claudeCall('a')}\n${codexCall('b')}\n\n`;
  it.each(AGENT_TYPES.filter((t) => t !== 'claude' && t !== 'codex').map((t) => [t]))('%s', (type) => {
    expect(stripToolCalls(type, msg)).toEqual({ text: msg, removed: [] });
  });
});
