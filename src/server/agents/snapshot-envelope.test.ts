// The pure rules of the log-snapshot endpoint (server.md §5.1 steps 3, 6, 7):
// query checks, body decoding and the stored envelope, as tables. The HTTP
// order and storage are covered by test/server-agent-snapshot.test.ts.
import { describe, expect, it } from 'vitest';
import { AgentApiError } from './errors.js';
import { checkSnapshotQuery, decodeSnapshotBody, snapshotEnvelope } from './snapshot-envelope.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof AgentApiError) return err.code;
    throw err;
  }
};

describe('checkSnapshotQuery', () => {
  it.each([
    ['format=agentapi', undefined],
    ['', 'invalidQuery'],
    ['format=', 'invalidQuery'],
    ['format=agentapi&x=1', 'invalidQuery'],
    ['x=1', 'invalidQuery'],
    ['format=agentapi&format=agentapi', 'invalidQuery'],
    ['format=json', 'invalidFormat'],
    ['format=agentapi%20', 'invalidFormat'],
  ])('%j → %s', (query, code) => {
    expect(codeOf(() => checkSnapshotQuery(new URLSearchParams(query)))).toBe(code);
  });

  it('names every offending parameter in validations', () => {
    try {
      checkSnapshotQuery(new URLSearchParams('a=1&b=2'));
      expect.unreachable();
    } catch (err) {
      expect((err as AgentApiError).validations?.map((v) => v.field)).toEqual(['format', 'a', 'b']);
    }
  });
});

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const msg = { id: 1, content: 'c', role: 'agent', time: '2025-01-01T00:00:00Z' };

describe('decodeSnapshotBody', () => {
  it.each([
    ['{"messages":[]}', undefined],
    [JSON.stringify({ messages: [msg], other: 1 }), undefined],
    ['{}', 'missingMessages'],
    ['{"messages":null}', 'missingMessages'],
    ['', 'decodeFailed'],
    ['[]', 'decodeFailed'],
    ['null', 'decodeFailed'],
    ['"x"', 'decodeFailed'],
    ['{"messages":{}}', 'decodeFailed'],
    [JSON.stringify({ messages: [{ ...msg, id: -1 }] }), undefined],
    [JSON.stringify({ messages: [{ ...msg, id: 2 ** 60 }] }), 'decodeFailed'],
    [JSON.stringify({ messages: [{ ...msg, role: 'assistant' }] }), 'decodeFailed'],
    [JSON.stringify({ messages: [{ ...msg, time: '2025-01-01 00:00:00Z' }] }), 'decodeFailed'],
    [JSON.stringify({ messages: [{ ...msg, time: '2025-01-01T00:00:00.123456789+05:30' }] }), undefined],
  ])('%s → %s', (body, code) => {
    expect(codeOf(() => decodeSnapshotBody(bytes(body)))).toBe(code);
  });

  it('names the offending message field in the detail', () => {
    try {
      decodeSnapshotBody(bytes(JSON.stringify({ messages: [msg, { ...msg, content: 3 }] })));
      expect.unreachable();
    } catch (err) {
      expect((err as AgentApiError).detail).toMatch(/^messages\[1\]\.content: /);
    }
  });
});

describe('snapshotEnvelope', () => {
  it('keeps exactly id, content, role and time, in that order', () => {
    const envelope = snapshotEnvelope([{ time: msg.time, role: 'user', extra: 1, content: 'x', id: 7 } as never]);
    expect(JSON.stringify(envelope)).toBe('{"format":"agentapi","data":{"messages":[{"id":7,"content":"x","role":"user","time":"2025-01-01T00:00:00Z"}]}}');
  });
});
