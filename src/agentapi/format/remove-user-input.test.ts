// Tests for removeUserInput: every step of §6.2 as a table, plus the shared fixtures (§6.7.3).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentType } from './agent-type.js';
import { removeUserInput } from './remove-user-input.js';
import { readText, SHARED_FIXTURES, sharedFixturesPresent, subdirs, warnIfSharedFixturesAbsent } from './testdata/cases.js';

interface Case {
  name: string;
  msg: string;
  user: string;
  type?: AgentType;
  expected: string;
}

const SIX_LINES_OF_30_RUNES = 'xxxxx\n'.repeat(6);

describe('removeUserInput (§6.2)', () => {
  it.each<Case>([
    { name: 'empty user input returns msg unchanged', msg: '> hi\nreply', user: '', expected: '> hi\nreply' },
    { name: 'drops the echo line and keeps the rest verbatim', msg: '> fix the bug\n\nDone.  ', user: 'fix the bug', expected: '\nDone.  ' },
    { name: 'user line 0 without runes returns msg', msg: 'hello\nworld', user: ' \t\nhello', expected: 'hello\nworld' },
    { name: 'prefix not found returns msg', msg: 'something else\nreply', user: 'fix the bug', expected: 'something else\nreply' },
    { name: '§6.8: single-line msg keeps nothing', msg: 'Hello, World!How are you doing?Good Good', user: 'How are you doing?', expected: '' },
    { name: 'only six prefix runes must match', msg: '> abcdefQQQ\nrest', user: 'abcdefXYZ', expected: 'rest' },
    { name: 'whitespace is ignored when matching', msg: '>fix   the\tbug\nrest', user: 'fix the bug', expected: 'rest' },
    { name: 'echo ending the msg leaves ""', msg: '> hello', user: 'hello\nmore text', expected: '' },
    {
      name: 'multi-line input with dropped fences (extension loop)',
      msg: '> line one\n  code\n  line two\nanswer',
      user: 'line one\n```\ncode\n```\nline two',
      expected: 'answer',
    },
    { name: 'a gap of 4 runes is bridged', msg: '> hello\nXXXX ZZ\nafter', user: 'hello\nZZ', expected: 'after' },
    { name: 'a gap of 5 runes stops the extension', msg: '> hello\nXXXXX ZZ\nafter', user: 'hello\nZZ', expected: 'XXXXX ZZ\nafter' },
    { name: 'window: lines 0-5 when they hold >= 25 runes', msg: `${SIX_LINES_OF_30_RUNES}hello\nafter`, user: 'hello', expected: `${SIX_LINES_OF_30_RUNES}hello\nafter` },
    { name: 'window: first 25 runes when lines 0-5 hold fewer', msg: 'a\nb\nc\nd\ne\nf\ng\nhello\nafter', user: 'hello', expected: 'after' },
    { name: 'window: the 26th rune is outside', msg: 'a\nb\nc\nd\ne\nf\n1234567890123456789\nhello\nafter', user: 'hello', expected: 'a\nb\nc\nd\ne\nf\n1234567890123456789\nhello\nafter' },
    { name: 'window: the lowest match wins', msg: 'hello\nmid\nhello\nend', user: 'hello', expected: 'mid\nhello\nend' },
    { name: 'runes are code points, not UTF-16 units', msg: '😀😀😀ac\nnext', user: '😀😀😀ab', expected: '😀😀😀ac\nnext' },
    { name: 'non-ASCII echo is removed', msg: '> héllo 😀 wörld\nréponse', user: 'héllo 😀 wörld', expected: 'réponse' },
    { name: 'non-ASCII space is a rune (only six ASCII chars are WS)', msg: '> a\u00a0b\nreply', user: 'a b', expected: '> a\u00a0b\nreply' },
  ])('$name', ({ msg, user, type, expected }) => {
    expect(removeUserInput(msg, user, type ?? 'custom')).toBe(expected);
  });
});

describe('removeUserInput: echo-box extensions (§6.2 step 6)', () => {
  const roundBox = '╭────────╮\n│ > hi   │\n╰────────╯\nanswer';
  const squareBox = '┌────────┐\n│ hi     │\n└────────┘\nanswer';
  const opencodeEcho = '┃ hi\n┃\n┃ me 10:00\nanswer';
  it.each<Case>([
    { name: 'gemini skips a ╰…╯ line', type: 'gemini', msg: roundBox, user: 'hi', expected: 'answer' },
    { name: 'copilot skips a ╰…╯ line', type: 'copilot', msg: roundBox, user: 'hi', expected: 'answer' },
    { name: 'custom does not', type: 'custom', msg: roundBox, user: 'hi', expected: '╰────────╯\nanswer' },
    { name: 'gemini needs both ╰ and ╯', type: 'gemini', msg: '│ > hi │\n╰────────\nanswer', user: 'hi', expected: '╰────────\nanswer' },
    { name: 'gemini ignores a square box', type: 'gemini', msg: squareBox, user: 'hi', expected: '└────────┘\nanswer' },
    { name: 'cursor skips a └…┘ line', type: 'cursor', msg: squareBox, user: 'hi', expected: 'answer' },
    { name: 'cursor ignores a round box', type: 'cursor', msg: roundBox, user: 'hi', expected: '╰────────╯\nanswer' },
    { name: 'cursor at the last line stays', type: 'cursor', msg: '│ hi │', user: 'hi', expected: '' },
    { name: 'opencode skips two more lines', type: 'opencode', msg: opencodeEcho, user: 'hi', expected: 'answer' },
    { name: 'opencode needs two more lines to exist', type: 'opencode', msg: '┃ hi\n┃', user: 'hi', expected: '┃' },
  ])('$name', ({ msg, user, type, expected }) => {
    expect(removeUserInput(msg, user, type ?? 'custom')).toBe(expected);
  });
});

warnIfSharedFixturesAbsent('remove-user-input fixtures');
const RUI_DIR = path.join(SHARED_FIXTURES, 'msgfmt/remove-user-input');

describe.skipIf(!sharedFixturesPresent)('removeUserInput: shared fixtures (§6.7.3)', () => {
  it('has cases', () => {
    expect(subdirs(RUI_DIR).length).toBeGreaterThan(0);
  });
  it.each(subdirs(RUI_DIR))('%s', (name) => {
    const dir = path.join(RUI_DIR, name);
    const actual = removeUserInput(readText(path.join(dir, 'msg.txt')), readText(path.join(dir, 'user.txt')), 'custom');
    expect(actual).toBe(readText(path.join(dir, 'expected.txt')));
  });
});
