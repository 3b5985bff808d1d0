import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, StateLoadError, type SavedState } from './state-file.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ownGolden = readFileSync(path.join(here, 'testdata/golden-state.json'), 'utf8');
const upstreamGolden = path.resolve(here, '../../../../shared/fixtures/agentapi/expected_saved_state.json');
if (!existsSync(upstreamGolden)) console.warn(`note: ${upstreamGolden} absent; upstream golden comparison skipped`);

const ownState: SavedState = {
  messages: [
    { id: 0, role: 'agent', text: 'Welcome <back> & hi', time: '2025-03-04T05:06:07.25Z' },
    { id: 1, role: 'user', text: 'line one\nline two\ttab "quoted"', time: '2025-03-04T05:06:08Z' },
    { id: 2, role: 'agent', text: 'unicode ✓ 漢字 \u2028sep', time: '2025-03-04T05:06:09.125Z' },
  ],
  initialPrompt: 'line one\nline two\ttab "quoted"',
  initialPromptSent: true,
};

describe('state file encoding', () => {
  it('writes one line in the fixed key order with Go escaping', () => {
    expect(encodeState(ownState)).toBe(ownGolden);
  });

  it('round-trips: decode(encode(x)) === x, time strings verbatim', () => {
    expect(decodeState(encodeState(ownState))).toEqual(ownState);
  });

  it.skipIf(!existsSync(upstreamGolden))('re-encodes the upstream golden file byte for byte', () => {
    const bytes = readFileSync(upstreamGolden, 'utf8');
    expect(encodeState(decodeState(bytes))).toBe(bytes.endsWith('\n') ? bytes : `${bytes}\n`);
  });
});

describe('state file decoding failures', () => {
  it.each([
    ['empty file', '', 'invalid_json', /^failed to unmarshal state \(corrupted or invalid JSON\): /],
    ['truncated JSON', '{', 'invalid_json', /^failed to unmarshal state \(corrupted or invalid JSON\): /],
    ['wrong field type', '{"version":1,"messages":"nope"}', 'invalid_json', /^failed to unmarshal state .*messages/],
    ['bad role', '{"version":1,"messages":[{"id":0,"message":"x","role":"robot","time":"t"}]}', 'invalid_json', /role/],
    ['version 2', '{"version":2,"messages":[]}', 'unsupported_version', /^unsupported state file version 2 \(expected 1\)$/],
    ['no version', '{"messages":[]}', 'unsupported_version', /^unsupported state file version 0 \(expected 1\)$/],
  ])('%s', (_name, text, code, message) => {
    let error: unknown;
    try {
      decodeState(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StateLoadError);
    expect((error as StateLoadError).code).toBe(code);
    expect((error as StateLoadError).message).toMatch(message);
  });

  it('treats null or missing messages as an empty history', () => {
    expect(decodeState('{"version":1,"messages":null}').messages).toEqual([]);
    expect(decodeState('{"version":1}')).toEqual({ messages: [], initialPrompt: '', initialPromptSent: false });
  });
});
