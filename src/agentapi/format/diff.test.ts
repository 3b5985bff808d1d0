// Tests for screenDiff: the §5.3.3 results, rule tables and the shared screen-diff fixtures.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { screenDiff } from './diff.js';
import { readText, SHARED_FIXTURES, sharedFixturesPresent, subdirs, warnIfSharedFixturesAbsent } from './testdata/cases.js';

describe('screenDiff: required results (§5.3.3)', () => {
  it.each([
    ['123456', '123456', ''],
    ['123456', '1234567', '1234567'],
    ['123', '123\n  \n \n \n42', '42'],
    ['123', '12342\n   \n \n \n', '12342'],
    ['123', '123\n  \n \n \n42\n   \n \n \n', '42'],
    ['89', '42', '42'],
  ])('diff(%j, %j) = %j', (before, after, expected) => {
    expect(screenDiff(before, after, 'custom')).toBe(expected);
  });
});

describe('screenDiff: rules', () => {
  it.each([
    { name: 'starts at the first line not on the old screen', before: 'a\nb', after: 'a\nx\nb', type: 'custom', expected: 'x\nb' },
    { name: 'old lines are a set, not a prefix', before: 'b\na', after: 'a\nb\nc', type: 'custom', expected: 'c' },
    { name: 'trims blank lines around the section', before: 'a', after: 'a\n \nx\n\ny\n\t', type: 'custom', expected: 'x\n\ny' },
    { name: 'unicode spaces are blank', before: 'a', after: 'a\n\u3000\nb\n\u00a0', type: 'custom', expected: 'b' },
    { name: 'an all-blank section is returned unchanged', before: 'a', after: 'a\n  \n ', type: 'custom', expected: '  \n ' },
    { name: 'nothing new gives ""', before: 'a\nb', after: 'b\na', type: 'custom', expected: '' },
    { name: 'an empty new screen is one blank line', before: 'a', after: '', type: 'custom', expected: '' },
    { name: 'trailing spaces inside the section stay', before: 'a', after: 'a\nx  \ny  ', type: 'custom', expected: 'x  \ny  ' },
    // opencode skips three header lines but applies the relative index to the full list (kept quirk).
    { name: 'opencode: header lines ignored, index relative', before: 'h1\nh2\nh3\nA\nB', after: 'h1x\nh2x\nh3x\nA\nB\nC', type: 'opencode', expected: 'h3x\nA\nB\nC' },
    { name: 'custom: same screens start at the header', before: 'h1\nh2\nh3\nA\nB', after: 'h1x\nh2x\nh3x\nA\nB\nC', type: 'custom', expected: 'h1x\nh2x\nh3x\nA\nB\nC' },
    { name: 'opencode: only header changed gives ""', before: 'a\nb\nc\nD', after: 'x\ny\nz\nD', type: 'opencode', expected: '' },
    { name: 'opencode: new line right after the header', before: 'a\nb\nc', after: 'a\nb\nc\nNEW', type: 'opencode', expected: 'a\nb\nc\nNEW' },
    { name: 'opencode: fewer than 3 lines starts at 0', before: 'a', after: 'a\nb', type: 'opencode', expected: 'b' },
  ] as const)('$name', ({ before, after, type, expected }) => {
    expect(screenDiff(before, after, type)).toBe(expected);
  });
});

warnIfSharedFixturesAbsent('screen-diff fixtures');
const DIFF_DIR = path.join(SHARED_FIXTURES, 'screen-diff');

describe.skipIf(!sharedFixturesPresent)('screenDiff: shared fixtures (§6.7.4)', () => {
  it('has cases', () => {
    expect(subdirs(DIFF_DIR).length).toBeGreaterThan(0);
  });
  it.each(subdirs(DIFF_DIR))('%s', (name) => {
    const dir = path.join(DIFF_DIR, name);
    const actual = screenDiff(readText(path.join(dir, 'before.txt')), readText(path.join(dir, 'after.txt')), 'custom');
    expect(actual).toBe(readText(path.join(dir, 'expected.txt')));
  });
});
