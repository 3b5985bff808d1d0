// Tests for isReady: each agent type with its own box (§6.5), plus the shared fixtures (§6.7.2).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAgentType, type AgentType } from './agent-type.js';
import { isReady } from './readiness.js';
import { readText, SHARED_FIXTURES, sharedFixturesPresent, subdirs, textFiles, warnIfSharedFixturesAbsent } from './testdata/cases.js';

const H = '─'.repeat(30);
const GENERIC_BOX = `Welcome!\n\n${H}\n> \n${H}\n  ? for shortcuts\n\n\n`;
const SLIM_BOX = `Welcome!\n${'╌'.repeat(30)}\n❯ \n${'╌'.repeat(30)}\n`;
const CODEX_BOX = '\n>_ OpenAI Codex\n\n› Ask Codex to do anything\n\n  100% context left\n\n';
const OPENCODE_BOX = `opencode\n\n  ┃\n  ┃\n  ┃\n  ┃  Build  Model\n  ╹${'▀'.repeat(40)}\n   tab switch agent\n`;
const AMP_BOX = `Welcome to Amp\n╭${H}╮\n│ │\n╰${H}╯\n  ~/repo\n`;
const LOADING = '\n  Loading…\n\n';

describe('isReady (§6.5)', () => {
  it.each<[AgentType, string, boolean]>([
    ['claude', GENERIC_BOX, true],
    ['claude', SLIM_BOX, true],
    ['claude', LOADING, false],
    ['goose', GENERIC_BOX, true],
    ['goose', LOADING, false],
    ['aider', GENERIC_BOX, true],
    ['aider', LOADING, false],
    ['gemini', GENERIC_BOX, true],
    ['gemini', LOADING, false],
    ['copilot', GENERIC_BOX, true],
    ['copilot', LOADING, false],
    ['cursor', SLIM_BOX, true],
    ['cursor', LOADING, false],
    ['auggie', GENERIC_BOX, true],
    ['auggie', LOADING, false],
    ['amazonq', GENERIC_BOX, true],
    ['amazonq', LOADING, false],
    ['custom', GENERIC_BOX, true],
    ['custom', LOADING, false],
    ['codex', CODEX_BOX, true],
    ['codex', GENERIC_BOX, false], // codex uses its own rule
    ['codex', LOADING, false],
    ['opencode', OPENCODE_BOX, true],
    ['opencode', GENERIC_BOX, false],
    ['opencode', LOADING, false],
    ['amp', AMP_BOX, true],
    ['amp', GENERIC_BOX, false],
    ['amp', LOADING, false],
    // amp's welcome-screen substitution makes a blank screen look changed (upstream behaviour).
    ['amp', '\n   \n', true],
    ['claude', '\n   \n', false],
  ])('%s: %j → %s', (type, screen, expected) => {
    expect(isReady(type, screen)).toBe(expected);
  });

  it('trims empty lines before looking for the box (trailing screen rows do not hide it)', () => {
    expect(isReady('codex', `${CODEX_BOX}${'\n'.repeat(50)}`)).toBe(true);
  });
});

warnIfSharedFixturesAbsent('initialization fixtures');
const INIT_DIR = path.join(SHARED_FIXTURES, 'msgfmt/initialization');

describe.skipIf(!sharedFixturesPresent)('isReady: shared fixtures (§6.7.2)', () => {
  it('has agent types', () => {
    expect(subdirs(INIT_DIR).length).toBeGreaterThan(0);
  });
  describe.each(subdirs(INIT_DIR))('%s', (typeDir) => {
    const type = parseAgentType(typeDir);
    it.each([
      ['ready', true],
      ['not_ready', false],
    ] as const)('%s/*.txt → %s', (sub, expected) => {
      const files = textFiles(path.join(INIT_DIR, typeDir, sub));
      expect(files.length, `${typeDir}/${sub} must not be empty`).toBeGreaterThan(0);
      for (const file of files) expect(isReady(type, readText(file)), file).toBe(expected);
    });
  });
});
