// Tests for input-box removal: borders (§6.3) and each box rule (§6.4) as tables.
import { describe, expect, it } from 'vitest';
import { AGENT_TYPES, type AgentType } from './agent-type.js';
import {
  hasHorizontalBorder,
  removeAmpBox,
  removeCodexBox,
  removeGenericBox,
  removeInputBox,
  removeOpencodeBox,
} from './input-box.js';

const H = (n: number): string => '─'.repeat(n);
const D = (n: number): string => '╌'.repeat(n);

describe('hasHorizontalBorder (§6.3)', () => {
  it.each([
    [H(15), true],
    [`  ${H(40)}  `, true],
    [H(14), false],
    [D(15), true],
    [D(14), false],
    [`${H(8)}${D(8)}`, false], // mixed runs do not add up
    [`${H(7)} ${H(8)}`, false],
    ['━'.repeat(20), false], // heavy line is not a border
    ['-'.repeat(20), false],
  ])('%j → %s', (line, expected) => {
    expect(hasHorizontalBorder(line)).toBe(expected);
  });
});

describe('removeGenericBox (§6.4)', () => {
  it.each([
    { name: '> prompt under a ─ border: cut at the border', msg: `reply\n${H(20)}\n> \n${H(20)}`, expected: 'reply' },
    { name: '> prompt under a ╌ border', msg: `reply\n${D(20)}\n> \n${D(20)}\nfooter`, expected: 'reply' },
    { name: '> prompt without border: cut at the prompt', msg: 'reply\n\n( O)> Press Enter to send', expected: 'reply\n' },
    { name: 'border of 14 is not a border', msg: `reply\n${H(14)}\n> `, expected: `reply\n${H(14)}` },
    { name: 'the bottom-most > wins', msg: 'reply\n> a\nmid\n> b', expected: 'reply\n> a\nmid' },
    { name: '> at line 0 has no line above', msg: '> \nx', expected: '' },
    { name: '> exactly 6 lines from the bottom is found', msg: 'reply\n> \n1\n2\n3\n4\n5', expected: 'reply' },
    { name: '> 7 lines from the bottom is not', msg: 'reply\n> \n1\n2\n3\n4\n5\n6', expected: 'reply\n> \n1\n2\n3\n4\n5\n6' },
    { name: 'slim box with │', msg: `reply\n${H(20)}\n│ type here\n${H(20)}\nfooter`, expected: 'reply' },
    { name: 'slim box with |', msg: `reply\n${H(20)}\n| type here\n${H(20)}`, expected: 'reply' },
    { name: 'slim box with ❯ and ╌ borders', msg: `reply\n${D(20)}\n❯ \n${D(20)}\n  ⏵⏵ accept edits on`, expected: 'reply' },
    { name: 'slim box with mixed border styles', msg: `reply\n${H(20)}\n❯ \n${D(20)}`, expected: 'reply' },
    { name: 'slim box needs a prompt marker', msg: `reply\n${H(20)}\n  text\n${H(20)}`, expected: `reply\n${H(20)}\n  text\n${H(20)}` },
    { name: 'slim box needs both borders', msg: `reply\n${H(20)}\n│ x\nnot a border`, expected: `reply\n${H(20)}\n│ x\nnot a border` },
    { name: 'slim box starting 9 lines from the bottom is found', msg: `reply\n${H(20)}\n│\n${H(20)}\n1\n2\n3\n4\n5\n6`, expected: 'reply' },
    { name: 'slim box starting 10 lines from the bottom is not', msg: `reply\n${H(20)}\n│\n${H(20)}\n1\n2\n3\n4\n5\n6\n7`, expected: `reply\n${H(20)}\n│\n${H(20)}\n1\n2\n3\n4\n5\n6\n7` },
    { name: 'the > rule wins over the slim box', msg: `a\n${H(20)}\n│\n${H(20)}\nb\n>`, expected: `a\n${H(20)}\n│\n${H(20)}\nb` },
    { name: 'no box: unchanged', msg: 'just text\n  with spaces  ', expected: 'just text\n  with spaces  ' },
  ])('$name', ({ msg, expected }) => {
    expect(removeGenericBox(msg)).toBe(expected);
  });
});

