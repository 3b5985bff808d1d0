// Table of §10.3 cleaning cases, including the exact bytes agentapi writes (§5.7.1).
import { describe, expect, it } from 'vitest';
import { cleanInput } from './clean-input.js';

describe('cleanInput', () => {
  it.each([
    ['agentapi message parts', 'x\b\x1b[200~hello\x1b[201~', 'hello'],
    ['agentapi parts with a carriage return left over', 'x\b\x1b[200~hello\x1b[201~\r', 'hello'],
    ['multi-word text keeps inner spaces', 'x\b\x1b[200~This is a test message.\x1b[201~', 'This is a test message.'],
    ['plain text', 'hello agent', 'hello agent'],
    ['colour codes', '\x1b[1;31mred\x1b[0m text', 'red text'],
    ['OSC window title ended by BEL', '\x1b]0;title\x07hi', 'hi'],
    ['8-bit CSI', '\u009b2Jhi', 'hi'],
    ['other bracketed-paste-like markers', '\x1b[2004~a\x1b[1~b', 'ab'],
    ['character followed by backspace', 'abc\bd', 'abd'],
    ['pairs are removed left to right, leftover backspace dropped', 'helo\b\blo', 'hello'],
    ['backspace after a wide character', '日本\b語', '日語'],
    ['backspace after an astral character', 'a😀\bb', 'ab'],
    ['backspace after a carriage return', 'a\r\bb', 'ab'],
    ['leading backspace', '\bhi', 'hi'],
    ['DEL is removed on its own', 'ab\x7fc', 'abc'],
    ['lone ESC is removed', 'a\x1bb', 'ab'],
    ['unicode spaces are trimmed', '\u00a0 hi \u3000', 'hi'],
    ['only whitespace', ' \t \r', ''],
    ['only control bytes', 'x\b\x1b[200~\x1b[201~', ''],
    ['empty line', '', ''],
  ])('%s', (_name, input, expected) => {
    expect(cleanInput(input)).toBe(expected);
  });
});
