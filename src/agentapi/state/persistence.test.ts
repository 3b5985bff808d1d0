import { describe, expect, it } from 'vitest';
import { reconcileInitialPrompt } from './persistence.js';
import type { SavedState } from './state-file.js';

const saved = (initialPrompt: string, initialPromptSent: boolean): SavedState => ({
  messages: [],
  initialPrompt,
  initialPromptSent,
});

describe('reconcileInitialPrompt (§7.7)', () => {
  it.each([
    ['same prompt, sent: no resend', 'fix the bug', saved('fix the bug', true), { text: 'fix the bug', sent: true }],
    ['same prompt, unsent: still to send', 'fix the bug', saved('fix the bug', false), { text: 'fix the bug', sent: false }],
    ['different prompt: sent again', 'write docs', saved('fix the bug', true), { text: 'write docs', sent: false }],
    ['no prompt: adopt the saved one as sent', '', saved('fix the bug', true), { text: 'fix the bug', sent: true }],
    ['no prompt: adopt an unsent saved one', '', saved('fix the bug', false), { text: 'fix the bug', sent: false }],
    ['no prompt anywhere', '', saved('', false), { text: '', sent: false }],
    ['prompt, none saved', 'start', saved('', false), { text: 'start', sent: false }],
  ])('%s', (_name, configured, file, expected) => {
    expect(reconcileInitialPrompt(configured, file)).toEqual(expected);
  });
});