describe('removeCodexBox (§6.4)', () => {
  it.each([
    { name: 'drops the › line and the one below, keeps the footer', msg: 'reply\n› Ask Codex\n\nfooter', expected: 'reply\nfooter' },
    { name: 'exactly three lines', msg: '› x\n\nfooter', expected: 'footer' },
    { name: '› must be third from last', msg: 'reply\n› x\nfooter', expected: 'reply\n› x\nfooter' },
    { name: 'fewer than three lines: unchanged', msg: '›\nx', expected: '›\nx' },
    { name: '> is not ›', msg: 'reply\n> x\n\nfooter', expected: 'reply\n> x\n\nfooter' },
  ])('$name', ({ msg, expected }) => {
    expect(removeCodexBox(msg)).toBe(expected);
  });
});

describe('removeOpencodeBox (§6.4)', () => {
  const bottom = `  ╹${'▀'.repeat(30)}`;
  it.each([
    { name: 'drops four lines above the bottom edge and below', msg: `reply\n\n┃\n┃\n┃\n┃ Build\n${bottom}\n   tab switch`, expected: 'reply\n' },
    { name: 'bottom edge at index 4 keeps nothing', msg: `┃\n┃\n┃\n┃ Build\n${bottom}`, expected: '' },
    { name: 'bottom edge at index 3 is not scanned', msg: `┃\n┃\n┃ Build\n${bottom}`, expected: `┃\n┃\n┃ Build\n${bottom}` },
    { name: '16 ▀ are not enough', msg: `a\nb\nc\nd\ne\n╹${'▀'.repeat(16)}`, expected: `a\nb\nc\nd\ne\n╹${'▀'.repeat(16)}` },
    { name: 'the edge must start the trimmed line', msg: `a\nb\nc\nd\ne\nx╹${'▀'.repeat(20)}`, expected: `a\nb\nc\nd\ne\nx╹${'▀'.repeat(20)}` },
    { name: 'the bottom-most edge wins', msg: `0\n1\n2\n3\n${bottom}\n5\n6\n7\n8\n${bottom}`, expected: `0\n1\n2\n3\n${bottom}` },
  ])('$name', ({ msg, expected }) => {
    expect(removeOpencodeBox(msg)).toBe(expected);
  });
});

describe('removeAmpBox (§6.4)', () => {
  const box = `╭${H(20)}╮\n│ type │\n╰${H(20)}╯`;
  it.each([
    { name: 'keeps the lines above the box', msg: `reply\n\n${box}\n  ~/repo`, expected: 'reply\n' },
    { name: 'only a box is the welcome screen', msg: box, expected: 'Welcome to Amp' },
    { name: 'a blank line above the box still leaves ""', msg: `\n${box}`, expected: 'Welcome to Amp' },
    { name: 'spaces above the box are not ""', msg: `   \n${box}`, expected: '   ' },
    { name: 'indented box lines are trimmed', msg: `reply\n  ${box.split('\n').join('\n  ')}  `, expected: 'reply' },
    { name: 'a top without a bottom below is not a box', msg: `reply\n╭${H(20)}╮\n│ x │`, expected: `reply\n╭${H(20)}╮\n│ x │` },
    { name: 'a bottom without a top: unchanged', msg: `reply\n╰${H(20)}╯`, expected: `reply\n╰${H(20)}╯` },
    { name: 'the box closest to the bottom wins', msg: `a\n${box}\nb\n${box}`, expected: `a\n${box}\nb` },
    { name: 'a bottom edge must end with ╯', msg: `reply\n╭${H(5)}╮\n╰${H(5)}╯ x`, expected: `reply\n╭${H(5)}╮\n╰${H(5)}╯ x` },
    { name: 'empty message is the welcome screen', msg: '', expected: 'Welcome to Amp' },
  ])('$name', ({ msg, expected }) => {
    expect(removeAmpBox(msg)).toBe(expected);
  });
});

describe('removeInputBox: rule per agent type (§6.1 table)', () => {
  const special: Partial<Record<AgentType, (msg: string) => string>> = {
    codex: removeCodexBox,
    opencode: removeOpencodeBox,
    amp: removeAmpBox,
  };
  const samples = [
    `reply\n${H(20)}\n> \n${H(20)}`,
    'reply\n› x\n\nfooter',
    `reply\n\n┃\n┃\n┃\n┃\n╹${'▀'.repeat(20)}`,
    `reply\n╭${H(20)}╮\n╰${H(20)}╯`,
  ];
  it.each(AGENT_TYPES.map((t) => [t]))('%s', (type) => {
    const expectedRule = special[type] ?? removeGenericBox;
    for (const msg of samples) expect(removeInputBox(type, msg)).toBe(expectedRule(msg));
  });
});
