// Tests for the formatting pipeline (§6.1): rule tables, own golden cases, shared fixtures (§6.7.1).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentType } from './agent-type.js';
import { formatAgentMessage, formatMessage } from './format.js';
import {
  formatCases,
  OWN_TESTDATA,
  SHARED_FIXTURES,
  sharedFixturesPresent,
  warnIfSharedFixturesAbsent,
  type FormatCase,
} from './testdata/cases.js';

const H = '─'.repeat(30);

describe('formatMessage: pipeline (§6.1)', () => {
  it.each<{ name: string; type: AgentType; msg: string; user: string; expected: string }>([
    {
      name: 'removes input, then box, then empty lines',
      type: 'claude',
      msg: `> hi there\n\n● Hello!\n  second line  \n\n${H}\n> \n${H}\n  ? for shortcuts\n\n`,
      user: 'hi there',
      expected: '● Hello!\n  second line  ',
    },
    {
      name: 'input removal runs before box removal (an echoed > is not the box)',
      type: 'aider',
      msg: '> add tests\nDone.\n\n> ',
      user: 'add tests',
      expected: 'Done.',
    },
    { name: 'all blank gives ""', type: 'custom', msg: '\n  \n\t\n', user: '', expected: '' },
    { name: 'inner blank lines stay', type: 'custom', msg: '\na\n\n\nb\n', user: '', expected: 'a\n\n\nb' },
    {
      name: 'gemini: echo box bottom is removed with the echo',
      type: 'gemini',
      msg: `╭${H}╮\n│ > hi │\n╰${H}╯\n✦ Hello`,
      user: 'hi',
      expected: '✦ Hello',
    },
    {
      name: 'codex: › composer removed, footer kept',
      type: 'codex',
      msg: '› hi\n\n• Hello\n\n› Ask Codex\n\n  footer',
      user: 'hi',
      expected: '• Hello\n\n  footer',
    },
    {
      name: 'amp: only an input box gives "Welcome to Amp" (§6.8)',
      type: 'amp',
      msg: `╭${H}╮\n│                              │\n╰${H}╯`,
      user: '',
      expected: 'Welcome to Amp',
    },
  ])('$name', ({ type, msg, user, expected }) => {
    expect(formatMessage(type, msg, user)).toBe(expected);
  });

  it('formatMessage does not strip tool calls; formatAgentMessage does', () => {
    const call = '● coder - coder_report_task (MCP)(summary: "x")\n  ⎿  {\n       "message": "Thanks for reporting!"\n     }';
    const msg = `before\n\n${call}\n\nafter`;
    expect(formatMessage('claude', msg, '')).toBe(msg);
    expect(formatAgentMessage('claude', msg, '')).toEqual({ text: 'before\n\n\nafter', toolCalls: [call] });
  });
});

function expectCase(c: FormatCase): void {
  const result = formatAgentMessage(c.type, c.msg, c.user);
  expect(result.text).toBe(c.expected);
  if (c.expectedToolCalls !== undefined) expect(result.toolCalls.join('\n---\n')).toBe(c.expectedToolCalls);
}

describe('formatAgentMessage: own golden cases (testdata/format)', () => {
  const cases = formatCases(path.join(OWN_TESTDATA, 'format'));
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  it.each(cases)('$name', expectCase);
});

warnIfSharedFixturesAbsent('msgfmt format fixtures');

describe.skipIf(!sharedFixturesPresent)('formatAgentMessage: shared fixtures (§6.7.1)', () => {
  const cases = formatCases(path.join(SHARED_FIXTURES, 'msgfmt/format'));
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  it.each(cases)('$name', expectCase);
});
